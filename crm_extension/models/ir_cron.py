from odoo import api, models

from .. import compat


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
        if self.env.context.get("ir_cron_progress_id"):
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return False
