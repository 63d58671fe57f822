import re
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import format_amount, mute_logger

from .. import compat
from .common import (
    CrmExtensionCase,
    activity_notifications,
    automated_activities_as_odoo,
    stored_values,
)

RAW_EMAIL = """Return-Path: <{email_from}>
From: {email_from}
To: complaints@example.com
Subject: {subject}
Message-ID: <{message_id}@example.com>
Date: Fri, 06 Mar 2026 10:00:00 +0000
Content-Type: text/plain; charset="utf-8"
MIME-Version: 1.0

The parcel arrived broken.
"""


class ComplaintCase(CrmExtensionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Office hours (UTC)",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, hour_from, hour_to in (
                        ("morning", 8, 12),
                        ("afternoon", 13, 17),
                    )
                ],
            }
        )
        Sla = cls.env["crm.complaint.sla"]
        Sla.search([]).write({"active": False})
        cls.sla_critical = Sla.create(
            {
                "name": "Critical",
                "severity": "3",
                "response_hours": 1,
                "resolution_hours": 8,
                "resource_calendar_id": cls.calendar.id,
                "escalate_to_id": cls.complaint_manager.id,
                "sequence": 1,
            }
        )
        cls.sla_standard = Sla.create(
            {
                "name": "Standard",
                "response_hours": 8,
                "resolution_hours": 40,
                "resource_calendar_id": cls.calendar.id,
                "escalate_to_id": cls.complaint_manager.id,
                "sequence": 10,
            }
        )
        cls.category = cls.env.ref("crm_extension.complaint_category_delivery")
        cls.stage_new = cls.env.ref("crm_extension.complaint_stage_new")
        cls.stage_progress = cls.env.ref("crm_extension.complaint_stage_in_progress")
        cls.stage_resolved = cls.env.ref("crm_extension.complaint_stage_resolved")
        cls.stage_closed = cls.env.ref("crm_extension.complaint_stage_closed")
        cls.customer.email = "purchasing@westlake.example.com"

    def _complaint(self, user=None, **values):
        return (
            self.env["crm.complaint"]
            .with_user(user or self.complaint_officer)
            .create(
                {
                    "subject": "Broken parcel",
                    "partner_id": self.customer.id,
                    "category_id": self.category.id,
                    **values,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestComplaintServiceLevel(ComplaintCase):
    def test_reference_from_sequence(self):
        complaint = self._complaint()
        self.assertRegex(complaint.name, r"^CMP/\d{4}/\d{5}$")

    def test_friday_evening_is_due_monday(self):
        friday = datetime(2026, 3, 6, 17, 0)
        complaint = self._complaint(severity="3", date_received=friday)
        self.assertEqual(complaint.sla_id, self.sla_critical)
        self.assertEqual(complaint.response_deadline, datetime(2026, 3, 9, 9, 0))
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 9, 17, 0))

    def test_changing_severity_recomputes_deadlines(self):
        friday = datetime(2026, 3, 6, 17, 0)
        complaint = self._complaint(severity="3", date_received=friday)
        # Before its first deadline (Monday 9:00): it has not breached.
        with (
            freeze_time("2026-03-09 08:00:00"),
            Form(complaint.with_user(self.complaint_officer)) as form,
        ):
            form.severity = "1"
        self.assertEqual(complaint.sla_id, self.sla_standard)
        # 40 working hours: the whole next week.
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 13, 17, 0))

    def _take_in_hand(self, complaint):
        """The handler takes the complaint in hand and answers the customer."""
        complaint.write({"stage_id": self.stage_progress.id})
        complaint.message_post(
            body="We are looking into it.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def test_status_moves_on_track_at_risk_breached(self):
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._complaint(severity="3")
            self._take_in_hand(complaint)
            self.assertEqual(complaint.sla_status, "on_track")
        Complaint = self.env["crm.complaint"]
        with freeze_time("2026-03-09 15:00:00"):
            Complaint._escalate_due()
        complaint.invalidate_recordset()
        self.assertEqual(complaint.sla_status, "at_risk")
        with freeze_time("2026-03-09 17:30:00"):
            Complaint._escalate_due()
        complaint.invalidate_recordset()
        self.assertEqual(complaint.sla_status, "breached")
        # The job's changes are in the chatter as Odoo tracks a field.
        self.env.flush_all()
        tracked = complaint.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "sla_status"
        )
        self.assertEqual(
            sorted(tracked.mapped("new_value_char")), ["At Risk", "Breached"]
        )

    def test_escalation_once_per_breach(self):
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._complaint(severity="3")
            self._take_in_hand(complaint)
        Complaint = self.env["crm.complaint"]

        def escalations():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "crm.complaint"),
                    ("res_id", "=", complaint.id),
                    ("user_id", "=", self.complaint_manager.id),
                ]
            )

        with freeze_time("2026-03-09 15:00:00"):
            Complaint._escalate_due()
            Complaint._escalate_due()
        self.assertEqual(len(escalations()), 1)
        self.assertIn("at risk", escalations().summary)
        with freeze_time("2026-03-09 18:00:00"):
            Complaint._escalate_due()
            Complaint._escalate_due()
        self.assertEqual(len(escalations()), 2)
        self.assertEqual(
            self.env["crm.complaint"]
            .with_user(self.complaint_manager)
            .search([("activity_user_id", "=", self.complaint_manager.id)]),
            complaint,
        )

    def test_escalation_goes_to_whoever_may_read_it(self):
        """A complaint escalates to the first of the service level's contact,
        the team leader, the handler, who registered it, the leader of its
        customer's salesperson's team and the complaint managers who is an
        active internal user of its company and may read it; with nobody, no
        level is recorded: the next run tries again."""
        (self.sla_critical | self.sla_standard).escalate_to_id = False
        Complaint = self.env["crm.complaint"]
        values = {
            "subject": "Heard at a fair",
            "partner_id": self.other_customer.id,
            "date_received": "2026-02-02 08:00:00",
        }
        with freeze_time("2026-03-02 08:00:00"):
            # No category: no handler, no team.
            by_salesman = Complaint.with_user(self.salesman).create(dict(values))
            # Registered on the portal: by the customer.
            from_portal = (
                Complaint.with_user(self.portal_user).sudo().create(dict(values))
            )
        self.assertFalse(by_salesman.user_id or by_salesman.team_id)

        def escalations(complaint):
            return self.env["mail.activity"].search(
                [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
            )

        # Without complaint managers (they come last, for complaints nobody
        # else is there for): nobody for the one from the portal.
        Users = type(self.env["res.users"])
        with (
            freeze_time("2026-03-02 09:00:00"),
            patch.object(
                Users, "_crm_complaint_managers", lambda users: users.browse()
            ),
        ):
            Complaint._escalate_due()
        self.assertEqual(escalations(by_salesman).user_id, self.salesman)
        self.assertEqual(by_salesman.escalation_level, 2)
        self.assertFalse(escalations(from_portal))
        self.assertEqual(from_portal.sla_status, "breached")
        self.assertEqual(from_portal.escalation_level, 0)
        # A handler takes it: the next run escalates it to them, once.
        from_portal.with_user(self.complaint_officer).user_id = self.complaint_officer
        with freeze_time("2026-03-02 09:15:00"):
            Complaint._escalate_due()
            Complaint._escalate_due()
        self.assertEqual(len(escalations(from_portal)), 1)
        self.assertEqual(escalations(from_portal).user_id, self.complaint_officer)
        self.assertEqual(from_portal.escalation_level, 2)
        self.assertEqual(len(escalations(by_salesman)), 1)
        # With them, a complaint from the portal nobody took is theirs.
        with freeze_time("2026-03-02 09:30:00"):
            unattended = (
                Complaint.with_user(self.portal_user)
                .sudo()
                .create(dict(values, channel="portal"))
            )
        with freeze_time("2026-03-02 09:45:00"):
            Complaint._escalate_due()
        escalated = escalations(unattended).filtered(
            lambda activity: "service level" in activity.summary
        )
        self.assertEqual(len(escalated), 1)
        self.assertTrue(
            escalated.user_id.has_group("crm_extension.group_complaint_manager")
        )

    def test_escalation_skips_who_may_not_read_it(self):
        """An escalation contact who may not read complaints, or has left,
        is passed over for the team leader, else the handler."""
        employee = new_test_user(self.env, login="ext_employee", name="Emma Employee")
        team = self.env["crm.team"].create(
            {"name": "Escalation Team", "user_id": self.salesman_2.id}
        )
        Complaint = self.env["crm.complaint"]
        with freeze_time("2026-03-09 08:00:00"):
            complaints = Complaint.with_user(self.complaint_officer).create(
                [
                    {
                        "subject": f"Broken parcel {number}",
                        "partner_id": self.customer.id,
                        "severity": "3",
                        "user_id": self.complaint_officer.id,
                        "team_id": team.id,
                    }
                    for number in range(2)
                ]
            )
        self.sla_critical.escalate_to_id = employee
        # The team leader, a salesperson of other customers, may not read the
        # first complaint: it goes to its handler.
        complaints[1].partner_id = self.other_customer
        with freeze_time("2026-03-09 10:00:00"):
            Complaint._escalate_due()
        assignees = [
            self.env["mail.activity"]
            .search(
                [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
            )
            .user_id
            for complaint in complaints
        ]
        self.assertEqual(assignees, [self.complaint_officer, self.salesman_2])
        # The contact left the company: the same.
        employee.active = False
        self.sla_critical.escalate_to_id = self.complaint_manager
        self.complaint_manager.active = False
        with freeze_time("2026-03-09 10:00:00"):
            third = Complaint.with_user(self.complaint_officer).create(
                {
                    "subject": "Lid cracked",
                    "partner_id": self.other_customer.id,
                    "severity": "3",
                    "team_id": team.id,
                }
            )
        with freeze_time("2026-03-09 12:00:00"):
            Complaint._escalate_due()
        self.assertEqual(third.activity_ids.user_id, self.salesman_2)

    def test_escalation_as_odoo_would(self):
        """The job's escalation leaves what Odoo's API leaves: the status change
        tracked in the chatter like a change by hand, the activity as
        mail.activity's create makes it, its assignee following the complaint
        with Odoo's default subscription, told once on the bus."""
        with freeze_time("2026-03-09 08:00:00"):
            complaints = self._complaint(severity="3") | self._complaint(severity="3")
            by_hand = self._complaint(severity="3")
            for complaint in complaints | by_hand:
                self._take_in_hand(complaint)
            self.env.flush_all()
            self.env.cr.precommit.run()
        manager = self.complaint_manager.partner_id
        self.assertNotIn(manager, (complaints | by_hand).message_partner_ids)
        summary = "Complaint at risk of missing its service level"
        with freeze_time("2026-03-09 15:00:00"):
            # Odoo's way, by the job's user: the status and level written by
            # hand (tracked), the activity created through the API.
            by_hand.with_env(self.env).sudo().write(
                {"sla_status": "at_risk", "escalation_level": 1}
            )
            automated_activities_as_odoo(
                self.env,
                by_hand,
                "mail.mail_activity_data_warning",
                lambda _complaint: self.complaint_manager,
                datetime(2026, 3, 9).date(),
                summary,
            )
            self.env.flush_all()
            self.env.cr.precommit.run()
            result = self.env["crm.complaint"]._escalate_due()
            bus = self.env.cr.precommit.data.get("bus.bus.values", [])
            self.env.flush_all()
        self.assertGreaterEqual(result["escalated"], 2)
        self.env.invalidate_all()

        # One notification for the assignee of both activities.
        notified = activity_notifications(bus)
        self.assertEqual(
            notified.count([self.env.cr.dbname, "res.partner", manager.id]), 1
        )

        def activity(complaint):
            return self.env["mail.activity"].search(
                [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
            )

        def tracking(complaint):
            return complaint.sudo().message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "sla_status"
            )

        expected_activity = activity(by_hand)
        expected_tracking = tracking(by_hand)
        expected_message = expected_tracking.mail_message_id
        self.assertEqual(len(expected_tracking), 1)
        follower = by_hand.message_follower_ids.filtered(
            lambda follower: follower.partner_id == manager
        )
        self.assertTrue(follower.subtype_ids)
        for complaint in complaints:
            self.assertEqual(complaint.sla_status, "at_risk")
            self.assertEqual(complaint.escalation_level, 1)
            escalation = activity(complaint)
            self.assertEqual(len(escalation), 1)
            self.assertEqual(escalation.res_name, complaint.display_name)
            skip = {"id", "res_id", "res_name", "create_date", "write_date"}
            self.assertEqual(
                stored_values(escalation, skip), stored_values(expected_activity, skip)
            )
            tracked = tracking(complaint)
            self.assertEqual(len(tracked), 1)
            skip = {"id", "mail_message_id", "create_date", "write_date"}
            self.assertEqual(
                stored_values(tracked, skip), stored_values(expected_tracking, skip)
            )
            skip = {
                "id",
                "res_id",
                "message_id",
                "tracking_value_ids",
                "create_date",
                "write_date",
            }
            self.assertEqual(
                stored_values(tracked.mail_message_id, skip),
                stored_values(expected_message, skip),
            )
            self.assertTrue(tracked.mail_message_id.message_id)
            self.assertEqual(
                complaint.message_follower_ids.filtered(
                    lambda follower: follower.partner_id == manager
                ).subtype_ids,
                follower.subtype_ids,
            )
        # A second escalation leaves the follower as it is.
        follower.sudo().subtype_ids = self.env.ref("mail.mt_note")
        with freeze_time("2026-03-09 17:30:00"):
            self.env["crm.complaint"]._escalate_due()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(len(activity(by_hand)), 2)
        self.assertEqual(
            by_hand.message_follower_ids.filtered(
                lambda follower: follower.partner_id == manager
            ).subtype_ids,
            self.env.ref("mail.mt_note"),
        )

    def test_escalation_queries_do_not_grow(self):
        """A run of the job costs as many queries for 3 complaints due as for
        30: it is set-based. The ORM's batches are made small for the test
        (it writes and creates 100 records a query, reads and searches a
        thousand ids): a job that went through it would grow already."""
        Complaint = self.env["crm.complaint"]

        def run(day, count):
            """``count`` critical complaints received at 8:00 on ``day`` of
            March 2026, unanswered at 10:00: breached and due."""
            with freeze_time(datetime(2026, 3, day, 8)):
                Complaint.with_user(self.complaint_officer).create(
                    [
                        {
                            "subject": f"Broken parcel {number}",
                            "partner_id": self.customer.id,
                            "category_id": self.category.id,
                            "severity": "3",
                        }
                        for number in range(count)
                    ]
                )
                self.env.flush_all()
                self.env.cr.precommit.run()
            self.env.invalidate_all()
            with (
                freeze_time(datetime(2026, 3, day, 10)),
                patch.object(compat.orm_models_module(), "INSERT_BATCH_SIZE", 5),
                patch.object(compat.orm_models_module(), "UPDATE_BATCH_SIZE", 5),
                patch.object(Cursor, "IN_MAX", 5),
            ):
                before = self.env.cr.sql_log_count
                result = Complaint._escalate_due()
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
            self.assertGreaterEqual(result["escalated"], count)
            self.assertGreaterEqual(result["status_changed"], count)
            return queries

        run(9, 3)  # the caches of a first run
        self.assertEqual(run(10, 30), run(11, 3))

    def test_resolved_in_time_is_met(self):
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._complaint(severity="3")
        with freeze_time("2026-03-09 08:30:00"):
            complaint.message_post(
                body="We are sending a replacement.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with freeze_time("2026-03-09 12:00:00"):
            complaint.write({"stage_id": self.stage_resolved.id})
        self.assertEqual(complaint.date_first_response, datetime(2026, 3, 9, 8, 30))
        self.assertEqual(complaint.date_resolved, datetime(2026, 3, 9, 12, 0))
        self.assertEqual(complaint.sla_status, "met")
        self.assertEqual(complaint.sla_met_rate, 100)

    def test_resolved_late_is_breached(self):
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._complaint(severity="3")
        with freeze_time("2026-03-10 10:00:00"):
            complaint.write({"stage_id": self.stage_resolved.id})
        self.assertEqual(complaint.sla_status, "breached")
        self.assertEqual(complaint.sla_met_rate, 0)


@tagged("post_install", "-at_install")
class TestComplaintHandling(ComplaintCase):
    def test_category_sets_the_handler(self):
        self.category.user_id = self.complaint_officer
        complaint = self._complaint(user=self.salesman)
        self.assertEqual(complaint.user_id, self.complaint_officer)

    def test_the_customer_is_suggested_as_recipient(self):
        """Replying from the chatter reaches the customer (suggested, or
        following already), else the address the complaint came from."""
        complaint = self._complaint()
        suggested = complaint._message_get_suggested_recipients()
        self.assertIn(
            self.customer.id,
            [row.get("partner_id") for row in suggested]
            + complaint.message_partner_ids.ids,
        )
        anonymous = self.env["crm.complaint"].create(
            {
                "subject": "Who answers here?",
                "email_from": "stranger@nowhere.example.com",
            }
        )
        suggested = anonymous._message_get_suggested_recipients()
        self.assertIn(
            "stranger@nowhere.example.com",
            " ".join(row.get("email") or "" for row in suggested),
        )

    def test_resolving_schedules_follow_up_and_asks_for_rating(self):
        complaint = self._complaint(user_id=self.complaint_officer.id)
        complaint.write({"stage_id": self.stage_resolved.id})
        follow_up = complaint.activity_ids.filtered(
            lambda activity: "satisfied" in (activity.summary or "")
        )
        self.assertEqual(follow_up.user_id, self.complaint_officer)
        rating = complaint.rating_ids
        self.assertEqual(rating.partner_id, self.customer)
        self.assertTrue(
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "crm.complaint"), ("res_id", "=", complaint.id)])
            or complaint.message_ids.filtered(
                lambda message: rating.access_token in (message.body or "")
            )
        )
        # The customer clicks on a smiley in the email.
        complaint.sudo().rating_apply(5, token=rating.access_token, feedback="Quick!")
        self.assertEqual(complaint.rating_last_value, 5)
        self.assertEqual(complaint.rating_ids.feedback, "Quick!")

    def test_resolved_again_keeps_one_follow_up(self):
        complaint = self._complaint(user_id=self.complaint_officer.id)
        officer = complaint.with_user(self.complaint_officer)

        def follow_ups():
            return officer.activity_ids.filtered(
                lambda activity: "satisfied" in (activity.summary or "")
            )

        for stage in (self.stage_resolved, self.stage_progress, self.stage_resolved):
            officer.write({"stage_id": stage.id})
        self.assertEqual(len(follow_ups()), 1)
        # Once it is done, a later resolution asks for a new one.
        follow_ups().action_feedback(feedback="The customer is happy.")
        for stage in (self.stage_progress, self.stage_resolved):
            officer.write({"stage_id": stage.id})
        self.assertEqual(len(follow_ups()), 1)

    def test_references_stay_unique_and_given(self):
        """A complaint manager corrects a reference, not into another
        complaint's nor into nothing."""
        first, second = self._complaint(), self._complaint()
        manager = second.with_user(self.complaint_manager)
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            manager.name = first.name
        self.assertEqual(
            str(caught.exception),
            f"The reference {first.name} is already used by another complaint.",
        )
        for blank in ("", "   "):
            with (
                self.subTest(name=blank),
                self.assertRaisesRegex(ValidationError, "needs a reference"),
                self.env.cr.savepoint(),
            ):
                manager.name = blank
        manager.name = "CMP/2026/FIXED"
        self.assertEqual(second.display_name, "CMP/2026/FIXED")
        # Another company numbers its own complaints.
        company_b = self.env["res.company"].create({"name": "Complaints B Ltd"})
        self.complaint_manager.company_ids |= company_b
        elsewhere = (
            self.env["crm.complaint"]
            .with_user(self.complaint_manager)
            .with_company(company_b)
            .create({"subject": "Elsewhere", "company_id": company_b.id})
        )
        elsewhere.name = first.name
        self.assertEqual(elsewhere.name, first.name)

    def test_reception_before_the_answer_and_the_resolution(self):
        complaint = self._complaint()
        complaint.with_user(self.complaint_officer).stage_id = self.stage_resolved
        resolved_on = complaint.date_resolved
        manager = complaint.with_user(self.complaint_manager)
        with self.assertRaisesRegex(
            ValidationError,
            f"{complaint.name} cannot be received after its first response",
        ):
            manager.date_received = resolved_on + timedelta(minutes=1)

    def test_registered_in_a_resolved_or_closed_column(self):
        # The kanban's column (its quick create), an import: the stage is
        # entered as by a move there.
        Complaint = self.env["crm.complaint"].with_user(self.salesman)
        resolved = Complaint.with_context(
            default_stage_id=self.stage_resolved.id
        ).create(
            {
                "subject": "Solved on the phone",
                "partner_id": self.customer.id,
                "category_id": self.category.id,
            }
        )
        self.assertTrue(resolved.date_resolved)
        self.assertEqual(resolved.sla_status, "met")
        self.assertTrue(
            resolved.activity_ids.filtered(
                lambda activity: "satisfied" in (activity.summary or "")
            )
        )
        self.assertTrue(resolved.rating_ids)
        closed = Complaint.create(
            {
                "subject": "Withdrawn at once",
                "partner_id": self.customer.id,
                "stage_id": self.stage_closed.id,
            }
        )
        self.assertTrue(closed.date_closed)
        # The quick create of a column: the text typed is the subject.
        complaint_id, display_name = Complaint.with_context(
            default_stage_id=self.stage_progress.id
        ).name_create("Lid cracked")
        quick = Complaint.browse(complaint_id)
        self.assertEqual(quick.subject, "Lid cracked")
        self.assertEqual(quick.stage_id, self.stage_progress)
        self.assertRegex(display_name, r"^CMP/\d{4}/\d{5}$")

    def test_stage_dates_cannot_be_sent_along(self):
        complaint = self._complaint(user=self.salesman)
        as_salesman = complaint.with_user(self.salesman)
        # Resolved without a date of resolution (the client sends the current,
        # empty one along).
        as_salesman.write({"stage_id": self.stage_resolved.id, "date_resolved": False})
        resolved_on = complaint.date_resolved
        self.assertTrue(resolved_on)
        # Reopened with the date of resolution kept.
        as_salesman.write(
            {"stage_id": self.stage_progress.id, "date_resolved": resolved_on}
        )
        self.assertFalse(complaint.date_resolved)
        self.assertNotEqual(complaint.sla_status, "met")
        as_salesman.write({"stage_id": self.stage_closed.id, "date_closed": False})
        self.assertTrue(complaint.date_closed)

    def test_a_stage_written_again_keeps_its_dates(self):
        # An exported file imported back: the stage and its date, unchanged.
        complaint = self._complaint(user=self.salesman)
        complaint.with_user(self.salesman).write({"stage_id": self.stage_resolved.id})
        resolved_on = complaint.date_resolved
        other = self._complaint(user=self.salesman)
        with freeze_time(resolved_on + timedelta(days=3)):
            complaint.with_user(self.salesman).write(
                {"stage_id": self.stage_resolved.id, "date_resolved": resolved_on}
            )
            self.assertEqual(complaint.date_resolved, resolved_on)
            # A list's mass edit of the stage: the one entering it gets its
            # own date, the other keeps its.
            (complaint | other).with_user(self.salesman).write(
                {"stage_id": self.stage_resolved.id}
            )
            self.assertEqual(complaint.date_resolved, resolved_on)
            self.assertEqual(other.date_resolved, fields.Datetime.now())

    def test_salesperson_duplicates_a_complaint(self):
        complaint = self._complaint(user=self.salesman, severity="3")
        copy = complaint.with_user(self.salesman).copy()
        self.assertEqual(copy.subject, complaint.subject)
        self.assertEqual(copy.sla_id, self.sla_critical)
        self.assertNotEqual(copy.name, complaint.name)

    def test_a_duplicate_is_received_when_it_is_registered(self):
        """A complaint duplicated (the same customer's problem again) is a new
        one: received now, its service level counted from now, not breached
        and escalated at once because the original came in weeks ago."""
        with freeze_time("2026-03-02 09:00:00"):
            complaint = self._complaint(user=self.salesman, severity="3")
        with freeze_time("2026-03-23 09:00:00"):
            copy = complaint.with_user(self.salesman).copy()
            self.assertEqual(copy.date_received, fields.Datetime.now())
            self.assertEqual(copy.sla_status, "on_track")
            self.env["crm.complaint"]._escalate_due()
        self.assertFalse(copy.sudo().escalation_level)
        self.assertEqual(complaint.sla_status, "breached")

    def test_documents_must_be_the_customers(self):
        order = self.env["sale.order"].create({"partner_id": self.other_customer.id})
        with self.assertRaises(UserError):
            self._complaint(sale_order_id=order.id)

    def test_email_from_a_known_customer(self):
        raw = RAW_EMAIL.format(
            email_from="Purchasing <purchasing@westlake.example.com>",
            subject="Broken parcel again",
            message_id="known-1",
        )
        complaint_id = self.env["mail.thread"].message_process("crm.complaint", raw)
        complaint = self.env["crm.complaint"].browse(complaint_id)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.subject, "Broken parcel again")
        self.assertRegex(complaint.name, r"^CMP/\d{4}/\d{5}$")
        self.assertEqual(complaint.channel, "email")
        # Whatever the sender writes as the subject, even another complaint's
        # reference, the reference comes from the sequence.
        raw = RAW_EMAIL.format(
            email_from="Purchasing <purchasing@westlake.example.com>",
            subject=complaint.name,
            message_id="known-2",
        )
        again = self.env["crm.complaint"].browse(
            self.env["mail.thread"].message_process("crm.complaint", raw)
        )
        self.assertNotEqual(again.name, complaint.name)
        self.assertEqual(again.subject, complaint.name)
        self.assertIn("arrived broken", complaint.description)

    def test_email_from_an_unknown_address(self):
        raw = RAW_EMAIL.format(
            email_from="Stranger <stranger@nowhere.example.com>",
            subject="Who do I talk to?",
            message_id="unknown-1",
        )
        complaint_id = self.env["mail.thread"].message_process("crm.complaint", raw)
        complaint = self.env["crm.complaint"].browse(complaint_id)
        self.assertFalse(complaint.partner_id)
        self.assertIn("stranger@nowhere.example.com", complaint.email_from)

    def test_mail_alias(self):
        alias = self.env.ref("crm_extension.mail_alias_complaint")
        self.assertEqual(alias.alias_model_id.model, "crm.complaint")
        self.assertEqual(alias.alias_name, "complaints")

    def test_partner_counters_for_analytics(self):
        self._complaint()
        self._complaint(partner_id=self.contact_boss.id)
        self._complaint(partner_id=self.other_customer.id)
        self.assertEqual(self.customer.complaint_count, 2)
        self.assertEqual(self.contact_it.complaint_count, 2)
        customers = self.customer | self.other_customer
        counts = (
            self.env["crm.complaint"]
            .sudo()
            ._count_by(
                "commercial_partner_id",
                [("commercial_partner_id", "in", customers.ids)],
            )
        )
        self.assertEqual(counts, {self.customer: 2, self.other_customer: 1})

    def test_knowledge_base(self):
        solved = self._complaint(subject="Late truck")
        solved.write({"stage_id": self.stage_resolved.id})
        other = self._complaint(
            subject="Invoice error",
            category_id=self.env.ref("crm_extension.complaint_category_billing").id,
        )
        other.write({"stage_id": self.stage_resolved.id})
        complaint = self._complaint()
        self.assertEqual(complaint.similar_complaint_ids, solved)
        self.assertIn("carrier", complaint.standard_solution)
        # Each handler reads the solved complaints they may read, whoever
        # read them first in the transaction: the officer reads all, Sally
        # not one of Sam's customer's.
        of_sams_customer = self._complaint(
            subject="Late van", partner_id=self.other_customer.id
        )
        of_sams_customer.write({"stage_id": self.stage_resolved.id})
        complaint = self._complaint(user=self.salesman)
        self.assertEqual(
            complaint.with_user(self.complaint_officer).similar_complaint_ids,
            solved | of_sams_customer,
        )
        self.assertEqual(
            complaint.with_user(self.salesman).similar_complaint_ids, solved
        )

    def test_another_companys_knowledge_base_stays_there(self):
        """A handler of one company reads the standard solutions of its own
        and the shared categories, never those of another company's: not
        even by naming such a category in the form's onchange, as any client
        may."""
        company_b = self.env["res.company"].create({"name": "Complaints B Ltd"})
        handler_b = new_test_user(
            self.env,
            login="ext_complaint_officer_b",
            groups="crm_extension.group_complaint_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        theirs = self.env["crm.complaint.category"].create(
            {
                "name": "Cold chain",
                "company_id": self.company.id,
                "standard_solution": "<p>Refund the spoiled boxes</p>",
            }
        )
        Complaint = self.env["crm.complaint"].with_user(handler_b)
        spec = {"category_id": {}, "standard_solution": {}}
        shared = Complaint.onchange(
            {"subject": "Late truck", "category_id": self.category.id},
            ["category_id"],
            spec,
        )
        self.assertIn("carrier", shared["value"]["standard_solution"])
        with self.assertRaises(AccessError):
            Complaint.onchange(
                {"subject": "Warm parcel", "category_id": theirs.id},
                ["category_id"],
                spec,
            )

    def test_transfer_moves_open_complaints(self):
        open_complaint = self._complaint(user_id=self.salesman.id)
        closed = self._complaint(user_id=self.salesman.id)
        closed.write({"stage_id": self.stage_closed.id})
        wizard = (
            self.env["crm.customer.transfer"]
            .with_user(self.sales_manager)
            .create(
                {
                    "from_user_id": self.salesman.id,
                    "to_user_id": self.salesman_2.id,
                }
            )
        )
        wizard.action_transfer()
        self.assertEqual(open_complaint.user_id, self.salesman_2)
        self.assertEqual(closed.user_id, self.salesman)


@tagged("post_install", "-at_install")
class TestComplaintConfiguration(ComplaintCase):
    """What a complaint manager configures is checked when it is saved."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Complaints B Ltd"})
        cls.user_b = new_test_user(
            cls.env,
            login="ext_officer_b",
            name="Bo Officer",
            groups="crm_extension.group_complaint_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def test_escalations_go_to_internal_users_of_the_company(self):
        sla = self.sla_standard.with_user(self.complaint_manager)
        with self.assertRaises(ValidationError) as caught:
            sla.escalate_to_id = self.portal_user
        self.assertEqual(
            str(caught.exception),
            "Service level Standard: Pete Portal is not an internal user and "
            "cannot receive escalations.",
        )
        with self.assertRaisesRegex(
            ValidationError, "Bo Officer does not work for .* cannot receive"
        ):
            sla.escalate_to_id = self.user_b
        sla.escalate_to_id = self.complaint_officer
        self.assertEqual(self.sla_standard.escalate_to_id, self.complaint_officer)

    def test_default_handlers_are_internal_users_of_the_company(self):
        category = self.category.with_user(self.complaint_manager)
        with self.assertRaises(ValidationError) as caught:
            category.user_id = self.portal_user
        self.assertEqual(
            str(caught.exception),
            "Category Delivery: Pete Portal is not an internal user and cannot "
            "handle complaints.",
        )
        category.company_id = self.env.company
        with self.assertRaisesRegex(ValidationError, "Bo Officer does not work for"):
            category.user_id = self.user_b
        # A category of every company: an internal user of any of them.
        category.company_id = False
        category.user_id = self.user_b
        self.assertEqual(self.category.user_id, self.user_b)

    def test_a_portal_handler_saved_before_is_nobodys(self):
        """A category saved with a portal user as its handler (before the
        check): its complaints are registered without handler, not refused
        in the name of someone the user never chose."""
        self.env.cr.execute(
            "UPDATE crm_complaint_category SET user_id = %s WHERE id = %s",
            [self.portal_user.id, self.category.id],
        )
        self.category.invalidate_recordset()
        complaint = self._complaint(user=self.salesman)
        self.assertFalse(complaint.user_id)

    def test_a_category_cannot_be_its_own_ancestor(self):
        Category = self.env["crm.complaint.category"].with_user(self.complaint_manager)
        parent = Category.create({"name": "Logistics"})
        child = Category.create({"name": "Late truck", "parent_id": parent.id})
        for category, new_parent in ((parent, child), (parent, parent)):
            with (
                self.subTest(category=category.name, parent=new_parent.name),
                self.assertRaises(ValidationError) as caught,
                self.env.cr.savepoint(),
            ):
                category.parent_id = new_parent
            self.assertEqual(
                str(caught.exception), "A complaint category cannot be its own parent."
            )

    def test_a_service_level_of_the_complaints_company(self):
        sla_b = (
            self.env["crm.complaint.sla"]
            .with_company(self.company_b)
            .create(
                {
                    "name": "Company B",
                    "company_id": self.company_b.id,
                    "response_hours": 1,
                    "resolution_hours": 2,
                }
            )
        )
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.with_user(self.complaint_manager).sla_id = sla_b
        self.assertEqual(complaint.sla_id, self.sla_standard)


class CreditNoteCase(ComplaintCase):
    """A posted invoice of 2,000 (four tea sets of 500) to the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Porcelain tea set", "list_price": 500, "type": "consu"}
        )
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_user_id": cls.salesman.id,
                "invoice_date": "2026-03-01",
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": cls.product.id, "quantity": 4, "price_unit": 500}
                    )
                ],
            }
        )
        cls.invoice.action_post()

    def _issue_credit_note(self, complaint, modify=False):
        """Issue a credit note of the complaint's invoice as the accountant."""
        action = complaint.with_user(self.accountant).action_issue_credit_note()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"journal_id": self.invoice.journal_id.id})
        )
        if modify:
            wizard.modify_moves()
        else:
            wizard.refund_moves()
        return complaint.sudo().credit_note_ids.with_user(self.accountant)

    def _reversal(self, invoices, **context):
        """Odoo's reversal wizard of ``invoices``, created by the accountant's
        client itself, with the context it sends."""
        return (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(
                active_model="account.move", active_ids=invoices.ids, **context
            )
            .create(
                {
                    "journal_id": self.invoice.journal_id.id,
                    "move_ids": [Command.set(invoices.ids)],
                }
            )
        )

    def _posted_invoice(self):
        invoice = self.invoice.copy({"invoice_date": "2026-03-02"})
        invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class TestComplaintCreditNote(CreditNoteCase):
    def test_partial_credit_note_linked_both_ways(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        action = complaint.with_user(self.accountant).action_issue_credit_note()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.accountant)
            .with_context(**action["context"])
            .create({"journal_id": self.invoice.journal_id.id})
        )
        result = wizard.refund_moves()
        credit_note = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.complaint_id, complaint)
        self.assertEqual(
            complaint.with_user(self.accountant).credit_note_ids, credit_note
        )
        self.assertEqual(complaint.credit_note_count, 1)
        # Partial: one broken cup of four.
        with Form(credit_note.with_user(self.accountant)) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 1
        credit_note.with_user(self.accountant).action_post()
        self.assertEqual(credit_note.amount_untaxed, 500)
        self.assertEqual(credit_note.reversed_entry_id, self.invoice)

    def test_full_refund_and_new_draft_settles_and_says_so(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        credit_note = self._issue_credit_note(complaint, modify=True)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertIn(
            credit_note.name,
            "".join(complaint.message_ids.mapped("body")),
            "the complaint's chatter names the credit note issued",
        )

    def test_a_duplicate_is_a_fresh_complaint(self):
        """A resolved complaint duplicated (the same problem reported again)
        is a new one: the customer, the documents and the problem are copied;
        what the handling of the original found and gave is not (its
        resolution, root cause and compensation, its credit notes, its stage,
        dates and service-level outcome)."""
        complaint = self._complaint(
            invoice_id=self.invoice.id,
            description="<p>Two cups arrived broken.</p>",
            severity="3",
        )
        officer = complaint.with_user(self.complaint_officer)
        officer.write(
            {
                "resolution": "<p>Two cups refunded.</p>",
                "root_cause": "Packed without padding.",
                "compensation_amount": 100,
            }
        )
        self._issue_credit_note(complaint)
        officer.write({"stage_id": self.stage_resolved.id})
        self.assertTrue(complaint.sla_kept)
        copy = officer.copy()
        self.assertEqual(
            (copy.subject, copy.partner_id, copy.invoice_id, copy.description),
            (
                complaint.subject,
                self.customer,
                self.invoice,
                complaint.description,
            ),
        )
        self.assertFalse(copy.resolution)
        self.assertFalse(copy.root_cause)
        self.assertFalse(copy.compensation_amount)
        self.assertEqual(copy.stage_id, self.stage_new)
        self.assertFalse(copy.date_resolved)
        self.assertFalse(copy.sla_kept)
        self.assertEqual(copy.sla_status, "on_track")
        self.assertFalse(copy.with_user(self.accountant).credit_note_ids)
        self.assertEqual(copy.credit_note_count, 0)

    def test_credit_note_stays_the_complaints_customers(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        credit_note = self._issue_credit_note(complaint)
        # Given to another customer, it would settle this complaint for them.
        with self.assertRaises(ValidationError):
            credit_note.write({"partner_id": self.other_customer.id})
        # Its complaint is the system's: neither unlinked nor set by hand.
        with self.assertRaises(AccessError):
            credit_note.write({"complaint_id": False})
        Move = self.env["account.move"].with_user(self.accountant)
        refund_values = {
            "move_type": "out_refund",
            "partner_id": self.customer.id,
            "reversed_entry_id": self.invoice.id,
            "invoice_line_ids": [
                Command.create({"product_id": self.product.id, "price_unit": 10})
            ],
        }
        with self.assertRaises(AccessError):
            Move.create(dict(refund_values, complaint_id=complaint.id))
        # Nor through a default of the caller's context.
        refund = Move.with_context(default_complaint_id=complaint.id).create(
            refund_values
        )
        self.assertFalse(refund.sudo().complaint_id)
        self.assertEqual(complaint.sudo().credit_note_ids, credit_note)

    def test_settled_complaint_keeps_its_invoice_customer_and_record(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        self._issue_credit_note(complaint)
        officer = complaint.with_user(self.complaint_officer)
        for values in (
            {"invoice_id": False},
            {"partner_id": self.other_customer.id, "invoice_id": False},
        ):
            with self.assertRaises(UserError):
                officer.write(values)
        with self.assertRaises(UserError):
            complaint.with_user(self.complaint_manager).unlink()
        # Without credit notes, a mistaken invoice can still be corrected.
        unsettled = self._complaint(invoice_id=self.invoice.id)
        unsettled.with_user(self.complaint_officer).write({"invoice_id": False})
        self.assertFalse(unsettled.invoice_id)

    def test_only_accountants_issue_credit_notes(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        with self.assertRaises(AccessError):
            complaint.with_user(self.complaint_officer).action_issue_credit_note()
        # Not on a closed complaint either (its form hides the button).
        complaint.write({"stage_id": self.stage_closed.id})
        with self.assertRaisesRegex(UserError, "closed"):
            complaint.with_user(self.accountant).action_issue_credit_note()
        # Nor through Odoo's reversal wizard created by the client itself.
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=self.invoice.ids)
            .create(
                {
                    "crm_complaint_id": complaint.id,
                    "journal_id": self.invoice.journal_id.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "closed"):
            wizard.refund_moves()
        self.assertFalse(complaint.sudo().credit_note_ids)
        self.assertFalse(self.invoice.sudo().reversal_move_ids)

    def test_register_from_invoice(self):
        action = self.invoice.with_user(self.salesman).action_register_complaint()
        with Form(
            self.env["crm.complaint"]
            .with_user(self.salesman)
            .with_context(**action["context"])
        ) as form:
            form.subject = "Two cups broken"
        complaint = form.record
        self.assertEqual(complaint.invoice_id, self.invoice)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.product_id, self.product)
        self.assertEqual(self.invoice.complaint_count, 1)

    def test_the_callers_context_links_no_other_complaint(self):
        """The wizard links a credit note to the complaint it was checked
        for, and only the credit note of that complaint's invoice: a closed
        complaint named in the context the client sends gets none."""
        closed = self._complaint(invoice_id=self.invoice.id)
        closed.write({"stage_id": self.stage_closed.id})
        other_invoice = self._posted_invoice()
        complaint = self._complaint(invoice_id=other_invoice.id)
        closed_notes = closed.message_ids
        self._reversal(
            self.invoice | other_invoice,
            default_crm_complaint_id=complaint.id,
            default_complaint_id=closed.id,
        ).refund_moves()
        credit_notes = (self.invoice | other_invoice).sudo().reversal_move_ids
        self.assertEqual(len(credit_notes), 2)
        linked = credit_notes.filtered("complaint_id")
        self.assertEqual(linked.reversed_entry_id, other_invoice)
        self.assertEqual(complaint.sudo().credit_note_ids, linked)
        self.assertFalse(closed.sudo().credit_note_ids)
        self.assertEqual(closed.message_ids, closed_notes)
        # Nor the complaint of another invoice through Odoo's own reversal.
        self._reversal(self.invoice, default_complaint_id=complaint.id).refund_moves()
        self.assertEqual(len(complaint.sudo().credit_note_ids), 1)

    def test_credit_notes_never_credit_more_than_the_invoice(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        total = self.invoice.amount_total
        currency = self.invoice.currency_id

        def amount(value):
            return format_amount(self.env, value, currency)

        # One broken cup of four.
        first = self._issue_credit_note(complaint)
        with Form(first) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 1
        first.action_post()
        # The next one credits the whole invoice again: refused when posted,
        # with the amounts.
        second = self._issue_credit_note(complaint) - first
        self.assertEqual(second.amount_total, total)
        with self.assertRaises(UserError) as refused:
            second.action_post()
        message = str(refused.exception)
        for value in (total, total / 4, total * 3 / 4):
            self.assertIn(amount(value), message)
        self.assertIn(self.invoice.name, message)
        self.assertEqual(second.state, "draft")
        # Its price tripled is no better.
        with Form(second) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 3
                line.price_unit = 1500
        with self.assertRaisesRegex(UserError, "more than the"):
            second.action_post()
        # The rest of the invoice is.
        with Form(second) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.price_unit = 500
        second.action_post()
        # Nothing left: the complaint issues none, whichever way it is asked.
        with self.assertRaises(UserError) as refused:
            complaint.with_user(self.accountant).action_issue_credit_note()
        self.assertEqual(
            str(refused.exception),
            f"Nothing is left to credit on {self.invoice.name}: its credit notes "
            f"already credit {amount(total)} of its {amount(total)}.",
        )
        with self.assertRaisesRegex(UserError, "Nothing is left to credit"):
            self._reversal(
                self.invoice, default_crm_complaint_id=complaint.id
            ).refund_moves()
        # A cancelled credit note credits nothing.
        second.button_draft()
        second.button_cancel()
        third = self._issue_credit_note(complaint) - first - second
        with self.assertRaisesRegex(UserError, "more than the"):
            third.action_post()
        # "Full refund and new draft invoice" posts its credit note: refused
        # too when it is more than is left.
        with self.assertRaises(UserError) as refused:
            self._issue_credit_note(complaint, modify=True)
        self.assertIn("more than the", str(refused.exception))
        self.assertEqual(complaint.sudo().credit_note_ids, first | second | third)
        # Odoo's own reversal from the invoice stays as Odoo has it.
        refund = (
            self.env["account.move"]
            .with_user(self.accountant)
            .browse(self._reversal(self.invoice).refund_moves()["res_id"])
        )
        refund.action_post()
        self.assertFalse(refund.sudo().complaint_id)
        self.assertEqual(refund.amount_total, total)

    def test_the_credit_notes_of_the_invoice_menu_count(self):
        complaint = self._complaint(invoice_id=self.invoice.id)
        refund = (
            self.env["account.move"]
            .with_user(self.accountant)
            .browse(self._reversal(self.invoice).refund_moves()["res_id"])
        )
        refund.action_post()
        with self.assertRaisesRegex(UserError, "Nothing is left to credit"):
            complaint.with_user(self.accountant).action_issue_credit_note()

    def test_a_cancelled_credit_note_is_noted_cancelled(self):
        """The accountant cancels a posted credit note of the complaint: the
        complaint's chatter says it is cancelled, not reset to draft (a draft
        may be posted again, a cancelled credit note never is)."""
        complaint = self._complaint(invoice_id=self.invoice.id)
        credit_note = self._issue_credit_note(complaint)
        credit_note.action_post()
        amount = format_amount(
            self.env, credit_note.amount_total, credit_note.currency_id
        )
        before = complaint.message_ids
        credit_note.button_cancel()
        self.assertEqual(credit_note.state, "cancel")
        notes = [
            str(body).replace("&nbsp;", "\xa0")
            for body in (
                complaint.with_user(self.complaint_officer).message_ids - before
            ).mapped("body")
        ]
        self.assertEqual(len(notes), 1, notes)
        self.assertRegex(
            notes[0],
            rf"Credit note <a [^>]*>{re.escape(credit_note.name)}</a> cancelled: "
            rf"its {re.escape(amount)} are no longer credited.",
        )
        # Reset to draft first, then cancelled: each step noted as it is.
        other = self._posted_invoice()
        complaint = self._complaint(invoice_id=other.id)
        credit_note = self._issue_credit_note(complaint)
        credit_note.action_post()
        credit_note.button_draft()
        before = complaint.message_ids
        credit_note.button_cancel()
        self.assertEqual(complaint.message_ids, before)

    def test_the_complaint_says_which_credit_note_it_got(self):
        """The chatter tells what was really credited: a draft credits
        nothing (noted without amount nor link: it may be edited or
        deleted); its posting is noted with its number and the amount
        posted; a reset to draft withdraws it."""
        complaint = self._complaint(invoice_id=self.invoice.id)
        credit_note = self._issue_credit_note(complaint)

        def notes():
            return [
                str(body).replace("&nbsp;", "\xa0")
                for body in complaint.with_user(self.complaint_officer)
                .message_ids.sorted("id")
                .mapped("body")
            ]

        before = notes()
        self.assertIn(
            "Draft credit note created for this complaint: it credits nothing "
            "until it is posted.",
            before[-1],
        )
        self.assertNotIn("data-oe-id", before[-1])
        # Partial: one broken cup of four, posted.
        with Form(credit_note) as form:
            with form.invoice_line_ids.edit(0) as line:
                line.quantity = 1
        credit_note.action_post()
        amount = format_amount(
            self.env, credit_note.amount_total, credit_note.currency_id
        )
        self.assertNotEqual(credit_note.amount_total, self.invoice.amount_total)
        posted = notes()[len(before) :]
        self.assertEqual(len(posted), 1)
        self.assertRegex(
            posted[0],
            rf"Credit note <a [^>]*data-oe-id=.{credit_note.id}.[^>]*>"
            rf"{re.escape(credit_note.name)}</a> posted: {re.escape(amount)} "
            "credited for this complaint.",
        )
        self.assertNotIn("Reversal of", posted[0])
        # Cancelled: its amount no longer credited.
        credit_note.button_draft()
        self.assertIn(
            f"reset to draft: its {amount} are no longer credited.", notes()[-1]
        )
        # A draft deleted leaves no link to a missing record.
        draft = self._issue_credit_note(complaint) - credit_note
        draft.unlink()
        self.assertFalse(
            [note for note in notes() if f'data-oe-id="{draft.id}"' in note]
        )
        # The reason is the customer's document's: in the language Odoo
        # writes its reference in.
        lang = compat.reversal_lang(self.invoice)
        reason = (
            self.env["crm.complaint"]
            .with_context(lang=lang)
            .env._(
                "Complaint %(complaint)s: %(subject)s",
                complaint=complaint.name,
                subject=complaint.subject,
            )
        )
        self.assertIn(reason, credit_note.ref)


@tagged("post_install", "-at_install")
class TestComplaintReferenceRace(TransactionCase):
    """Two complaint managers giving two complaints one reference at the same
    moment: one correction holds, the other is refused as Odoo runs it again.
    (Committed fixtures, as in TestDuplicateRace.)"""

    LOGIN = "ext_race_complaint_manager"
    NAME = "Race Reference Trading Ltd"
    REFERENCE = "CMP/RACE/00001"

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            partner = env["res.partner"].search([("name", "=", self.NAME)])
            env["crm.complaint"].search([("partner_id", "in", partner.ids)]).unlink()
            partner.unlink()
            user = env["res.users"].search([("login", "=", self.LOGIN)])
            user_partner = user.partner_id
            user.unlink()
            user_partner.unlink()
            cr.execute(
                "DELETE FROM crm_duplicate_key WHERE key LIKE %s",
                [f"%:{self.REFERENCE}"],
            )
            cr.commit()  # pylint: disable=invalid-commit

    @mute_logger("odoo.sql_db")
    def test_two_cursors_give_one_reference(self):
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            manager = new_test_user(
                env, login=self.LOGIN, groups="crm_extension.group_complaint_manager"
            ).id
            customer = env["res.partner"].create(
                {"name": self.NAME, "is_company": True}
            )
            ids = (
                env["crm.complaint"]
                .create(
                    [
                        {"partner_id": customer.id, "subject": subject}
                        for subject in ("Late delivery", "Broken seal")
                    ]
                )
                .ids
            )
            cr.commit()  # pylint: disable=invalid-commit

        def correct(cr, complaint_id):
            env = api.Environment(cr, manager, {})
            env["crm.complaint"].browse(complaint_id).name = self.REFERENCE
            env.flush_all()

        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            cr2.execute("SELECT count(*) FROM crm_complaint")  # snapshot of T2
            correct(cr1, ids[0])
            cr1.commit()  # pylint: disable=invalid-commit
            # T2 cannot see T1's correction: only the reference's lock stops it.
            with self.assertRaises(pg_errors.SerializationFailure):
                correct(cr2, ids[1])
            cr2.rollback()
            # Odoo runs the request again: the reference is taken.
            with self.assertRaisesRegex(ValidationError, "already used"):
                correct(cr2, ids[1])
            cr2.rollback()
        with self.registry.cursor() as cr3:
            env = api.Environment(cr3, SUPERUSER_ID, {})
            self.assertEqual(
                env["crm.complaint"].search_count([("name", "=", self.REFERENCE)]), 1
            )
