from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .. import compat
from ..models.res_partner_duplicate import DuplicateBlockedInForm
from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase, run_migration


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

    def test_a_request_names_no_customer_one_may_not_read(self):
        # The form's request comes with the matched customer as a default in
        # the context: a client may send any id there, a customer of another
        # company too, and the refusal must not name it.
        company_b = self.env["res.company"].create({"name": "Ningbo Branch Co"})
        hidden = self.env["res.partner"].create(
            {
                "name": "Ningbo Secret Trading Ltd",
                "is_company": True,
                "company_id": company_b.id,
            }
        )
        Request = self.env["crm.duplicate.exception"].with_user(self.salesman_2)
        for model, values in (
            (Request, {"matched_partner_id": hidden.id}),
            (Request.with_context(default_matched_partner_id=hidden.id), {}),
        ):
            with self.assertRaises(AccessError) as caught:
                model.create(
                    {"name": "Ningbo Trading", "reason": "Another company", **values}
                )
            self.assertNotIn("Ningbo Secret", str(caught.exception))
        # Nor does the request's form, opened with it, show its name.
        with self.assertRaises(AccessError) as caught:
            Request.with_context(default_matched_partner_id=hidden.id).onchange(
                {}, [], {"matched_partner_id": {"fields": {"display_name": {}}}}
            )
        self.assertNotIn("Ningbo Secret", str(caught.exception))
        self.assertFalse(
            self.env["crm.duplicate.exception"].search(
                [("matched_partner_id", "=", hidden.id)]
            )
        )

    def test_what_was_asked_is_not_changed_afterwards(self):
        """The form shows what the refused registration gave read-only: the
        requester may not change it once asked (the decision registers what
        is asked), nor may the one deciding; the reason stays the
        requester's to explain."""
        request = self._request()
        other = self.env["res.partner"].create(
            {"name": "Another Customer Ltd", "is_company": True}
        )
        elsewhere = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        for user in (self.salesman_2, self.sales_manager):
            for vals in (
                {"name": "SOMETHING ELSE LTD"},
                {"vat": "CN91350100M000100Y43"},
                {"email": "someone@else.example"},
                {"matched_partner_id": other.id},
                {"is_company": False},
                {"company_id": elsewhere.id},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                    self.env.cr.savepoint(),
                ):
                    request.with_user(user).write(vals)
        # Sent again unchanged (a form's read-only fields): no change.
        request.with_user(self.salesman_2).write(
            {"name": self.NAME, "reason": "Franchisee in Ningbo, registered apart"}
        )
        self.assertEqual(request.matched_partner_id, self.customer)
        self.assertEqual(request.name, self.NAME)

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
        # And for what the two shared: their name, not the number of the
        # other one, which its salesperson gives it afterwards.
        self.assertEqual(request.approved_keys, "name")
        self.customer.with_user(self.salesman).vat = "91330100MA2B3C4D5N"
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            customer.with_user(self.salesman_2).vat = "CN 91330100MA2B3C4D5N"
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            customer.with_user(self.salesman_2).company_registry = "91330100MA2B3C4D5N"
        # Nobody notes other keys for it.
        for user in (self.salesman_2, self.sales_manager):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                request.with_user(user).approved_keys = "name,vat"
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

    def test_four_eyes(self):
        # A sales administrator refused by a block rule asks like anyone else;
        # another administrator decides.
        request = self._request(user=self.sales_manager)
        deciders = request.sudo().activity_ids.user_id
        self.assertTrue(deciders)
        self.assertNotIn(self.sales_manager, deciders)
        self.assertFalse(request.with_user(self.sales_manager).can_decide)
        for decide in ("action_approve", "action_refuse"):
            with self.assertRaisesRegex(AccessError, "four eyes"):
                getattr(request.with_user(self.sales_manager), decide)()
        self.assertEqual(request.state, "requested")
        other = new_test_user(
            self.env, login="ext_other_admin", groups="sales_team.group_sale_manager"
        )
        self.assertTrue(request.with_user(other).can_decide)
        request.with_user(other).action_approve()
        self.assertEqual(request.approved_by_id, other)

    def test_the_decision_note_is_the_deciders(self):
        # An administrator who asks does not write the note of the decision
        # on their request, neither when asking nor afterwards.
        with self.assertRaisesRegex(AccessError, "four eyes"):
            self._request(user=self.sales_manager, decision_note="Fine by me")
        request = self._request(user=self.sales_manager)
        with self.assertRaisesRegex(AccessError, "four eyes"):
            request.with_user(self.sales_manager).write({"decision_note": "Fine"})
        self.assertFalse(
            self.env["crm.duplicate.exception"]
            .with_user(self.sales_manager)
            .with_context(default_decision_note="Fine by me")
            .create(
                {
                    "name": "Ningbo Lake Ltd",
                    "matched_partner_id": self.customer.id,
                    "reason": "A branch",
                }
            )
            .decision_note
        )
        # The one deciding writes it with the decision; it stays as given.
        other = new_test_user(
            self.env, login="ext_note_admin", groups="sales_team.group_sale_manager"
        )
        request.with_user(other).write({"decision_note": "Checked the licence"})
        request.with_user(other).action_approve()
        for user in (other, self.sales_manager):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(UserError, "cannot be changed"),
            ):
                request.with_user(user).write({"decision_note": "Rewritten"})
        self.assertEqual(request.decision_note, "Checked the licence")

    def test_a_decision_is_not_deleted(self):
        approved, refused = self._request(), self._request(name="Ningbo Lake Ltd")
        approved.with_user(self.sales_manager).action_approve()
        refused.with_user(self.sales_manager).action_refuse()
        for decided in approved | refused:
            with (
                self.subTest(state=decided.state),
                self.assertRaisesRegex(UserError, "cannot be deleted"),
            ):
                decided.with_user(self.sales_manager).unlink()
        self.assertTrue((approved | refused).exists())
        self.assertEqual(approved.partner_id.duplicate_exception_id, approved)
        self.assertEqual(approved.approved_by_id, self.sales_manager)

    def test_deleting_the_existing_customer_keeps_the_decisions(self):
        """The database would delete the decisions about a customer with it
        (``ondelete='cascade'``) and the approved registration its trail:
        the customer is refused deletion instead, and may be archived."""
        approved, refused = self._request(), self._request(name="Ningbo Lake Ltd")
        approved.with_user(self.sales_manager).action_approve()
        refused.with_user(self.sales_manager).action_refuse()
        # (Deleting contacts is Odoo's "Contact Creation".)
        self.sales_manager[compat.GROUPS_FIELD] |= self.env.ref(
            "base.group_partner_manager"
        )
        customer = self.customer.with_user(self.sales_manager)
        with self.assertRaisesRegex(UserError, "Archive instead of deleting"):
            customer.unlink()
        self.assertTrue((approved | refused).exists())
        self.assertEqual(approved.partner_id.duplicate_exception_id, approved)
        customer.action_archive()
        self.assertFalse(self.customer.active)
        # A request nobody decided yet goes with the customer it is about.
        other = self.env["res.partner"].create(
            {"name": "Deleted Soon Trading Ltd", "is_company": True}
        )
        pending = self._request(
            name="DELETED SOON TRADING LTD", matched_partner_id=other.id
        )
        other.with_user(self.sales_manager).unlink()
        self.assertFalse(pending.exists())

    def test_a_request_says_when_nobody_else_can_decide(self):
        admins = compat.group_users(
            self.env.ref("sales_team.group_sale_manager").sudo()
        )
        others = admins.filtered(
            lambda user: (
                user not in (self.sales_manager, self.env.ref("base.user_root"))
            )
        )
        others.sudo().write({"active": False})
        request = self._request(user=self.sales_manager)
        self.assertFalse(request.sudo().activity_ids)
        self.assertIn(
            "No sales administrator other than", request.sudo().message_ids[0].body
        )
        action = request.with_user(self.sales_manager).action_send_request()
        self.assertEqual(action["tag"], "crm_extension.exception_requested")
        self.assertTrue(action["params"]["warning"])

    def test_sending_the_request_says_who_decides(self):
        request = self._request()
        action = request.with_user(self.salesman_2).action_send_request()
        decider = request.sudo().activity_ids.user_id
        self.assertIn(decider.name, action["params"]["message"])
        self.assertFalse(action["params"]["warning"])


@tagged("post_install", "-at_install")
class TestApprovedPairs(CrmExtensionCase):
    """An approved pair reads as approved everywhere; a third customer sharing
    the key is still flagged against both."""

    NAME = "HANGZHOU WEST LAKE TRADING LTD"  # the name key of self.customer

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = (
            cls.env["crm.duplicate.exception"]
            .with_user(cls.salesman_2)
            .create(
                {
                    "name": cls.NAME,
                    "matched_partner_id": cls.customer.id,
                    "rule_id": cls.env.ref(
                        "crm_extension.duplicate_rule_company_name"
                    ).id,
                    "reason": "Franchisee in Ningbo, its own company",
                }
            )
        )
        cls.request.with_user(cls.sales_manager).action_approve()
        cls.franchisee = cls.request.partner_id
        cls.env.flush_all()

    def _review(self, **domain):
        return (
            self.env["crm.duplicate.group"]
            .with_user(self.sales_manager)
            .search(
                [
                    ("key", "=", "name"),
                    ("key_value", "=", self.customer.name_key),
                    *[(k, "=", v) for k, v in domain.items()],
                ]
            )
        )

    def test_the_approval_reads_only_to_who_may_read_it(self):
        """The pair's approval (who, when, why) is read by the sales
        administrators who may read the exception: not by one of another
        company, whoever read it first in the transaction."""
        company_b = self.env["res.company"].create({"name": "Company B Ltd"})
        manager_b = new_test_user(
            self.env,
            login="sales_manager_company_b",
            name="Bob B-Manager",
            groups="sales_team.group_sale_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        group = self._review()
        self.assertEqual(group.exception_ids, self.request)
        self.assertIn("Franchisee in Ningbo", group.approval)
        group_b = group.with_user(manager_b)
        self.assertFalse(group_b.exception_ids)
        self.assertFalse(group_b.approval)

    def test_the_upgrade_notes_what_the_pair_shares(self):
        """Approved before 1.7.16 (nothing noted): the upgrade notes the keys
        the two shared as asked, not a number one took from the other since,
        and the block rules hold for the others."""
        self.customer.with_user(self.salesman).vat = "91440300MA5H7QW201"
        self.franchisee.with_context(
            **MERGING_PARTNERS.context()
        ).vat = "91440300MA5H7QW201"
        self.env.cr.execute(
            "UPDATE crm_duplicate_exception SET approved_keys = NULL WHERE id = %s",
            [self.request.id],
        )
        self.env.invalidate_all()
        run_migration(self.env.cr, "1.7.16", "1.7.15")
        self.assertEqual(self.request.approved_keys, "name")
        self.customer.with_user(self.salesman).email = "buyer@westlake.example.com"
        self.franchisee.with_user(self.salesman_2).email = "buyer@westlake.example.com"
        self.assertFalse(self.franchisee.duplicate_state)
        self.franchisee.with_user(self.salesman_2).vat = False
        with self.assertRaises(ValidationError):
            self.franchisee.with_user(self.salesman_2).vat = "91440300MA5H7QW201"

    def test_no_banner_between_the_two(self):
        for partner, user in (
            (self.customer, self.salesman),
            (self.franchisee, self.salesman_2),
        ):
            with self.subTest(partner=partner.name):
                self.assertFalse(partner.with_user(user).duplicate_match_ids)
                # Nor while editing it in its form.
                with Form(partner.with_user(user)) as form:
                    form.email = "info@westlake.example.com"
                    self.assertFalse(form.duplicate_match_ids)

    def test_listed_with_the_approved_pairs_not_to_merge(self):
        group = self._review()
        self.assertEqual(group.partner_count, 2)
        self.assertEqual(group.state, "approved")
        self.assertIn("Mandy Manager", group.approval)
        self.assertIn("Franchisee in Ningbo", group.approval)
        self.assertFalse(self._review(state="to_review"))
        with self.assertRaisesRegex(UserError, "Nothing to merge"):
            Form(
                self.env["crm.partner.merge.wizard"]
                .with_user(self.sales_manager)
                .with_context(active_model="crm.duplicate.group", active_ids=group.ids)
            )
        with self.assertRaisesRegex(UserError, "Nothing to merge"):
            group.action_merge()

    def test_the_approval_is_dated_as_the_reader_reads_dates(self):
        """The day of the approval in the review is the reader's: in their
        time zone (approved at 07:30 in Shanghai, the day before in UTC) and
        written as their language writes dates."""
        self.sales_manager.tz = "Asia/Shanghai"
        self.env.cr.execute(
            "UPDATE crm_duplicate_exception SET decision_date = %s WHERE id = %s",
            ["2026-03-01 23:30:00", self.request.id],
        )
        self.env.invalidate_all()
        self.assertIn("on 03/02/2026:", self._review().approval)

    def test_a_third_customer_is_flagged_against_both(self):
        third = (
            self.env["res.partner"]
            .with_context(**MERGING_PARTNERS.context())
            .create({"name": "Hangzhou West Lake Trading Limited", "is_company": True})
            .with_env(self.env)
        )
        third.with_user(self.sales_manager).email = "x@third.example.com"
        self.assertEqual(
            third.with_user(self.sales_manager).duplicate_match_ids,
            self.customer | self.franchisee,
        )
        self.env.flush_all()
        group = self._review()
        self.assertEqual(group.partner_count, 3)
        self.assertEqual(group.state, "to_review")
        # The merge proposes the third with the original, never the pair.
        wizard = Form(
            self.env["crm.partner.merge.wizard"]
            .with_user(self.sales_manager)
            .with_context(active_model="crm.duplicate.group", active_ids=group.ids)
        ).save()
        self.assertEqual(wizard.customer_ids.partner_id, self.customer | third)
