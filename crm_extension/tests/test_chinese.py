"""What Chinese users read: every message names the shipped records (rules,
classes, stages ...) in the reader's language, whatever language filled a cache
first; what the addon writes for someone (activities, the notes of its jobs) is
in that reader's language, and so are the values tracked in the chatter."""

import json
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .. import compat
from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase, frozen_time, run_migration


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

    def test_an_import_of_a_customer_twice_is_told_in_chinese(self):
        """A Chinese salesperson imports a file holding one customer twice: the
        later row is told, in Chinese, to be the file's own twin."""
        result = self._as(self.salesman_2).load(
            ["name", "is_company"],
            [["宁波海天贸易有限公司", "1"], ["宁波海天贸易有限責任公司", "1"]],
        )
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("该客户在文件中出现了多次", errors[0]["message"])
        self.assertIn("也在文件的另一行中", errors[0]["message"])
        self.assertNotIn("another row", errors[0]["message"])

    def test_an_import_blames_each_row_for_its_own_missing_fields(self):
        """Two customers of classes requiring fields, each missing its own:
        each row is told, in Chinese, of its own gaps only, once."""
        result = self._as(self.salesman_2).load(
            ["name", "customer_class_id"],
            [
                ["测试导入客户甲", "个人零售 / VIP"],
                ["测试导入客户乙", "合作伙伴 / 合作商"],
            ],
        )
        self.assertIs(result["ids"], False)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(
            [(error["rows"]["from"], error["rows"]["to"]) for error in errors],
            [(0, 0), (1, 1)],
            errors,
        )
        first, second = (error["message"] for error in errors)
        # (The fields by Odoo's own names for them.)
        label = {
            fname: field._description_string(self._as(self.salesman_2).env)
            for fname, field in self.env["res.partner"]._fields.items()
            if fname in ("email", "phone", "vat")
        }
        self.assertEqual(
            first,
            "客户类别要求填写更多信息。\n"
            f"测试导入客户甲（个人零售 / VIP）缺少：{label['email']}、{label['phone']}",
        )
        self.assertEqual(
            second,
            "客户类别要求填写更多信息。\n"
            f"测试导入客户乙（合作伙伴 / 合作商）缺少：{label['vat']}",
        )
        self.assertFalse(
            self.env["res.partner"].search([("name", "like", "测试导入客户")])
        )

    def test_a_company_in_a_buying_committee_is_refused_in_chinese(self):
        lead = self.other_opportunity.with_user(self.salesman_2).with_context(
            lang="zh_CN"
        )
        with self.assertRaises(ValidationError) as caught:
            lead.write(
                {
                    "contact_role_ids": [
                        Command.create(
                            {
                                "partner_id": self.other_customer.id,
                                "role_id": self.role_dm.id,
                            }
                        )
                    ]
                }
            )
        self.assertEqual(
            str(caught.exception),
            f"“{self.other_customer.name}”是公司，不能加入“{lead.name}”的采购决策"
            "小组：请改为添加该公司的联系人。",
        )

    def test_complaint_officer_reads_chinese(self):
        pooled = self.env["res.partner"].create(
            {"name": "Pooled Tea House", "is_company": True, "in_pool": True}
        )
        with self.assertRaises(UserError) as caught:
            pooled.with_user(self.complaint_officer).with_context(
                lang="zh_CN"
            ).action_claim_customer()
        self.assertEqual(str(caught.exception), "只有销售人员可以领取客户。")

    def test_complaint_refusals_in_chinese(self):
        """A category made its own ancestor, a reference corrected by an
        officer, a portal user as handler: told in Chinese, in the addon's
        words (not Odoo's generic "Recursion Detected."), naming the role."""
        Category = (
            self.env["crm.complaint.category"]
            .with_user(self.complaint_manager)
            .with_context(lang="zh_CN")
        )
        parent = Category.create({"name": "物流"})
        child = Category.create({"name": "送货延迟", "parent_id": parent.id})
        with self.assertRaises(ValidationError) as caught:
            parent.parent_id = child
        self.assertEqual(str(caught.exception), "投诉类别不能以自身为上级类别。")
        Complaint = (
            self.env["crm.complaint"]
            .with_user(self.complaint_officer)
            .with_context(lang="zh_CN")
        )
        complaint = Complaint.create({"subject": "茶壶盖破损"})
        with self.assertRaises(AccessError) as caught:
            complaint.name = "CMP/2026/99999"
        self.assertEqual(
            str(caught.exception), "只有投诉经理可以修改客户投诉的以下字段：编号。"
        )
        with self.assertRaises(UserError) as caught:
            Complaint.create({"subject": "茶杯破损", "user_id": self.portal_user.id})
        self.assertEqual(
            str(caught.exception),
            "只有内部用户才能处理投诉，Pete Portal 不是内部用户。",
        )

    def test_the_rating_wizard_refuses_in_chinese(self):
        wizard = (
            self.env["crm.credit.rating"]
            .with_user(self.complaint_officer)
            .with_context(lang="zh_CN")
            .create({"partner_id": self.customer.id, "credit_rating": "a"})
        )
        with self.assertRaises(AccessError) as caught:
            wizard.action_set_credit_rating()
        self.assertIn("只有会计或销售管理员可以修改", str(caught.exception))
        self.assertIn("信用等级", str(caught.exception))

    def test_a_guarded_field_names_the_model_in_chinese(self):
        """A field only the system or an administrator sets: the refusal names
        the model as Odoo's own access errors do, in the reader's language."""
        with self.assertRaises(AccessError) as caught:
            self.env["crm.duplicate.exception"].with_user(self.salesman_2).with_context(
                lang="zh_CN"
            ).create(
                {
                    "name": "杭州西湖茶业有限公司",
                    "reason": "分公司",
                    "state": "approved",
                }
            )
        self.assertIn("查重例外的以下字段", str(caught.exception))
        self.assertNotIn("Exception to a Duplicate Rule", str(caught.exception))

    def test_stage_gate_names_the_stage_in_chinese(self):
        near_close = self.env.ref("crm_extension.crm_stage_near_close")
        lead = self.opportunity.with_user(self.salesman_2).with_context(lang="zh_CN")
        self.opportunity.user_id = self.salesman_2
        with self.assertRaises(ValidationError) as caught:
            lead.stage_id = near_close
        self.assertIn("即将成交", str(caught.exception))
        self.assertNotIn("Near Close", str(caught.exception))

    def test_threshold_refusals_list_the_values_the_chinese_way(self):
        """The values a refusal of the RFM thresholds quotes are listed with
        the reader's separator (、), as the rest of the sentence."""
        admin = new_test_user(
            self.env,
            login="ext_settings_admin_zh",
            groups="base.group_system",
            lang="zh_CN",
        )
        Settings = (
            self.env["res.config.settings"].with_user(admin).with_context(lang="zh_CN")
        )
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Settings.create({"crm_rfm_recency_5_days": 400}).execute()
        self.assertEqual(
            str(caught.exception),
            "最近度阈值必须从5分到2分递增（例如30、90、180、365天），"
            "而不是400、90、180、365。",
        )
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Settings.create({"crm_rfm_monetary_2_revenue": -5}).execute()
        currency = self.env.company.currency_id.with_context(lang="zh_CN")
        amounts = [currency.format(amount) for amount in (-5, 5000, 20000, 50000)]
        self.assertEqual(
            str(caught.exception), f"金额阈值不能为负数：{'、'.join(amounts)}。"
        )

    def test_a_gate_bypass_is_noted_in_chinese(self):
        """A Chinese sales administrator bypasses Near Close's gates: the note
        lists each failed gate on its own line, without "。；"."""
        near_close = self.env.ref("crm_extension.crm_stage_near_close")
        near_close.allow_gate_bypass = True
        manager = new_test_user(
            self.env,
            login="ext_sales_manager_zh",
            name="王经理",
            groups="sales_team.group_sale_manager",
            lang="zh_CN",
        )
        lead = self.env["crm.lead"].create(
            {"name": "华兴 门店系统", "type": "opportunity", "user_id": manager.id}
        )
        lead.with_user(manager).with_context(lang="zh_CN").stage_id = near_close
        self.assertEqual(lead.stage_id, near_close)
        gates = near_close.gate_ids.with_context(lang="zh_CN")
        self.assertEqual(
            lead.with_user(manager).message_ids[0].body,
            "<p>已移至“即将成交”阶段，但未通过以下关卡：</p><ul>"
            + "".join(f"<li>{gate.message}</li>" for gate in gates)
            + "</ul>",
        )
        self.assertEqual(len(gates), 2)
        self.assertNotIn("；", lead.message_ids[0].body)

    def test_an_order_not_winning_is_noted_in_the_salespersons_language(self):
        """An English colleague confirms the order of a Chinese salesperson's
        opportunity that the won stage's gates refuse: the note is Chinese
        throughout, the gates one per line."""
        won = self.env.ref("crm.stage_lead4")
        gate = self.env["crm.stage.gate"].create(
            {
                "stage_id": won.id,
                "message": "A won deal needs a <signed> contract note.",
                "domain": "[('description', '!=', False)]",
            }
        )
        gate.update_field_translations(
            "message", {"zh_CN": "赢单需要<已签署>合同的备注。"}
        )
        product = self.env["product.product"].create(
            {"name": "Tea set", "list_price": 100}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "天府商贸 春熙路新店专柜",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman_2.id,
            }
        )
        order = (
            self.env["sale.order"]
            .with_user(self.salesman_all)
            .with_context(lang="en_US")
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": lead.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(lead.stage_id.is_won)
        body = lead.message_ids[0].body
        self.assertIn("此商机的订单已确认，但商机未能赢单", body)
        self.assertIn("<li>赢单需要&lt;已签署&gt;合同的备注。</li>", body)
        self.assertNotIn("signed", body)
        self.assertNotIn("cannot enter", body)

    def test_a_credit_note_from_a_complaint_in_chinese(self):
        """A Chinese accountant issues a credit note from the complaint about
        an English customer's invoice: the complaint's note is Chinese, in
        the addon's words and Odoo's term for a credit note, without the
        reference Odoo writes for the customer; the reason reads in the
        reference's language."""
        self.accountant.lang = "zh_CN"
        self.customer.lang = "en_US"
        product = self.env["product.product"].create(
            {"name": "Tea set", "list_price": 100}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-03-01",
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "price_unit": 100})
                ],
            }
        )
        invoice.action_post()
        complaint = self.env["crm.complaint"].create(
            {
                "subject": "Broken lid",
                "partner_id": self.customer.id,
                "invoice_id": invoice.id,
            }
        )
        accountant = complaint.with_user(self.accountant).with_context(lang="zh_CN")
        action = accountant.action_issue_credit_note()
        self.assertEqual(action["name"], f"{complaint.name} 的退款通知")
        reason = {
            "zh_CN": f"投诉 {complaint.name}：Broken lid",
            "en_US": f"Complaint {complaint.name}: Broken lid",
        }[compat.reversal_lang(accountant.invoice_id)]
        self.assertEqual(action["context"]["default_reason"], reason)
        self.env["account.move.reversal"].with_user(self.accountant).with_context(
            **action["context"], lang="zh_CN"
        ).create({"journal_id": invoice.journal_id.id}).refund_moves()
        note = complaint.message_ids[0].body
        self.assertIn("已为此投诉创建退款通知草稿：过账前不退任何款项。", note)
        self.assertNotIn("Reversal of", note)
        self.assertNotIn("退款草稿", note)
        self.assertNotIn("Broken lid", note)
        # The credit notes cannot credit more than the invoice: said in Chinese.
        credit_note = complaint.sudo().credit_note_ids.with_user(self.accountant)
        credit_note.with_context(lang="zh_CN").action_post()
        posted = complaint.message_ids[0].body
        self.assertIn("退款通知 <a ", posted)
        self.assertIn(f"{credit_note.name}</a> 已过账：为此投诉退款 ", posted)
        with self.assertRaises(UserError) as caught:
            accountant.action_issue_credit_note()
        self.assertIn(f"发票 {invoice.name} 已无可退金额", str(caught.exception))


@tagged("post_install", "-at_install")
class TestChineseNames(CrmExtensionCase):
    """The records the addon ships and the names made of them, in the
    reader's language whoever saved them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        (cls.salesman_2 | cls.complaint_officer).lang = "zh_CN"

    def test_complaint_category_in_chinese(self):
        delivery = self.env.ref("crm_extension.complaint_category_delivery")
        delivery_zh = delivery.with_context(lang="zh_CN").name
        self.assertNotEqual(delivery_zh, "Delivery")
        # Saved by an English complaint manager, then translated.
        late = (
            self.env["crm.complaint.category"]
            .with_context(lang="en_US")
            .create({"name": "Late", "parent_id": delivery.id})
        )
        late.update_field_translations("name", {"zh_CN": "迟到"})
        officer = self.complaint_officer
        self.assertEqual(
            late.with_user(officer).with_context(lang="zh_CN").display_name,
            f"{delivery_zh} / 迟到",
        )
        self.assertEqual(
            late.with_context(lang="en_US").display_name, "Delivery / Late"
        )
        # The analysis groups complaints by it, in the reader's language.
        complaint = self.env["crm.complaint"].create(
            {"subject": "Late again", "partner_id": self.customer.id}
        )
        complaint.category_id = late
        groups = compat.web_read_group(
            self.env["crm.complaint"].with_user(officer).with_context(lang="zh_CN"),
            [("id", "=", complaint.id)],
            ["category_id"],
        )["groups"]
        self.assertEqual(groups[0]["category_id"][1], f"{delivery_zh} / 迟到")

    def test_sources_in_chinese(self):
        referral = self.env.ref("crm_extension.utm_source_referral")
        Source = self.env["utm.source"].with_user(self.salesman_2)
        chinese = referral.with_env(Source.env).with_context(lang="zh_CN")
        self.assertEqual(chinese.display_name, "转介绍")
        self.assertEqual(referral.with_context(lang="en_US").display_name, "Referral")
        # The identifier stays as it was, and both names find the source.
        self.assertEqual(chinese.name, "Referral")
        for typed in ("转介绍", "Referral"):
            found = Source.with_context(lang="zh_CN").name_search(typed)
            self.assertIn(referral.id, [source_id for source_id, _name in found])

    def test_a_merge_trail_names_the_fields_in_chinese(self):
        """A Chinese sales administrator reads what a merge moved: the field
        each document pointed at the merged customer with is named in
        Chinese, as the document's type is."""
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        kept, merged = legacy.create(
            [
                {"name": "苏州测试兰花贸易有限公司", "is_company": True},
                {"name": "苏州测试兰花贸易有限公司", "is_company": True},
            ]
        )
        self.env["crm.complaint"].create(
            {"partner_id": merged.id, "subject": "Late delivery"}
        )
        self.sales_manager.lang = "zh_CN"
        admin = self.env(user=self.sales_manager, context={"lang": "zh_CN"})
        wizard = Form(
            admin["crm.partner.merge.wizard"].with_context(
                active_model="res.partner", active_ids=(kept | merged).ids
            )
        ).save()
        wizard.action_merge()
        merge = admin["crm.partner.merge"].search([("partner_id", "=", kept.id)])
        [line] = merge.line_ids.filtered(
            lambda line: (
                line.table_name == "crm_complaint" and line.column_name == "partner_id"
            )
        )
        self.assertEqual(line.document_model, "客户投诉")
        self.assertEqual(line.field_label, "客户")

    def test_a_churn_reason_reads_in_each_readers_language(self):
        """Why a customer may stop buying reads in the reader's language,
        whoever read it first in the transaction, on its figures and on the
        customer."""
        value = (
            self.env["crm.customer.value"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "churn_reason_codes": "complaints,recency",
                }
            )
        )
        for lang, reason in (
            ("en_US", "repeated complaints, low recency score"),
            ("zh_CN", "多次投诉、最近度得分低"),
        ):
            with self.subTest(lang=lang):
                self.assertEqual(value.with_context(lang=lang).churn_reason, reason)
                self.assertEqual(
                    self.customer.with_user(self.salesman)
                    .with_context(lang=lang)
                    .churn_reason,
                    reason,
                )

    def test_names_made_by_the_addon_in_each_readers_language(self):
        """A committee member (the contact on its opportunity) and the
        opponents warned of are named the way the reader's language writes
        them, whoever read them first in the transaction."""
        member = self.env["crm.lead.contact.role"].create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_opponent.id,
            }
        )
        self.env["crm.lead.contact.role"].create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_opponent.id,
            }
        )
        boss, lead = self.contact_boss.name, self.opportunity.name
        opponents = sorted([boss, self.contact_it.name])
        for lang, name, names in (
            ("en_US", f"{boss} ({lead})", ", "),
            ("zh_CN", f"{boss}（{lead}）", "、"),
        ):
            with self.subTest(lang=lang):
                self.assertEqual(member.with_context(lang=lang).display_name, name)
                shown = self.opportunity.with_context(lang=lang).opponent_names
                self.assertIn(
                    shown, (names.join(opponents), names.join(opponents[::-1]))
                )

    def test_a_tracked_choice_reads_in_chinese_where_english_is_off(self):
        """A database used in Chinese only (English deactivated, as a
        Chinese company does): a choice tracked in English (by a job, the
        demo, a user without a language) reads in Chinese all the same."""
        complaint = self.env["crm.complaint"].create(
            {"subject": "茶杯破损", "partner_id": self.customer.id, "severity": "1"}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        complaint.with_context(lang="en_US").severity = "3"
        self.env.flush_all()
        self.env.cr.precommit.run()  # Odoo tracks the changes there
        tracking = complaint.message_ids.sudo().tracking_value_ids.filtered(
            lambda value: value.field_id.name == "severity"
        )
        field = complaint._fields["severity"]

        def label(lang):
            return dict(field._description_selection(self.env(context={"lang": lang})))[
                "3"
            ]

        self.assertEqual(tracking.new_value_char, label("en_US"))
        self.assertNotEqual(label("zh_CN"), label("en_US"))
        Lang = type(self.env["res.lang"])
        with patch.object(
            Lang, "get_installed", lambda self: [("zh_CN", "Chinese (Simplified)")]
        ):
            shown = tracking.with_user(self.complaint_officer).with_context(
                lang="zh_CN"
            )
            [value] = shown._tracking_value_format()
        # (18.0 gives the value in a dict with its currency, 19.0 alone.)
        new = value["newValue"]
        self.assertEqual(new["value"] if isinstance(new, dict) else new, label("zh_CN"))

    def test_tracked_class_reads_in_chinese(self):
        # A change made in English ...
        english = self.other_customer.with_context(lang="en_US")
        english.customer_class_id = self.class_counter
        self.env.flush_all()
        self.env.cr.precommit.run()  # Odoo tracks the changes there
        tracking = self.other_customer.message_ids.sudo().tracking_value_ids.filtered(
            lambda value: value.field_id.name == "customer_class_id"
        )
        self.assertIn("Store counter", tracking.new_value_char)
        # ... reads in Chinese to a Chinese salesperson, in English to others.
        for lang in ("zh_CN", "en_US"):
            shown = tracking.with_user(self.salesman_2).with_context(lang=lang)
            self.assertEqual(
                shown._format_display_value("many2one", new=True),
                [self.class_counter.with_context(lang=lang).display_name],
            )
            [value] = shown._tracking_value_format()
            self.assertIn(
                self.class_counter.with_context(lang=lang).display_name,
                str(value),
            )
        self.assertNotIn(
            "Store counter", self.class_counter.with_context(lang="zh_CN").display_name
        )

    def test_a_stage_gate_is_named_the_chinese_way(self):
        near_close = self.env.ref("crm_extension.crm_stage_near_close")
        gate = self.env["crm.stage.gate"].create(
            {
                "stage_id": near_close.id,
                "message": "A signed contract is needed.",
                "domain": "[('description', '!=', False)]",
            }
        )
        gate.update_field_translations("message", {"zh_CN": "需要已签署的合同。"})
        shown = gate.with_user(self.salesman_2)
        self.assertEqual(
            shown.with_context(lang="zh_CN").display_name,
            "即将成交：需要已签署的合同。",
        )
        self.assertEqual(
            shown.with_context(lang="en_US").display_name,
            "Near Close: A signed contract is needed.",
        )

    def _fields_shown(self, records, user):
        """The labels of the fields of ``records``' form and of its lists,
        as the form gives them to ``user`` in Chinese."""
        described = (
            records.with_user(user)
            .with_context(lang="zh_CN")
            .get_views([(False, "form")])["models"]
        )
        return {
            model: {
                fname: field["string"]
                for fname, field in described[model]
                .get("fields", described[model])
                .items()
            }
            for model in described
        }

    def test_a_complaints_service_level_reads_in_chinese(self):
        """One name for the service level (服务级别), and the times of a pause
        read as times (暂停时间 beside 恢复时间, not 已暂停)."""
        complaint = self.env["crm.complaint"].create(
            {"subject": "茶壶盖破损", "partner_id": self.customer.id}
        )
        shown = self._fields_shown(complaint, self.complaint_officer)
        self.assertEqual(shown["crm.complaint"]["sla_status"], "服务级别状态")
        pause = shown["crm.complaint.sla.pause"]
        self.assertEqual(
            (pause["date_start"], pause["date_end"]), ("暂停时间", "恢复时间")
        )
        labels = (
            self.env["crm.complaint"]
            .with_user(self.complaint_officer)
            .with_context(lang="zh_CN")
            .fields_get(["sla_status", "sla_met_rate"], ["string"])
        )
        self.assertEqual(labels["sla_met_rate"]["string"], "服务级别达标率（%）")
        filters = self._search_filters("crm.complaint", self.complaint_officer)
        self.assertEqual(filters["group_sla_status"][0], "服务级别状态")

    def _search_filters(self, model, user):
        """The filters of ``model``'s search view as ``user`` reads them in
        Chinese: ``{name: (label, domain)}``."""
        arch = (
            self.env[model]
            .with_user(user)
            .with_context(lang="zh_CN")
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        return {
            node.get("name"): (node.get("string"), node.get("domain"))
            for node in etree.fromstring(arch).iter("filter")
        }

    def test_churn_risk_filters_read_in_chinese(self):
        filters = self._search_filters("crm.customer.value", self.salesman_2)
        self.assertEqual(filters["churn_high"][0], "高流失风险")
        self.assertEqual(filters["churn_medium"][0], "中等流失风险")

    def test_every_credit_rating_has_its_filter(self):
        """Customers are filtered by each credit rating, A, B and C, as by
        each importance."""
        rated = self.env["res.partner"].create(
            [
                {"name": f"Rated {grade.upper()} Trading", "is_company": True}
                for grade in "abc"
            ]
        )
        for partner, grade in zip(rated, "abc", strict=True):
            partner.credit_rating = grade
        filters = self._search_filters("res.partner", self.salesman_2)
        Partner = self.env["res.partner"].with_user(self.salesman_2)
        for grade in "abc":
            label, domain = filters[f"credit_rating_{grade}"]
            self.assertEqual(label, f"信用等级 {grade.upper()}")
            self.assertEqual(
                Partner.search(safe_eval(domain) + [("id", "in", rated.ids)]).mapped(
                    "credit_rating"
                ),
                [grade],
            )

    def test_the_upgrade_brings_the_corrected_words(self):
        """A database upgraded from 1.7.28 keeps the Chinese it has for a
        label or a filter (the update does not overwrite): the upgrade takes
        the previous shipped words out, and the update's loading of the
        catalogue brings the new ones; words of one's own stay."""
        cr = self.env.cr

        def set_label(model, fname, text):
            cr.execute(
                "UPDATE ir_model_fields SET field_description = jsonb_set("
                "field_description, '{zh_CN}', to_jsonb(%s::text)) "
                "WHERE model = %s AND name = %s",
                [text, model, fname],
            )

        def replace_in_view(xmlid, old, new):
            view = self.env.ref(f"crm_extension.{xmlid}")
            cr.execute(
                "UPDATE ir_ui_view SET arch_db = jsonb_set(arch_db, '{zh_CN}', "
                "to_jsonb(replace(arch_db->>'zh_CN', %s, %s))) WHERE id = %s",
                [old, new, view.id],
            )

        def load_catalogue():
            # As an update loads it: what the database has is kept.
            self.env.flush_all()
            self.env["ir.module.module"]._load_module_terms(
                ["crm_extension"], ["zh_CN"]
            )
            self.env.invalidate_all()
            self.env.registry.clear_all_caches()

        # The database as 1.7.28 left it, with a word of the administrator's.
        set_label("crm.complaint", "sla_status", "SLA 状态")
        set_label("crm.complaint", "sla_met_rate", "服务达标率")
        set_label("crm.complaint.sla.pause", "date_start", "已暂停")
        replace_in_view("crm_customer_value_view_search", "中等流失风险", "中流失风险")
        replace_in_view("crm_complaint_view_search", "服务级别状态", "SLA 状态")
        load_catalogue()
        officer = self.complaint_officer
        labels = (
            self.env["crm.complaint"]
            .with_user(officer)
            .with_context(lang="zh_CN")
            .fields_get(["sla_status"], ["string"])
        )
        self.assertEqual(labels["sla_status"]["string"], "SLA 状态")

        run_migration(cr, "1.7.29", "1.7.28", "post-migrate-zh-wording")
        load_catalogue()
        shown = self._fields_shown(
            self.env["crm.complaint"].create({"subject": "茶杯破损"}), officer
        )
        self.assertEqual(shown["crm.complaint"]["sla_status"], "服务级别状态")
        self.assertEqual(shown["crm.complaint.sla.pause"]["date_start"], "暂停时间")
        self.assertEqual(
            self.env["crm.complaint"]
            .with_user(officer)
            .with_context(lang="zh_CN")
            .fields_get(["sla_met_rate"], ["string"])["sla_met_rate"]["string"],
            "服务达标率",
        )
        filters = self._search_filters("crm.complaint", officer)
        self.assertEqual(filters["group_sla_status"][0], "服务级别状态")
        filters = self._search_filters("crm.customer.value", self.salesman_2)
        self.assertEqual(filters["churn_medium"][0], "中等流失风险")

    def test_the_settings_rank_customers_the_chinese_way(self):
        """The settings' "Rank customers" line reads as Chinese is written
        (已开票客户数达到 100 个时启用, not a word-for-word 自 100 个客户起),
        in a new database and in one upgraded from 1.7.30."""
        view = self.env.ref(
            "crm_extension.res_config_settings_view_form_inherit_crm_extension"
        )

        def words():
            self.env.invalidate_all()
            self.env.registry.clear_all_caches()
            arch = (
                self.env["res.config.settings"]
                .with_context(lang="zh_CN")
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            [setting] = etree.fromstring(arch).xpath(
                "//field[@name='crm_rfm_ranked_from']/.."
            )
            return [span.text for span in setting.iter("span")]

        self.assertEqual(words(), ["已开票客户数达到 ", " 个时启用"])
        # As 1.7.30 left a database.
        for old, new in (("已开票客户数达到 ", "自 "), (" 个时启用", " 个客户起")):
            self.env.cr.execute(
                "UPDATE ir_ui_view SET arch_db = jsonb_set(arch_db, '{zh_CN}', "
                "to_jsonb(replace(arch_db->>'zh_CN', %s, %s))) WHERE id = %s",
                [f"<span>{old}</span>", f"<span>{new}</span>", view.id],
            )
        self.assertEqual(words(), ["自 ", " 个客户起"])
        run_migration(
            self.env.cr, "1.7.31", "1.7.30", "post-migrate-zh-settings-wording"
        )
        self.assertEqual(words(), ["已开票客户数达到 ", " 个时启用"])

    def test_an_upgrade_translates_labels_whose_english_changed(self):
        """A label whose English an upgrade changes ("Closed" became "Closed
        On") is read in Chinese as the catalogue translates the new English,
        not as the old one was (已结案, the stage's word); a label whose
        English stayed keeps its Chinese, an administrator's included."""
        cr = self.env.cr

        def label(model, fname, lang="zh_CN"):
            cr.execute(
                "SELECT field_description ->> %s FROM ir_model_fields "
                "WHERE model = %s AND name = %s",
                [lang, model, fname],
            )
            return cr.fetchone()[0]

        def set_label(model, fname, values):
            cr.execute(
                "UPDATE ir_model_fields SET field_description = "
                "field_description || %s::jsonb WHERE model = %s AND name = %s",
                [json.dumps(values), model, fname],
            )

        self.env.flush_all()
        # As the previous version left it.
        set_label(
            "crm.complaint", "date_closed", {"en_US": "Closed", "zh_CN": "已结案"}
        )
        set_label("crm.complaint", "sla_met_rate", {"zh_CN": "服务达标率"})
        run_migration(cr, "0.0.0", "1.7.28", "pre-labels")
        # The update writes the new English, and keeps the Chinese.
        set_label("crm.complaint", "date_closed", {"en_US": "Closed On"})
        run_migration(cr, "0.0.0", "1.7.28", "post-labels")
        self.env["ir.module.module"]._load_module_terms(["crm_extension"], ["zh_CN"])
        self.env.invalidate_all()
        self.env.registry.clear_all_caches()
        self.assertEqual(label("crm.complaint", "date_closed", "en_US"), "Closed On")
        self.assertEqual(label("crm.complaint", "date_closed"), "结案时间")
        self.assertEqual(label("crm.complaint", "sla_met_rate"), "服务达标率")
        shown = (
            self.env["crm.complaint"]
            .with_user(self.complaint_officer)
            .with_context(lang="zh_CN")
            .fields_get(["date_closed"], ["string"])
        )
        self.assertEqual(shown["date_closed"]["string"], "结案时间")


@tagged("post_install", "-at_install")
class TestChineseReaders(CrmExtensionCase):
    """Activities and the notes of jobs, in the language of who reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        (cls.salesman_2 | cls.complaint_officer).lang = "zh_CN"
        # The jobs run in English.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))

    def _activities(self, records):
        return self.env["mail.activity"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        )

    def test_escalation_in_the_assignees_language(self):
        Complaint = self.env["crm.complaint"]
        for_chinese = Complaint.create(
            {"subject": "Screens flicker", "partner_id": self.customer.id}
        )
        for_english = Complaint.create(
            {"subject": "Screens flicker too", "partner_id": self.customer.id}
        )
        for_chinese.user_id = self.complaint_officer
        for_english.user_id = self.complaint_manager
        (for_chinese | for_english)._schedule_escalations()
        chinese = self._activities(for_chinese).summary
        self.assertEqual(
            chinese,
            self.env(context={"lang": "zh_CN"})._(
                "Complaint at risk of missing its service level"
            ),
        )
        self.assertNotIn("service level", chinese)
        self.assertEqual(
            self._activities(for_english).summary,
            "Complaint at risk of missing its service level",
        )

    def test_stalled_deal_in_the_salespersons_language(self):
        new = self.env.ref("crm.stage_lead1")
        new.stall_days = 14
        with frozen_time(self.env, "2026-05-01 10:00:00"):
            deal = self.env["crm.lead"].create(
                {
                    "name": "Stalled for Sam",
                    "type": "opportunity",
                    "user_id": self.salesman_2.id,
                    "stage_id": new.id,
                }
            )
        with frozen_time(self.env, "2026-05-20 10:00:00"):
            self.env["crm.lead"]._cron_remind_stalled()
        summary = self._activities(deal).summary
        self.assertIn(new.with_context(lang="zh_CN").name, summary)
        self.assertNotIn("Stalled", summary)

    def test_birthday_in_the_salespersons_language(self):
        buyer = self.env["res.partner"].create(
            {
                "name": "Zhou Min",
                "parent_id": self.other_customer.id,
                "birthday": date(1980, 7, 3),
            }
        )
        with freeze_time("2026-06-30"):
            self.env["res.partner"]._cron_birthday_reminders(days_ahead=7)
        summary = self._activities(buyer).summary
        self.assertIn("Zhou Min", summary)
        self.assertNotIn("Birthday", summary)

    def test_pool_note_in_the_former_salespersons_language(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm_extension.protection_days", "30"
        )
        with freeze_time("2026-01-01"):
            lapsed = (
                self.env["res.partner"]
                .with_user(self.salesman_2)
                .create(
                    {
                        "name": "Lapsed Tea Trading",
                        "is_company": True,
                        "user_id": self.salesman_2.id,
                    }
                )
            )
        with freeze_time("2026-02-15"):
            self.env["res.partner"]._cron_release_to_pool()
        self.assertTrue(lapsed.in_pool)
        note = lapsed.message_ids[0].body
        self.assertIn("Sam Salesman", note)
        self.assertNotIn("shared pool", note)

    def test_class_rule_note_in_the_salespersons_language(self):
        Class = self.env["crm.customer.class"]
        main = Class.create({"name": "Tea Shops", "code": "T_TEA"})
        silver = Class.create(
            {"name": "Silver", "code": "T_TEA_SILVER", "parent_id": main.id}
        )
        gold = Class.create(
            {
                "name": "Gold",
                "code": "T_TEA_GOLD",
                "parent_id": main.id,
                "auto_assign": True,
                "min_revenue": 100,
            }
        )
        gold.update_field_translations("name", {"zh_CN": "金牌"})
        shop = self.env["res.partner"].create(
            {
                "name": "Tea Shop of Sam",
                "is_company": True,
                "user_id": self.salesman_2.id,
                "customer_class_id": silver.id,
            }
        )
        self.env["crm.customer.value"].create(
            {
                "partner_id": shop.id,
                "company_id": self.env.company.id,
                "revenue_12m": 500,
                "invoice_count_12m": 2,
            }
        )
        self.env["crm.customer.value"]._apply_class_rules(self.env.company)
        self.assertEqual(shop.customer_class_id, gold)
        reason = shop.class_history_ids.filtered("is_automatic").reason
        self.assertIn("金牌", reason)
        self.assertNotIn("Class rule", reason)
        # The class is quoted, as in the other messages.
        self.assertTrue(
            reason.startswith("“Tea Shops / 金牌”类别规则：近12个月销售额不少于"),
            reason,
        )
        self.assertIn("金牌", shop.message_ids[0].body)

    def test_exception_request_in_the_deciders_language(self):
        # The salesperson's team leader decides, and reads Chinese.
        self.sales_manager.lang = "zh_CN"
        self.env["crm.team"].create(
            {
                "name": "Hangzhou",
                "user_id": self.sales_manager.id,
                "crm_team_member_ids": [Command.create({"user_id": self.salesman.id})],
            }
        )
        request = (
            self.env["crm.duplicate.exception"]
            .with_user(self.salesman)
            .with_context(lang="en_US")
            .create(
                {
                    "name": "HANGZHOU WEST LAKE TRADING LTD",
                    "matched_partner_id": self.customer.id,
                    "reason": "Franchisee in Ningbo, its own company",
                }
            )
        )
        activity = self._activities(request)
        self.assertEqual(activity.user_id, self.sales_manager)
        self.assertNotIn("exception", activity.summary)


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
