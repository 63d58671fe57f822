"""Opportunities move their customer's lifecycle: opening one shows the
customer's intention (see res_partner_lifecycle)."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import sql

from .. import bulk
from .ir_cron import exclusive_job

_logger = logging.getLogger(__name__)

# Leads a bulk operation opened or changed, whose customers move when it ends
# (precommit data: a commit within the operation moves what came before it, a
# rollback drops it).
LIFECYCLE_QUEUE = "crm_extension.lifecycle_queue"
# How many bulk operations the running call is in (it lasts across the commits
# Odoo's lead assignment makes between bundles; no client can set it).
LIFECYCLE_BATCH = ContextVar("crm_extension_lifecycle_batch", default=0)
# Within Odoo's lead assignment: whether it marked leads for the job that moves
# their customers once it has ended and committed (None outside of it).
LIFECYCLE_DEFERRED = ContextVar("crm_extension_lifecycle_deferred", default=None)
LIFECYCLE_JOB = "crm_extension.ir_cron_move_pending_lifecycles"
# The fields whose change may open an opportunity for a customer (and the
# stage, when it leaves a won one).
OPENING_FIELDS = frozenset({"partner_id", "type", "active"})


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Guarded in crm_lead (the system's alone), which checks the caller's
    # values before these classes add their own.
    crm_lifecycle_pending = fields.Boolean(
        string="Customer's Lifecycle to Move",
        readonly=True,
        copy=False,
        help="Set on the leads Odoo's lead assignment converts or merges: a job "
        "moves their customers' lifecycle once the assignment has committed.",
    )

    def init(self):
        res = super().init()
        # The job reads the few marked leads; the index holds only them.
        sql.create_index(
            self.env.cr,
            "crm_lead_crm_lifecycle_pending_index",
            self._table,
            ['"id"'],
            where='"crm_lifecycle_pending"',
        )
        return res

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

    @contextmanager
    def _lifecycle_deferred(self):
        """Within the block, the leads whose customer may move are marked, in
        the write that changes them (no query more), and their customers move
        in a job started when the transaction commits after the block
        (:meth:`_cron_move_pending_lifecycles`): Odoo's lead assignment writes
        no customer, and locks none that a salesperson is editing, while it
        runs. It commits between bundles outside tests: the marks of a bundle
        committed before an error are taken by the job's hourly run."""
        if LIFECYCLE_DEFERRED.get() is not None:
            yield
            return
        marked = {"leads": False}
        token = LIFECYCLE_DEFERRED.set(marked)
        try:
            yield
        finally:
            LIFECYCLE_DEFERRED.reset(token)
            if marked["leads"]:
                self.env.cr.postcommit.add(self._lifecycle_job_starter())

    def _lifecycle_mark_pending(self, vals):
        """``vals`` with the mark of :meth:`_lifecycle_deferred`."""
        LIFECYCLE_DEFERRED.get()["leads"] = True
        return {**vals, "crm_lifecycle_pending": True}

    def _lifecycle_job_starter(self):
        registry = self.env.registry

        def start_job():
            # After the commit, in a transaction of its own: the marks are
            # committed, and the job's hourly run takes them should this fail.
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    job = env.ref(LIFECYCLE_JOB, raise_if_not_found=False)
                    if job and job.active:
                        job._trigger()
                        return
                    # Switched off or deleted by an administrator: the
                    # customers move now, rather than never.
                    _logger.warning(
                        "The job %s is inactive or missing: the customers of "
                        "the assigned leads are moved at once",
                        LIFECYCLE_JOB,
                    )
                    env["crm.lead"]._cron_move_pending_lifecycles()
            except Exception:
                _logger.exception("The customers of the assigned leads were not moved")

        return start_job

    @api.model
    @exclusive_job
    def _cron_move_pending_lifecycles(self, batch_size=1000):
        """Move the customers of the leads :meth:`_lifecycle_deferred` marked,
        as the leads are now: a partner write per batch. Each batch claims its
        leads (leads being written elsewhere wait for the next run); a
        customer whose move is refused is logged and does not hold the others
        back."""
        cron = self.env["ir.cron"]
        Lead = self.sudo().with_context(active_test=False)
        moved = 0
        while True:
            ids = bulk.claim_marked(Lead, "crm_lifecycle_pending", batch_size)
            if not ids:
                break
            Lead.browse(ids)._lifecycle_move_customers_apart()
            moved += len(ids)
            if cron._crm_batch_done(moved, len(ids), batch_size):
                break
        return moved

    def _lifecycle_move_customers_apart(self):
        """:meth:`_lifecycle_move_customers`, or, when a move is refused, each
        lead's customer on its own, logging those refused."""
        try:
            with self.env.cr.savepoint():
                self._lifecycle_move_customers()
            return
        except UserError as error:
            _logger.info("Moving the customers lead by lead: %s", error)
        for lead in self:
            try:
                with self.env.cr.savepoint():
                    lead._lifecycle_move_customers()
            except UserError as error:
                _logger.warning(
                    "The lifecycle of the customer of lead %s was not moved: %s",
                    lead.id,
                    error,
                )

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

    @api.model
    def _lifecycle_open_domain(self):
        """The opportunities that show their customer's intention: open ones,
        active and not won (their stage is not a won one, as Odoo counts
        them). The events (:meth:`_lifecycle_move_customers`) and the
        lifecycle worked out from a customer's documents
        (``res_partner_lifecycle.lifecycle_sql``, the installation's too) read
        this one definition."""
        return [
            ("type", "=", "opportunity"),
            ("active", "=", True),
            "|",
            ("stage_id", "=", False),
            ("stage_id.is_won", "=", False),
        ]

    def _lifecycle_move_customers(self):
        # The lifecycle is the system's to keep, whoever may edit the customer:
        # the leads' customers are read and moved as the system.
        customers = (
            self.sudo()
            .filtered_domain(self._lifecycle_open_domain())
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
        if LIFECYCLE_DEFERRED.get() is not None:
            return super().create([self._lifecycle_mark_pending(v) for v in vals_list])
        leads = super().create(vals_list)
        leads._lifecycle_opportunity_event()
        return leads

    def write(self, vals):
        if not OPENING_FIELDS & vals.keys() and not (
            # A won opportunity moved back into the pipeline is open again.
            "stage_id" in vals and any(self.stage_id.mapped("is_won"))
        ):
            return super().write(vals)
        if LIFECYCLE_DEFERRED.get() is not None:
            return super().write(self._lifecycle_mark_pending(vals))
        res = super().write(vals)
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
        # The assignment converts and merges its leads one at a time, for
        # customers that salespeople may be editing, and commits between
        # bundles outside tests: their customers move after it.
        with self.env["crm.lead"]._lifecycle_deferred():
            return super()._action_assign_leads(*args, **kwargs)
