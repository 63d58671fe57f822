"""The service-level clock stands still while the customer has the ball; the
first-response clock stops at the first answer to the customer."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import around_the_clock_calendar
from .test_complaint import ComplaintCase

MONDAY = datetime(2026, 3, 9)


def at(day, hour, minute=0):
    """A moment of the week of Monday 9 March 2026 (0: Monday), in UTC."""
    return MONDAY.replace(day=MONDAY.day + day, hour=hour, minute=minute)


class PauseCase(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_waiting = cls.env.ref("crm_extension.complaint_stage_waiting")

    def _at(self, moment, complaint, user=None, **vals):
        """``complaint`` written at ``moment`` by a complaint officer."""
        with freeze_time(moment):
            complaint.with_user(user or self.complaint_officer).write(vals)
            self._commit_like()

    def _commit_like(self):
        """What a commit does first: flush, and note the tracked changes in the
        chatter (changes in the transaction that created a record are not)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _answer(self, moment, complaint, user=None, **kwargs):
        """A message sent from the chatter ("Send message") at ``moment``."""
        with freeze_time(moment):
            complaint.with_user(user or self.complaint_officer).message_post(
                body="Could you send us photos of the parcel?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                **kwargs,
            )

    def _escalations(self, complaint):
        return self.env["mail.activity"].search(
            [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
        ) - complaint.activity_ids.filtered(
            lambda activity: "satisfied" in (activity.summary or "")
        )

    def _job(self, moment):
        with freeze_time(moment):
            self.env["crm.complaint"]._escalate_due()
            self.env.flush_all()
        self.env.invalidate_all()

    def _critical(self, moment=None, **values):
        """Received Monday 8:00 (office hours 8-12, 13-17): answer by 9:00,
        resolve by 17:00."""
        with freeze_time(moment or at(0, 8)):
            complaint = self._complaint(severity="3", **values)
            self._commit_like()
        self.assertEqual(complaint.response_deadline, at(0, 9))
        self.assertEqual(complaint.resolution_deadline, at(0, 17))
        return complaint


@tagged("post_install", "-at_install")
class TestComplaintSlaPause(PauseCase):
    def test_shipped_waiting_stage_pauses(self):
        self.assertTrue(self.stage_waiting.pauses_sla)
        self.assertFalse(self.stage_progress.pauses_sla)

    def test_waiting_for_the_customer_moves_the_deadlines(self):
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 9), complaint, stage_id=self.stage_waiting.id)
        self.assertEqual(complaint.sla_status, "paused")
        self.assertEqual(complaint.sla_paused_since, at(0, 9))
        # Until the clock resumes, the deadlines stay where they stood.
        self.assertEqual(complaint.resolution_deadline, at(0, 17))

        # The job runs long after the deadline: paused, so left alone.
        self._job(at(1, 9, 30))
        self.assertEqual(complaint.sla_status, "paused")
        self.assertEqual(complaint.escalation_level, 0)
        self.assertFalse(self._escalations(complaint))

        # The customer answers on Tuesday at 10:00: the clock resumes. It
        # stood still for 9 working hours (Monday 9-12 and 13-17, Tuesday 8-10).
        self._at(at(1, 10), complaint, stage_id=self.stage_progress.id)
        self.assertFalse(complaint.sla_paused_since)
        pause = complaint.sla_pause_ids
        self.assertEqual(len(pause), 1)
        self.assertEqual(pause.stage_id, self.stage_waiting)
        self.assertEqual((pause.date_start, pause.date_end), (at(0, 9), at(1, 10)))
        self.assertEqual(pause.paused_hours, 9)
        self.assertEqual(complaint.sla_paused_hours, 9)
        # 1 working hour counted before the pause, 7 left: Tuesday 10-12,
        # 13-17 and Wednesday 8-9. The answer came before the pause.
        self.assertEqual(complaint.resolution_deadline, at(2, 9))
        self.assertEqual(complaint.response_deadline, at(0, 9))
        self.assertEqual(complaint.sla_status, "on_track")
        self._job(at(1, 10, 15))
        self.assertEqual(complaint.sla_status, "on_track")
        self.assertFalse(self._escalations(complaint))
        # The status changes are in the chatter.
        tracked = complaint.sudo().message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "sla_status"
        )
        self.assertEqual(
            tracked.sorted("id").mapped("new_value_char"), ["Paused", "On Track"]
        )
        # Now late: breached and escalated.
        self._job(at(2, 9, 30))
        self.assertEqual(complaint.sla_status, "breached")
        self.assertEqual(len(self._escalations(complaint)), 1)

    def test_every_pause_counts(self):
        complaint = self._critical()
        self._answer(at(0, 8, 15), complaint)
        for start, end in ((at(0, 9), at(0, 10)), (at(0, 14), at(0, 16))):
            self._at(start, complaint, stage_id=self.stage_waiting.id)
            self._at(end, complaint, stage_id=self.stage_progress.id)
        self.assertEqual(
            complaint.sla_pause_ids.sorted("date_start").mapped("paused_hours"), [1, 2]
        )
        self.assertEqual(complaint.sla_paused_hours, 3)
        # 8 working hours from Monday 8:00 plus 3 paused: Tuesday 11:00.
        self.assertEqual(complaint.resolution_deadline, at(1, 11))

    def test_a_breach_is_not_paused_away(self):
        complaint = self._critical()
        # Nobody answered by 9:00; at 10:00 the complaint goes to waiting.
        self._at(at(0, 10), complaint, stage_id=self.stage_waiting.id)
        self.assertEqual(complaint.sla_status, "breached")
        # Paused: the job does not escalate it ...
        self._job(at(0, 11))
        self.assertEqual(complaint.escalation_level, 0)
        self.assertFalse(self._escalations(complaint))
        # ... until the clock resumes; the deadline it missed did not move.
        self._at(at(1, 10), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(complaint.response_deadline, at(0, 9))
        self.assertEqual(complaint.sla_status, "breached")
        self._job(at(1, 10, 15))
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(len(self._escalations(complaint)), 1)

    def test_resolved_while_waiting(self):
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 9), complaint, stage_id=self.stage_waiting.id)
        # The customer confirms that the replacement works: resolved at 11:00.
        self._at(at(0, 11), complaint, stage_id=self.stage_resolved.id)
        self.assertEqual(complaint.sla_pause_ids.date_end, at(0, 11))
        self.assertEqual(complaint.sla_status, "met")
        self.assertEqual(complaint.sla_paused_hours, 2)
        # Complaint analysis: with and without the pause.
        self.assertEqual(complaint.hours_to_resolve, 3)
        self.assertEqual(complaint.hours_to_resolve_unpaused, 1)
        self.assertAlmostEqual(complaint.resolution_days, 3 / 24)
        groups = (
            self.env["crm.complaint"]
            .with_user(self.complaint_manager)
            ._read_group(
                [("id", "=", complaint.id)],
                [],
                [
                    "hours_to_resolve:avg",
                    "hours_to_resolve_unpaused:avg",
                    "sla_paused_hours:avg",
                ],
            )
        )
        self.assertEqual(groups, [(3.0, 1.0, 2.0)])

    def test_registered_while_waiting(self):
        with freeze_time(at(0, 8)):
            complaint = self._complaint(severity="3", stage_id=self.stage_waiting.id)
            self.env.flush_all()
        self.assertEqual(complaint.sla_paused_since, at(0, 8))
        self.assertEqual(complaint.sla_status, "paused")
        self._at(at(0, 10), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(complaint.sla_paused_hours, 2)
        self.assertEqual(complaint.response_deadline, at(0, 11))

    def test_a_new_service_level_recounts_the_pauses(self):
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 11), complaint, stage_id=self.stage_waiting.id)
        self._at(at(0, 15), complaint, stage_id=self.stage_progress.id)
        self.assertEqual(complaint.sla_paused_hours, 3)  # 11-12, 13-15
        around_the_clock = around_the_clock_calendar(self.env, "Around the clock (UTC)")
        # Before its deadline: it has not breached.
        with freeze_time(at(0, 16)):
            self.sla_critical.resource_calendar_id = around_the_clock
        self.assertEqual(complaint.sla_paused_hours, 4)
        # 8 hours from 8:00 plus 4 paused.
        self.assertEqual(complaint.resolution_deadline, at(0, 20))

    def test_stage_configuration(self):
        manager = self.complaint_manager
        with self.assertRaises(ValidationError):
            self.stage_resolved.with_user(manager).pauses_sla = True
        with self.assertRaises(ValidationError):
            self.env["crm.complaint.stage"].with_user(manager).create(
                {"name": "Parked", "is_closed": True, "pauses_sla": True}
            )
        # Complaints already in a stage that starts pausing stop their clock
        # now, and restart it when it stops pausing.
        complaint = self._critical()
        self._answer(at(0, 8, 30), complaint)
        self._at(at(0, 9), complaint, stage_id=self.stage_progress.id)
        with freeze_time(at(0, 10)):
            self.stage_progress.with_user(manager).pauses_sla = True
            self.env.flush_all()
        self.assertEqual(complaint.sla_status, "paused")
        with freeze_time(at(0, 14)):
            self.stage_progress.with_user(manager).pauses_sla = False
            self.env.flush_all()
        self.assertEqual(complaint.sla_paused_hours, 3)
        # Monday 8-10 and 14-17 counted, 3 hours left on Tuesday.
        self.assertEqual(complaint.resolution_deadline, at(1, 11))
        self.assertEqual(complaint.sla_status, "on_track")


@tagged("post_install", "-at_install")
class TestComplaintFirstResponse(PauseCase):
    """The first-response clock stops at the first answer to the customer."""

    def test_stage_changes_are_no_answer(self):
        complaint = self._critical()
        self._at(at(0, 8, 10), complaint, stage_id=self.stage_progress.id)
        self._at(at(0, 8, 20), complaint, stage_id=self.stage_waiting.id)
        self._at(at(0, 8, 40), complaint, stage_id=self.stage_progress.id)
        self.assertFalse(complaint.date_first_response)
        self._job(at(0, 9, 30))
        self.assertEqual(complaint.sla_status, "breached")

    def test_a_note_is_no_answer_a_message_is(self):
        complaint = self._critical()
        with freeze_time(at(0, 8, 10)):
            complaint.with_user(self.complaint_officer).message_post(
                body="Internal: ask the warehouse first",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        self.assertFalse(complaint.date_first_response)
        self._answer(at(0, 8, 20), complaint)
        self.assertEqual(complaint.date_first_response, at(0, 8, 20))
        # Later answers do not move it.
        self._answer(at(0, 8, 50), complaint)
        self.assertEqual(complaint.date_first_response, at(0, 8, 20))

    def test_the_customer_writing_is_no_answer(self):
        self.portal_user.partner_id.parent_id = self.customer
        complaint = self._critical()
        with freeze_time(at(0, 8, 10)):
            complaint.with_user(self.portal_user).message_post(
                body="Any news?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(complaint.date_first_response)

    def test_a_reply_by_email_answers_the_customer(self):
        """A handler answering from their mailbox (a reply to the complaint's
        notification, which Odoo posts on the complaint and sends to its
        followers) answers the customer as the chatter's "Send message"
        does; the customer's own e-mail does not."""
        self.customer.email = "purchasing@westlake.example.com"
        self.complaint_officer.email = "olivia.officer@ourcompany.example.com"
        complaint = self._critical()
        Thread = self.env["mail.thread"]

        def mail(sender, message_id):
            return (
                f"From: {sender}\r\n"
                "To: complaints@example.com\r\n"
                f"Subject: Re: {complaint.name}\r\n"
                f"Message-ID: <{message_id}@example.com>\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                "About your parcel.\r\n"
            )

        with freeze_time(at(0, 8, 10)):
            Thread.message_process(
                "crm.complaint",
                mail(self.customer.email, "customer-asks"),
                thread_id=complaint.id,
            )
        self.assertFalse(complaint.date_first_response)
        with freeze_time(at(0, 8, 20)):
            Thread.message_process(
                "crm.complaint",
                mail(self.complaint_officer.email, "officer-answers"),
                thread_id=complaint.id,
            )
        answer = complaint.message_ids.filtered(
            lambda message: message.message_id == "<officer-answers@example.com>"
        )
        self.assertEqual(answer.author_id, self.complaint_officer.partner_id)
        self.assertEqual(complaint.date_first_response, at(0, 8, 20))
        # A colleague's e-mail that registers a complaint answers nobody.
        with freeze_time(at(0, 8, 30)):
            forwarded = self.env["crm.complaint"].browse(
                Thread.message_process(
                    "crm.complaint",
                    mail(self.complaint_officer.email, "officer-forwards"),
                )
            )
        self.assertTrue(forwarded)
        self.assertFalse(forwarded.date_first_response)

    def test_an_answer_must_reach_the_customer(self):
        complaint = self._critical()
        complaint.message_unsubscribe(partner_ids=self.customer.ids)
        # Sent to the followers: the handlers only.
        self._answer(at(0, 8, 10), complaint)
        self.assertFalse(complaint.date_first_response)
        # Sent to a contact of the customer.
        self._answer(at(0, 8, 20), complaint, partner_ids=self.contact_boss.ids)
        self.assertEqual(complaint.date_first_response, at(0, 8, 20))

    def test_answer_to_an_unknown_sender(self):
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "email": "stranger@nowhere.example.com"}
        )
        complaint = self._critical(
            partner_id=False, email_from="Stranger <stranger@nowhere.example.com>"
        )
        self._answer(at(0, 8, 10), complaint, partner_ids=self.salesman.partner_id.ids)
        self.assertFalse(complaint.date_first_response)
        self._answer(at(0, 8, 20), complaint, partner_ids=stranger.ids)
        self.assertEqual(complaint.date_first_response, at(0, 8, 20))

    def test_resolving_answers_at_the_latest(self):
        complaint = self._critical()
        self._at(at(0, 8, 40), complaint, stage_id=self.stage_resolved.id)
        self.assertEqual(complaint.date_first_response, at(0, 8, 40))
        self.assertEqual(complaint.sla_status, "met")


@tagged("post_install", "-at_install")
class TestComplaintSlaPauseAccess(PauseCase):
    """Who reads the pauses (as their complaints), and that nobody writes them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Complaint = cls.env["crm.complaint"]
        waiting = cls.stage_waiting.id
        cls.of_my_customer = Complaint.create(
            {
                "subject": "Of Sally's customer",
                "partner_id": cls.customer.id,
                "stage_id": waiting,
            }
        )
        cls.unrelated = Complaint.create(
            {
                "subject": "Somebody else's",
                "partner_id": cls.other_customer.id,
                "user_id": cls.complaint_officer.id,
                "stage_id": waiting,
            }
        )
        product = cls.env["product.product"].create({"name": "Kettle"})
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.other_customer.id,
                "invoice_line_ids": [Command.create({"product_id": product.id})],
            }
        )
        invoice.action_post()
        cls.about_invoice = Complaint.create(
            {
                "subject": "About an invoice",
                "partner_id": cls.other_customer.id,
                "invoice_id": invoice.id,
                "stage_id": waiting,
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "Pause Company B"})
        cls.in_company_b = Complaint.create(
            {
                "subject": "Of company B",
                "partner_id": cls.customer.id,
                "company_id": cls.company_b.id,
                "stage_id": waiting,
            }
        )
        cls.complaints = (
            cls.of_my_customer | cls.unrelated | cls.about_invoice | cls.in_company_b
        )
        cls.pauses = cls.complaints.sla_pause_ids
        cls.env.flush_all()

    def _pauses_read_by(self, user):
        pauses = (
            self.env["crm.complaint.sla.pause"]
            .with_user(user)
            .search([("id", "in", self.pauses.ids)])
        )
        pauses.read(["complaint_id", "stage_id", "date_start", "paused_hours"])
        return pauses.complaint_id

    def test_each_role_reads_the_pauses_of_the_complaints_it_reads(self):
        in_company_a = self.complaints - self.in_company_b
        self.assertEqual(len(self.pauses), 4)
        for user, expected in (
            (self.salesman, self.of_my_customer),
            (self.salesman_all, in_company_a),
            (self.sales_manager, in_company_a),
            (self.complaint_officer, in_company_a),
            (self.complaint_manager, in_company_a),
            (self.accountant, self.about_invoice),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(self._pauses_read_by(user), expected)
                complaint = expected[:1].with_user(user)
                self.assertTrue(complaint.sla_pause_ids)
                self.assertTrue(complaint.sla_paused_since)

    def test_other_company_and_users_outside_complaints(self):
        officer_b = new_test_user(
            self.env,
            login="pause_officer_b",
            groups="crm_extension.group_complaint_user",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        self.assertEqual(self._pauses_read_by(officer_b), self.in_company_b)
        employee = new_test_user(
            self.env, login="pause_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self._pauses_read_by(employee)

    def test_portal_reads_no_pause(self):
        self.portal_user.partner_id.parent_id = self.customer
        with self.assertRaises(AccessError):
            self._pauses_read_by(self.portal_user)
        complaint = self.of_my_customer.with_user(self.portal_user)
        self.assertEqual(complaint.subject, "Of Sally's customer")
        for fname in (
            "sla_pause_ids",
            "sla_paused_since",
            "sla_paused_hours",
            "hours_to_resolve",
            "hours_to_resolve_unpaused",
        ):
            with self.subTest(fname=fname), self.assertRaises(AccessError):
                complaint.read([fname])

    def test_nobody_writes_the_pauses(self):
        pause = self.of_my_customer.sla_pause_ids
        for user in (
            self.salesman,
            self.sales_manager,
            self.complaint_officer,
            self.complaint_manager,
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    pause.with_user(user).write({"date_start": at(0, 8)})
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    pause.with_user(user).unlink()
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.env["crm.complaint.sla.pause"].with_user(user).create(
                        {
                            "complaint_id": self.of_my_customer.id,
                            "stage_id": self.stage_waiting.id,
                            "date_start": at(0, 8),
                            "date_end": at(0, 9),
                        }
                    )
                complaint = self.of_my_customer.with_user(user)
                for vals in (
                    {"sla_paused_hours": 40},
                    {"sla_paused_since": False},
                    {"hours_to_resolve_unpaused": 1},
                    {"sla_pause_ids": [Command.unlink(pause.id)]},
                    {
                        "sla_pause_ids": [
                            Command.create(
                                {
                                    "stage_id": self.stage_waiting.id,
                                    "date_start": at(0, 8),
                                    "date_end": at(0, 9),
                                }
                            )
                        ]
                    },
                ):
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        complaint.write(vals)
        self.of_my_customer.invalidate_recordset()
        self.assertEqual(self.of_my_customer.sla_pause_ids, pause)
        self.assertFalse(pause.date_end)
