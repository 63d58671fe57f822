from odoo import api, models


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
            self._notify_progress(done=done, remaining=0)
            return True
        self._notify_progress(done=done, remaining=batch_size)
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
