from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools.server_context import MERGING_PARTNERS
from .common import CrmExtensionCase


@tagged("post_install", "-at_install")
class TestPartnerMerge(CrmExtensionCase):
    """Legacy duplicates merged in bulk by a sales administrator, with a trail
    of everything moved and an undo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.tag = cls.env["res.partner.category"].create({"name": "Wholesale"})
        # As an existing database holds them: four customers of one name.
        legacy = cls.Partner.with_context(**MERGING_PARTNERS.context())
        cls.first, cls.second, cls.third, cls.fourth = (
            legacy.create(
                {
                    "name": name,
                    "is_company": True,
                    "user_id": cls.salesman.id,
                    "category_id": [Command.set(cls.tag.ids)],
                    **values,
                }
            ).with_env(cls.env)
            for name, values in (
                ("Nanjing Orchid Trading Co., Ltd.", {}),
                ("NANJING ORCHID TRADING CO LTD", {"phone": "+86 25 8888 0002"}),
                ("Nanjing Orchid Trading Company Limited", {"email": "o@orchid.cn"}),
                ("nanjing orchid trading", {"city": "Nanjing"}),
            )
        )
        cls.group = cls.first | cls.second | cls.third | cls.fourth
        for number, partner in enumerate(cls.group):
            partner.sudo().write(
                {
                    "registered_by_id": (cls.salesman_2 if number else cls.salesman).id,
                    "registered_date": datetime(2020 + number, 1, 1),
                }
            )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Orchid order", "partner_id": cls.second.id}
        )
        cls.order = cls.env["sale.order"].create({"partner_id": cls.third.id})
        cls.second.message_post(body="Visited the warehouse")
        # The same follower on two of them: it cannot follow the survivor twice.
        follower = cls.salesman_2.partner_id
        (cls.first | cls.second).message_subscribe(follower.ids)
        cls.env.flush_all()

    def _review_group(self):
        return self.env["crm.duplicate.group"].search(
            [("key", "=", "name"), ("key_value", "=", self.first.name_key)]
        )

    def _wizard(self, user, groups=None, **values):
        groups = groups or self._review_group()
        form = Form(
            self.env["crm.partner.merge.wizard"]
            .with_user(user)
            .with_context(active_model="crm.duplicate.group", active_ids=groups.ids)
        )
        for fname, value in values.items():
            setattr(form, fname, value)
        return form.save()

    @staticmethod
    def _keep(wizard, partner):
        """Keep ``partner`` in its group, as a click on its toggle would."""
        row = wizard.customer_ids.filtered(lambda row: row.partner_id == partner)
        for other in wizard.customer_ids.filtered(lambda r: r.group == row.group):
            other.keep = other == row

    def _merge_now(self, wizard):
        """Merge, as the button does, and return the merges it reports."""
        action = wizard.action_merge()
        self.assertEqual(action["tag"], "display_notification")
        following = action["params"]["next"]
        return self.env["crm.partner.merge"].browse(
            following.get("res_id") or following["domain"][0][2]
        )

    def _follower_rows(self, partner):
        return self.env["mail.followers"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def test_merge_a_group_of_four_and_undo_it(self):
        group = self._review_group()
        self.assertEqual(group.partner_count, 4)
        wizard = self._wizard(self.sales_manager)
        self.assertEqual(wizard.group_count, 1)
        self.assertEqual(wizard.customer_ids.partner_id, self.group)
        # the oldest registration
        self.assertEqual(wizard.customer_ids.filtered("keep").partner_id, self.first)
        followers_before = {
            partner: self._follower_rows(partner).mapped("partner_id")
            for partner in self.group
        }
        action = wizard.action_merge()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("Merged into Nanjing Orchid", action["params"]["message"])
        merge = self.env["crm.partner.merge"].browse(action["params"]["next"]["res_id"])
        self.assertEqual(merge.state, "done")
        self.assertEqual(merge.partner_id, self.first)
        self.assertEqual(
            merge.absorbed_partner_ids, self.second | self.third | self.fourth
        )
        self.assertEqual(merge.user_id, self.sales_manager)

        # The survivor has everything; the others are archived, not deleted.
        self.assertEqual(self.lead.partner_id, self.first)
        self.assertEqual(self.order.partner_id, self.first)
        self.assertIn(
            "Visited the warehouse", "".join(self.first.message_ids.mapped("body"))
        )
        self.assertEqual(
            self.first.phone, "+86 25 8888 0002"
        )  # filled in from the second
        self.assertEqual(self.first.registered_by_id, self.salesman)
        absorbed = merge.absorbed_partner_ids.with_context(active_test=False)
        self.assertEqual(absorbed.mapped("active"), [False] * 3)
        self.assertEqual(absorbed.crm_merged_into_id, self.first)
        self.assertFalse(any(absorbed.mapped("name_key")))
        # The review no longer lists the group.
        self.assertFalse(self._review_group())
        # The trail: what moved, by the documents' names and types, and what
        # stayed with the merged customers (the survivor has the same already).
        lines = merge.with_user(self.sales_manager).line_ids
        moved = {(line.document_model, line.document_name) for line in lines}
        lead_model = self.env["ir.model"]._get("crm.lead").name
        self.assertIn((lead_model, "Orchid order"), moved)
        self.assertIn(("Sales Order", self.order.name), moved)
        kept = lines.filtered(lambda line: line.action == "kept")
        self.assertIn("Document Followers", kept.mapped("document_model"))
        self.assertEqual(
            set(
                kept.filtered(lambda line: line.document_name == "Wholesale").mapped(
                    "absorbed_name"
                )
            ),
            set((self.second | self.third | self.fourth).mapped("name")),
        )
        # The survivor's chatter links to the merge.
        self.assertTrue(
            self.first.message_ids.filtered(
                lambda message: (
                    f'data-oe-id="{merge.id}"' in message.body
                    or f"data-oe-id='{merge.id}'" in message.body
                )
            )
        )

        action = merge.with_user(self.sales_manager).action_undo()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(merge.state, "undone")
        self.assertEqual(merge.undone_by_id, self.sales_manager)
        self.assertEqual(self.group.exists(), self.group)
        self.assertEqual(self.group.mapped("active"), [True] * 4)
        self.assertFalse(self.group.crm_merged_into_id)
        self.assertEqual(self.lead.partner_id, self.second)
        self.assertEqual(self.order.partner_id, self.third)
        self.assertIn(
            "Visited the warehouse", "".join(self.second.message_ids.mapped("body"))
        )
        self.assertFalse(self.first.phone)
        self.assertEqual(self.second.phone, "+86 25 8888 0002")
        for partner in self.group:
            self.assertEqual(partner.category_id, self.tag)
            self.assertEqual(
                self._follower_rows(partner).mapped("partner_id"),
                followers_before[partner],
            )
        self.assertEqual(self._review_group().partner_count, 4)

    def test_undo_keeps_what_was_changed_since(self):
        merge = self._merge_now(self._wizard(self.sales_manager))
        self.assertEqual(self.first.email, "o@orchid.cn")  # from the third
        self.first.with_user(self.salesman).email = "sales@orchid.cn"
        merge.with_user(self.sales_manager).action_undo()
        self.assertEqual(self.first.email, "sales@orchid.cn")
        self.assertFalse(self.first.phone)  # untouched since: as before
        self.assertEqual(self.third.email, "o@orchid.cn")

    def test_undo_flags_a_customer_registered_meanwhile(self):
        """Two customers of one VAT number, merged: the merged one's name is
        free while it is merged, and another salesperson registers it. The
        undo brings the merged customer back flagged for review with that
        registration (an undo refuses nothing); the two it separates are not
        flagged against each other."""
        legacy = self.Partner.with_context(**MERGING_PARTNERS.context())
        absorbed, survivor = (
            legacy.create(
                {"name": name, "is_company": True, "vat": "DE136695976"}
            ).with_env(self.env)
            for name in ("Jiayi Trading GmbH", "Dingwu Handel GmbH")
        )
        self.env.flush_all()
        groups = self.env["crm.duplicate.group"].search(
            [("key", "=", "vat"), ("key_value", "=", "DE136695976")]
        )
        wizard = self._wizard(self.sales_manager, groups=groups)
        self._keep(wizard, survivor)
        merge = self._merge_now(wizard)
        newcomer = self.Partner.with_user(self.salesman_2).create(
            {"name": "Jiayi Trading AG", "is_company": True}
        )
        merge.with_user(self.sales_manager).action_undo()
        self.assertTrue(absorbed.active)
        self.assertEqual(absorbed.duplicate_state, "suspect")
        self.assertEqual(absorbed.duplicate_partner_ids, newcomer)
        self.assertFalse(survivor.duplicate_state)

    def test_no_client_context_brings_a_merged_customer_back(self):
        self._merge_now(self._wizard(self.sales_manager))
        hostile = {"crm_extension_merging_partners": True, "active_test": False}
        with self.assertRaises(UserError):
            self.second.with_user(self.sales_manager).with_context(**hostile).write(
                {"active": True}
            )
        with self.assertRaises(AccessError):
            self.env["crm.partner.merge"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.env["crm.partner.merge.wizard"].with_user(self.portal_user).create({})

    def test_survivor_rules(self):
        group = self.group.with_user(self.sales_manager)
        self.assertEqual(group._crm_propose_survivor("oldest"), self.first)
        self.fourth.sudo().last_deal_date = "2026-01-05"
        self.assertEqual(group._crm_propose_survivor("deals"), self.fourth)
        self.third.sudo().write({"vat": "DE811223344", "street": "1 Orchid Road"})
        self.assertEqual(group._crm_propose_survivor("complete"), self.third)
        wizard = self._wizard(self.sales_manager, survivor_rule="complete")
        self.assertEqual(wizard.customer_ids.filtered("keep").partner_id, self.third)

    def test_chosen_survivor_keeps_the_earliest_registration(self):
        wizard = self._wizard(self.sales_manager)
        self._keep(wizard, self.fourth)
        merge = self._merge_now(wizard)
        self.assertEqual(merge.survivor_rule, "chosen")
        self.assertEqual(self.fourth.registered_by_id, self.salesman)
        self.assertEqual(self.fourth.registered_date, datetime(2020, 1, 1))
        merge.with_user(self.sales_manager).action_undo()
        self.assertEqual(self.fourth.registered_by_id, self.salesman_2)
        self.assertEqual(self.fourth.registered_date, datetime(2023, 1, 1))

    def test_the_survivors_registration_when_asked(self):
        wizard = self._wizard(self.sales_manager, keep_registration="survivor")
        self._keep(wizard, self.fourth)
        wizard.action_merge()
        self.assertEqual(self.fourth.registered_by_id, self.salesman_2)

    def test_a_merged_customer_holds_no_key(self):
        self._merge_now(self._wizard(self.sales_manager))
        with self.assertRaises(ValidationError) as error:
            self.Partner.with_user(self.salesman_2).create(
                {"name": "Nanjing Orchid Trading Ltd", "is_company": True}
            )
        self.assertIn(self.first.name, str(error.exception))
        self.assertNotIn(self.second.name, str(error.exception))

    def test_a_merged_customer_comes_back_only_by_undo(self):
        self._merge_now(self._wizard(self.sales_manager))
        for user in (self.sales_manager, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                self.second.with_user(user).write({"active": True})
        with self.assertRaises(UserError):
            self.second.sudo().write({"active": True})
        # Nobody hides a customer by marking it merged.
        other = self.Partner.create({"name": "Peony Garden Ltd", "is_company": True})
        for user in (self.sales_manager, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                other.with_user(user).write({"crm_merged_into_id": self.first.id})

    def test_a_copy_of_a_merged_customer_is_merged_into_nothing(self):
        # Odoo's Duplicate of the archived merged customer: a customer of its
        # own, which nothing marks as merged (no refusal of a field "kept by
        # the system" the user never typed).
        self._merge_now(self._wizard(self.sales_manager))
        self.assertEqual(self.second.crm_merged_into_id, self.first)
        copied = self.second.with_user(self.sales_manager).copy()
        self.assertFalse(copied.crm_merged_into_id)
        self.assertEqual(self.second.crm_merged_into_id, self.first)

    def test_salespeople_cannot_merge_nor_undo(self):
        with self.assertRaises(AccessError):
            self._wizard(self.salesman)
        with self.assertRaises(AccessError):
            self.env["crm.partner.merge"].with_user(self.salesman)._plan(
                [(self.group, None)], "oldest"
            )
        merge = self._merge_now(self._wizard(self.sales_manager))
        with self.assertRaises(AccessError):
            merge.with_user(self.salesman).action_undo()
        with self.assertRaises(AccessError):
            merge.with_user(self.salesman).read(["line_ids"])
        with self.assertRaises(AccessError):
            merge.with_user(self.sales_manager).write({"state": "done"})
        with self.assertRaises(AccessError):
            self.env["crm.partner.merge"].with_user(self.sales_manager).create(
                {"partner_id": self.first.id}
            )
        self.assertEqual(merge.state, "done")

    def test_a_customer_deleted_since_the_wizard_opened_is_said(self):
        """Another administrator merged (and deleted) customers of the group
        with Odoo's wizard, or deleted one, while this one's wizard was open:
        the merge says a customer is gone; it does not merge the others
        without it, nor say the group has one customer."""
        wizard = self._wizard(self.sales_manager)
        self.env["base.partner.merge.automatic.wizard"].create(
            {
                "state": "selection",
                "partner_ids": [Command.set((self.third | self.fourth).ids)],
                "dst_partner_id": self.third.id,
            }
        ).action_merge()
        with self.assertRaisesRegex(UserError, "no longer exist"):
            wizard.action_merge()
        wizard = self._wizard(self.sales_manager)
        self.second.with_context(**MERGING_PARTNERS.context()).unlink()
        with self.assertRaisesRegex(UserError, "no longer exist"):
            wizard.action_merge()
        self.assertFalse(
            self.env["crm.partner.merge"].search([("partner_id", "in", self.group.ids)])
        )
        self.assertTrue(self.first.active)

    def test_no_merge_across_companies(self):
        other = self.env["res.company"].create({"name": "Orchid Branch Co"})
        self.sales_manager.company_ids |= other
        self.fourth.with_context(**MERGING_PARTNERS.context()).sudo().company_id = other
        wizard = Form(
            self.env["crm.partner.merge.wizard"]
            .with_user(self.sales_manager)
            .with_context(active_model="res.partner", active_ids=self.group.ids)
        ).save()
        with self.assertRaises(UserError):
            wizard.action_merge()
        self.assertEqual(self.group.mapped("active"), [True] * 4)
        self.assertFalse(self.env["crm.partner.merge"].search([]))

    def test_wizard_rows_show_no_customer_the_user_cannot_read(self):
        other = self.env["res.company"].create({"name": "Hidden Orchid Co"})
        self.fourth.with_context(**MERGING_PARTNERS.context()).sudo().company_id = other
        self.assertFalse(self.fourth.with_user(self.sales_manager).has_access("read"))
        Wizard = self.env["crm.partner.merge.wizard"].with_user(self.sales_manager)
        with self.assertRaises(AccessError):
            Wizard.create(
                {
                    "customer_ids": [
                        Command.create(
                            {"group": 1, "partner_id": self.fourth.id, "keep": True}
                        ),
                        Command.create({"group": 1, "partner_id": self.first.id}),
                    ]
                }
            )
        wizard = Wizard.create(
            {
                "customer_ids": [
                    Command.create({"group": 1, "partner_id": self.first.id}),
                    Command.create({"group": 1, "partner_id": self.second.id}),
                ]
            }
        )
        with self.assertRaises(AccessError):
            wizard.customer_ids[0].write({"partner_id": self.fourth.id})

    def test_another_companys_administrator_sees_no_merge(self):
        merge = self._merge_now(self._wizard(self.sales_manager))
        merge.sudo().company_id = self.company
        other = self.env["res.company"].create({"name": "Other Orchid Co"})
        manager = new_test_user(
            self.env,
            login="ext_other_manager",
            groups="sales_team.group_sale_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(
            self.env["crm.partner.merge"]
            .with_user(manager)
            .search([("id", "=", merge.id)])
        )

    def test_many_groups_merge_in_the_background(self):
        legacy = self.Partner.with_context(**MERGING_PARTNERS.context())
        pairs = [
            legacy.create(
                [
                    {"name": f"Twin Works {number} Ltd", "is_company": True},
                    {"name": f"TWIN WORKS {number} LIMITED", "is_company": True},
                ]
            ).with_env(self.env)
            for number in range(21)
        ]
        self.env.flush_all()
        groups = self.env["crm.duplicate.group"].search(
            [("key", "=", "name"), ("key_value", "like", "twinworks%")]
        )
        self.assertEqual(len(groups), 21)
        wizard = self._wizard(self.sales_manager, groups=groups)
        self.assertTrue(wizard.in_background)
        action = wizard.action_merge()
        self.assertEqual(action["tag"], "display_notification")
        Merge = self.env["crm.partner.merge"]
        queued = Merge.search([("state", "=", "queued")])
        self.assertEqual(len(queued), 21)
        self.assertTrue(all(pair.mapped("active") == [True, True] for pair in pairs))
        Merge._cron_run_queued(batch_size=8)
        self.assertEqual(set(queued.mapped("state")), {"done"})
        self.assertTrue(all(len(pair.filtered("active")) == 1 for pair in pairs))

    def test_undo_period_then_purge(self):
        self.company.crm_merge_undo_days = 7
        merge = self._merge_now(self._wizard(self.sales_manager))
        absorbed = merge.absorbed_partner_ids
        with freeze_time(datetime.now() + timedelta(days=8)):
            merge.invalidate_recordset(["can_undo"])
            self.assertFalse(merge.can_undo)
            with self.assertRaises(UserError):
                merge.with_user(self.sales_manager).action_undo()
            self.env["crm.partner.merge"]._purge_expired()
        self.assertEqual(merge.state, "purged")
        self.assertFalse(merge.line_ids)
        self.assertFalse(absorbed.exists())
        self.assertTrue(self.first.active)

    def test_customers_of_a_merge_that_can_be_undone_are_not_deleted(self):
        """Deleting a merged customer would leave its merge nothing to bring
        back; deleting the surviving one would delete the merge and leave
        the merged ones archived for good."""
        owner = new_test_user(
            self.env,
            login="ext_merge_owner",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        deleter = new_test_user(
            self.env,
            login="ext_merge_deleter",
            groups="sales_team.group_sale_manager,base.group_partner_manager",
        )
        self.fourth.with_context(**MERGING_PARTNERS.context()).sudo().user_id = owner
        merge = self._merge_now(self._wizard(self.sales_manager))
        self.assertEqual(merge.partner_id, self.first)
        self.assertIn(self.fourth, merge.absorbed_partner_ids)
        for user, partner in (
            (owner, self.fourth),
            (deleter, self.fourth),
            (deleter, self.first),
        ):
            # (Odoo's assertRaises rolls back what the refused request did,
            # as the request's end would: Odoo deletes draft orders first.)
            with (
                self.subTest(user=user.login, partner=partner.name),
                self.assertRaises(UserError) as refused,
            ):
                partner.with_user(user).unlink()
            self.assertIn("cannot be deleted", str(refused.exception))
        self.assertTrue(self.fourth.exists() and self.first.exists())
        self.assertEqual(merge.state, "done")
        merge.with_user(self.sales_manager).action_undo()
        self.assertTrue(self.fourth.active)
        self.assertEqual(self.order.partner_id, self.third)
        # Back from the merge, it is a customer as any other.
        self.fourth.with_user(owner).unlink()
        self.assertFalse(self.fourth.exists())

    def test_a_shared_customers_merge_has_its_users_undo_period(self):
        """Customers shared by all companies are merged with the undo period
        of the company the user merges them in, by the job too."""
        branch = self.env["res.company"].create(
            {"name": "Orchid Branch Co", "crm_merge_undo_days": 3}
        )
        self.company.crm_merge_undo_days = 30
        manager = new_test_user(
            self.env,
            login="ext_branch_manager",
            groups="sales_team.group_sale_manager",
            company_id=branch.id,
            company_ids=[Command.set((branch | self.company).ids)],
        )
        self.assertFalse((self.first | self.second).company_id)
        merge = (
            self.env["crm.partner.merge"]
            .with_user(manager)
            ._plan([(self.first | self.second, self.first)], "oldest")
        )
        # The job merges it, as the system.
        self.env["crm.partner.merge"].browse(merge.ids)._run_queued()
        self.assertEqual(merge.state, "done")
        period = merge.undo_deadline - merge.merge_date
        self.assertEqual(round(period.total_seconds() / 86400), 3)

    def test_the_wizard_says_the_undo_period_of_the_customers_company(self):
        """A sales administrator of two companies, working in the branch,
        merges customers of the main company: the wizard promises the undo
        period the merge is given (their company's), not the branch's."""
        branch = self.env["res.company"].create(
            {"name": "Orchid Branch Co", "crm_merge_undo_days": 3}
        )
        self.company.crm_merge_undo_days = 30
        manager = new_test_user(
            self.env,
            login="ext_branch_manager",
            groups="sales_team.group_sale_manager",
            company_id=branch.id,
            company_ids=[Command.set((branch | self.company).ids)],
        )
        self.group.with_context(**MERGING_PARTNERS.context()).company_id = self.company
        self.env.flush_all()
        wizard = Form(
            self.env["crm.partner.merge.wizard"]
            .with_user(manager)
            .with_context(
                allowed_company_ids=[branch.id, self.company.id],
                active_model="crm.duplicate.group",
                active_ids=self._review_group().ids,
            )
        ).save()
        self.assertEqual(
            wizard.undo_until,
            fields.Date.context_today(wizard) + timedelta(days=30),
        )
        merge = self._merge_now(wizard)
        period = merge.undo_deadline - merge.merge_date
        self.assertEqual(round(period.total_seconds() / 86400), 30)

    def test_a_row_shows_nothing_of_another_companys_customer(self):
        """A sales administrator of our company gives a merge row the id of
        another company's customer (a default, a row of the wizard's form):
        nothing of it is shown, neither its name nor its e-mail or VAT."""
        other_company = self.env["res.company"].create({"name": "Rows Two Ltd"})
        hidden = self.Partner.with_company(other_company).create(
            {
                "name": "Hidden Egret Trading Ltd",
                "is_company": True,
                "company_id": other_company.id,
                "email": "buyer@hidden-egret.example.cn",
                "vat": "CN91350100M000100Y43",
            }
        )
        Row = self.env["crm.partner.merge.wizard.customer"].with_user(
            self.sales_manager
        )
        spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "email": {},
            "vat": {},
        }
        with self.assertRaises(AccessError) as refused:
            Row.with_context(default_partner_id=hidden.id).onchange({}, [], spec)
        self.assertNotIn("Hidden Egret", str(refused.exception))
        with self.assertRaises(AccessError) as refused:
            Row.onchange({"partner_id": hidden.id}, ["partner_id"], spec)
        self.assertNotIn("hidden-egret", str(refused.exception))

    def test_staff_partners_are_not_merged(self):
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        for staff in (self.salesman_2.partner_id, self.env.company.partner_id):
            with self.subTest(staff=staff.name), self.assertRaises(UserError):
                Merge._plan([(self.first | staff, self.first)], "oldest")
        self.assertTrue(self.salesman_2.partner_id.active)
        self.assertFalse(Merge.sudo().search([]))

    def test_undo_period_is_validated(self):
        for days in (0, -1, 99999999):
            with self.subTest(days=days), self.assertRaises(ValidationError):
                self.company.crm_merge_undo_days = days


@tagged("post_install", "-at_install")
class TestPartnerMergeRace(CrmExtensionCase):
    """Two sales administrators merging the same customers at the same moment:
    one merge holds, the other is refused, nothing is merged twice."""

    NAMES = ("Race Merge Trading Ltd", "RACE MERGE TRADING LIMITED")

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM res_partner WHERE name = ANY(%s)", [list(self.NAMES)]
            )
            ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM crm_partner_merge WHERE partner_id = ANY(%s)", [ids]
            )
            cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [ids])
            cr.commit()  # pylint: disable=invalid-commit

    @mute_logger("odoo.sql_db")
    def test_two_cursors_merge_one_group(self):
        self.addCleanup(self._cleanup)
        admin_id = self.env.ref("base.user_admin").id
        with self.registry.cursor() as cr:
            env = api.Environment(cr, admin_id, {})
            twins = (
                env["res.partner"]
                .with_context(**MERGING_PARTNERS.context())
                .create([{"name": name, "is_company": True} for name in self.NAMES])
            )
            ids = twins.ids
            cr.commit()  # pylint: disable=invalid-commit

        def merge(env):
            Merge = env["crm.partner.merge"]
            partners = env["res.partner"].browse(ids)
            return Merge._plan([(partners, None)], "oldest")._run_queued()

        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, admin_id, {})
            env2 = api.Environment(cr2, admin_id, {})
            cr2.execute("SELECT count(*) FROM res_partner")  # snapshot of T2
            self.assertTrue(merge(env1))
            env1.flush_all()
            cr1.commit()  # pylint: disable=invalid-commit
            # T2 saw both customers active: its merge cannot commit.
            with self.assertRaises(pg_errors.SerializationFailure):
                merge(env2)
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            # Odoo retries the request: the customers are merged already.
            with self.assertRaisesRegex(UserError, "already merged"):
                merge(env2)
            cr2.rollback()
        with self.registry.cursor() as cr3:
            env3 = api.Environment(cr3, admin_id, {})
            merges = env3["crm.partner.merge"].search([("partner_id", "in", ids)])
            self.assertEqual(len(merges), 1)
            self.assertEqual(merges.state, "done")
            partners = env3["res.partner"].with_context(active_test=False).browse(ids)
            self.assertEqual(partners.mapped("active"), [True, False])
