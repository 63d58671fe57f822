"""What Chinese users read: every message names the shipped records (rules,
classes, stages ...) in the reader's language, whatever language filled a cache
first."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CrmExtensionCase


def load_chinese(env):
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        ["crm_extension"], ["zh_CN"], overwrite=True
    )


@tagged("post_install", "-at_install")
class TestChineseMessages(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        (cls.salesman_2 | cls.complaint_officer).lang = "zh_CN"

    def _as(self, user):
        return self.env["res.partner"].with_user(user).with_context(lang=user.lang)

    def test_block_message_names_the_rule_in_chinese(self):
        # An English user fills the rules' cache first ...
        self.env["res.partner"].with_user(self.salesman).with_context(
            lang="en_US"
        ).create({"name": "Cache Warmer Trading", "is_company": True})
        # ... a Chinese salesperson reads the rule's Chinese name all the same.
        with self.assertRaises(ValidationError) as caught:
            self._as(self.salesman_2).create(
                {"name": "HANGZHOU WEST LAKE TRADING LTD", "is_company": True}
            )
        message = str(caught.exception)
        self.assertIn("该客户已经登记", message)
        self.assertIn("相同公司名称", message)
        self.assertNotIn("Same company name", message)
        self.assertNotIn("already registered", message)

    def test_complaint_officer_reads_chinese(self):
        pooled = self.env["res.partner"].create(
            {"name": "Pooled Tea House", "is_company": True, "in_pool": True}
        )
        with self.assertRaises(UserError) as caught:
            pooled.with_user(self.complaint_officer).with_context(
                lang="zh_CN"
            ).action_claim_customer()
        self.assertEqual(str(caught.exception), "只有销售员可以认领客户。")

    def test_stage_gate_names_the_stage_in_chinese(self):
        near_close = self.env.ref("crm_extension.crm_stage_near_close")
        lead = self.opportunity.with_user(self.salesman_2).with_context(lang="zh_CN")
        self.opportunity.user_id = self.salesman_2
        with self.assertRaises(ValidationError) as caught:
            lead.stage_id = near_close
        self.assertIn("即将成交", str(caught.exception))
        self.assertNotIn("Near Close", str(caught.exception))


@tagged("post_install", "-at_install")
class TestChinesePortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        customer = cls.env["res.partner"].create(
            {"name": "上海茶叶有限公司", "is_company": True}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_zh",
            name="王芳",
            groups="base.group_portal",
            password="portal_zh_pw",
            lang="zh_CN",
        )
        cls.portal_user.partner_id.parent_id = customer
        cls.env["crm.complaint"].create(
            {
                "subject": "茶叶受潮",
                "partner_id": cls.portal_user.partner_id.id,
                "stage_id": cls.env.ref("crm_extension.complaint_stage_waiting").id,
            }
        )

    def test_portal_customer_reads_chinese(self):
        self.authenticate("portal_zh", "portal_zh_pw")
        listing = self.url_open("/my/complaints")
        self.assertIn("茶叶受潮", listing.text)
        self.assertIn("等待客户", listing.text)  # the stage, in Chinese
        page = self.url_open("/my/complaints/new")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        refused = self.url_open(
            "/my/complaints/new", data={"csrf_token": token, "subject": " "}
        )
        self.assertIn("请简要说明出了什么问题。", refused.text)
