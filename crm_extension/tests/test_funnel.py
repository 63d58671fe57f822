from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .. import compat
from ..tools import moved_on
from .common import CrmExtensionCase, frozen_time, load_migration


class FunnelCase(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_qualified = cls.env.ref("crm.stage_lead2")
        cls.stage_proposition = cls.env.ref("crm.stage_lead3")
        cls.stage_near_close = cls.env.ref("crm_extension.crm_stage_near_close")
        cls.stage_won = cls.env.ref("crm.stage_lead4")
        cls.History = cls.env["crm.lead.stage.history"]

    def _new_opportunity(self, name="Deal", user=None, **values):
        return self.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": (user or self.salesman).id,
                "expected_revenue": 10000,
                **values,
            }
        )

    def _add_decision_maker(self, lead):
        lead.write(
            {
                "contact_role_ids": [
                    Command.create(
                        {"partner_id": self.contact_boss.id, "role_id": self.role_dm.id}
                    )
                ]
            }
        )

    def _history(self, lead):
        return self.History.search([("lead_id", "=", lead.id)], order="id")

    def _flags(self, lead, user):
        """Each stay of ``lead`` as ``user`` reads it in its stage history:
        (phase, first in its stage, moved on), in the order they began."""
        return [
            (stay.funnel_phase, stay.first_in_stage, stay.moved_on)
            for stay in self.History.with_user(user).search(
                [("lead_id", "=", lead.id)], order="date_entered, id"
            )
        ]


@tagged("post_install", "-at_install")
class TestStageGates(FunnelCase):
    def test_shipped_funnel(self):
        stages = (
            self.stage_new
            | self.stage_qualified
            | self.stage_proposition
            | self.stage_near_close
            | self.stage_won
        )
        self.assertEqual(
            stages.sorted("sequence").mapped("funnel_phase"),
            ["potential", "shortlisted", "tracking", "near_close", "won"],
        )
        self.assertEqual(self.stage_near_close.default_probability, 80)

    def test_drag_without_decision_maker_refused(self):
        lead = self._new_opportunity().with_user(self.salesman)
        lead.write({"stage_id": self.stage_proposition.id})
        with self.assertRaises(ValidationError) as caught:
            lead.write({"stage_id": self.stage_near_close.id})
        self.assertIn("decision maker", str(caught.exception))
        lead.invalidate_recordset()
        self.assertEqual(lead.stage_id, self.stage_proposition)

    def test_a_lost_deal_is_restored_where_it_was_lost(self):
        # Lost in Near Close, its decision maker gone since: restoring it
        # moves it into no stage, so no gate stops it (as in Odoo); moving it
        # on (or back in) does.
        lead = self._new_opportunity()
        self._add_decision_maker(lead)
        lead = lead.with_user(self.salesman)
        lead.write({"stage_id": self.stage_near_close.id})
        lead.action_set_lost()
        lead.contact_role_ids.unlink()
        lead.toggle_active()
        self.assertTrue(lead.active)
        self.assertEqual(lead.stage_id, self.stage_near_close)
        self.assertEqual(self._history(lead)[-1].stage_id, self.stage_near_close)
        lead.write({"stage_id": self.stage_proposition.id})
        with self.assertRaises(ValidationError):
            lead.write({"stage_id": self.stage_near_close.id})

    def test_archiving_is_no_way_around_the_gates(self):
        """A salesperson cannot park an opportunity in Near Close while it is
        archived and restore it there: moved while archived (in the same
        write as the archiving, or after it) or created archived there, it is
        refused with the gates' messages, and nothing is restored into a
        stage it never passed."""
        lead = self._new_opportunity("Parked deal").with_user(self.salesman)
        lead.write({"stage_id": self.stage_proposition.id})
        near_close = {"stage_id": self.stage_near_close.id}
        with self.assertRaises(ValidationError) as caught:
            lead.write({"active": False, **near_close})
        self.assertIn("needs a decision maker", str(caught.exception))
        self.assertIn("“Parked deal” cannot enter the stage", str(caught.exception))
        lead.invalidate_recordset()
        self.assertEqual((lead.active, lead.stage_id), (True, self.stage_proposition))
        lead.action_archive()
        with self.assertRaises(ValidationError) as caught:
            lead.write(near_close)
        self.assertIn("needs a decision maker", str(caught.exception))
        lead.invalidate_recordset()
        lead.action_unarchive()
        self.assertEqual(lead.stage_id, self.stage_proposition)
        with self.assertRaises(ValidationError) as caught:
            self.env["crm.lead"].with_user(self.salesman).create(
                {
                    "name": "Born archived",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                    "active": False,
                    **near_close,
                }
            )
        message = str(caught.exception)
        self.assertIn("needs a decision maker", message)
        self.assertIn("needs an expected revenue", message)
        self.assertFalse(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("name", "=", "Born archived")])
        )
        # With its decision maker it may go there archived, and come back.
        self._add_decision_maker(lead)
        lead.action_archive()
        lead.write(near_close)
        lead.action_unarchive()
        self.assertEqual((lead.active, lead.stage_id), (True, self.stage_near_close))

    def test_a_deal_parked_before_the_upgrade_is_restored_through_the_gates(self):
        """An opportunity 1.7.28 let a salesperson move into Near Close while
        it was archived: restoring it enters a stage it never passed, and
        the gates refuse it; restored where it was lost, it comes back."""
        lead = self._new_opportunity("Parked in 1.7.28").with_user(self.salesman)
        lead.write({"stage_id": self.stage_proposition.id})
        lead.action_archive()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET stage_id = %s WHERE id = %s",
            [self.stage_near_close.id, lead.id],
        )
        lead.invalidate_recordset()
        with self.assertRaises(ValidationError) as caught:
            lead.action_unarchive()
        self.assertIn("needs a decision maker", str(caught.exception))
        lead.invalidate_recordset()
        self.assertFalse(lead.active)
        lead.write({"stage_id": self.stage_proposition.id})
        lead.action_unarchive()
        self.assertEqual((lead.active, lead.stage_id), (True, self.stage_proposition))

    def test_odoo_lost_and_won_flows_pass_where_the_lead_passed(self):
        """Odoo's lost wizard and its won button on an opportunity that passed
        Near Close's gates when it entered, whose decision maker left since:
        lost, restored and won, as in Odoo (no stage entered but Won's)."""
        lead = self._new_opportunity("Lost in near close")
        self._add_decision_maker(lead)
        lead = lead.with_user(self.salesman)
        lead.write({"stage_id": self.stage_near_close.id})
        lead.contact_role_ids.unlink()
        self.env["crm.lead.lost"].with_user(self.salesman).create(
            {"lead_ids": [Command.set(lead.ids)]}
        ).action_lost_reason_apply()
        self.assertFalse(lead.active)
        lead.action_unarchive()
        self.assertEqual((lead.active, lead.stage_id), (True, self.stage_near_close))
        lead.action_set_won()
        self.assertEqual(lead.stage_id, self.stage_won)

    def test_all_failing_gates_in_one_error(self):
        lead = self._new_opportunity(expected_revenue=0).with_user(self.salesman)
        with self.assertRaises(ValidationError) as caught:
            lead.write({"stage_id": self.stage_near_close.id})
        message = str(caught.exception)
        self.assertIn("decision maker", message)
        self.assertIn("expected revenue", message)
        self.assertIn(lead.name, message)

    def test_batch_lists_every_refused_lead(self):
        first = self._new_opportunity("First deal")
        second = self._new_opportunity("Second deal")
        ok = self._new_opportunity("Ready deal")
        self._add_decision_maker(ok)
        leads = (first | second | ok).with_user(self.salesman)
        with self.assertRaises(ValidationError) as caught:
            leads.write({"stage_id": self.stage_near_close.id})
        message = str(caught.exception)
        self.assertIn("First deal", message)
        self.assertIn("Second deal", message)
        self.assertNotIn("Ready deal", message)

    def test_form_refused_then_allowed(self):
        lead = self._new_opportunity()
        with self.assertRaises(ValidationError):
            with Form(lead.with_user(self.salesman)) as form:
                form.stage_id = self.stage_near_close
        lead.invalidate_recordset()
        self.assertNotEqual(lead.stage_id, self.stage_near_close)
        self._add_decision_maker(lead)
        with Form(lead.with_user(self.salesman)) as form:
            form.stage_id = self.stage_near_close
        self.assertEqual(lead.stage_id, self.stage_near_close)

    def test_create_in_gated_stage_refused(self):
        with self.assertRaises(ValidationError):
            self.env["crm.lead"].with_user(self.salesman).create(
                {
                    "name": "Straight to near close",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                    "expected_revenue": 500,
                    "stage_id": self.stage_near_close.id,
                }
            )
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesman)
            .create(
                {
                    "name": "Straight to near close, with its committee",
                    "type": "opportunity",
                    "user_id": self.salesman.id,
                    "expected_revenue": 500,
                    "stage_id": self.stage_near_close.id,
                    "contact_role_ids": [
                        Command.create(
                            {
                                "partner_id": self.contact_boss.id,
                                "role_id": self.role_dm.id,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(lead.stage_id, self.stage_near_close)

    def test_bypass_only_for_administrators_when_allowed(self):
        lead = self._new_opportunity(user=self.sales_manager)
        with self.assertRaises(ValidationError):
            lead.with_user(self.sales_manager).write(
                {"stage_id": self.stage_near_close.id}
            )
        self.stage_near_close.allow_gate_bypass = True
        with self.assertRaises(ValidationError):
            self._new_opportunity().with_user(self.salesman).write(
                {"stage_id": self.stage_near_close.id}
            )
        lead.with_user(self.sales_manager).write({"stage_id": self.stage_near_close.id})
        self.assertEqual(lead.stage_id, self.stage_near_close)
        # Each failed gate on a line of its own, as the refusal lists them.
        self.assertEqual(
            lead.with_user(self.sales_manager).message_ids[0].body,
            "<p>Moved to Near Close although its gates failed:</p>"
            "<ul><li>A deal near close needs a decision maker in the buying "
            "committee.</li></ul>",
        )

    def test_gate_conditions_read_what_the_mover_may_not(self):
        # A condition on a field salespeople do not read (the contact's ID
        # number): the gate's message, not an access error.
        self.env["crm.stage.gate"].create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "The customer's contact needs an ID number.",
                "domain": "[('partner_id.id_number', '!=', False)]",
            }
        )
        lead = self._new_opportunity()
        with self.assertRaisesRegex(ValidationError, "needs an ID number"):
            lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})

    def test_gate_condition_with_dates(self):
        """A condition on dates as Odoo's filters write them: the user's
        today (in their time zone), relativedelta, time.strftime."""
        self.salesman.tz = "Asia/Shanghai"
        self.env["crm.stage.gate"].with_user(self.sales_manager).create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "Only deals closing within 30 days.",
                "domain": "[('date_deadline', '<=', (context_today() + "
                "relativedelta(days=30)).strftime('%Y-%m-%d'))]",
            }
        )
        self.env["crm.stage.gate"].with_user(self.sales_manager).create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "No deal closing in the past.",
                "domain": "['|', ('date_deadline', '=', False), "
                "('date_deadline', '>=', time.strftime('%Y-%m-%d'))]",
            }
        )
        # 20:00 in UTC is the next morning in Shanghai: the salesperson's
        # today is 2 March, 30 days later is 1 April.
        with freeze_time("2026-03-01 20:00:00"):
            soon = self._new_opportunity("Soon", date_deadline="2026-04-01")
            late = self._new_opportunity("Late", date_deadline="2026-04-02")
            past = self._new_opportunity("Past", date_deadline="2026-03-01")
            soon.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
            self.assertEqual(soon.stage_id, self.stage_qualified)
            with self.assertRaises(ValidationError) as caught:
                late.with_user(self.salesman).write(
                    {"stage_id": self.stage_qualified.id}
                )
            self.assertIn("within 30 days", str(caught.exception))
            self.assertNotIn("in the past", str(caught.exception))
            with self.assertRaises(ValidationError) as caught:
                past.with_user(self.salesman).write(
                    {"stage_id": self.stage_qualified.id}
                )
            self.assertIn("in the past", str(caught.exception))

    def test_an_archived_gate_refuses_nobody_whatever_the_context(self):
        """A gate the administrator archived no longer applies, even when the
        client sends ``active_test=False`` (as Odoo's conversion wizards do
        for their leads); an active one still does."""
        self.env["crm.stage.gate"].with_user(self.sales_manager).create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "A qualified deal needs a tag.",
                "domain": "[('tag_ids', '!=', False)]",
                "active": False,
            }
        )
        lead = self._new_opportunity("Untagged").with_user(self.salesman)
        lead.with_context(active_test=False).write(
            {"stage_id": self.stage_qualified.id}
        )
        self.assertEqual(lead.stage_id, self.stage_qualified)
        lead.action_set_lost()
        lead.with_context(active_test=False).action_unarchive()
        self.assertTrue(lead.active)
        with self.assertRaises(ValidationError) as caught:
            lead.with_context(active_test=False).write(
                {"stage_id": self.stage_near_close.id}
            )
        self.assertIn("needs a decision maker", str(caught.exception))
        self.assertNotIn("needs a tag", str(caught.exception))

    def test_invalid_gate_condition(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.env["crm.stage.gate"].create(
                {
                    "stage_id": self.stage_won.id,
                    "message": "Broken",
                    "domain": "[('no_such_field', '=', 1)]",
                }
            )

    def test_a_gate_condition_reads_the_user_and_calls_nothing(self):
        """A condition reads the user's values (``user.id``,
        ``user.company_ids.ids``...), as Odoo's record rules do; it calls no
        method of a record: a sales administrator, who writes conditions, is
        no system administrator, and ``user.sudo().write(...)`` in one would
        make them one."""
        self.env["crm.stage.gate"].with_user(self.sales_manager).create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "Only the salesperson's own deals of their companies.",
                "domain": "[('user_id', '=', user.id), "
                "('company_id', 'in', user.company_ids.ids + [False]), "
                "('user_id.partner_id', '=', user.partner_id.id)]",
            }
        )
        lead = self._new_opportunity("Mine")
        lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.stage_id, self.stage_qualified)
        system = self.env.ref("base.group_system")
        for call in (
            f"user.sudo().write({{'{compat.GROUPS_FIELD}': [(4, {system.id})]}})",
            "user.partner_id.sudo().unlink()",
            "user._read('sudo')",
        ):
            with (
                self.subTest(call=call),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                self.env["crm.stage.gate"].with_user(self.sales_manager).create(
                    {
                        "stage_id": self.stage_won.id,
                        "message": "x",
                        "domain": f"[('id', '!=', {call} and 0)]",
                    }
                )
        self.assertFalse(self.sales_manager.has_group("base.group_system"))
        self.assertTrue(self.sales_manager.partner_id.exists())

    def test_a_gate_condition_reads_only_the_users_own_values(self):
        """A condition reads the user's own values, as the user: the user
        itself stands for its id, ``has_group`` answers for its groups; the
        records it names give their ids and nothing of other users (their
        secrets, through ``create_uid``) nor the records' own attributes."""
        Gate = self.env["crm.stage.gate"].with_user(self.sales_manager)
        Gate.create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "The salesperson's own deals.",
                "domain": "['|', ('user_id', '=', user), ('user_id', '=', False), "
                "('user_id', '=', user.has_group('sales_team.group_sale_manager') "
                "and 0 or user.id), "
                "('company_id', 'in', user.company_ids.ids + [False])]",
            }
        )
        lead = self._new_opportunity("Mine")
        lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.stage_id, self.stage_qualified)
        for reading in (
            "user.create_uid.login",
            "user.partner_id.name",
            "user.company_id.name",
            "user._records",
            "user.env",
        ):
            with (
                self.subTest(reading=reading),
                self.assertRaises(ValidationError) as refused,
                self.env.cr.savepoint(),
            ):
                Gate.create(
                    {
                        "stage_id": self.stage_won.id,
                        "message": "x",
                        "domain": f"[('name', '=', {reading})]",
                    }
                )
            self.assertNotIn(self.env.user.login, str(refused.exception))

    def test_a_gate_condition_reads_records_as_odoo_does(self):
        """The records a condition names are empty, equal and counted as
        Odoo's records are: ``user.sale_team_id`` of a user without a team is
        false, a record equals itself, ``len`` counts them (conditions written
        before the user was narrowed keep their meaning)."""
        self.assertFalse(self.salesman.sale_team_id)
        Gate = self.env["crm.stage.gate"].with_user(self.sales_manager)
        Gate.create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "A team's deals, or the salesperson's own.",
                "domain": "[('team_id', '=', user.sale_team_id.id)] "
                "if user.sale_team_id else [('user_id', '=', user)]",
            }
        )
        Gate.create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "Records read as records.",
                "domain": "[('id', '!=', 0)] if user.partner_id == user.partner_id "
                "and len(user.company_ids) == len(user.company_ids.ids) "
                "and [c.id for c in user.company_ids] == user.company_ids.ids "
                "else [('id', '=', 0)]",
            }
        )
        lead = self._new_opportunity("Mine", team_id=False)
        lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.stage_id, self.stage_qualified)

    def test_a_gate_passes_the_opportunities_its_condition_finds(self):
        """A gate passes what its condition finds, as checked when it was
        saved (and counted by the domain editor): an amount written as text
        is compared as a number, not refused as a condition that cannot be
        checked."""
        self.env["crm.stage.gate"].with_user(self.sales_manager).create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "Deals above 5000.",
                "domain": "[('expected_revenue', '>', '5000')]",
            }
        )
        small = self._new_opportunity("Small", expected_revenue=1000)
        lead = self._new_opportunity("Mine")
        lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.stage_id, self.stage_qualified)
        with self.assertRaisesRegex(ValidationError, "Deals above 5000."):
            small.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})

    def test_a_gate_condition_that_cannot_be_read_is_said_as_the_gates(self):
        """A condition saved before conditions were narrowed, which cannot be
        read any more, refuses the move with the gate's name, not a
        traceback."""
        gate = self.env["crm.stage.gate"].create(
            {
                "stage_id": self.stage_qualified.id,
                "message": "Only the team's deals.",
                "domain": "[('user_id', '!=', False)]",
            }
        )
        self.env.cr.execute(
            "UPDATE crm_stage_gate SET domain = %s WHERE id = %s",
            ["[('user_id', '=', user.create_uid.id)]", gate.id],
        )
        gate.invalidate_recordset(["domain"])
        lead = self._new_opportunity("Mine")
        with self.assertRaisesRegex(UserError, "Only the team's deals."):
            lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})

    def test_only_administrators_configure_gates(self):
        with self.assertRaises(AccessError):
            self.env["crm.stage.gate"].with_user(self.salesman_all).create(
                {"stage_id": self.stage_won.id, "message": "x", "domain": "[]"}
            )
        gate = (
            self.env["crm.stage.gate"]
            .with_user(self.sales_manager)
            .create(
                {
                    "stage_id": self.stage_won.id,
                    "message": "A won deal needs a customer.",
                    "domain": "[('partner_id', '!=', False)]",
                }
            )
        )
        lead = self._new_opportunity(partner_id=False)
        with self.assertRaises(ValidationError) as caught:
            lead.with_user(self.salesman).action_set_won()
        self.assertIn(gate.message, str(caught.exception))


@tagged("post_install", "-at_install")
class TestStageHistory(FunnelCase):
    def test_single_change_closes_one_row_and_opens_one(self):
        with freeze_time("2026-03-01 09:00:00"):
            lead = self._new_opportunity()
        self.assertEqual(len(self._history(lead)), 1)
        with freeze_time("2026-03-04 21:00:00"):
            lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        first, second = self._history(lead)
        self.assertEqual(first.stage_id, self.stage_new)
        self.assertEqual(first.date_entered, datetime(2026, 3, 1, 9))
        self.assertEqual(first.date_left, datetime(2026, 3, 4, 21))
        self.assertAlmostEqual(first.duration_days, 3.5)
        self.assertEqual(first.exit_type, "forward")
        self.assertEqual(second.stage_id, self.stage_qualified)
        self.assertEqual(second.funnel_phase, "shortlisted")
        self.assertFalse(second.date_left)
        self.assertEqual(second.user_id, self.salesman)
        self.assertEqual(second.expected_revenue, 10000)

    def test_same_stage_writes_nothing(self):
        lead = self._new_opportunity()
        lead.write({"stage_id": lead.stage_id.id, "name": "Renamed"})
        self.assertEqual(len(self._history(lead)), 1)

    def test_batch_change(self):
        leads = self.env["crm.lead"]
        for index in range(5):
            leads |= self._new_opportunity(f"Batch {index}")
        leads[:2].write({"stage_id": self.stage_qualified.id})
        leads.with_user(self.salesman).write({"stage_id": self.stage_proposition.id})
        rows = self.History.search([("lead_id", "in", leads.ids)])
        self.assertEqual(len(rows), 12)
        for lead in leads:
            open_rows = rows.filtered(
                lambda row, lead=lead: row.lead_id == lead and not row.date_left
            )
            self.assertEqual(open_rows.stage_id, self.stage_proposition)
        closed = rows.filtered("date_left")
        self.assertEqual(len(closed), 7)
        self.assertEqual(set(closed.mapped("exit_type")), {"forward"})

    def test_won_lost_and_reopen(self):
        lead = self._new_opportunity()
        lead.with_user(self.salesman).action_set_lost()
        lead.with_user(self.salesman).toggle_active()
        lead.with_user(self.salesman).action_set_won()
        lead.with_user(self.salesman).write({"stage_id": self.stage_proposition.id})
        rows = self._history(lead)
        self.assertEqual(
            [(row.funnel_phase, row.exit_type) for row in rows],
            [
                ("potential", "lost"),
                ("lost", "reopened"),
                ("potential", "won"),
                ("won", "reopened"),
                ("tracking", False),
            ],
        )

    def test_moving_back(self):
        lead = self._new_opportunity()
        lead.write({"stage_id": self.stage_proposition.id})
        lead.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(self._history(lead)[1].exit_type, "backward")

    def test_backfill_from_tracking(self):
        with freeze_time("2026-01-10 08:00:00"):
            lead = self._new_opportunity()
            self.env.flush_all()
            self.env.cr.flush()
        with freeze_time("2026-01-12 08:00:00"):
            lead.write({"stage_id": self.stage_qualified.id})
            self.env.flush_all()
            self.env.cr.flush()
        with freeze_time("2026-01-20 08:00:00"):
            lead.write({"stage_id": self.stage_proposition.id})
            self.env.flush_all()
            self.env.cr.flush()
        lost = self._new_opportunity("Lost deal")
        self.env.flush_all()
        lost.action_set_lost()
        self.env.flush_all()
        self.env.cr.flush()
        expected = [
            (row.stage_id, row.funnel_phase, row.date_entered, row.date_left)
            for row in self._history(lead)
        ]
        self.assertEqual(len(expected), 3)
        self.History.search([("lead_id", "in", (lead | lost).ids)]).unlink()
        # As if created on that day (the ORM stamps the transaction's time).
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            [datetime(2026, 1, 10, 8), lead.id],
        )
        lead.invalidate_recordset()

        count = self.History._backfill_from_tracking()

        self.assertEqual(count, 5)
        rows = self._history(lead)
        self.assertEqual(
            [
                (row.stage_id, row.funnel_phase, row.date_entered, row.date_left)
                for row in rows
            ],
            expected,
        )
        self.assertEqual(rows.mapped("exit_type"), ["forward", "forward", False])
        self.assertEqual(
            [(row.funnel_phase, row.exit_type) for row in self._history(lost)],
            [("potential", "lost"), ("lost", False)],
        )
        # Flagged as the moves would have: first in their stage, moved on.
        self.assertEqual(
            self._flags(lead, self.salesman),
            [
                ("potential", True, True),
                ("shortlisted", True, True),
                ("tracking", True, False),
            ],
        )
        self.assertEqual(
            self._flags(lost, self.salesman),
            [("potential", True, False), ("lost", False, False)],
        )
        # Run again: opportunities with a history are left alone.
        self.assertEqual(self.History._backfill_from_tracking(), 0)

    def test_salesperson_reads_own_history_only(self):
        mine = self._new_opportunity()
        theirs = self._new_opportunity(user=self.salesman_2)
        History = self.History.with_user(self.salesman)
        self.assertTrue(History.search([("lead_id", "=", mine.id)]))
        self.assertFalse(History.search([("lead_id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            self._history(mine).with_user(self.salesman).write({"duration_days": 1})


@tagged("post_install", "-at_install")
class TestStalledDeals(FunnelCase):
    def test_one_activity_per_stalled_stay(self):
        with frozen_time(self.env, "2026-05-01 10:00:00"):
            stalled = self._new_opportunity("Stalled deal")
            fresh_stage = self._new_opportunity("Moving deal")
        self.assertEqual(self.stage_new.stall_days, 14)
        with frozen_time(self.env, "2026-05-10 10:00:00"):
            fresh_stage.write({"stage_id": self.stage_qualified.id})
            self.assertFalse(stalled.is_stalled)
        with frozen_time(self.env, "2026-05-16 10:00:00"):
            (stalled | fresh_stage).invalidate_recordset()
            self.assertTrue(stalled.is_stalled)
            self.assertFalse(fresh_stage.is_stalled)
            self.assertIn(
                stalled,
                self.env["crm.lead"].search([("is_stalled", "=", True)]),
            )
            self.env["crm.lead"]._cron_remind_stalled()
            self.env["crm.lead"]._cron_remind_stalled()
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", (stalled | fresh_stage).ids),
            ]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.res_id, stalled.id)
        self.assertEqual(activities.user_id, self.salesman)
        # The days it has actually spent there (the stage allows 14).
        self.assertEqual(activities.summary, "Stalled: 15 days in New")
        # A new stay that stalls again gets its own reminder.
        with frozen_time(self.env, "2026-05-17 10:00:00"):
            stalled.write({"stage_id": self.stage_qualified.id})
        with frozen_time(self.env, "2026-06-10 10:00:00"):
            self.env["crm.lead"]._cron_remind_stalled()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "crm.lead"), ("res_id", "=", stalled.id)]
            ),
            2,
        )

    def test_a_restored_deal_is_reminded_of_the_days_it_shows(self):
        """Lost after 10 days in Qualified and restored 10 days later: on
        19.0 Odoo's rotting clock did not stop (its card shows 20 days
        rotting), and the reminder says the same 20 days, not the 0 days of
        the stay the restore began; on 18.0 that stay is the clock, and it
        stalls after the stage's 14 days."""
        self.stage_qualified.stall_days = 14
        with frozen_time(self.env, "2026-05-01 10:00:00"):
            deal = self._new_opportunity(
                "Lost and restored", stage_id=self.stage_qualified.id
            )
        with frozen_time(self.env, "2026-05-11 10:00:00"):
            deal.with_user(self.salesman).action_set_lost()
        with frozen_time(self.env, "2026-05-21 10:00:00"):
            deal.with_user(self.salesman).action_unarchive()
            self.env["crm.lead"]._cron_remind_stalled()
            card = deal.with_user(self.salesman)
            card.invalidate_recordset()
            if compat.ODOO_19:
                self.assertTrue(card.is_stalled)
                self.assertEqual(card.rotting_days, 20)
                reminder = self._reminders(deal)
                self.assertEqual(reminder.summary, "Stalled: 20 days in Qualified")
            else:
                self.assertFalse(card.is_stalled)
                self.assertFalse(self._reminders(deal))
        if not compat.ODOO_19:
            with frozen_time(self.env, "2026-06-05 10:00:00"):
                self.env["crm.lead"]._cron_remind_stalled()
            self.assertEqual(
                self._reminders(deal).summary, "Stalled: 15 days in Qualified"
            )

    def _reminders(self, lead):
        return (
            self.env["mail.activity"]
            .with_user(self.salesman)
            .search([("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)])
        )


@tagged("post_install", "-at_install")
class TestFunnelReport(FunnelCase):
    MEASURES = [
        "entered_count:sum",
        "next_count:sum",
        "won_count:sum",
        "next_rate:avg",
        "won_rate:avg",
        "days_in_stage:avg",
        "expected_revenue:sum",
    ]

    def _pivot(self, user, leads, groupby):
        """The funnel analysis as the pivot view shows it to ``user``: per
        group, its figures by name."""
        report = self.env["crm.funnel.report"].with_user(user)
        measures = [
            f"{name}:{report._fields[name].aggregator}"
            for name in (
                "entered_count",
                "next_count",
                "won_count",
                "next_rate",
                "won_rate",
                "days_in_stage",
                "expected_revenue",
            )
        ]
        self.assertEqual(measures, self.MEASURES)
        return {
            key: dict(
                zip(
                    ("entered", "next", "won", "next_rate", "won_rate", "days", "rev"),
                    figures,
                    strict=True,
                )
            )
            for key, *figures in report._read_group(
                [("lead_id", "in", leads.ids)], [groupby], measures
            )
        }

    def assertNoFigure(self, value, msg=None):
        """The pivot's cell is empty: no value (NULL), not a 0."""
        self.assertTrue(value is None or value is False, msg or value)

    def _expected(self, leads, key):
        """The figures counted from the stage history, by opportunity and
        stage: per ``key`` of a stay (its stage or phase), the opportunity's
        first stay in each stage it entered, whether it moved on to a later
        phase afterwards (tools.moved_on) and is won, and the days of every
        stay. Won is where the funnel ends: its stays have no days and no
        next phase to convert to."""
        now = fields.Datetime.now()
        expected = {}
        for lead in leads:
            stays = self.History.search(
                [("lead_id", "=", lead.id)], order="date_entered, id"
            )
            won = lead.active and lead.stage_id.is_won
            seen_stages = set()
            for index, stay in enumerate(stays):
                if stay.funnel_phase == "lost":
                    continue
                figures = expected.setdefault(key(stay), {"firsts": [], "days": []})
                won_stay = stay.funnel_phase == "won"
                if not won_stay:
                    figures["days"].append(
                        stay.duration_days
                        if stay.date_left
                        else (now - stay.date_entered).total_seconds() / 86400
                    )
                if stay.stage_id not in seen_stages:
                    seen_stages.add(stay.stage_id)
                    following = stays[index + 1 :].mapped("funnel_phase")
                    figures["firsts"].append(
                        (
                            moved_on(stay.funnel_phase, following),
                            won,
                            stay.expected_revenue,
                            not won_stay,
                        )
                    )
        return expected

    def _assert_figures(self, shown, expected):
        self.assertEqual(set(shown), set(expected))
        for key, figures in expected.items():
            row = shown[key]
            firsts = figures["firsts"]
            self.assertEqual(row["entered"], len(firsts), key)
            self.assertEqual(row["next"], sum(f[0] for f in firsts), key)
            self.assertEqual(row["won"], sum(f[1] for f in firsts), key)
            converting = [f[0] for f in firsts if f[3]]
            if converting:
                self.assertAlmostEqual(
                    row["next_rate"], 100.0 * sum(converting) / len(converting)
                )
            else:
                self.assertNoFigure(row["next_rate"], key)
            self.assertAlmostEqual(
                row["won_rate"], 100.0 * sum(f[1] for f in firsts) / len(firsts)
            )
            if figures["days"]:
                self.assertAlmostEqual(
                    row["days"], sum(figures["days"]) / len(figures["days"]), places=2
                )
            else:
                self.assertNoFigure(row["days"], key)
            self.assertAlmostEqual(row["rev"], sum(f[2] for f in firsts))

    def test_figures_count_opportunities(self):
        """A salesperson's funnel, by stage and by phase: each opportunity
        counted once where it entered, moved on, is won."""
        leads = self.env["crm.lead"]
        with freeze_time("2026-02-01 10:00:00"):
            for index in range(6):
                leads |= self._new_opportunity(f"Report deal {index}")
        with freeze_time("2026-02-05 10:00:00"):
            leads[:4].write({"stage_id": self.stage_qualified.id})
        with freeze_time("2026-02-09 10:00:00"):
            leads[:2].write({"stage_id": self.stage_proposition.id})
            leads[3].write({"stage_id": self.stage_new.id})
        with freeze_time("2026-02-11 10:00:00"):
            leads[0].action_set_won()
            leads[5].action_set_lost()
        self.env.flush_all()

        for groupby, key in (
            ("stage_id", lambda stay: stay.stage_id),
            ("funnel_phase", lambda stay: stay.funnel_phase),
        ):
            with self.subTest(groupby=groupby):
                shown = self._pivot(self.salesman, leads, groupby)
                self._assert_figures(shown, self._expected(leads, key))
        by_stage = self._pivot(self.salesman, leads, "stage_id")
        # Six entered New (one came back: seven stays, six opportunities),
        # four moved on (the one that came back too), one is won.
        new = by_stage[self.stage_new]
        self.assertEqual((new["entered"], new["next"], new["won"]), (6, 4, 1))
        self.assertAlmostEqual(new["next_rate"], 100.0 * 4 / 6)
        self.assertAlmostEqual(new["rev"], 60000)
        won = by_stage[self.stage_won]
        self.assertEqual((won["entered"], won["next"], won["won"]), (1, 0, 1))

    def test_won_is_where_the_funnel_ends(self):
        """A deal won long ago adds no days in the Won stage (the days since
        it was won) and no 0 % conversion to a phase after Won: the averages
        of the stages, of the phases and of the total are those of the real
        stays. A lost deal's last stay counts its days until it was lost, and
        did not convert."""
        with freeze_time("2025-01-10 10:00:00"):
            won = self._new_opportunity("Won last year")
            lost = self._new_opportunity("Lost after two days")
        with freeze_time("2025-01-12 10:00:00"):
            won.with_user(self.salesman).action_set_won()
            lost.with_user(self.salesman).action_set_lost()
        with freeze_time("2025-12-02 10:00:00"):
            self.env.flush_all()
            leads = won | lost
            by_stage = self._pivot(self.salesman, leads, "stage_id")
            won_stage = by_stage[self.stage_won]
            self.assertEqual((won_stage["entered"], won_stage["won"]), (1, 1))
            self.assertNoFigure(won_stage["days"])
            self.assertNoFigure(won_stage["next_rate"])
            new = by_stage[self.stage_new]
            self.assertEqual((new["entered"], new["next"]), (2, 1))
            self.assertEqual((new["next_rate"], new["days"]), (50, 2))
            total = self._pivot(self.salesman, leads, "lead_type")["opportunity"]
            self.assertEqual((total["next_rate"], total["days"]), (50, 2))
            by_phase = self._pivot(self.salesman, leads, "funnel_phase")
            self.assertNoFigure(by_phase["won"]["days"])
            self.assertNoFigure(by_phase["won"]["next_rate"])

    def test_stays_follow_a_stage_made_won_or_moved_to_another_phase(self):
        """A sales administrator moves a stage to another phase, then makes it
        won: the opportunities in it are there from then on, in the stage
        history and in the figures a salesperson reads (the stays they left
        keep their phase). A salesperson may do neither."""
        signed = (
            self.env["crm.stage"]
            .with_user(self.sales_manager)
            .create({"name": "Contract Signed", "funnel_phase": "potential"})
        )
        deal = self._new_opportunity("Signed deal")
        deal.with_user(self.salesman).write({"stage_id": signed.id})
        self.assertEqual(
            self._flags(deal, self.salesman),
            [("potential", True, False), ("potential", True, False)],
        )
        for vals in ({"funnel_phase": "near_close"}, {"is_won": True}):
            with self.assertRaises(AccessError):
                signed.with_user(self.salesman).write(vals)
        signed.with_user(self.sales_manager).write({"funnel_phase": "near_close"})
        self.assertEqual(
            self._flags(deal, self.salesman),
            [("potential", True, True), ("near_close", True, False)],
        )
        signed.with_user(self.sales_manager).write({"is_won": True})
        self.assertEqual(signed.funnel_phase, "won")
        self.assertEqual(
            self._flags(deal, self.salesman),
            [("potential", True, True), ("won", True, False)],
        )
        by_stage = self._pivot(self.salesman, deal, "stage_id")
        self.assertEqual((by_stage[signed]["entered"], by_stage[signed]["won"]), (1, 1))
        new = by_stage[self.stage_new]
        self.assertEqual((new["won"], new["won_rate"], new["next_rate"]), (1, 100, 100))
        # Won no more: the stay is back in the phase the stage now has.
        signed.with_user(self.sales_manager).write(
            {"is_won": False, "funnel_phase": "tracking"}
        )
        self.assertEqual(
            self._flags(deal, self.salesman),
            [("potential", True, True), ("tracking", True, False)],
        )
        self.assertEqual(self._pivot(self.salesman, deal, "stage_id")[signed]["won"], 0)

    def test_upgrade_puts_the_open_stays_in_their_stages_phase(self):
        """1.7.28 left the stays of a stage made won where they were: the
        upgrade puts them in step, and the figures count the deal won."""
        signed = self.env["crm.stage"].create(
            {"name": "Contract Signed", "funnel_phase": "potential"}
        )
        deal = self._new_opportunity("Signed before the upgrade")
        deal.with_user(self.salesman).write({"stage_id": signed.id})
        signed.write({"is_won": True})
        shown = self._pivot(self.salesman, deal, "stage_id")
        moved = self._flags(deal, self.salesman)
        self.env.flush_all()
        # As 1.7.28 left them: the stays as before the stage was made won.
        self.env.cr.execute(
            "UPDATE crm_lead_stage_history SET lead_won = false, moved_on = false, "
            "funnel_phase = 'potential' WHERE lead_id = %s",
            [deal.id],
        )
        self.History.invalidate_model()
        self.assertEqual(self._pivot(self.salesman, deal, "stage_id")[signed]["won"], 0)
        load_migration("1.7.29", "post-migrate-funnel-stages").migrate(
            self.env.cr, "1.7.28"
        )
        self.assertEqual(self._flags(deal, self.salesman), moved)
        self.assertEqual(self._pivot(self.salesman, deal, "stage_id"), shown)

    def test_the_month_entered_is_the_readers_as_in_the_filter(self):
        """A stay begun on 31 March at 20:00 UTC is in April for a salesperson
        in Shanghai (04:00 on 1 April): grouped by *Month Entered* as in the
        filter *Entered* for April, which finds it."""
        self.salesman.tz = "Asia/Shanghai"
        with freeze_time("2026-03-31 20:00:00"):
            deal = self._new_opportunity("Entered at dawn in Shanghai")
        report = (
            self.env["crm.funnel.report"]
            .with_user(self.salesman)
            .with_context(tz=self.salesman.tz)
        )
        search_view = self.env.ref("crm_extension.crm_funnel_report_view_search")
        month_entered = etree.fromstring(search_view.arch).find(
            ".//filter[@name='group_period']"
        )
        self.assertEqual(month_entered.get("string"), "Month Entered")
        groupby = safe_eval(month_entered.get("context"))["group_by"]
        [(month, entered)] = report._read_group(
            [("lead_id", "=", deal.id)], [groupby], ["entered_count:sum"]
        )
        self.assertEqual((str(month)[:7], entered), ("2026-04", 1))
        # The filter Entered for April 2026, as the web client gives it to a
        # reader in Shanghai (its bounds in UTC).
        april = [
            ("date_entered", ">=", "2026-03-31 16:00:00"),
            ("date_entered", "<=", "2026-04-30 15:59:59"),
        ]
        self.assertEqual(
            report.search([("lead_id", "=", deal.id), *april]).lead_id, deal
        )

    def test_an_opportunity_entering_a_stage_twice_counts_once(self):
        """Lost in Near Close, restored, won: one opportunity entered each
        stage and moved on from each, 100 %; grouped by phase, a phase of two
        stages counts it once per stage."""
        demo_done = self.env["crm.stage"].create(
            {
                "name": "Demo Done",
                "funnel_phase": "tracking",
                "sequence": self.stage_proposition.sequence,
                "default_probability": 60,
            }
        )
        deal = self._new_opportunity("Twice near close")
        self._add_decision_maker(deal)
        deal = deal.with_user(self.salesman)
        for stage in (
            self.stage_qualified,
            self.stage_proposition,
            demo_done,
            self.stage_near_close,
        ):
            deal.write({"stage_id": stage.id})
        deal.action_set_lost()
        deal.toggle_active()
        self.assertEqual(deal.stage_id, self.stage_near_close)
        deal.action_set_won()
        self.assertEqual(
            self._history(deal).mapped("funnel_phase"),
            [
                "potential",
                "shortlisted",
                "tracking",
                "tracking",
                "near_close",
                "lost",
                "near_close",
                "won",
            ],
        )
        by_stage = self._pivot(self.salesman, deal, "stage_id")
        self.assertEqual(
            set(by_stage),
            {
                self.stage_new,
                self.stage_qualified,
                self.stage_proposition,
                demo_done,
                self.stage_near_close,
                self.stage_won,
            },
        )
        for stage in (
            self.stage_new,
            self.stage_qualified,
            self.stage_proposition,
            demo_done,
            self.stage_near_close,
        ):
            row = by_stage[stage]
            self.assertEqual(
                (row["entered"], row["next"], row["won"]), (1, 1, 1), stage.name
            )
            self.assertEqual(
                (row["next_rate"], row["won_rate"]), (100, 100), stage.name
            )
            # Revenue on entry once per stage, Near Close's although it
            # entered it twice.
            self.assertEqual(row["rev"], 10000, stage.name)
        won = by_stage[self.stage_won]
        self.assertEqual((won["entered"], won["next"], won["won"]), (1, 0, 1))
        # By phase: once per stage of the phase it entered, tracking twice.
        by_phase = self._pivot(self.salesman, deal, "funnel_phase")
        tracking = by_phase["tracking"]
        self.assertEqual(
            (tracking["entered"], tracking["next"], tracking["won"]), (2, 2, 2)
        )
        self.assertEqual((tracking["next_rate"], tracking["won_rate"]), (100, 100))
        self.assertEqual(tracking["rev"], 20000)
        near_close = by_phase["near_close"]
        self.assertEqual((near_close["entered"], near_close["next"]), (1, 1))
        self.assertEqual((near_close["next_rate"], near_close["rev"]), (100, 10000))
        # Days in stage stay per stay: the two stays in Near Close are rows.
        self.assertEqual(
            self.env["crm.funnel.report"]
            .with_user(self.salesman)
            .search_count(
                [("lead_id", "=", deal.id), ("stage_id", "=", self.stage_near_close.id)]
            ),
            2,
        )

    def test_stays_are_flagged_as_the_opportunity_moves_on(self):
        """Moved back, it has not moved on from the stage it left until it
        goes past it again; lost and restored, its stay back in the stage is
        not a new entry. The figures a salesperson sees follow each move."""
        deal = self._new_opportunity("Back and forth")
        self._add_decision_maker(deal)
        deal = deal.with_user(self.salesman)
        deal.write({"stage_id": self.stage_proposition.id})
        deal.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(
            self._flags(deal, self.salesman),
            [
                ("potential", True, True),
                ("tracking", True, False),
                ("shortlisted", True, False),
            ],
        )
        proposition = self._pivot(self.salesman, deal, "stage_id")[
            self.stage_proposition
        ]
        self.assertEqual((proposition["entered"], proposition["next"]), (1, 0))
        self.assertEqual(proposition["next_rate"], 0)
        deal.action_set_lost()
        deal.toggle_active()
        deal.write({"stage_id": self.stage_near_close.id})
        self.assertEqual(
            self._flags(deal, self.salesman),
            [
                ("potential", True, True),
                ("tracking", True, True),
                ("shortlisted", True, True),
                ("lost", False, False),
                ("shortlisted", False, True),
                ("near_close", True, False),
            ],
        )
        by_stage = self._pivot(self.salesman, deal, "stage_id")
        proposition = by_stage[self.stage_proposition]
        self.assertEqual((proposition["entered"], proposition["next"]), (1, 1))
        self.assertEqual(proposition["next_rate"], 100)
        qualified = by_stage[self.stage_qualified]
        self.assertEqual((qualified["entered"], qualified["next"]), (1, 1))
        self.assertEqual(by_stage[self.stage_near_close]["next"], 0)
        deal.action_set_won()
        self.assertEqual(
            self._flags(deal, self.salesman)[-2:],
            [("near_close", True, True), ("won", True, False)],
        )
        self.assertEqual(
            self._pivot(self.salesman, deal, "stage_id")[self.stage_near_close][
                "next_rate"
            ],
            100,
        )
        # Only the system writes them: not the salesperson, not a sales
        # administrator.
        for user in (self.salesman, self.sales_manager):
            with self.assertRaises(AccessError):
                self._history(deal).with_user(user).write({"moved_on": False})
            with self.assertRaises(AccessError):
                self._history(deal).with_user(user).write({"first_in_stage": True})

    def test_upgrade_flags_the_existing_stays(self):
        """1.7.26 kept no flags on the stays: the upgrade gives them as the
        moves would have, and the figures are the same."""
        deal = self._new_opportunity("Before the upgrade")
        self._add_decision_maker(deal)
        deal = deal.with_user(self.salesman)
        for stage in (
            self.stage_qualified,
            self.stage_new,
            self.stage_qualified,
            self.stage_near_close,
        ):
            deal.write({"stage_id": stage.id})
        deal.action_set_lost()
        deal.toggle_active()
        other = self._new_opportunity("Another one")
        other.with_user(self.salesman).action_set_won()
        leads = deal | other
        moved = self._flags(deal, self.salesman)
        self.assertEqual(
            moved,
            [
                ("potential", True, True),
                ("shortlisted", True, True),
                ("potential", False, True),
                ("shortlisted", False, True),
                ("near_close", True, False),
                ("lost", False, False),
                ("near_close", False, False),
            ],
        )
        shown = self._pivot(self.salesman, leads, "stage_id")
        self.env.flush_all()
        # As 1.7.26 left them: the new columns empty.
        self.env.cr.execute(
            "UPDATE crm_lead_stage_history SET first_in_stage = NULL, "
            "moved_on = NULL WHERE lead_id = ANY(%s)",
            [leads.ids],
        )
        self.History.invalidate_model()
        self.assertFalse(
            self._pivot(self.salesman, leads, "stage_id")[self.stage_new]["entered"]
        )
        load_migration("1.7.27", "post-migrate-funnel-flags").migrate(
            self.env.cr, "1.7.26"
        )
        self.History.invalidate_model()
        self.assertEqual(self._flags(deal, self.salesman), moved)
        self.assertEqual(self._pivot(self.salesman, leads, "stage_id"), shown)

    def test_a_salesperson_sees_only_their_opportunities_counted(self):
        mine = self._new_opportunity("Mine")
        theirs = self._new_opportunity("Theirs", user=self.salesman_2)
        (mine | theirs).write({"stage_id": self.stage_qualified.id})
        shown = self._pivot(self.salesman, mine | theirs, "funnel_phase")
        self.assertEqual(shown["potential"]["entered"], 1)
        self.assertEqual(shown["potential"]["next"], 1)
        everyone = self._pivot(self.salesman_all, mine | theirs, "funnel_phase")
        self.assertEqual(everyone["potential"]["entered"], 2)

    def test_figures_follow_the_opportunity_to_its_new_salesperson(self):
        deal = self._new_opportunity("Handed over")
        deal.write({"stage_id": self.stage_qualified.id})
        deal.write({"user_id": self.salesman_2.id})
        # Its stays, begun under the first salesperson, are the new one's.
        for user, seen in ((self.salesman, False), (self.salesman_2, True)):
            for model in ("crm.funnel.report", "crm.lead.stage.history"):
                found = (
                    self.env[model].with_user(user).search([("lead_id", "=", deal.id)])
                )
                self.assertEqual(bool(found), seen, (user.name, model))
        # A lead given a company later: its stays are that company's.
        shared = self._new_opportunity("Shared at first", company_id=False)
        other_company = self.env["res.company"].create({"name": "Other Branch"})
        shared.write({"company_id": other_company.id, "user_id": False})
        self.assertFalse(
            self.env["crm.funnel.report"]
            .with_user(self.salesman_all)
            .search([("lead_id", "=", shared.id)])
        )

    def test_stays_follow_the_opportunity_to_its_new_company(self):
        """An opportunity moved to another company: its whole history is that
        company's, in the history and in the analysis grouped by company."""
        branch = self.env["res.company"].create({"name": "Suzhou Branch"})
        self.sales_manager.company_ids |= branch
        deal = self._new_opportunity("Moves company")
        deal.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(self._history(deal).company_id, self.company)
        companies = {"allowed_company_ids": [self.company.id, branch.id]}
        deal.with_user(self.sales_manager).with_context(**companies).write(
            {"company_id": branch.id, "user_id": self.sales_manager.id}
        )
        stays = (
            self.History.with_user(self.sales_manager)
            .with_context(**companies)
            .search([("lead_id", "=", deal.id)])
        )
        self.assertEqual(len(stays), 2)
        self.assertEqual(stays.company_id, branch)
        self.assertEqual(stays.currency_id, branch.currency_id)
        groups = (
            self.env["crm.funnel.report"]
            .with_user(self.sales_manager)
            .with_context(**companies)
            ._read_group(
                [("lead_id", "=", deal.id)],
                ["company_id"],
                ["entered_count:sum"],
            )
        )
        # (It entered two stages: once each.)
        self.assertEqual(groups, [(branch, 2)])

    def test_upgrade_moves_stays_to_their_opportunitys_company(self):
        branch = self.env["res.company"].create({"name": "Ningbo Branch"})
        deal = self._new_opportunity("Moved before the upgrade")
        deal.write({"stage_id": self.stage_qualified.id})
        deal.write({"company_id": branch.id, "user_id": False})
        self.env.flush_all()
        # As 1.7.26 left them: the company the stays began in.
        self.env.cr.execute(
            "UPDATE crm_lead_stage_history SET company_id = %s WHERE lead_id = %s",
            [self.company.id, deal.id],
        )
        self.History.invalidate_model()
        load_migration("1.7.27", "post-migrate-funnel").migrate(self.env.cr, "1.7.26")
        self.History.invalidate_model()
        self.assertEqual(self._history(deal).company_id, branch)

    def test_open_stay_is_its_current_salespersons(self):
        """A lead assigned after it was created (Odoo's lead assignment, a
        handover) counts for its salesperson and team in its current stay;
        the stays it left keep whose they were."""
        team = self.env["crm.team"].create({"name": "Funnel Handover Team"})
        deal = self._new_opportunity("Assigned later", user_id=False)
        self.assertFalse(self._history(deal).user_id)
        deal.write({"user_id": self.salesman.id})
        self.assertEqual(self._history(deal).user_id, self.salesman)
        deal.write({"stage_id": self.stage_qualified.id})
        deal.write({"user_id": self.salesman_2.id, "team_id": team.id})
        left, current = self._history(deal)
        self.assertEqual(left.user_id, self.salesman)
        self.assertEqual((current.user_id, current.team_id), (self.salesman_2, team))
        report = self.env["crm.funnel.report"].with_user(self.salesman_2)
        rows = report.search([("lead_id", "=", deal.id), ("date_left", "=", False)])
        self.assertEqual(rows.user_id, self.salesman_2)

    def test_salesperson_sees_own_figures(self):
        mine = self._new_opportunity()
        theirs = self._new_opportunity(user=self.salesman_2)
        report = self.env["crm.funnel.report"].with_user(self.salesman)
        seen = report.search([]).lead_id
        self.assertIn(mine, seen)
        self.assertNotIn(theirs, seen)
        self.assertLessEqual(set(seen.user_id.ids), {self.salesman.id})
        everyone = self.env["crm.funnel.report"].with_user(self.salesman_all)
        self.assertGreater(len(everyone.search([]).lead_id), 2)
