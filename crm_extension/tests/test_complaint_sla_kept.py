"""A finished complaint keeps its service level, deadlines and outcome; a
complaint that breached stays breached. Office hours 8-12 and 13-17 (UTC);
critical: answer in 1 working hour, resolve in 8; standard: 8 and 40."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import around_the_clock_calendar, run_migration
from .test_complaint_sla_pause import PauseCase, at


@tagged("post_install", "-at_install")
class TestComplaintSlaKept(PauseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = cls.env.ref("crm_extension.complaint_category_billing")

    def _critical(self, moment=None, **values):
        """A critical complaint received at ``moment`` (Monday 8:00)."""
        with freeze_time(moment or at(0, 8)):
            complaint = self._complaint(severity="3", **values)
            self._commit_like()
        return complaint

    def _service_level(self, complaint):
        """What the handler reads on the complaint's Service Level tab."""
        complaint = complaint.with_user(self.complaint_officer)
        complaint.invalidate_recordset()
        return (
            complaint.sla_id,
            complaint.response_deadline,
            complaint.resolution_deadline,
            complaint.sla_status,
        )

    def _tracked_statuses(self, complaint):
        return (
            complaint.sudo()
            .message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "sla_status"
            )
            .sorted("id")
            .mapped("new_value_char")
        )

    def test_a_resolved_complaint_keeps_its_service_level(self):
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 12), complaint, stage_id=self.stage_resolved.id)
        resolved = (self.sla_critical, at(0, 9), at(0, 17), "met")
        self.assertEqual(self._service_level(complaint), resolved)
        # The complaint manager shortens the service level, on another
        # calendar: the complaints resolved before keep theirs.
        with freeze_time(at(1, 9)):
            self.sla_critical.with_user(self.complaint_manager).write(
                {
                    "response_hours": 0.25,
                    "resolution_hours": 2,
                    "resource_calendar_id": around_the_clock_calendar(
                        self.env, "Around the clock (UTC)"
                    ).id,
                }
            )
            self.env.flush_all()
        self.assertEqual(self._service_level(complaint), resolved)
        # The handler changes its severity and category.
        self._at(at(1, 10), complaint, severity="1", category_id=self.billing.id)
        self.assertEqual(self._service_level(complaint), resolved)
        self.assertEqual(complaint.sla_met_rate, 100)
        # Closed: the same.
        self._at(at(1, 11), complaint, stage_id=self.stage_closed.id)
        self.assertEqual(self._service_level(complaint), resolved)
        # Reopened: computed again, for its severity now (standard: answered
        # in time, 40 working hours from Monday 8:00 to resolve).
        self._at(at(1, 12), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(
            self._service_level(complaint),
            (self.sla_standard, at(0, 17), at(4, 17), "on_track"),
        )

    def test_a_complaint_closed_unresolved_keeps_its_status(self):
        """Closed (or rejected) without resolution, a complaint is judged at
        its closing as a resolution is: met or breached, for good; never at
        risk or on track for ever (the At Risk filter lists open complaints
        only)."""
        complaint = self._critical()
        self._at(at(0, 8, 20), complaint, stage_id=self.stage_closed.id)
        closed = self._service_level(complaint)
        self.assertEqual(closed, (self.sla_critical, at(0, 9), at(0, 17), "met"))
        rejected = self.env.ref("crm_extension.complaint_stage_rejected")
        # Answered, at risk from 15:00 (6 of its 8 working hours), rejected
        # at 16:00: in time.
        at_risk = self._critical()
        self._answer(at(0, 8, 30), at_risk)
        self._job(at(0, 15, 30))
        self.assertEqual(at_risk.sla_status, "at_risk")
        self._at(at(0, 16), at_risk, stage_id=rejected.id)
        self.assertEqual(at_risk.sla_status, "met")
        # Rejected past its deadline: breached.
        late = self._critical()
        self._answer(at(0, 8, 30), late)
        self._at(at(0, 17, 30), late, stage_id=rejected.id)
        self.assertEqual(late.sla_status, "breached")
        Complaint = self.env["crm.complaint"].with_user(self.complaint_officer)
        self._job(at(1, 9))
        self.assertFalse(
            Complaint.search(
                [
                    ("id", "in", (complaint | at_risk | late).ids),
                    ("sla_status", "in", ("at_risk", "on_track")),
                ]
            )
        )
        # Its deadlines have long passed when the service level is edited.
        with freeze_time(at(2, 9)):
            self.sla_critical.with_user(self.complaint_manager).resolution_hours = 4
            self.env.flush_all()
        self.assertEqual(self._service_level(complaint), closed)

    def test_a_lower_severity_does_not_undo_a_breach(self):
        """The handler lowers the severity of a complaint past its deadline,
        before the job saw it: it stays breached, with the deadlines it
        missed, and resolving it later leaves it breached."""
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 18), complaint, severity="1")
        breached = (self.sla_critical, at(0, 9), at(0, 17), "breached")
        self.assertEqual(self._service_level(complaint), breached)
        self.assertEqual(complaint.severity, "1")
        # The breach is in the chatter.
        self.assertEqual(self._tracked_statuses(complaint), ["Breached"])
        self._at(at(0, 18, 30), complaint, category_id=self.billing.id, severity="0")
        self.assertEqual(self._service_level(complaint), breached)
        # Resolved the next morning: late, breached.
        self._at(at(1, 9), complaint, stage_id=self.stage_resolved.id)
        self.assertEqual(self._service_level(complaint), breached)
        self.assertEqual(complaint.sla_met_rate, 0)
        # Reopened and resolved again: still breached.
        self._at(at(1, 10), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(self._service_level(complaint), breached)
        self._at(at(1, 11), complaint, stage_id=self.stage_resolved.id)
        self.assertEqual(self._service_level(complaint), breached)

    def test_a_breach_the_job_saw_stays(self):
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._job(at(0, 17, 30))
        self.assertEqual(complaint.sla_status, "breached")
        # The handler's form shows the deadlines missed, whatever the severity.
        with (
            freeze_time(at(0, 18)),
            Form(complaint.with_user(self.complaint_officer)) as form,
        ):
            form.severity = "0"
            self.assertEqual(
                fields.Datetime.to_datetime(form.resolution_deadline), at(0, 17)
            )
            self.assertEqual(form.sla_status, "breached")
        self.assertEqual(complaint.severity, "0")
        self.assertEqual(
            self._service_level(complaint),
            (self.sla_critical, at(0, 9), at(0, 17), "breached"),
        )
        # Waiting for the customer and back: the deadlines stay.
        self._at(at(1, 8), complaint, stage_id=self.stage_waiting.id)
        self._at(at(1, 10), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(
            self._service_level(complaint),
            (self.sla_critical, at(0, 9), at(0, 17), "breached"),
        )

    def test_a_longer_service_level_does_not_undo_a_breach(self):
        """The complaint manager lengthens the service level: the open
        complaints that have not breached get the new deadlines, those that
        breached keep theirs."""
        late = self._critical()
        self._answer(at(0, 8, 30), late)
        on_time = self._critical(moment=at(0, 16))
        self._answer(at(0, 16, 10), on_time)
        with freeze_time(at(0, 17, 30)):
            self.sla_critical.with_user(self.complaint_manager).resolution_hours = 40
            self.env.flush_all()
        self.assertEqual(
            self._service_level(late),
            (self.sla_critical, at(0, 9), at(0, 17), "breached"),
        )
        # 1 working hour on Monday, 32 from Tuesday to Friday, 7 the next Monday.
        self.assertEqual(on_time.resolution_deadline, at(7, 16))
        self.assertEqual(
            on_time.with_user(self.complaint_officer).sla_id.name, "Critical"
        )

    def test_a_managers_correction_computes_it_again(self):
        """A complaint manager corrects the reception date typed wrong (a
        week too early: breached at once); the correction is tracked."""
        with freeze_time(at(7, 8)):
            complaint = self._complaint(
                user=self.salesman, severity="3", date_received=at(0, 8)
            )
            self._commit_like()
        self._job(at(7, 8, 5))
        self.assertEqual(complaint.sla_status, "breached")
        self._at(
            at(7, 8, 10), complaint, user=self.complaint_manager, date_received=at(7, 8)
        )
        self.assertEqual(
            self._service_level(complaint),
            (self.sla_critical, at(7, 9), at(7, 17), "on_track"),
        )
        # Not after its first answer.
        self._answer(at(7, 8, 20), complaint)
        with self.assertRaisesRegex(
            ValidationError, "cannot be received after its first response"
        ):
            complaint.with_user(self.complaint_manager).date_received = at(7, 8, 30)

    def test_a_new_service_level_is_escalated_anew(self):
        """A complaint manager changes the service level of a breached,
        escalated complaint: its new deadlines are escalated once each; so
        are those of a complaint reopened."""
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._job(at(0, 17, 30))
        self.assertEqual(
            (complaint.sla_status, complaint.escalation_level), ("breached", 2)
        )
        self.assertEqual(len(self._escalations(complaint)), 1)
        # Standard: 40 working hours from Monday 8:00, due Friday 17:00.
        self._at(
            at(0, 18),
            complaint,
            user=self.complaint_manager,
            sla_id=self.sla_standard.id,
        )
        self.assertEqual(
            self._service_level(complaint),
            (self.sla_standard, at(0, 17), at(4, 17), "on_track"),
        )
        self.assertEqual(complaint.escalation_level, 0)
        # At risk after 30 of its 40 hours (Thursday 15:00), then breached.
        self._job(at(3, 14, 30))
        self.assertEqual(len(self._escalations(complaint)), 1)
        self._job(at(3, 15, 30))
        self.assertEqual(complaint.sla_status, "at_risk")
        self.assertEqual(len(self._escalations(complaint)), 2)
        self._job(at(4, 17, 30))
        self.assertEqual(
            (complaint.sla_status, complaint.escalation_level), ("breached", 2)
        )
        self.assertEqual(len(self._escalations(complaint)), 3)
        self._job(at(4, 18))
        self.assertEqual(len(self._escalations(complaint)), 3)
        # Resolved late, then reopened: its breach is escalated again, once.
        self._at(at(5, 9), complaint, stage_id=self.stage_resolved.id)
        self._at(at(5, 10), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(complaint.escalation_level, 0)
        self._job(at(5, 10, 15))
        self._job(at(5, 10, 30))
        self.assertEqual(len(self._escalations(complaint)), 4)
        # Lowering the severity of a breach kept escalates nothing again.
        self._at(at(5, 11), complaint, severity="0")
        self._job(at(5, 11, 15))
        self.assertEqual(len(self._escalations(complaint)), 4)

    def test_at_risk_after_a_share_of_the_working_hours(self):
        """Received on Friday at 15:00 with 8 working hours to answer: at risk
        after 6 of them (Monday 12:00), not after 75 % of the calendar time
        to its deadline (Sunday night); the job, set-based, agrees."""
        with freeze_time(at(-3, 15)):
            complaint = self._complaint(severity="1")
            self._commit_like()
        self.assertEqual(complaint.sla_id, self.sla_standard)
        self.assertEqual(
            (complaint.response_deadline, complaint.response_at_risk),
            (at(0, 15), at(0, 12)),
        )
        for moment, status in (
            (at(-1, 22), "on_track"),
            (at(0, 11, 45), "on_track"),
            (at(0, 12, 15), "at_risk"),
        ):
            self._job(moment)
            self.assertEqual(complaint.sla_status, status, moment)
            self.assertEqual(complaint._sla_status_at(moment), status)

    def test_the_upgrade_gives_closed_complaints_their_final_status(self):
        """Closed before 1.7.29, a complaint kept its status of then (at
        risk, on track): the upgrade gives it its outcome at its closing."""
        in_time = self._critical()
        self._answer(at(0, 8, 30), in_time)
        self._at(at(0, 16), in_time, stage_id=self.stage_closed.id)
        late = self._critical()
        self._answer(at(0, 8, 30), late)
        self._at(at(0, 17, 30), late, stage_id=self.stage_closed.id)
        self.env.cr.execute(
            "UPDATE crm_complaint SET sla_status = 'at_risk' WHERE id IN %s",
            [tuple((in_time | late).ids)],
        )
        self.env.invalidate_all()
        run_migration(
            self.env.cr, "1.7.29", "1.7.28", "post-migrate-complaint-closed-status"
        )
        self.env.invalidate_all()
        self.assertEqual(
            [self._service_level(complaint)[3] for complaint in (in_time, late)],
            ["met", "breached"],
        )
