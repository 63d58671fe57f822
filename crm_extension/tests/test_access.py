from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .. import compat
from .common import CrmExtensionCase, frozen_time

OFFICER = "crm_extension.group_complaint_user"


@tagged("post_install", "-at_install")
class TestAccessMatrix(CrmExtensionCase):
    """Each cell of the SPEC's roles-and-access matrix, acting as that user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registered_by_sally = (
            cls.env["res.partner"]
            .with_user(cls.salesman)
            .create({"name": "Registered by Sally, owned by Sam", "is_company": True})
        )
        cls.registered_by_sally.sudo().user_id = cls.salesman_2
        cls.committee_line = cls.env["crm.lead.contact.role"].create(
            {
                "lead_id": cls.other_opportunity.id,
                "partner_id": cls.contact_boss.id,
                "role_id": cls.role_dm.id,
            }
        )

    def _can_write(self, record, user, vals):
        try:
            record.with_user(user).write(vals)
        except AccessError:
            return False
        return True

    # Customers & contacts --------------------------------------------------

    def test_salesman_own_documents_customers(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        # Reads all customers.
        self.assertIn(self.other_customer, Partner.search([]))
        self.assertEqual(
            self.other_customer.with_user(self.salesman).name,
            "Other Salesman's Customer",
        )
        # Edits the ones owned, their contacts, and the ones registered.
        self.assertTrue(
            self._can_write(self.customer, self.salesman, {"comment": "ok"})
        )
        self.assertTrue(
            self._can_write(self.contact_boss, self.salesman, {"function": "Chairman"})
        )
        self.assertTrue(
            self._can_write(
                self.registered_by_sally, self.salesman, {"comment": "mine"}
            )
        )
        # Not another salesperson's customer, nor its contacts.
        self.assertFalse(
            self._can_write(self.other_customer, self.salesman, {"comment": "not mine"})
        )
        other_contact = self.env["res.partner"].create(
            {"name": "Contact of Sam's customer", "parent_id": self.other_customer.id}
        )
        self.assertFalse(
            self._can_write(other_contact, self.salesman, {"function": "x"})
        )
        with self.assertRaises(AccessError):
            self.other_customer.with_user(self.salesman).unlink()
        # Creating customers stays open to every salesperson.
        self.assertTrue(Partner.create({"name": "New Prospect"}))

    def test_registrant_edits_but_does_not_remove_a_customer_given_away(self):
        """Sally registered the customer; a sales administrator gave it to
        Sam: she may still edit it, not archive or delete it (nor its
        contacts). Her own unowned registrations she deletes. (Deleting
        contacts takes Odoo's Contact Creation, which internal users get by
        default.)"""
        contact_creation = self.env.ref("base.group_partner_manager")
        for user in (self.salesman, self.salesman_2):
            user.sudo().write(
                {compat.GROUPS_FIELD: [Command.link(contact_creation.id)]}
            )
        contact = self.env["res.partner"].create(
            {"name": "Sam's contact", "parent_id": self.registered_by_sally.id}
        )
        for record in (self.registered_by_sally, contact):
            with self.subTest(record=record.name):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    record.with_user(self.salesman).unlink()
                with self.assertRaises(AccessError) as refused:
                    record.with_user(self.salesman).action_archive()
                self.assertIn("Sam Salesman", str(refused.exception))
                self.assertTrue(record.exists().active)
        # Restoring it once Sam archived it is his too.
        self.registered_by_sally.with_user(self.salesman_2).action_archive()
        with self.assertRaises(AccessError):
            self.registered_by_sally.with_user(self.salesman).action_unarchive()
        self.registered_by_sally.with_user(self.salesman_2).action_unarchive()
        # Not even with a context a client could send.
        with self.assertRaises(AccessError):
            self.registered_by_sally.with_user(self.salesman).with_context(
                active_test=False, tracking_disable=True
            ).write({"active": False})
        # Unowned, registered by her: hers to archive and delete.
        prospect = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "Sally's Unowned Prospect", "is_company": True})
        )
        self.assertFalse(prospect.user_id)
        prospect.action_archive()
        prospect.action_unarchive()
        prospect.unlink()
        self.assertFalse(prospect.exists())
        # Sam, who owns his customer, removes it.
        self.registered_by_sally.with_user(self.salesman_2).unlink()

    def test_salesperson_notes_calls_on_customers_of_others(self):
        # Posting and planning on a customer is not editing it: a salesperson
        # notes a call and schedules the next one on another's customer, as
        # in Odoo, and still cannot change the customer.
        customer = self.other_customer.with_user(self.salesman)
        note = customer.message_post(
            body="Called: wants a quote", subtype_xmlid="mail.mt_note"
        )
        self.assertEqual(note.author_id, self.salesman.partner_id)
        activity = customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.salesman.id
        )
        self.assertEqual(activity.res_id, self.other_customer.id)
        self.assertFalse(self._can_write(customer, self.salesman, {"comment": "x"}))
        # Users without Odoo's contact rights post as Odoo lets them: not at all.
        for user in (self.complaint_officer, self.accountant):
            with self.assertRaises(AccessError):
                self.other_customer.with_user(user).message_post(
                    body="Note", subtype_xmlid="mail.mt_note"
                )

    def test_salesman_all_documents_edit_all(self):
        self.assertTrue(
            self._can_write(
                self.other_customer, self.salesman_all, {"comment": "edited"}
            )
        )
        self.assertTrue(
            self._can_write(self.customer, self.sales_manager, {"comment": "edited"})
        )

    def test_complaint_and_billing_roles_read_customers(self):
        for user in (self.complaint_officer, self.complaint_manager, self.accountant):
            partners = (
                self.env["res.partner"]
                .with_user(user)
                .search([("id", "in", (self.customer | self.other_customer).ids)])
            )
            self.assertEqual(len(partners), 2)
            self.assertFalse(self.customer.with_user(user).can_edit_ownership)

    # Opportunities -----------------------------------------------------------

    def test_salesman_own_opportunities_and_committee(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        self.assertNotIn(self.other_opportunity, Lead.search([]))
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman)
        self.assertFalse(Line.search([("id", "=", self.committee_line.id)]))
        with self.assertRaises(AccessError):
            Line.create(
                {
                    "lead_id": self.other_opportunity.id,
                    "partner_id": self.contact_it.id,
                    "role_id": self.role_insider.id,
                }
            )
        line = Line.create(
            {
                "lead_id": self.opportunity.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_insider.id,
            }
        )
        self.assertEqual(line.lead_id, self.opportunity)

    def test_salesman_all_documents_opportunities(self):
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman_all)
        self.assertTrue(Line.search([("id", "=", self.committee_line.id)]))
        self.assertTrue(
            self._can_write(
                self.committee_line, self.salesman_all, {"stance": "support"}
            )
        )

    def test_complaint_officer_and_billing_read_opportunities(self):
        for user in (self.complaint_officer, self.complaint_manager, self.accountant):
            leads = (
                self.env["crm.lead"]
                .with_user(user)
                .search([("id", "in", (self.opportunity | self.other_opportunity).ids)])
            )
            self.assertEqual(len(leads), 2)
            self.assertEqual(
                self.other_opportunity.with_user(user).contact_role_ids.partner_id,
                self.contact_boss,
            )
            self.assertFalse(
                self._can_write(self.other_opportunity, user, {"name": "changed"})
            )
            self.assertFalse(
                self._can_write(self.committee_line, user, {"stance": "oppose"})
            )
            with self.assertRaises(AccessError):
                self.env["crm.lead"].with_user(user).create({"name": "New"})
            # The opportunity's form opens: every field of its view is read.
            lead = self.other_opportunity.with_user(user)
            described = lead.get_views([(False, "form")])["models"]["crm.lead"]
            fnames = described.get("fields", described)  # (19.0, 18.0)
            lead.web_read({fname: {} for fname in fnames})

    def test_a_salesperson_who_handles_complaints_reads_every_funnel_history(self):
        # Salesperson (own documents) and complaint officer: the officer's
        # right to read every opportunity holds for its funnel history too,
        # not only the salesperson's own.
        user = self.salesman
        user.write({compat.GROUPS_FIELD: [Command.link(self.env.ref(OFFICER).id)]})
        stays = self.env["crm.lead.stage.history"].search(
            [("lead_id", "=", self.other_opportunity.id)]
        )
        self.assertTrue(stays)
        self.assertNotEqual(self.other_opportunity.user_id, user)
        History = self.env["crm.lead.stage.history"].with_user(user)
        self.assertEqual(
            History.search([("lead_id", "=", self.other_opportunity.id)]), stays
        )
        with self.assertRaises(AccessError):
            stays.with_user(user).write({"expected_revenue": 1})

    def test_portal_user_sees_no_crm_data(self):
        for model in (
            "crm.customer.class",
            "crm.contact.role",
            "crm.lead.contact.role",
        ):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_user).search([])

    # Groups ------------------------------------------------------------------

    def _menus_shown(self, user):
        """The addon's menus ``user`` finds in the menu bar: visible, and so
        are all the menus above them."""
        visible = set(self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())

        def shown(menu):
            while menu:
                if menu.id not in visible:
                    return False
                menu = menu.parent_id
            return True

        menus = self.env["ir.ui.menu"].browse(visible).filtered(shown)
        return {
            xmlid.split(".", 1)[1]
            for xmlid in menus.get_external_id().values()
            if xmlid.startswith("crm_extension.")
        }

    def test_menus_per_role(self):
        """Each role finds the menus of its work, and only administrators
        find the configuration."""
        configuration = {
            "crm_customer_config_menu",
            "crm_customer_class_menu",
            "crm_contact_role_menu",
            "crm_duplicate_rule_menu",
            "crm_stage_funnel_menu",
            "crm_stage_gate_menu",
            "crm_complaint_menu_config",
            "crm_complaint_stage_menu",
            "crm_complaint_category_menu",
            "crm_complaint_sla_menu",
        }
        administration = {
            "crm_duplicate_review_menu",
            "crm_duplicate_group_menu",
            "crm_partner_merge_menu",
            "crm_customer_transfer_menu",
        }
        expected = {
            self.salesman: {
                "crm_complaint_menu_root",
                "crm_complaint_menu",
                "crm_duplicate_exception_menu",
                "crm_customer_value_menu",
                "crm_funnel_report_menu",
            },
            self.complaint_officer: {
                "crm_complaint_menu_root",
                "crm_complaint_menu",
                "crm_complaint_menu_reporting",
                "crm_complaint_analysis_menu",
            },
            self.accountant: {"crm_complaint_menu_root", "crm_complaint_menu"},
        }
        for user, menus in expected.items():
            with self.subTest(user=user.name):
                shown = self._menus_shown(user)
                self.assertLessEqual(menus, shown)
                self.assertFalse(shown & (configuration | administration))
        self.assertLessEqual(
            {
                "crm_complaint_menu_config",
                "crm_complaint_stage_menu",
                "crm_complaint_category_menu",
                "crm_complaint_sla_menu",
            },
            self._menus_shown(self.complaint_manager),
        )
        self.assertFalse(
            self._menus_shown(self.complaint_manager)
            & {"crm_customer_config_menu", "crm_duplicate_review_menu"}
        )
        self.assertLessEqual(
            {
                "crm_customer_class_menu",
                "crm_contact_role_menu",
                "crm_duplicate_rule_menu",
                "crm_stage_gate_menu",
                "crm_complaint_sla_menu",
            }
            | administration,
            self._menus_shown(self.sales_manager),
        )

    def test_complaint_groups(self):
        self.assertTrue(
            self.complaint_manager.has_group("crm_extension.group_complaint_user")
        )
        self.assertFalse(
            self.complaint_officer.has_group("crm_extension.group_complaint_manager")
        )
        self.assertTrue(self.complaint_officer.has_group("base.group_user"))

    def test_an_update_gives_no_complaint_rights_back(self):
        # The administrator made complaint manager at install keeps it so once
        # an administrator took those rights away: an update of the module
        # writes the version's data again, not the users' groups.
        admin = self.env.ref("base.user_admin")
        manager = self.env.ref("crm_extension.group_complaint_manager")
        officer = self.env.ref(OFFICER)
        admin.write(
            {
                compat.GROUPS_FIELD: [
                    Command.unlink(manager.id),
                    Command.unlink(officer.id),
                ]
            }
        )
        self.assertFalse(admin.has_group("crm_extension.group_complaint_user"))
        self.env["res.groups"]._crm_extension_apply_version_data()
        self.env.invalidate_all()
        self.assertFalse(admin.has_group("crm_extension.group_complaint_user"))

    def test_multi_company_committee(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        lead_b = self.env["crm.lead"].create(
            {"name": "Deal in B", "company_id": company_b.id, "user_id": False}
        )
        line_b = self.env["crm.lead.contact.role"].create(
            {
                "lead_id": lead_b.id,
                "partner_id": self.contact_it.id,
                "role_id": self.role_insider.id,
            }
        )
        self.assertEqual(line_b.company_id, company_b)
        Line = self.env["crm.lead.contact.role"].with_user(self.salesman_all)
        self.assertFalse(Line.search([("id", "=", line_b.id)]))


@tagged("post_install", "-at_install")
class TestJobsTellOnlyReaders(CrmExtensionCase):
    """The reminders the addon's jobs schedule go to a salesperson who may open
    the record: not to one who left sales (groups changed), was archived, or no
    longer works in the record's company. An activity makes its assignee a
    follower, who then receives the record's messages by e-mail."""

    def _reminders(self, record):
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def test_stalled_deal_of_a_salesperson_moved_out_of_sales(self):
        with frozen_time(self.env, "2026-05-01 10:00:00"):
            lead = self.env["crm.lead"].create(
                {
                    "name": "Warehouse deal",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.env.ref("crm.stage_lead2").id,
                }
            )
        lead.stage_id.stall_days = 1
        # Moved to the warehouse: an internal user without Sales.
        compat.set_user_groups(self.salesman, [self.env.ref("base.group_user").id])
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman).check_access("read")
        with frozen_time(self.env, "2026-05-16 10:00:00"):
            self.env["crm.lead"]._cron_remind_stalled()
        self.assertFalse(self._reminders(lead))
        # Back in sales: the stay not reminded of yet is, now.
        compat.set_user_groups(
            self.salesman, [self.env.ref("sales_team.group_sale_salesman").id]
        )
        with frozen_time(self.env, "2026-05-17 10:00:00"):
            self.env["crm.lead"]._cron_remind_stalled()
        self.assertEqual(self._reminders(lead).user_id, self.salesman)

    def test_birthday_for_an_archived_salesperson_or_of_another_company(self):
        self.contact_boss.birthday = date(1980, 7, 3)
        Partner = self.env["res.partner"]
        self.salesman.action_archive()
        with freeze_time("2026-06-30"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 0)
        self.assertFalse(self._reminders(self.contact_boss))
        # Restored, though the customer is now another company's.
        self.salesman.action_unarchive()
        company_b = self.env["res.company"].create({"name": "Company B"})
        self.customer.company_id = company_b
        with freeze_time("2026-07-01"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 0)
        self.assertFalse(self._reminders(self.contact_boss))
        self.assertNotIn(
            self.salesman.partner_id, self.contact_boss.message_partner_ids
        )
        # Given that company too: reminded, once.
        self.salesman.company_ids = [Command.link(company_b.id)]
        with freeze_time("2026-07-02"):
            self.assertEqual(Partner._cron_birthday_reminders(days_ahead=7), 1)
        self.assertEqual(self._reminders(self.contact_boss).user_id, self.salesman)

    def test_a_report_reaches_a_reviewer_who_may_read_the_customer(self):
        """A report goes to the customer's team leader, the reporter's, then a
        sales administrator: the first of them still there (not archived)
        and of the customer's company."""
        company_b = self.env["res.company"].create({"name": "Company B"})
        leader = new_test_user(
            self.env,
            login="ext_leader",
            name="Lee Leader",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self.env["crm.team"].create(
            {
                "name": "Leader Team",
                "user_id": leader.id,
                "member_ids": [Command.set(self.salesman.ids)],
            }
        )

        def report():
            self.env["crm.customer.report"].with_user(self.salesman_2).create(
                {"partner_id": self.customer.id, "reason": "wrong_class"}
            ).action_report()
            activity = self.customer.activity_ids
            reviewer = activity.user_id
            activity.unlink()
            return reviewer

        self.assertEqual(report(), leader)
        leader.action_archive()
        reviewer = report()
        self.assertTrue(reviewer.active)
        self.assertTrue(reviewer.has_group("sales_team.group_sale_manager"))
        # Back, but moved to another company than the customer's.
        self.customer.company_id = self.env.company
        leader.action_unarchive()
        leader.write(
            {"company_ids": [Command.set(company_b.ids)], "company_id": company_b.id}
        )
        reviewer = report()
        self.assertNotEqual(reviewer, leader)
        self.assertIn(self.env.company, reviewer.company_ids)


@tagged("post_install", "-at_install")
class TestStaffDeparture(CrmExtensionCase):
    def test_an_archived_salespersons_portfolio_is_handed_over(self):
        """Staff departure: the leaver's user is archived first, as companies
        do; the sales administrator still finds them in the transfer and hands
        their portfolio over, to an active colleague only."""
        leaver = self.salesman
        leaver.action_archive()
        Transfer = self.env["crm.customer.transfer"].with_user(self.sales_manager)
        field = Transfer.fields_get(["from_user_id"])["from_user_id"]
        offered = (
            self.env["res.users"]
            .with_user(self.sales_manager)
            .with_context(**field.get("context", {}))
            .name_search(leaver.name, [("share", "=", False)])
        )
        self.assertIn(leaver.id, [user_id for user_id, _name in offered])
        self.salesman_2.action_archive()
        with self.assertRaises(UserError):
            Transfer.create(
                {"from_user_id": leaver.id, "to_user_id": self.salesman_2.id}
            ).action_transfer()
        self.salesman_2.action_unarchive()
        Transfer.create(
            {"from_user_id": leaver.id, "to_user_id": self.salesman_2.id}
        ).action_transfer()
        self.assertEqual(self.customer.user_id, self.salesman_2)
        self.assertEqual(self.opportunity.user_id, self.salesman_2)


@tagged("post_install", "-at_install")
class TestApprovedExceptionOnTheCustomer(CrmExtensionCase):
    """The customer's form links the approved exception it was registered
    with (who approved it, when and why): whoever reads the customer opens
    it; a request not approved stays its requester's."""

    def _request(self, name):
        return (
            self.env["crm.duplicate.exception"]
            .with_user(self.salesman_2)
            .create(
                {
                    "name": name,
                    "matched_partner_id": self.customer.id,
                    "rule_id": self.env.ref(
                        "crm_extension.duplicate_rule_company_name"
                    ).id,
                    "reason": "Franchisee in Ningbo, its own company",
                }
            )
        )

    def test_whoever_reads_the_customer_opens_its_approved_exception(self):
        approved = self._request("HANGZHOU WEST LAKE TRADING LTD")
        refused = self._request("Hangzhou West Lake Trading Limited")
        for request in (approved, refused):
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                request.with_user(self.salesman).read(["reason"])
        approved.with_user(self.sales_manager).action_approve()
        refused.with_user(self.sales_manager).action_refuse()
        customer = approved.partner_id
        for user in (self.salesman, self.complaint_officer, self.accountant):
            exception = customer.with_user(user).duplicate_exception_id
            self.assertEqual(
                exception.read(["approved_by_id", "reason"])[0]["approved_by_id"][0],
                self.sales_manager.id,
            )
            # (Refused: an AccessError is a UserError.)
            with self.assertRaises(UserError), self.env.cr.savepoint():
                exception.write({"reason": "Changed afterwards"})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                refused.with_user(user).read(["reason"])
        with self.assertRaises(AccessError):
            approved.with_user(self.portal_user).read(["reason"])
        self.assertEqual(approved.reason, "Franchisee in Ningbo, its own company")
