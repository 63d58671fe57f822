import functools
import logging
import zlib
from contextlib import contextmanager

import psycopg2

from odoo import api, models

from .. import compat

_logger = logging.getLogger(__name__)

# The first key of the addon's advisory locks on jobs ("crm" in ASCII); the
# second is the job's name, hashed.
JOB_LOCK_NAMESPACE = 0x63726D


def exclusive_job(method):
    """Run the decorated job method once at a time on the whole database,
    whoever starts it on whichever host: the scheduler, *Run now*, a button,
    a queued job (see :meth:`ir.cron._crm_job_lock`).

    While it runs elsewhere, a second start does nothing and returns ``None``
    (a caller that must tell the user checks for it).
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        job = f"{self._name}.{method.__name__}"
        with self.env["ir.cron"]._crm_job_lock(job) as locked:
            if not locked:
                _logger.info("%s runs elsewhere: this start does nothing", job)
                return None
            return method(self, *args, **kwargs)

    return wrapper


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _crm_batch_done(self, done, count, batch_size):
        """Report the progress of a batched job after a batch of ``count``
        records (``done`` in all) and say whether it was the last one.

        Run by the scheduler, each batch is committed: a job stopped half-way
        keeps what it did, and the next run goes on from there.
        """
        if count < batch_size:
            compat.cron_progress(self.env, done, 0)
            return True
        compat.cron_progress(self.env, done, batch_size)
        self._crm_commit_batch()
        return False

    @api.model
    def _crm_commit_batch(self):
        """The commit policy of the addon's long jobs, stated once: run by
        Odoo's scheduler (which gives the job's progress record in the
        context), a job commits after each batch, so that a job stopped
        half-way keeps what it did and the next run goes on from there, as
        Odoo's own jobs with progress do. Called any other way (a button, code,
        a test), it commits nothing: the caller's transaction decides.

        :return: whether it committed
        """
        if not self.env.context.get("ir_cron_progress_id"):
            return False
        self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    @api.model
    def _crm_queue_job_installed(self):
        """Whether OCA's ``queue_job`` is installed in this database (the addon
        does not depend on it: its models are there only when it is)."""
        return "queue.job" in self.env and hasattr(self.env["base"], "with_delay")

    @api.model
    def _crm_queue_or_run(self, records, method, *args, **kwargs):
        """Run ``records.<method>(*args, **kwargs)`` now, or, where OCA's
        ``queue_job`` is installed, queue it as one of its jobs: its job
        runner then runs it (on any host, in its channels, with its retries).
        A job not yet run is not queued a second time (queue_job's identity
        key: the method and the records). Either way the method's own job lock
        keeps it from running twice at once.

        :return: what the method returns, ``None`` when it was queued
        """
        if not self._crm_queue_job_installed():
            return getattr(records, method)(*args, **kwargs)
        identity = "crm_extension:{}.{}:{}".format(
            records._name, method, ",".join(map(str, records.ids))
        )
        getattr(records.with_delay(identity_key=identity), method)(*args, **kwargs)
        return None

    @api.model
    @contextmanager
    def _crm_job_lock(self, job):
        """Hold ``job`` (a name) for the database while the ``with`` block runs;
        yields whether it was obtained (``False``: it runs elsewhere now).

        Odoo's scheduler runs a job once at a time through a lock on its
        ``ir_cron`` row, held by the scheduler's own transaction. That lock is
        not enough for the addon's jobs: *Run now* takes it in the request's
        transaction, which the first progress commit of a batched job ends (a
        scheduler on another host can then start the same job), and the same
        work is started by buttons (*Recompute now*) and by queued jobs, which
        take no such lock at all. A PostgreSQL advisory lock keyed by the job's
        name holds across hosts:

        - run with progress (``ir_cron_progress_id``: the scheduler or *Run
          now*), where the job commits its batches, it is a session lock, held
          across those commits until the block ends. Run by the scheduler (its
          own transaction, ``cron_id``), the transaction is committed right
          after taking it, so that the job reads what the last holder
          committed (its snapshot could predate that commit); *Run now* keeps
          Odoo's lock of its request until the job's first commit, and a
          snapshot of it predating another holder's commit ends in a
          serialization failure, on which Odoo runs the request again;
        - otherwise (a button, a queued job, code) it is a transaction lock,
          released when the transaction ends: a snapshot predating the last
          holder's commit then ends in a serialization failure on the rows both
          write, which Odoo's retry of the request or job resolves.

        Never waits: two starts at once, one runs and the other does nothing.
        """
        cr = self.env.cr
        key = zlib.crc32(job.encode()) & 0x7FFFFFFF
        across_commits = bool(self.env.context.get("ir_cron_progress_id"))
        if across_commits:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [JOB_LOCK_NAMESPACE, key])
        else:
            cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [JOB_LOCK_NAMESPACE, key]
            )
        if not cr.fetchone()[0]:
            yield False
            return
        if not across_commits:
            yield True
            return
        try:
            if self.env.context.get("cron_id"):
                cr.commit()  # pylint: disable=invalid-commit
            yield True
        except Exception:
            # The lock outlives the transaction: release it from a usable one.
            cr.rollback()
            raise
        finally:
            try:
                cr.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [JOB_LOCK_NAMESPACE, key]
                )
            except psycopg2.Error:
                # A lost connection took its session locks with it.
                _logger.info("could not release the lock of %s", job, exc_info=True)
