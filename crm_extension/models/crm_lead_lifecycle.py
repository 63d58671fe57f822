"""Opportunities move their customer's lifecycle: opening one shows the
customer's intention (see res_partner_lifecycle)."""

from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, models

# Leads a bulk operation opened or changed, whose customers move when it ends
# (precommit data: a commit within the operation moves what came before it, a
# rollback drops it).
LIFECYCLE_QUEUE = "crm_extension.lifecycle_queue"
# How many bulk operations the running call is in (it lasts across the commits
# Odoo's lead assignment makes between bundles; no client can set it).
LIFECYCLE_BATCH = ContextVar("crm_extension_lifecycle_batch", default=0)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @contextmanager
    def _lifecycle_batch(self):
        """Within the block, the customers of the opportunities opened move
        once, when it ends: Odoo converts leads one write at a time, and a
        partner write with its tracking per lead would grow with the leads.

        A commit within the block moves what was opened before it; a block left
        by an error leaves its queue to the end of the transaction (moved if it
        commits, dropped with it otherwise).
        """
        token = LIFECYCLE_BATCH.set(LIFECYCLE_BATCH.get() + 1)
        try:
            yield
        finally:
            LIFECYCLE_BATCH.reset(token)
        if not LIFECYCLE_BATCH.get():
            self._flush_lifecycle_queue()

    def _lifecycle_opportunity_event(self):
        """Opening an opportunity shows the customer's intention (within a
        :meth:`_lifecycle_batch`, when it ends)."""
        if not LIFECYCLE_BATCH.get():
            self._lifecycle_move_customers()
            return
        data = self.env.cr.precommit.data
        queue = data.get(LIFECYCLE_QUEUE)
        if queue is None:
            queue = data[LIFECYCLE_QUEUE] = set()
            self.env.cr.precommit.add(self._flush_lifecycle_queue)
        queue.update(self.ids)

    def _lifecycle_move_customers(self):
        # The lifecycle is the system's to keep, whoever may edit the customer:
        # the leads' customers are read and moved as the system.
        customers = (
            self.sudo()
            .filtered(lambda lead: lead.type == "opportunity" and lead.active)
            .partner_id.commercial_partner_id
        )
        customers._lifecycle_event("opportunity")

    @api.model
    def _flush_lifecycle_queue(self):
        """Move the customers of the leads :meth:`_lifecycle_batch` queued, as
        the leads are now (a lead whose conversion was rolled back moves
        nobody): one partner write."""
        ids = self.env.cr.precommit.data.pop(LIFECYCLE_QUEUE, None)
        if ids:
            self.sudo().browse(sorted(ids)).exists()._lifecycle_move_customers()

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._lifecycle_opportunity_event()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if {"partner_id", "type", "active"} & vals.keys():
            self._lifecycle_opportunity_event()
        return res

    def convert_opportunity(self, partner, user_ids=False, team_id=False):
        if len(self) < 2:
            return super().convert_opportunity(partner, user_ids, team_id)
        # Odoo writes each lead on its own.
        with self._lifecycle_batch():
            return super().convert_opportunity(partner, user_ids, team_id)


class CrmTeam(models.Model):
    _inherit = "crm.team"

    def _action_assign_leads(self, *args, **kwargs):
        # The assignment converts its leads one at a time (and may commit
        # between bundles: see _lifecycle_batch).
        with self.env["crm.lead"]._lifecycle_batch():
            return super()._action_assign_leads(*args, **kwargs)
