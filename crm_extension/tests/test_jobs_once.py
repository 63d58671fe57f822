"""The addon's jobs do their work once when several Odoo hosts run them.

Another host is a second cursor here: it holds a job the way a job running
there holds it (``ir.cron._crm_job_lock``), and the job started in this
transaction must leave the work to it.
"""

from contextlib import ExitStack, contextmanager
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_complaint import ComplaintCase

ESCALATION_JOB = "crm.complaint._escalate_due"
VALUE_JOB = "crm.customer.value._compute_all"
MERGE_JOB = "crm.partner.merge._cron_run_queued"


@tagged("post_install", "-at_install")
class TestJobsOnce(ComplaintCase):
    @contextmanager
    def _elsewhere(self, job, scheduler=False):
        """``job`` held by another host's transaction while the block runs;
        ``scheduler``: as the scheduler or *Run now* hold it, across the
        commits of the job's batches."""
        admin_id = self.env.ref("base.user_admin").id
        with ExitStack() as stack:
            cr = stack.enter_context(self.registry.cursor())
            context = {"ir_cron_progress_id": -1, "cron_id": -1} if scheduler else {}
            env = api.Environment(cr, admin_id, context)
            locked = stack.enter_context(env["ir.cron"]._crm_job_lock(job))
            self.assertTrue(locked, f"{job} is held already")
            yield cr
            cr.rollback()

    def _without_queue_job(self):
        """The jobs as they run without OCA's queue_job (installed or not)."""
        return patch.object(
            type(self.env["ir.cron"]), "_crm_queue_job_installed", return_value=False
        )

    def _lock_taken(self, job):
        """Whether ``job`` runs somewhere now: could a third host start it?"""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.env.uid, {})
            with env["ir.cron"]._crm_job_lock(job) as locked:
                cr.rollback()
                return not locked

    def test_the_scheduler_holds_a_job_across_its_commits(self):
        """*Run now* holds the job only until the first commit of a batch on
        Odoo's own lock; the addon's lock holds until the job ends."""
        with self._elsewhere(VALUE_JOB, scheduler=True) as other:
            self.assertTrue(self._lock_taken(VALUE_JOB))
            other.commit()  # pylint: disable=invalid-commit
            self.assertTrue(self._lock_taken(VALUE_JOB))
            # Other jobs are not held by it.
            self.assertFalse(self._lock_taken(ESCALATION_JOB))
        self.assertFalse(self._lock_taken(VALUE_JOB))

    def test_escalation_running_elsewhere_is_not_run_twice(self):
        with freeze_time("2026-03-09 08:00:00"):
            complaint = self._complaint(severity="3")
            complaint.write({"stage_id": self.stage_progress.id})
        Complaint = self.env["crm.complaint"]

        def escalations():
            return self.env["mail.activity"].search_count(
                [("res_model", "=", "crm.complaint"), ("res_id", "=", complaint.id)]
            )

        before = escalations()
        with freeze_time("2026-03-09 18:00:00"):
            with self._elsewhere(ESCALATION_JOB):
                self.assertIsNone(Complaint._escalate_due())
            self.assertEqual(escalations(), before)
            complaint.invalidate_recordset()
            self.assertEqual(complaint.escalation_level, 0)
            # The other host's run ended: the next run escalates, once.
            result = Complaint._escalate_due()
            self.assertEqual(result["escalated"], 1)
            self.assertIsNotNone(Complaint._escalate_due())
        self.assertEqual(escalations(), before + 1)

    def test_recompute_while_the_value_job_runs(self):
        Value = self.env["crm.customer.value"].with_user(self.sales_manager)
        with self._elsewhere(VALUE_JOB, scheduler=True):
            with self.assertRaisesRegex(UserError, "being computed right now"):
                Value.action_recompute()
        self.assertEqual(Value.action_recompute()["tag"], "soft_reload")

    def test_queued_merges_are_left_to_the_job_running_them(self):
        Partner = self.env["res.partner"]
        twins = Partner.create(
            {"name": "Jobs Once Trading Ltd", "is_company": True}
        ) | Partner.create({"name": "Twin Jobs Once Trading", "is_company": True})
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        merge = Merge._plan([(twins.with_env(Merge.env), None)], "oldest")
        with self._elsewhere(MERGE_JOB, scheduler=True), self._without_queue_job():
            self.assertIsNone(Merge._cron_run_queued())
        self.assertEqual(merge.state, "queued")
        self.assertEqual(twins.mapped("active"), [True, True])
        with self._without_queue_job():
            Merge._cron_run_queued()
        self.assertEqual(merge.state, "done")
        self.assertEqual(len(twins.filtered("active")), 1)
        # A merge done is not claimed again.
        self.assertFalse(merge._claim_queued())

    def test_every_job_of_the_addon_is_held(self):
        """Each scheduled action of the addon runs through the job lock."""
        jobs = {
            "crm_extension.ir_cron_complaint_escalate": ESCALATION_JOB,
            "crm_extension.ir_cron_customer_value": VALUE_JOB,
            "crm_extension.ir_cron_run_partner_merges": MERGE_JOB,
            "crm_extension.ir_cron_purge_partner_merges": (
                "crm.partner.merge._purge_expired"
            ),
            "crm_extension.ir_cron_release_to_pool": (
                "res.partner._cron_release_to_pool"
            ),
            "crm_extension.ir_cron_mark_dormant": "res.partner._cron_mark_dormant",
            "crm_extension.ir_cron_birthday_reminders": (
                "res.partner._cron_birthday_reminders"
            ),
            "crm_extension.ir_cron_remind_stalled": "crm.lead._cron_remind_stalled",
            "crm_extension.ir_cron_move_pending_lifecycles": (
                "crm.lead._cron_move_pending_lifecycles"
            ),
            "crm_extension.ir_cron_keep_name_cores_in_order": (
                "crm.duplicate.name.core._cron_keep_in_order"
            ),
        }
        crons = self.env["ir.cron"].with_context(active_test=False).search([])
        ours = [
            xmlid
            for xmlid in crons.get_external_id().values()
            if xmlid.startswith("crm_extension.")
        ]
        self.assertEqual(sorted(ours), sorted(jobs), "a job untested")
        at = datetime(2026, 3, 9, 18, 0)
        for xmlid, job in jobs.items():
            with self.subTest(job=job), freeze_time(at):
                cron = self.env.ref(xmlid)
                with self._elsewhere(job):
                    # The scheduled action's code runs and does nothing.
                    cron.ir_actions_server_id.sudo().run()
                    self.assertTrue(self._lock_taken(job))

    def test_long_jobs_are_queue_jobs_where_queue_job_is_installed(self):
        """With OCA's queue_job, the scheduler queues the long jobs as its jobs
        (each queued merge its own), once while one waits; without it they run
        at once, as the other tests show."""
        if not self.env["ir.cron"]._crm_queue_job_installed():
            self.skipTest("OCA's queue_job is not installed in this database")
        QueueJob = self.env["queue.job"].sudo()
        existing = QueueJob.search([])
        Partner = self.env["res.partner"]
        twins = [
            Partner.create({"name": f"Queued Twin {n} {side}", "is_company": True})
            for n in range(2)
            for side in ("North", "South")
        ]
        Merge = self.env["crm.partner.merge"].with_user(self.sales_manager)
        merges = Merge._plan(
            [
                ((twins[0] | twins[1]).with_env(Merge.env), None),
                ((twins[2] | twins[3]).with_env(Merge.env), None),
            ],
            "oldest",
        )
        for _twice in range(2):
            self.assertIsNone(self.env["crm.complaint"]._cron_escalate())
            self.assertIsNone(self.env["crm.customer.value"]._cron_compute())
            self.assertIsNone(self.env["crm.partner.merge"]._cron_purge())
            self.env["crm.partner.merge"]._cron_run_queued()
        jobs = QueueJob.search([]) - existing
        self.assertEqual(
            sorted(jobs.mapped("method_name")),
            sorted(["_escalate_due", "_compute_all", "_purge_expired"])
            + ["_run_queued", "_run_queued"],
        )
        queued_merges = jobs.filtered(lambda job: job.method_name == "_run_queued")
        self.assertEqual(
            sorted(job.records.ids for job in queued_merges),
            sorted([m.id] for m in merges),
        )
        self.assertEqual(set(merges.mapped("state")), {"queued"})
