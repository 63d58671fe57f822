from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.res_partner_duplicate import DuplicateBlockedInForm
from .common import CrmExtensionCase


@tagged("post_install", "-at_install")
class TestDuplicateException(CrmExtensionCase):
    """An approved exception to a block rule lets one registration pass, with
    its trail; the rule holds for everyone else."""

    NAME = "HANGZHOU WEST LAKE TRADING LTD"  # the name key of self.customer

    def _request(self, user=None, **values):
        return (
            self.env["crm.duplicate.exception"]
            .with_user(user or self.salesman_2)
            .create(
                {
                    "name": self.NAME,
                    "matched_partner_id": self.customer.id,
                    "rule_id": self.env.ref(
                        "crm_extension.duplicate_rule_company_name"
                    ).id,
                    "reason": "Franchisee in Ningbo, its own company",
                    **values,
                }
            )
        )

    def test_the_form_offers_an_exception_when_refused(self):
        Partner = self.env["res.partner"].with_user(self.salesman_2)
        with self.assertRaises(DuplicateBlockedInForm) as caught:
            Partner.web_save({"name": self.NAME, "is_company": True}, {})
        message, action_id, button, context = caught.exception.args
        self.assertIn("already registered", message)
        self.assertEqual(
            action_id,
            self.env.ref("crm_extension.crm_duplicate_exception_action_request").id,
        )
        self.assertEqual(context["default_matched_partner_id"], self.customer.id)
        self.assertEqual(context["default_name"], self.NAME)
        # Through RPC or an import it stays the plain refusal.
        with self.assertRaises(ValidationError):
            Partner.create({"name": self.NAME, "is_company": True})

    def test_a_request_needs_a_reason_and_reaches_an_administrator(self):
        with self.assertRaises(ValidationError):
            self._request(reason=False)
        request = self._request()
        self.assertEqual(request.state, "requested")
        self.assertEqual(request.requested_by_id, self.salesman_2)
        self.assertTrue(
            request.sudo().activity_ids.user_id.has_group(
                "sales_team.group_sale_manager"
            )
        )

    def test_only_administrators_decide(self):
        request = self._request()
        for user in (self.salesman_2, self.salesman_all, self.complaint_officer):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                request.with_user(user).action_approve()
        for vals in (
            {"state": "approved"},
            {"approved_by_id": self.salesman_2.id},
            {"partner_id": self.customer.id},
        ):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                request.with_user(self.salesman_2).write(vals)
        # A request is its requester's: other salespeople do not read it.
        with self.assertRaises(AccessError):
            request.with_user(self.salesman).read(["reason"])
        self.assertEqual(request.state, "requested")
        self.assertFalse(
            self.env["res.partner"].search_count([("name", "=", self.NAME)])
        )

    def test_approval_registers_with_its_trail_and_the_rule_holds_for_others(self):
        request = self._request()
        request.with_user(self.sales_manager).action_approve()
        customer = request.partner_id
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approved_by_id, self.sales_manager)
        self.assertTrue(request.decision_date)
        self.assertEqual(customer.name, self.NAME)
        self.assertEqual(customer.user_id, self.salesman_2)
        self.assertEqual(customer.registered_by_id, self.salesman_2)
        self.assertEqual(customer.duplicate_exception_id, request)
        self.assertIn("approved by Mandy Manager", customer.message_ids[0].body)
        # Not flagged against the customer it matched, in either direction.
        self.assertFalse(customer.duplicate_state)
        self.customer.with_user(self.salesman).email = "info@westlake.example.com"
        customer.with_user(self.salesman_2).email = "info@westlake.example.com"
        self.assertFalse(customer.duplicate_state)
        # The exception was for that registration only.
        with self.assertRaises(ValidationError):
            self.env["res.partner"].with_user(self.salesman_2).create(
                {"name": self.NAME, "is_company": True}
            )
        with self.assertRaises(UserError):
            request.with_user(self.sales_manager).action_refuse()

    def test_refusal(self):
        request = self._request()
        request.with_user(self.sales_manager).action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertFalse(request.partner_id)
        self.assertFalse(request.sudo().activity_ids)
        with self.assertRaises(UserError):
            request.with_user(self.salesman_2).write({"reason": "Please!"})
