"""What each role must NOT be able to do, tried as that user.

Every test acts through the ORM as the narrowest user (``with_user``, never the
superuser), sends the context a hostile client could send, and checks that the
rule holds and that nothing was changed.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .. import compat
from ..models.crm_duplicate_rule import CUSTOMER_SQL, NOT_CUSTOMER_IDS_SQL
from .common import CrmExtensionCase
from .test_chinese import load_chinese
from .test_complaint import RAW_EMAIL, ComplaintCase

# Context keys of the addon's internal shortcuts, past and present, as a client
# would send them: none may switch a rule off.
HOSTILE_CONTEXT = {
    "crm_duplicate_skip": True,
    "crm_extension_merging_partners": True,
    "crm_extension_creating_staff_partners": True,
    "crm_class_change_reason": "Class rule of VIP: forged",
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestClaiming(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.unowned = Partner.create({"name": "Nobody's Customer", "is_company": True})
        cls.pooled = Partner.create(
            {"name": "Pooled Customer", "is_company": True, "in_pool": True}
        )

    def _refused(self, partner, user):
        before = (partner.user_id, partner.in_pool)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            partner.with_user(user).action_claim_customer()
        partner.invalidate_recordset()
        self.assertEqual((partner.user_id, partner.in_pool), before)
        self.assertFalse(partner.with_user(user).can_claim)

    def test_only_salespeople_claim(self):
        for user in (self.complaint_officer, self.complaint_manager, self.accountant):
            self._refused(self.unowned, user)
            self._refused(self.pooled, user)

    def test_never_the_companies_or_users_partners(self):
        self._refused(self.env.company.partner_id, self.salesman)
        self._refused(self.salesman_2.partner_id, self.salesman)
        self._refused(self.complaint_officer.partner_id, self.salesman_all)
        employee = self.env["res.partner"].create(
            {"name": "Staff Contact", "parent_id": self.env.company.partner_id.id}
        )
        self._refused(employee, self.salesman)
        company_b = self.env["res.company"].create({"name": "Claim Company B"})
        self._refused(company_b.partner_id, self.salesman)

    def test_not_another_salespersons_customer_nor_a_contact(self):
        self._refused(self.other_customer, self.salesman)
        self._refused(self.contact_boss, self.salesman_2)

    def test_pool_and_unowned_customers_can_be_claimed(self):
        self.assertTrue(self.pooled.with_user(self.salesman).can_claim)
        self.pooled.with_user(self.salesman).action_claim_customer()
        self.assertEqual(self.pooled.user_id, self.salesman)
        self.assertFalse(self.pooled.in_pool)
        self.unowned.with_user(self.salesman_2).action_claim_customer()
        self.assertEqual(self.unowned.user_id, self.salesman_2)

    def test_claim_through_rpc_context_is_no_different(self):
        partner = self.env.company.partner_id.with_user(self.salesman)
        with self.assertRaises(UserError):
            partner.with_context(**HOSTILE_CONTEXT).action_claim_customer()

    def test_release_to_pool_leaves_the_companies_partners_alone(self):
        own = self.env.company.partner_id
        own.sudo().protection_end_date = fields.Date.today() - timedelta(days=1)
        self.unowned.protection_end_date = fields.Date.today() - timedelta(days=1)
        self.env["res.partner"]._cron_release_to_pool()
        self.assertFalse(own.in_pool)
        self.assertTrue(self.unowned.in_pool)


@tagged("post_install", "-at_install")
class TestHostileContext(CrmExtensionCase):
    def test_no_context_key_switches_blocking_off(self):
        Partner = self.env["res.partner"].with_user(self.salesman_2)
        with (
            self.assertRaisesRegex(ValidationError, "already registered"),
            self.env.cr.savepoint(),
        ):
            Partner.with_context(**HOSTILE_CONTEXT).create(
                {"name": "HANGZHOU WEST LAKE TRADING LTD", "is_company": True}
            )
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("name_key", "=", self.customer.name_key)]
            ),
            1,
        )
        other = Partner.create({"name": "Renamed Later Ltd", "is_company": True})
        with (
            self.assertRaisesRegex(ValidationError, "already registered"),
            self.env.cr.savepoint(),
        ):
            other.with_context(**HOSTILE_CONTEXT).write(
                {"name": "Hangzhou West Lake Trading Co., Ltd."}
            )

    def test_no_context_key_forges_a_class_change_cause(self):
        plain = self.class_model.create(
            {"name": "Plain", "parent_id": self.class_retail.id}
        )
        self.customer.with_user(self.salesman).with_context(
            **HOSTILE_CONTEXT
        ).customer_class_id = plain
        history = self.customer.class_history_ids[:1]
        self.assertEqual(history.new_class_id, plain)
        self.assertFalse(history.is_automatic)
        self.assertEqual(history.reason, "Changed by hand")

    def test_default_keys_cannot_set_guarded_fields(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .with_context(
                default_registered_by_id=self.salesman_2.id,
                default_registered_date="2001-01-01 00:00:00",
                default_credit_rating="a",
                default_in_pool=True,
                default_lifecycle_stage="vip",
                default_protection_end_date="2099-12-31",
                default_duplicate_state="cleared",
            )
            .create({"name": "Default Keys Ltd", "is_company": True})
        )
        self.assertEqual(partner.registered_by_id, self.salesman)
        self.assertNotEqual(partner.registered_date.year, 2001)
        self.assertFalse(partner.credit_rating)
        self.assertFalse(partner.in_pool)
        self.assertEqual(partner.lifecycle_stage, "target")
        self.assertNotEqual(
            partner.protection_end_date, fields.Date.to_date("2099-12-31")
        )
        self.assertFalse(partner.duplicate_state)

    def test_administrators_defaults_still_apply(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.sales_manager)
            .with_context(default_credit_rating="b")
            .create({"name": "Rated On Creation Ltd", "is_company": True})
        )
        self.assertEqual(partner.credit_rating, "b")


@tagged("post_install", "-at_install")
class TestGuardedFields(CrmExtensionCase):
    """A field the views show read-only to a role is refused by the ORM too."""

    def _refused(self, record, user, vals):
        before = {fname: record[fname] for fname in vals}
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            record.with_user(user).write(vals)
        record.invalidate_recordset()
        self.assertEqual({fname: record[fname] for fname in vals}, before)

    def test_ownership_and_lifecycle_of_a_customer(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        for vals in (
            {"protection_end_date": tomorrow},
            {"in_pool": True},
            {"registered_by_id": self.salesman_2.id},
            {"registered_date": "2001-01-01 00:00:00"},
            {"duplicate_state": "cleared"},
            {"duplicate_partner_ids": [Command.link(self.other_customer.id)]},
            {"customer_class_locked": True},
            {"credit_rating": "a"},
            {"lifecycle_stage": "vip"},
            {"last_deal_date": tomorrow},
            {"birthday_reminded_year": 2099},
            {"name_key": "forged"},
            {"vat_key": "FORGED123"},
            {"vat_other_key": "FORGED456"},
            {"phone_other_key": "+8613800000000"},
        ):
            self._refused(self.customer, self.salesman, vals)
            self._refused(self.customer, self.salesman_all, vals)

    def test_refusal_names_the_groups_of_each_field(self):
        """Fields refused together: each with the groups that may write it,
        the ones the system keeps apart, in the reader's language."""
        with self.assertRaises(AccessError) as refused, self.env.cr.savepoint():
            self.customer.with_user(self.salesman).write(
                {
                    "credit_rating": "a",
                    "registered_by_id": self.salesman_2.id,
                    "lifecycle_stage": "vip",
                }
            )
        sentences = str(refused.exception).split("\n")
        self.assertEqual(len(sentences), 3, sentences)
        system, *others = sentences
        self.assertRegex(system, r"are kept by the system.*: Lifecycle Stage\.$")
        rating = next(text for text in others if "Credit Rating" in text)
        registrant = next(text for text in others if "Registered By" in text)
        self.assertIn("Only accountants or sales administrators may change", rating)
        self.assertNotIn("Registered By", rating)
        self.assertIn("Only sales administrators may change", registrant)
        self.assertNotIn("accountants", registrant)
        self.env["res.lang"]._activate_lang("zh_CN")
        with self.assertRaises(AccessError) as refused, self.env.cr.savepoint():
            self.customer.with_user(self.salesman).with_context(lang="zh_CN").write(
                {"lifecycle_stage": "vip"}
            )
        self.assertIn("由系统维护", str(refused.exception))

    def test_administrators_write_ownership_but_not_the_lifecycle(self):
        tomorrow = fields.Date.today() + timedelta(days=1)
        self.customer.with_user(self.sales_manager).write(
            {"protection_end_date": tomorrow, "customer_class_locked": True}
        )
        self.assertEqual(self.customer.protection_end_date, tomorrow)
        self._refused(self.customer, self.sales_manager, {"lifecycle_stage": "vip"})
        self._refused(self.customer, self.sales_manager, {"name_key": "forged"})

    def test_unchanged_values_pass(self):
        # An exported file imported back writes the values the customer has.
        self.customer.with_user(self.salesman).write(
            {"lifecycle_stage": self.customer.lifecycle_stage, "in_pool": False}
        )

    def test_guarded_values_refused_on_create(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        for vals in (
            {"lifecycle_stage": "vip"},
            {"in_pool": True},
            {"registered_by_id": self.salesman_2.id},
            {"duplicate_state": "cleared"},
            {"credit_rating": "a"},
        ):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                Partner.create(
                    {"name": "Forged Values Ltd", "is_company": True, **vals}
                )
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Forged Values Ltd")])
        )

    def test_contacts_follow_their_company_lifecycle(self):
        self.customer.sudo()._lifecycle_event("deal", fields.Date.today())
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "New Buyer", "parent_id": self.customer.id})
        )
        self.assertEqual(contact.lifecycle_stage, "deal")
        moved = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Moving Buyer"})
        )
        moved.with_user(self.salesman).parent_id = self.customer
        self.assertEqual(moved.lifecycle_stage, "deal")

    def test_committee_flags_cannot_be_forged(self):
        near_close = self.env["crm.stage"].search(
            [("funnel_phase", "=", "near_close")], limit=1
        )
        lead = self.opportunity.with_user(self.salesman)
        with self.assertRaises(AccessError):
            lead.write({"stage_id": near_close.id, "has_decision_maker": True})
        for vals in (
            {"has_decision_maker": True},
            {"has_opponent": True},
            {"matched_partner_id": self.other_customer.id},
        ):
            self._refused(self.opportunity, self.salesman, vals)
        self.assertFalse(self.opportunity.has_decision_maker)


@tagged("post_install", "-at_install")
class TestGuardedComplaintFields(ComplaintCase):
    def test_service_level_clock_is_the_systems(self):
        complaint = self._complaint()
        later = fields.Datetime.now() + timedelta(days=30)
        for user in (self.salesman, self.complaint_officer, self.complaint_manager):
            for vals in (
                {"sla_status": "met"},
                {"response_deadline": later},
                {"resolution_deadline": later},
                {"escalation_level": 2},
                {"date_first_response": fields.Datetime.now()},
                {"date_resolved": fields.Datetime.now()},
                {"date_closed": fields.Datetime.now()},
            ):
                before = {fname: complaint[fname] for fname in vals}
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    complaint.with_user(user).write(vals)
                complaint.invalidate_recordset()
                self.assertEqual({f: complaint[f] for f in vals}, before)

    def test_guarded_values_refused_on_create(self):
        for vals in ({"escalation_level": 2}, {"sla_status": "met"}, {"name": "X/1"}):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self._complaint(user=self.salesman, **vals)

    def test_who_corrects_reference_service_level_and_reception(self):
        complaint = self._complaint()
        yesterday = fields.Datetime.now() - timedelta(days=1)
        for vals in (
            {"name": "CMP/FORGED"},
            {"sla_id": self.sla_critical.id},
            {"date_received": yesterday},
        ):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                complaint.with_user(self.complaint_officer).write(vals)
        complaint.with_user(self.complaint_manager).write(
            {"sla_id": self.sla_critical.id, "date_received": yesterday}
        )
        self.assertEqual(complaint.sla_id, self.sla_critical)
        # Whoever registers a complaint says when it was received.
        phoned = self._complaint(user=self.salesman, date_received=yesterday)
        self.assertEqual(phoned.date_received, yesterday.replace(microsecond=0))

    def test_handling_still_stops_the_clock(self):
        complaint = self._complaint()
        complaint.with_user(self.complaint_officer).stage_id = self.stage_resolved
        self.assertTrue(complaint.date_resolved)
        self.assertTrue(complaint.date_first_response)

    def test_only_internal_users_handle_complaints(self):
        with self.assertRaises(UserError):
            self._complaint(user_id=self.portal_user.id)

    def test_related_customer_and_stage_kind_are_odoos(self):
        """Odoo stores what a complaint relates (its customer company, its
        stage's kind) and lets a write set it: the portal's rule reads the
        customer, the jobs and the credit note the stage's kind."""
        complaint = self._complaint()
        for user in (self.salesman, self.complaint_officer, self.complaint_manager):
            for vals in (
                {"commercial_partner_id": self.other_customer.id},
                {"is_closed": True},
                {"is_resolved": True},
            ):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    complaint.with_user(user).write(vals)
        complaint.invalidate_recordset()
        self.assertEqual(complaint.commercial_partner_id, self.customer)
        self.assertFalse(complaint.is_closed or complaint.is_resolved)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self._complaint(
                user=self.salesman, commercial_partner_id=self.other_customer.id
            )
        # An exported complaint imported as a new one gives the customer
        # company Odoo relates it to: no value of the caller's own.
        imported = self._complaint(
            user=self.salesman, commercial_partner_id=self.customer.id
        )
        self.assertEqual(imported.commercial_partner_id, self.customer)

    def test_refusal_names_no_order_the_user_cannot_read(self):
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {"partner_id": self.other_customer.id, "user_id": self.salesman_2.id}
            )
        )
        self.assertFalse(order.with_user(self.salesman).has_access("read"))
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            self._complaint(user=self.salesman, sale_order_id=order.id)
        self.assertNotIn(order.name, str(caught.exception))
        # Refused before anything names it: the user may not link it at all.
        self.assertIsInstance(caught.exception, AccessError)
        self.assertIn("You may not read this order or invoice", str(caught.exception))


@tagged("post_install", "-at_install")
class TestInternalUsersOutsideSales(CrmExtensionCase):
    """Odoo gives every new internal user "Contact Creation": with it, users
    outside sales still only read customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contact_creation = cls.env.ref("base.group_partner_manager")
        cls.officer = new_test_user(
            cls.env,
            login="officer_with_contact_creation",
            name="Oscar Officer",
            groups="crm_extension.group_complaint_user,base.group_partner_manager",
        )
        cls.accountant[compat.GROUPS_FIELD] |= contact_creation
        cls.settings_admin = new_test_user(
            cls.env,
            login="settings_admin_only",
            name="Sid Settings",
            groups="base.group_system,base.group_partner_manager",
        )

    def test_they_do_not_edit_a_salespersons_customer(self):
        for user in (self.officer, self.accountant):
            for vals in (
                {"name": "Renamed by hand"},
                {"user_id": user.id},
                {"email": "mine@example.com"},
            ):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.customer.with_user(user).write(vals)
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.customer.with_user(user).unlink()
        self.assertEqual(self.customer.name, "Hangzhou West Lake Trading Co., Ltd.")
        self.assertEqual(self.customer.user_id, self.salesman)

    def test_they_keep_their_other_work(self):
        # Their own contact.
        self.officer.partner_id.with_user(self.officer).phone = "+86 21 5555 0101"
        # Vendors, created and edited.
        vendor = (
            self.env["res.partner"]
            .with_user(self.accountant)
            .with_context(res_partner_search_mode="supplier")
            .create({"name": "Paper Supplies Ltd", "is_company": True})
        )
        vendor.with_user(self.accountant).street = "1 Mill Road"
        existing_vendor = self.env["res.partner"].create(
            {"name": "Ink Works", "is_company": True, "supplier_rank": 1}
        )
        existing_vendor.with_user(self.officer).phone = "+49 30 5555 0102"
        # Accountants rate customers they cannot otherwise edit.
        self.customer.with_user(self.accountant).credit_rating = "b"
        self.assertEqual(self.customer.credit_rating, "b")

    def test_they_keep_editing_partners_that_are_no_customers(self):
        """The companies' contacts and the users' partners are no customers:
        whoever Odoo lets edit them still does (a user's partner, as without
        the addon, by who manages users)."""
        Partner = self.env["res.partner"]
        reception = Partner.create(
            {"name": "Reception Desk", "parent_id": self.env.company.partner_id.id}
        )
        for user in (self.officer, self.accountant, self.salesman):
            reception.with_user(user).phone = "+86 21 5555 0103"
            desk = Partner.with_user(user).create(
                {
                    "name": f"Desk of {user.name}",
                    "parent_id": self.env.company.partner_id.id,
                }
            )
            self.assertEqual(desk.parent_id, self.env.company.partner_id)
            # A colleague's partner: Odoo's own refusal, as without the addon.
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self.salesman_2.partner_id.with_user(user).phone = "+86 21 5555 0104"
        users_admin = new_test_user(
            self.env,
            login="access_rights_admin",
            name="Ada Access",
            groups="base.group_erp_manager,base.group_partner_manager",
        )
        self.salesman_2.with_user(users_admin).write(
            {"name": "Renamed Seller", "email": "renamed.seller@example.com"}
        )
        self.assertEqual(self.salesman_2.partner_id.name, "Renamed Seller")
        self.assertEqual(self.salesman_2.partner_id.email, "renamed.seller@example.com")
        # The company's own partner stays the settings' (see below).
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env.company.partner_id.with_user(self.officer).street = "Elsewhere"

    def test_settings_administrators_edit_the_companys_address(self):
        company_partner = self.env.company.partner_id
        company_partner.with_user(self.settings_admin).street = "88 Century Avenue"
        self.assertEqual(company_partner.street, "88 Century Avenue")
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            company_partner.with_user(self.salesman_all).street = "Somewhere else"


@tagged("post_install", "-at_install")
class TestOtherCompanies(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B Ltd"})
        cls.salesman_b = new_test_user(
            cls.env,
            login="salesman_company_b",
            name="Bella B-Seller",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.secret = (
            cls.env["res.partner"]
            .with_user(cls.salesman_b)
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Secret Lotus Co., Ltd.",
                    "is_company": True,
                    "company_id": cls.company_b.id,
                    "user_id": cls.salesman_b.id,
                    "email": "buyer@secret-lotus.example.cn",
                }
            )
        )

    def test_a_class_counts_the_customers_of_the_readers_companies(self):
        """A class shared by all companies counts, for each reader, the
        customers of their companies, whoever counted first in the
        transaction."""
        klass = self.env["crm.customer.class"].create(
            {"name": "Lotus class", "code": "LOTUS"}
        )
        self.secret.sudo().customer_class_id = klass
        self.assertEqual(klass.with_user(self.salesman_b).partner_count, 1)
        self.assertEqual(klass.with_user(self.salesman).partner_count, 0)

    def test_a_lead_forgets_a_customer_moved_to_another_company(self):
        """A lead of our company matched a customer shared by all companies,
        which a sales administrator then gives to company B: the lead no
        longer names it to our salesperson, neither in its read values nor
        as a group of the leads."""
        shared = self.env["res.partner"].create(
            {
                "name": "Wandering Crane Trading Ltd",
                "is_company": True,
                "company_id": False,
                "email": "buyer@wandering-crane.example.cn",
            }
        )
        Lead = self.env["crm.lead"].with_user(self.salesman)
        lead = Lead.create(
            {
                "name": "Crane inquiry",
                "email_from": "buyer@wandering-crane.example.cn",
                "company_id": self.company.id,
                "user_id": self.salesman.id,
            }
        )
        self.assertEqual(lead.sudo().matched_partner_id, shared)
        shared.company_id = self.company_b
        values = lead.read(["matched_partner_id", "matched_customer_info"])[0]
        self.assertFalse(values["matched_partner_id"])
        self.assertFalse(values["matched_customer_info"])
        # (Nor is the lead grouped under it: the stored match is gone.)
        self.assertFalse(lead.sudo().matched_partner_id)

    def test_a_lead_form_tells_nothing_of_another_companys_customer(self):
        """Our salesperson gives a new lead's form the id of company B's
        customer (typed by a client, or as the form's default): Odoo would
        fill the lead in from it (its name, e-mail); refused, naming
        nothing. Their own customer fills it in as before."""
        Lead = self.env["crm.lead"].with_user(self.salesman)
        spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "email_from": {},
            "partner_name": {},
        }
        for values, context in (
            ({"name": "Probe", "partner_id": self.secret.id}, {}),
            ({}, {"default_partner_id": self.secret.id}),
        ):
            with self.subTest(context=context):
                with self.assertRaises(AccessError) as refused:
                    Lead.with_context(**context).onchange(
                        values, ["partner_id"] if values else [], spec
                    )
                self.assertNotIn("Secret Lotus", str(refused.exception))
                self.assertNotIn("secret-lotus", str(refused.exception))
        self.customer.email = "buyer@westlake.example.cn"
        result = Lead.onchange(
            {"name": "Probe", "partner_id": self.customer.id}, ["partner_id"], spec
        )
        self.assertEqual(result["value"]["email_from"], "buyer@westlake.example.cn")

    def test_a_customer_in_a_company_not_ones_own_gets_odoos_refusal(self):
        """Bella of company B registers a customer in our company: Odoo's own
        refusal of a company she may not use, not an error about reading it."""
        with self.assertRaises(AccessError) as refused:
            self.env["res.partner"].with_user(self.salesman_b).create(
                {"name": "MMX Ltd", "is_company": True, "company_id": self.company.id}
            )
        self.assertIn("res.partner", str(refused.exception))
        self.assertNotIn("res.company", str(refused.exception))

    def test_who_may_not_write_a_customer_learns_nothing_of_it(self):
        """A portal user, or a salesperson of company B, writing ids of our
        customers (to archive them, restore them, through a company's
        contacts): Odoo's own refusal, naming no customer, no salesperson, no
        field of the addon, before any rule of the addon reads them."""
        Partner = self.env["res.partner"]
        ours = Partner.create(
            {
                "name": "Pacific Widgets LLC",
                "is_company": True,
                "company_id": self.company.id,
                "user_id": self.salesman_2.id,
            }
        )
        merged = Partner.create(
            {"name": "Copy Co Ltd", "is_company": True, "company_id": self.company.id}
        )
        merged.action_archive()
        merged.flush_recordset()
        self.env.cr.execute(
            "UPDATE res_partner SET crm_merged_into_id = %s WHERE id = %s",
            [ours.id, merged.id],
        )
        merged.invalidate_recordset()
        own_partner = {
            self.portal_user: self.portal_user.partner_id,
            self.salesman_b: self.secret,
        }
        for user in (self.portal_user, self.salesman_b):
            attempts = {
                "archive": (ours, {"active": False}),
                "restore": (ours, {"active": True}),
                "restore merged": (merged, {"active": True}),
                "rename": (ours, {"name": "Renamed"}),
                "archive as a contact": (
                    own_partner[user],
                    {"child_ids": [Command.update(ours.id, {"active": False})]},
                ),
                "restore merged as a contact": (
                    own_partner[user],
                    {"child_ids": [Command.update(merged.id, {"active": True})]},
                ),
            }
            for label, (partner, vals) in attempts.items():
                with (
                    self.subTest(user=user.name, attempt=label),
                    self.assertRaises(AccessError) as refused,
                    self.env.cr.savepoint(),
                ):
                    partner.with_user(user).with_context(active_test=False).write(vals)
                message = str(refused.exception)
                for secret in (
                    "Pacific",
                    "Copy Co",
                    "Sam Salesman",
                    "name_key",
                    "merged",
                ):
                    self.assertNotIn(secret, message)
        self.assertTrue(ours.active)
        self.assertFalse(merged.active)

    def test_no_contact_under_a_customer_one_may_not_read(self):
        """A contact takes its company's name and commercial fields (its tax
        ID): a salesperson giving their contact another company's customer as
        its company, by id over RPC or as the form's default, would read
        them through it."""
        Partner = self.env["res.partner"].with_user(self.salesman)
        self.secret.sudo().vat = "91310115MA1H7GQX4A"
        mine = Partner.create({"name": "Wang Wu"})
        refused = "A contact can only be placed under a company you may read."
        attempts = {
            "create": lambda: Partner.create(
                {"name": "Li Si", "parent_id": self.secret.id}
            ),
            "create by default": lambda: Partner.with_context(
                default_parent_id=self.secret.id
            ).create({"name": "Li Si"}),
            "write": lambda: mine.write({"parent_id": self.secret.id}),
        }
        # Nor does the form, given it, show its name, address or salesperson.
        spec = {
            "parent_id": {"fields": {"display_name": {}}},
            "street": {},
            "user_id": {"fields": {"display_name": {}}},
        }
        attempts["form"] = lambda: Partner.onchange(
            {"name": "Li Si", "parent_id": self.secret.id}, ["parent_id"], spec
        )
        attempts["form's default"] = lambda: Partner.with_context(
            default_parent_id=self.secret.id
        ).onchange({}, [], spec)
        attempts["form of a contact"] = lambda: mine.onchange(
            {"parent_id": self.secret.id}, ["parent_id"], spec
        )
        for label, attempt in attempts.items():
            with self.subTest(attempt=label), self.assertRaises(AccessError) as caught:
                attempt()
            self.assertEqual(str(caught.exception), refused)
        self.assertFalse(mine.parent_id)
        self.assertFalse(self.secret.sudo().child_ids)
        # Under a customer they read, as before.
        mine.write({"parent_id": self.customer.id})
        self.assertEqual(mine.commercial_partner_id, self.customer)

    def test_another_companys_customer_does_not_block_ours(self):
        ours = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "SECRET LOTUS CO LTD",
                    "is_company": True,
                    "company_id": self.env.company.id,
                }
            )
        )
        self.assertFalse(ours.duplicate_state)

    def test_a_block_by_a_customer_one_cannot_see_names_nobody(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Secret Lotus Ltd", "is_company": True}  # shared
            )
        message = str(caught.exception)
        self.assertIn("cannot see", message)
        self.assertNotIn("Bella", message)
        self.assertNotIn("Secret Lotus Co., Ltd.", message)

    def test_a_block_tells_an_administrator_where_the_customer_is(self):
        """A sales administrator makes a customer shared by all companies;
        company B holds it already. Working in our company only, with B
        among their companies, they are told to select it; without B, that
        it is in a company they have no access to. Never to ask a sales
        administrator, nor which customer it is."""
        both = new_test_user(
            self.env,
            login="sales_admin_both",
            name="Ada Both Companies",
            groups="sales_team.group_sale_manager",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        ours = self.env["res.partner"].create(
            {
                "name": "SECRET LOTUS LIMITED",
                "is_company": True,
                "company_id": self.company.id,
            }
        )
        for admin, told in (
            (
                both,
                "A customer of another of your companies is already registered "
                "with it: select that company to see it.",
            ),
            (
                self.sales_manager,
                "A customer of a company you do not have access to is already "
                "registered with it.",
            ),
        ):
            with (
                self.subTest(admin=admin.name),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                ours.with_user(admin).with_context(
                    allowed_company_ids=self.company.ids
                ).write({"company_id": False})
            message = str(caught.exception)
            self.assertIn(told, message)
            self.assertNotIn("ask a sales administrator", message)
            self.assertNotIn("Secret Lotus", message)
            self.assertNotIn("Bella", message)
        load_chinese(self.env)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            ours.with_user(both).with_context(
                allowed_company_ids=self.company.ids, lang="zh_CN"
            ).write({"company_id": False})
        self.assertIn(
            "您所属的另一家公司已有客户使用该信息登记：请在公司切换器中选中该公司后查看。",
            str(caught.exception),
        )
        self.assertEqual(ours.company_id, self.company)

    def test_a_rule_of_one_company_compares_what_that_company_sees(self):
        rule = self.env.ref("crm_extension.duplicate_rule_company_name")
        rule.company_id = self.company_b
        # A customer of the main company alone: company B does not see it.
        ours = self.env["res.partner"].create(
            {
                "name": "Secret Lotus Ltd",
                "is_company": True,
                "company_id": self.company.id,
            }
        )
        self.assertTrue(ours)
        # A customer of no company is company B's too, whichever company its
        # registrant works in.
        with (
            self.assertRaisesRegex(ValidationError, "A customer you cannot see"),
            self.env.cr.savepoint(),
        ):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "SECRET LOTUS LIMITED", "is_company": True}
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["res.partner"].with_user(self.salesman_b).with_company(
                self.company_b
            ).create(
                {
                    "name": "SECRET LOTUS LIMITED",
                    "is_company": True,
                    "company_id": self.company_b.id,
                }
            )

    def test_form_and_lead_show_only_readable_matches(self):
        with Form(self.env["res.partner"].with_user(self.salesman)) as form:
            form.company_type = "company"
            form.name = "Secret Lotus"
            form.email = "buyer@secret-lotus.example.cn"
            self.assertFalse(form.duplicate_match_ids)
            form.name = "Secret Lotus Two"
            form.email = False
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Inquiry",
                    "email_from": "buyer@secret-lotus.example.cn",
                    "company_id": False,
                }
            )
        )
        # Whoever reads the lead (shared by every company) may read its
        # customer: another company's customer is no match of it.
        self.assertFalse(lead.sudo().matched_partner_id)
        self.assertFalse(lead.matched_customer_info)
        self.assertFalse(lead.matched_owner_id)

    def test_incoming_complaint_matches_customers_of_the_alias_company(self):
        raw = RAW_EMAIL.format(
            email_from="Buyer <buyer@secret-lotus.example.cn>",
            subject="Wrong delivery",
            message_id="company-b-1",
        )
        complaint = self.env["crm.complaint"].browse(
            self.env["mail.thread"].message_process("crm.complaint", raw)
        )
        self.assertEqual(complaint.company_id, self.env.company)
        self.assertFalse(complaint.partner_id)
        self.assertIn("buyer@secret-lotus.example.cn", complaint.email_from)

    def test_committee_and_class_history_stay_in_their_company(self):
        buyer = self.env["res.partner"].create(
            {
                "name": "Lotus Buyer",
                "parent_id": self.secret.id,
                "company_id": self.company_b.id,
            }
        )
        with self.assertRaisesRegex(UserError, "belongs to company"):
            self.env["crm.lead.contact.role"].create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": buyer.id,
                    "role_id": self.role_dm.id,
                }
            )
        plain = self.class_model.create(
            {"name": "Plain", "parent_id": self.class_retail.id}
        )
        self.secret.with_user(self.salesman_b).with_company(
            self.company_b
        ).customer_class_id = plain
        History = self.env["crm.customer.class.history"]
        self.assertTrue(History.search([("partner_id", "=", self.secret.id)]))
        self.assertFalse(
            History.with_user(self.salesman).search(
                [("partner_id", "=", self.secret.id)]
            )
        )


@tagged("post_install", "-at_install")
class TestWhoIsACustomer(CrmExtensionCase):
    def test_companies_and_users_do_not_collide_with_customers(self):
        company = self.env["res.company"].create(
            {"name": "Hangzhou West Lake Trading Co., Ltd."}
        )
        self.assertTrue(company.partner_id)
        user = new_test_user(
            self.env,
            login="same_mail_user",
            name="Sally Twin",
            email=self.customer.email or "sally.twin@example.com",
        )
        self.assertFalse(user.partner_id.duplicate_state)
        # And a customer named like one of the companies is no duplicate either.
        twin = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": self.env.company.name, "is_company": True})
        )
        self.assertTrue(twin)

    def test_the_two_forms_of_the_rule_agree(self):
        Partner = self.env["res.partner"]
        employee = Partner.create(
            {"name": "Company Employee", "parent_id": self.env.company.partner_id.id}
        )
        archived_user = new_test_user(self.env, login="gone_user", name="Gone User")
        archived_user.active = False
        partners = (
            self.customer
            | self.contact_boss
            | self.env.company.partner_id
            | employee
            | self.salesman.partner_id
            | archived_user.partner_id
            | self.portal_user.partner_id
        )
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT p.id FROM res_partner p WHERE p.id = ANY(%s) AND {CUSTOMER_SQL}",
            [partners.ids],
        )
        in_sql = Partner.browse(sorted(row[0] for row in self.env.cr.fetchall()))
        in_python = partners._crm_customers()
        self.assertEqual(in_python, in_sql)
        self.env.cr.execute(NOT_CUSTOMER_IDS_SQL)
        not_customers = {row[0] for row in self.env.cr.fetchall()}
        self.assertEqual(
            in_python, partners.filtered(lambda p: p.id not in not_customers)
        )
        in_domain = Partner.with_context(active_test=False).search(
            [("id", "in", partners.ids), *Partner._crm_customer_domain()]
        )
        self.assertEqual(in_python, in_domain)
        self.assertEqual(
            in_python, self.customer | self.contact_boss | self.portal_user.partner_id
        )


@tagged("post_install", "-at_install")
class TestBadInput(CrmExtensionCase):
    def test_placeholders_are_no_keys(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        names = ["Alpha Mills", "Beacon Foods", "Cedar Paints", "Delta Ropes"]
        for name, vat in zip(names, ["N/A", "0", "-", "000000"], strict=True):
            partner = Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "vat": vat,
                    "email": "none@none.com",
                    "phone": "000000",
                }
            )
            self.assertFalse(partner.vat_key or partner.email_key or partner.phone_key)
            self.assertFalse(partner.duplicate_state)
        for name in ("N/A", "-", "未知"):
            self.assertTrue(Partner.create({"name": name, "is_company": True}))

    def test_settings_are_validated(self):
        for days in (99999999, -1):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.env["res.config.settings"].create(
                    {"crm_protection_days": days}
                ).execute()
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.env["ir.config_parameter"].set_param(
                    "crm_extension.protection_days", str(days)
                )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env["ir.config_parameter"].set_param(
                "crm_extension.protection_days", "thirty"
            )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env.company.crm_dormant_days = 99999999
        settings = self.env["res.config.settings"].create({"crm_protection_days": 30})
        settings.execute()
        partner = self.env["res.partner"].create(
            {"name": "Thirty Days Ltd", "is_company": True}
        )
        self.assertEqual(
            partner.protection_end_date,
            fields.Date.context_today(partner) + timedelta(days=30),
        )

    def test_a_value_saved_before_the_checks_cannot_break_registrations(self):
        self.env.cr.execute(
            "UPDATE ir_config_parameter SET value = '99999999' "
            "WHERE key = 'crm_extension.protection_days'"
        )
        if not self.env.cr.rowcount:
            self.env.cr.execute(
                "INSERT INTO ir_config_parameter (key, value) "
                "VALUES ('crm_extension.protection_days', '99999999')"
            )
        self.env.registry.clear_all_caches()
        partner = self.env["res.partner"].create(
            {"name": "Old Setting Ltd", "is_company": True}
        )
        self.assertEqual(
            partner.protection_end_date,
            fields.Date.context_today(partner) + timedelta(days=3650),
        )


@tagged("post_install", "-at_install")
class TestPredictiveLeadScoring(CrmExtensionCase):
    def test_a_stage_probability_never_turns_the_automated_probability_off(self):
        stage = self.env["crm.stage"].search(
            [("default_probability", ">", 0), ("is_won", "=", False)], limit=1
        )
        self.assertTrue(stage)
        stage.gate_ids.active = False
        lead = self.opportunity.with_user(self.salesman)
        self.assertTrue(lead.is_automated_probability)
        lead.stage_id = stage
        self.assertTrue(lead.is_automated_probability)
        self.assertEqual(lead.probability, lead.automated_probability)
        with Form(lead) as form:
            form.stage_id = self.env["crm.stage"].search(
                [("is_won", "=", False), ("id", "!=", stage.id)], limit=1
            )
        self.assertTrue(lead.is_automated_probability)


@tagged("post_install", "-at_install")
class TestCreditNoteLinks(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create(
            {"name": "Celadon bowl", "list_price": 100, "type": "consu"}
        )

        def invoice(partner):
            move = cls.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.today(),
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "price_unit": 100})
                    ],
                }
            )
            move.action_post()
            return move

        cls.invoice = invoice(cls.customer)
        cls.other_invoice = invoice(cls.other_customer)

    def test_a_credit_note_settles_only_its_invoices_complaint(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        action = complaint.with_user(self.accountant).action_issue_credit_note()
        context = {**action["context"], "active_ids": self.other_invoice.ids}
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(**context)
            .create({"journal_id": self.other_invoice.journal_id.id})
        )
        result = wizard.refund_moves()
        credit_note = self.env["account.move"].browse(result["res_id"])
        self.assertFalse(credit_note.complaint_id)
        # Nor linked by hand: the link is the system's.
        with self.assertRaises(AccessError):
            credit_note.with_user(self.accountant).complaint_id = complaint
        # Nor by the system to another invoice's credit note.
        with self.assertRaises(ValidationError):
            credit_note.sudo().complaint_id = complaint


@tagged("post_install", "-at_install")
class TestSecondAudit(ComplaintCase):
    """Holes a second review found after the first fixes."""

    def _merge(self, user, partners, dst):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
            .create(
                {"partner_ids": [Command.set(partners.ids)], "dst_partner_id": dst.id}
            )
        )
        return wizard.action_merge()

    def test_merging_needs_the_right_to_delete_every_partner_first(self):
        plain = new_test_user(
            self.env,
            login="plain_contact_creation",
            name="Pat Plain",
            groups="base.group_user,base.group_partner_manager",
        )
        shell = (
            self.env["res.partner"]
            .with_user(plain)
            .create({"name": "Empty Shell", "email": self.other_customer.email})
        )
        for user in (plain, self.salesman):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                self._merge(user, shell | self.other_customer, shell)
        self.assertTrue(self.other_customer.exists())
        self.assertEqual(self.other_opportunity.partner_id, self.other_customer)

    def test_customers_are_merged_by_administrators_within_one_company(self):
        twin = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "West Lake Twin",
                    "is_company": True,
                    "user_id": self.salesman.id,
                }
            )
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self._merge(self.salesman, twin | self.customer, self.customer)
        company_b = self.env["res.company"].create({"name": "Merge Company B"})
        twin.company_id = company_b
        self.customer.company_id = self.env.company
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self._merge(self.sales_manager, twin | self.customer, self.customer)

    def test_a_company_with_a_parent_is_still_checked(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        with self.assertRaises(ValidationError):
            Partner.create(
                {
                    "name": "Hangzhou West Lake Trading Co., Ltd.",
                    "is_company": True,
                    "parent_id": self.other_customer.id,
                }
            )

    def test_a_vendor_bill_does_not_open_a_customer_to_everybody(self):
        prospect = self.other_customer
        self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": prospect.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    Command.create({"name": "Samples", "price_unit": 10})
                ],
            }
        ).action_post()
        self.assertGreater(prospect.supplier_rank, 0)
        with self.assertRaises(AccessError):
            prospect.with_user(self.accountant).name = "Taken over"

    def test_exception_requests_name_only_readable_customers(self):
        company_b = self.env["res.company"].create({"name": "Request Company B"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden Lotus", "is_company": True, "company_id": company_b.id}
        )
        with self.assertRaises(AccessError):
            self.env["crm.duplicate.exception"].with_user(self.salesman).create(
                {
                    "name": "Probe",
                    "matched_partner_id": hidden.id,
                    "reason": "Just looking",
                }
            )

    def test_complaints_are_not_received_in_the_future(self):
        with self.assertRaises(ValidationError):
            self._complaint(
                user=self.salesman,
                date_received=fields.Datetime.now() + timedelta(days=365),
            )

    def test_a_refund_that_reverses_nothing_settles_no_complaint(self):
        complaint = self._complaint()  # no invoice
        with self.assertRaises(ValidationError):
            self.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.customer.id,
                    "complaint_id": complaint.id,
                }
            )

    def test_lead_names_only_customers_visible_wherever_it_is(self):
        company_b = self.env["res.company"].create({"name": "Lead Company B"})
        self.env["res.partner"].create(
            {
                "name": "Bravo Secret Corp",
                "is_company": True,
                "company_id": company_b.id,
                "email": "ceo@bravo.example.com",
            }
        )
        lead = self.env["crm.lead"].create(
            {"name": "Inquiry", "email_from": "ceo@bravo.example.com"}
        )
        self.assertFalse(lead.matched_partner_id)
        self.assertFalse(lead.matched_customer_info)

    def test_accountants_rate_customers_only(self):
        with self.assertRaises(AccessError):
            self.env.company.partner_id.with_user(self.accountant).credit_rating = "c"

    def test_a_salesperson_edits_a_lead_of_another_salespersons_customer(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Shared account",
                "type": "opportunity",
                "partner_id": self.other_customer.id,
                "user_id": self.salesman.id,
            }
        )
        lead.with_user(self.salesman).write(
            {"email_from": "new.buyer@example.com", "phone": "+86 21 5555 0199"}
        )
        self.assertEqual(lead.email_from, "new.buyer@example.com")
        self.assertNotEqual(self.other_customer.email, "new.buyer@example.com")


@tagged("post_install", "-at_install")
class TestRelatedFieldsAreOdoos(CrmExtensionCase):
    """What Odoo stores from a relation is not set by a client's write: the
    company of a committee member (the multi-company rule reads it) and a
    customer's main class (the class rules read it)."""

    def test_committee_member_keeps_its_opportunitys_company(self):
        other_company = self.env["res.company"].create({"name": "Committee Co 2"})
        line = (
            self.env["crm.lead.contact.role"]
            .with_user(self.salesman)
            .create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": self.contact_boss.id,
                    "role_id": self.role_dm.id,
                }
            )
        )
        for user in (self.salesman, self.sales_manager):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                line.with_user(user).write({"company_id": other_company.id})
        line.invalidate_recordset()
        self.assertEqual(line.company_id, self.opportunity.company_id)
        # An exported member imported as a new one: its opportunity's company.
        imported = (
            self.env["crm.lead.contact.role"]
            .with_user(self.salesman)
            .create(
                {
                    "lead_id": self.opportunity.id,
                    "partner_id": self.contact_it.id,
                    "role_id": self.role_insider.id,
                    "company_id": self.opportunity.company_id.id,
                }
            )
        )
        self.assertEqual(imported.company_id, self.opportunity.company_id)

    def test_commercial_partner_follows_the_company(self):
        """The portal's access to a complaint reads the customer company Odoo
        computes for its contact: a salesperson does not write it."""
        contact = self.contact_buyer.with_user(self.salesman)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            contact.write({"commercial_partner_id": self.other_customer.id})
        contact.invalidate_recordset()
        self.assertEqual(contact.commercial_partner_id, self.customer)
        # As an exported contact imported as a new one gives it: its company's.
        new = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Imported Buyer",
                    "parent_id": self.customer.id,
                    "commercial_partner_id": self.customer.id,
                }
            )
        )
        self.assertEqual(new.commercial_partner_id, self.customer)

    def test_main_class_follows_the_class(self):
        customer = self.customer.with_user(self.salesman)
        customer.customer_class_id = self.class_normal
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            customer.write({"customer_main_class_id": self.class_partner.id})
        customer.invalidate_recordset()
        self.assertEqual(customer.customer_main_class_id, self.class_retail)

    def test_committee_refusal_names_no_opportunity_the_user_cannot_read(self):
        Line = self.env["crm.lead.contact.role"]
        Line.create(
            {
                "lead_id": self.other_opportunity.id,
                "partner_id": self.contact_boss.id,
                "role_id": self.role_dm.id,
            }
        )
        self.assertFalse(
            self.other_opportunity.with_user(self.salesman).has_access("read")
        )
        try:
            with self.env.cr.savepoint():
                Line.with_user(self.salesman).create(
                    {
                        "lead_id": self.other_opportunity.id,
                        "partner_id": self.contact_boss.id,
                        "role_id": self.role_dm.id,
                    }
                )
        except (AccessError, ValidationError) as error:
            self.assertNotIn(self.other_opportunity.name, str(error))
        else:
            self.fail("a member added twice to another salesperson's opportunity")


@tagged("post_install", "-at_install")
class TestMalformedRequests(CrmExtensionCase):
    """Ids a client sends that are no ids get a refusal, not a traceback."""

    def test_wizards_take_only_record_ids_from_the_context(self):
        Report = self.env["crm.customer.report"].with_user(self.salesman)
        defaults = Report.with_context(
            active_model="res.partner", active_id="abc"
        ).default_get(["partner_id"])
        self.assertFalse(defaults.get("partner_id"))
        Merge = self.env["crm.partner.merge.wizard"].with_user(self.sales_manager)
        for model in ("res.partner", "crm.duplicate.group"):
            with self.subTest(model), self.assertRaisesRegex(UserError, "Nothing"):
                Merge.with_context(
                    active_model=model, active_ids=["a", "b"]
                ).default_get(["customer_ids"])


@tagged("post_install", "-at_install")
class TestArchivedHandler(ComplaintCase):
    def test_an_archived_default_handler_is_given_no_new_complaint(self):
        """The category's default handler left the company (archived): the
        complaints registered since wait for an active handler (and escalate
        to whoever else is responsible) instead of going to nobody's screen."""
        self.category.user_id = self.complaint_officer
        self.assertEqual(
            self._complaint(user=self.salesman).user_id, self.complaint_officer
        )
        self.complaint_officer.action_archive()
        complaint = self._complaint(user=self.salesman)
        self.assertFalse(complaint.user_id)
        self.complaint_officer.action_unarchive()
        self.assertEqual(
            self._complaint(user=self.salesman).user_id, self.complaint_officer
        )
