import json
import re
from datetime import timedelta
from pathlib import Path

import polib

from odoo import Command, fields
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools.server_context import MERGING_PARTNERS
from .common import around_the_clock_calendar
from .test_chinese import load_chinese

MSGID_RE = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


def shipped_english(env):
    """The English texts the addon ships and translates into Chinese, as they
    show on a screen (markup removed), but those Odoo's own installed modules
    ship too: a text of Odoo's that Odoo leaves untranslated is not the
    addon's."""
    i18n = Path(get_module_path("crm_extension")) / "i18n"
    terms = set()
    for entry in polib.pofile(str(i18n / "zh_CN.po")):
        if not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        text = " ".join(re.sub(r"<[^>]*>", " ", entry.msgid).split())
        if len(text) > 1 and "%" not in text and "{{" not in text:
            terms.add(text)
    odoo_terms = set()
    modules = env["ir.module.module"].search(
        [("state", "=", "installed"), ("name", "!=", "crm_extension")]
    )
    for module in modules.mapped("name"):
        path = Path(get_module_path(module) or "") / "i18n" / f"{module}.pot"
        if path.is_file():
            odoo_terms.update(
                msgid.replace('\\"', '"')
                for msgid in MSGID_RE.findall(path.read_text(encoding="utf-8"))
            )
    return sorted(terms - odoo_terms)


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="tour_salesman",
            name="Tina Tour",
            groups="sales_team.group_sale_salesman",
        )
        fields = cls.env["ir.model.fields"]
        cls.tour_class = cls.env["crm.customer.class"].create(
            {
                "name": "Tour Key Account",
                "parent_id": cls.env.ref("crm_extension.customer_class_partner").id,
                "required_field_ids": [
                    Command.set([fields._get("res.partner", "website").id])
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Customer Co., Ltd.",
                "is_company": True,
                "user_id": cls.salesman.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Tour Decision Maker", "parent_id": cls.customer.id}
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Tour Opportunity",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
            }
        )

    def test_tour_classify_customer(self):
        self.start_tour(
            f"/odoo/customers/{self.customer.id}",
            "crm_extension_classify_customer_tour",
            login="tour_salesman",
        )
        self.assertEqual(self.customer.customer_class_id, self.tour_class)
        self.assertEqual(self.customer.website, "http://tour.example.com")
        self.assertEqual(self.customer.importance, "a")

    def test_tour_accountant_rates_credit(self):
        new_test_user(
            self.env,
            login="tour_accountant",
            name="Alan Accountant",
            groups="account.group_account_invoice",
        )
        self.start_tour(
            f"/odoo/customers/{self.customer.id}",
            "crm_extension_credit_rating_tour",
            login="tour_accountant",
        )
        self.assertEqual(self.customer.credit_rating, "b")

    def test_tour_buying_committee(self):
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{self.opportunity.id}",
            "crm_extension_buying_committee_tour",
            login="tour_salesman",
        )
        line = self.opportunity.contact_role_ids
        self.assertEqual(line.partner_id, self.contact)
        self.assertEqual(
            line.role_id, self.env.ref("crm_extension.contact_role_decision_maker")
        )
        self.assertTrue(self.opportunity.has_decision_maker)

    def test_tour_existing_customer(self):
        owner = new_test_user(
            self.env,
            login="tour_owner",
            name="Olga Owner",
            groups="sales_team.group_sale_salesman",
        )
        existing = (
            self.env["res.partner"]
            .with_user(owner)
            .create(
                {
                    "name": "Existing Tour Trading Co., Ltd.",
                    "is_company": True,
                    "user_id": owner.id,
                }
            )
        )
        self.start_tour(
            "/odoo/customers/new",
            "crm_extension_existing_customer_tour",
            login="tour_salesman",
        )
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("name_key", "=", existing.name_key)]
            ),
            1,
        )

    def test_tour_exception_refused_requested_approved(self):
        owner = new_test_user(
            self.env,
            login="tour_lotus_owner",
            name="Lin Owner",
            groups="sales_team.group_sale_salesman",
        )
        existing = (
            self.env["res.partner"]
            .with_user(owner)
            .create({"name": "Lotus Tea House Co., Ltd.", "is_company": True})
        )
        self.start_tour(
            "/odoo/customers",
            "crm_extension_exception_request_tour",
            login="tour_salesman",
        )
        request = self.env["crm.duplicate.exception"].search(
            [("matched_partner_id", "=", existing.id)]
        )
        self.assertEqual(request.state, "requested")
        self.assertEqual(request.requested_by_id, self.salesman)
        self.assertIn("Franchisee", request.reason)
        manager = new_test_user(
            self.env,
            login="tour_exception_manager",
            name="Maya Manager",
            groups="sales_team.group_sale_manager",
        )
        self.start_tour(
            "/odoo/action-crm_extension.crm_duplicate_exception_action",
            "crm_extension_exception_approve_tour",
            login=manager.login,
        )
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.partner_id.user_id, self.salesman)
        self.assertEqual(request.partner_id.duplicate_exception_id, request)
        self.assertEqual(request.approved_by_id, manager)

    def test_tour_funnel(self):
        boss = self.env["res.partner"].create(
            {"name": "Funnel Tour Boss", "parent_id": self.customer.id}
        )
        deal = self.env["crm.lead"].create(
            {
                "name": "Funnel Tour Deal",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "expected_revenue": 5000,
                "stage_id": self.env.ref("crm.stage_lead3").id,
            }
        )
        product = self.env["product.product"].create(
            {"name": "Funnel Tour Licence", "list_price": 5000, "type": "service"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": deal.id,
                "user_id": self.salesman.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_extension_funnel_tour",
            login="tour_salesman",
        )
        self.assertEqual(deal.contact_role_ids.partner_id, boss)
        self.assertEqual(order.state, "sale")
        self.assertTrue(deal.stage_id.is_won)
        phases = deal.stage_history_ids.sorted("id").mapped("funnel_phase")
        self.assertEqual(phases, ["tracking", "near_close", "won"])

    def test_tour_complaint_credit_note(self):
        handler = new_test_user(
            self.env,
            login="tour_billing_sales",
            name="Bea Billing",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
        )
        product = self.env["product.product"].create(
            {"name": "Tour Tea Cup", "list_price": 25, "type": "consu"}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_user_id": handler.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "quantity": 4, "price_unit": 25}
                    )
                ],
            }
        )
        invoice.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "crm_extension_complaint_credit_note_tour",
            login="tour_billing_sales",
        )
        complaint = self.env["crm.complaint"].search([("invoice_id", "=", invoice.id)])
        self.assertEqual(complaint.subject, "One cup of four arrived broken")
        credit_note = complaint.sudo().credit_note_ids
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.amount_untaxed, 25)

    def test_tour_complaint_waits_for_customer(self):
        officer = new_test_user(
            self.env,
            login="tour_officer",
            name="Owen Officer",
            groups="crm_extension.group_complaint_user",
        )
        around_the_clock = around_the_clock_calendar(self.env, "Tour: around the clock")
        category = self.env["crm.complaint.category"].create(
            {"name": "Tour: scratched goods"}
        )
        self.env["crm.complaint.sla"].create(
            {
                "name": "Tour: answer in 8 hours, solve in 40",
                "category_ids": [Command.set(category.ids)],
                "response_hours": 8,
                "resolution_hours": 40,
                "resource_calendar_id": around_the_clock.id,
            }
        )
        received = fields.Datetime.now() - timedelta(hours=4)
        complaint = self.env["crm.complaint"].create(
            {
                "subject": "Tour: scratched display panels",
                "partner_id": self.customer.id,
                "category_id": category.id,
                "date_received": received,
                "stage_id": self.env.ref(
                    "crm_extension.complaint_stage_in_progress"
                ).id,
            }
        )
        complaint.with_user(officer).message_post(
            body="Could you send us photos of the panels?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertTrue(complaint.date_first_response)
        complaint.stage_id = self.env.ref("crm_extension.complaint_stage_waiting")
        # It has been waiting for the customer's photos for three hours.
        complaint.sla_pause_ids.date_start = received + timedelta(hours=1)
        self.assertEqual(complaint.sla_status, "paused")
        planned = complaint.resolution_deadline
        self.assertEqual(planned, received + timedelta(hours=40))

        self.start_tour(
            f"/odoo/action-crm_extension.crm_complaint_action/{complaint.id}",
            "crm_extension_complaint_sla_pause_tour",
            login="tour_officer",
        )
        pause = complaint.sla_pause_ids
        self.assertTrue(pause.date_end)
        self.assertGreaterEqual(pause.paused_hours, 3)
        self.assertLess(pause.paused_hours, 3.1)
        # The deadline moved out by the time the customer had the ball.
        self.assertAlmostEqual(
            complaint.resolution_deadline,
            planned + timedelta(hours=pause.paused_hours),
            delta=timedelta(seconds=1),
        )
        self.assertEqual(complaint.sla_status, "on_track")

    def test_tour_officer_opens_the_order_and_invoice(self):
        new_test_user(
            self.env,
            login="tour_documents_officer",
            name="Oscar Officer",
            groups="crm_extension.group_complaint_user",
        )
        product = self.env["product.product"].create(
            {"name": "Tour Tea Tin", "list_price": 12}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        order.name = "TOUR-ORDER-1"
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [Command.create({"product_id": product.id})],
            }
        )
        invoice.action_post()
        complaint = self.env["crm.complaint"].create(
            {
                "subject": "Tour: a dented tea tin",
                "partner_id": self.customer.id,
                "invoice_id": invoice.id,
            }
        )
        self.start_tour(
            f"/odoo/action-crm_extension.crm_complaint_action/{complaint.id}",
            "crm_extension_complaint_documents_tour",
            login="tour_documents_officer",
        )
        self.assertEqual(complaint.sale_order_id, order)

    def test_tour_portal_complaint(self):
        portal_user = new_test_user(
            self.env,
            login="tour_portal",
            name="Pat Portal",
            groups="base.group_portal",
        )
        portal_user.partner_id.parent_id = self.customer
        product = self.env["product.product"].create(
            {"name": "Tour Tea Box", "list_price": 40, "type": "consu"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        self.start_tour(
            "/my/complaints", "crm_extension_portal_complaint_tour", login="tour_portal"
        )
        complaint = self.env["crm.complaint"].search(
            [("subject", "=", "Two tea boxes were missing")]
        )
        self.assertEqual(complaint.sale_order_id, order)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.commercial_partner_id, self.customer)

    def test_tour_customer_value(self):
        Class = self.env["crm.customer.class"]
        main = Class.create({"name": "Tour Main", "code": "TOUR_MAIN"})
        silver = Class.create({"name": "Tour Silver", "parent_id": main.id})
        gold = Class.create({"name": "Tour Gold", "parent_id": main.id})
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Value Customer",
                "is_company": True,
                "user_id": self.salesman.id,
                "customer_class_id": gold.id,
            }
        )
        # As the nightly job leaves it when a class rule moved the customer up.
        self.env["crm.customer.class.history"].create(
            {
                "partner_id": customer.id,
                "old_class_id": silver.id,
                "new_class_id": gold.id,
                "is_automatic": True,
                "reason": "Class rule of Tour Gold: revenue of 12 months at least "
                "1000 and at least 2 invoices.",
            }
        )
        self.env["crm.customer.value"].create(
            {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "revenue_12m": 1500,
                "invoice_count_12m": 3,
                "rfm_recency": 1,
                "rfm_frequency": 4,
                "rfm_monetary": 4,
                "rfm_segment": "at_risk",
                "abc_class": "b",
                "churn_risk": "medium",
                "churn_reason_codes": "late",
            }
        )
        self.start_tour(
            "/odoo/action-crm_extension.crm_customer_value_action",
            "crm_extension_customer_value_tour",
            login="tour_salesman",
        )

    def test_tour_merge_a_group_of_four_and_undo(self):
        legacy = self.env["res.partner"].with_context(**MERGING_PARTNERS.context())
        group = legacy.create(
            [
                {"name": name, "is_company": True, "user_id": self.salesman.id}
                for name in (
                    "Peony Garden Trading Co., Ltd.",
                    "PEONY GARDEN TRADING LTD",
                    "Peony Garden Trading Company Limited",
                    "peony garden trading",
                )
            ]
        ).with_env(self.env)
        lead = self.env["crm.lead"].create(
            {"name": "Peony deal", "partner_id": group[2].id}
        )
        manager = new_test_user(
            self.env,
            login="tour_merge_manager",
            name="Mona Merger",
            groups="sales_team.group_sale_manager",
        )
        self.start_tour(
            "/odoo/action-crm_extension.crm_duplicate_group_action",
            "crm_extension_merge_undo_tour",
            login=manager.login,
        )
        merge = self.env["crm.partner.merge"].search([("partner_id", "=", group[0].id)])
        self.assertEqual(merge.state, "undone")
        self.assertEqual(merge.user_id, manager)
        self.assertEqual(merge.undone_by_id, manager)
        self.assertEqual(group.mapped("active"), [True] * 4)
        self.assertEqual(lead.partner_id, group[2])

    def test_tour_chinese_salesperson_reads_no_english(self):
        """A Chinese salesperson walks through a customer, an opportunity and a
        complaint: no English text of the addon shows, whatever was saved or
        tracked in English."""
        load_chinese(self.env)
        salesperson = new_test_user(
            self.env,
            login="tour_zh_salesman",
            name="李明",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        # Saved and changed by an English-speaking colleague.
        english = self.env(context=dict(self.env.context, lang="en_US"))
        customer = english["res.partner"].create(
            {
                "name": "成都蓝海零售有限公司",
                "is_company": True,
                "user_id": salesperson.id,
                "customer_class_id": self.env.ref(
                    "crm_extension.customer_class_other_media"
                ).id,
                "importance": "a",
                "source_id": self.env.ref("crm_extension.utm_source_referral").id,
                "sales_mode": "chain_retail",
            }
        )
        boss = english["res.partner"].create(
            {
                "name": "周杰",
                "parent_id": customer.id,
                "contact_role_id": self.env.ref(
                    "crm_extension.contact_role_decision_maker"
                ).id,
            }
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # created: what changes next is tracked
        customer.customer_class_id = self.env.ref(
            "crm_extension.customer_class_partner_counter"
        )
        deal = english["crm.lead"].create(
            {
                "name": "蓝海零售 收银系统升级",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": salesperson.id,
                "expected_revenue": 50000,
                "contact_role_ids": [
                    Command.create(
                        {
                            "partner_id": boss.id,
                            "role_id": self.env.ref(
                                "crm_extension.contact_role_decision_maker"
                            ).id,
                            "stance": "support",
                            "influence": "high",
                        }
                    )
                ],
            }
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        deal.stage_id = self.env.ref("crm_extension.crm_stage_near_close")
        complaint = english["crm.complaint"].create(
            {
                "subject": "门店收银机频繁死机",
                "partner_id": customer.id,
                "category_id": self.env.ref(
                    "crm_extension.complaint_category_product"
                ).id,
                "severity": "2",
            }
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        complaint.stage_id = self.env.ref("crm_extension.complaint_stage_waiting")
        self.env.flush_all()
        self.env.cr.precommit.run()  # the changes are tracked there

        terms = shipped_english(self.env)
        self.assertIn("Near Close", terms)
        self.assertIn("Customer Profile", terms)
        # As cards on both versions (19.0 opens the customers as a list).
        url = "/odoo/action-base.action_partner_form?view_type=kanban"
        options = {"stepDelay": 0, "startUrl": url}
        tour = "crm_extension_chinese_walk_tour"
        self.start_tour(
            url,
            tour,
            login=salesperson.login,
            code=f"window.crmExtensionShippedEnglish = {json.dumps(terms)}; "
            f"odoo.startTour({tour!r}, {json.dumps(options)})",
        )
