"""Merges of duplicate customers with a trail and an undo.

Odoo's merge wizard re-points the documents of the absorbed partners and deletes
them for good; on a unique-constraint conflict it deletes the conflicting related
records without a word. A merge here re-points the same references (Odoo's list of
foreign keys to ``res_partner``, the documents' ``model``/``res_id`` references
and the stored reference fields), writes down every record it re-pointed and every
one it had to drop (with its values), keeps the absorbed partners archived, and
can be undone within the company's undo period. After it a job purges the trail
and deletes the absorbed partners.
"""

import json
import logging
import threading
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, mute_logger, sql

from ..tools.primary import require_primary
from ..tools.server_flags import MERGING_PARTNERS
from .ir_cron import exclusive_job

_logger = logging.getLogger(__name__)

SALES_ADMIN = "sales_team.group_sale_manager"

# Documents that name a record by model and id rather than by a foreign key:
# (table, model column). Odoo's wizard moves these too (ir.model.data aside: the
# absorbed partners keep their external ids, they are kept).
REFERENCE_TABLES = (
    ("mail_message", "model"),
    ("mail_activity", "res_model"),
    ("mail_followers", "res_model"),
    ("ir_attachment", "res_model"),
)
# The merge's own tables and Odoo's wizard's are never re-pointed.
SKIPPED_TABLE_PREFIXES = ("crm_partner_merge", "base_partner_merge_")

SURVIVOR_RULES = [
    ("oldest", "The oldest registration"),
    ("deals", "The one with deals"),
    ("complete", "The most complete"),
]
# What "the most complete" counts.
COMPLETENESS_FIELDS = (
    "vat",
    "company_registry",
    "email",
    "phone",
    "mobile",
    "street",
    "city",
    "zip",
    "country_id",
    "website",
    "user_id",
)


def is_testing():
    return getattr(threading.current_thread(), "testing", False)


class CrmPartnerMerge(models.Model):
    _name = "crm.partner.merge"
    _description = "Customer Merge"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Surviving Customer",
        readonly=True,
        required=True,
        # (Deleting the surviving customer deletes what its merges say of it.)
        ondelete="cascade",
        index=True,
    )
    absorbed_partner_ids = fields.Many2many(
        "res.partner",
        "crm_partner_merge_absorbed_rel",
        "merge_id",
        "partner_id",
        string="Merged Customers",
        readonly=True,
        context={"active_test": False},
    )
    absorbed_count = fields.Integer(compute="_compute_name")
    survivor_rule = fields.Selection(
        [*SURVIVOR_RULES, ("chosen", "Chosen by hand")],
        string="Surviving Customer Chosen By",
        readonly=True,
    )
    keep_registration = fields.Selection(
        [
            ("earliest", "The earliest registration"),
            ("survivor", "The surviving customer's"),
        ],
        string="Registration Kept",
        readonly=True,
        default="earliest",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("done", "Merged"),
            ("failed", "Failed"),
            ("undone", "Undone"),
            ("purged", "Trail Purged"),
        ],
        readonly=True,
        default="queued",
        required=True,
        index=True,
        tracking=True,
    )
    error = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Merged By", readonly=True)
    merge_date = fields.Datetime(string="Merged On", readonly=True)
    undo_deadline = fields.Datetime(string="Undo Until", readonly=True)
    undone_by_id = fields.Many2one("res.users", readonly=True)
    undo_date = fields.Datetime(string="Undone On", readonly=True)
    # The surviving customer's values the merge changed:
    # {field: [value before, value after the merge]}.
    survivor_values = fields.Json(readonly=True)
    line_ids = fields.One2many(
        "crm.partner.merge.line", "merge_id", string="Re-pointed Records", readonly=True
    )
    dropped_count = fields.Integer(compute="_compute_line_counts")
    repointed_count = fields.Integer(compute="_compute_line_counts")
    can_undo = fields.Boolean(compute="_compute_can_undo")

    @api.depends("partner_id", "absorbed_partner_ids")
    def _compute_name(self):
        for merge in self:
            merge.absorbed_count = len(merge.absorbed_partner_ids)
            merge.name = self.env._(
                "%(count)s into %(partner)s",
                count=merge.absorbed_count,
                partner=merge.partner_id.display_name or "",
            )

    @api.depends("line_ids.action")
    def _compute_line_counts(self):
        counts = {
            (merge.id, action): count
            for merge, action, count in self.env["crm.partner.merge.line"]._read_group(
                [("merge_id", "in", self.ids)], ["merge_id", "action"], ["__count"]
            )
        }
        for merge in self:
            merge.repointed_count = counts.get((merge.id, "repointed"), 0)
            merge.dropped_count = counts.get((merge.id, "dropped"), 0)

    @api.depends("state", "undo_deadline")
    def _compute_can_undo(self):
        now = fields.Datetime.now()
        for merge in self:
            merge.can_undo = merge.state == "done" and (
                not merge.undo_deadline or merge.undo_deadline >= now
            )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------

    @api.model
    def _check_merge_rights(self):
        if not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators may merge customers.")
            )

    @api.model
    def _propose_survivor(self, partners, rule):
        """The customer of ``partners`` that survives by ``rule`` (see
        SURVIVOR_RULES); ties go to the oldest registration."""
        partners = partners.sudo()

        def oldest(partner):
            return (partner.registered_date or partner.create_date, partner.id)

        if rule == "deals":
            with_deals = partners.filtered("last_deal_date")
            if with_deals:
                latest = max(with_deals.mapped("last_deal_date"))
                partners = with_deals.filtered(
                    lambda partner: partner.last_deal_date == latest
                )
        elif rule == "complete":

            def filled(partner):
                return sum(1 for fname in COMPLETENESS_FIELDS if partner[fname])

            most = max(filled(partner) for partner in partners)
            partners = partners.filtered(lambda partner: filled(partner) == most)
        return min(partners, key=oldest).with_env(self.env)

    @api.model
    def _check_group(self, survivor, absorbed):
        """Refuse what cannot be merged (nothing has moved yet)."""
        partners = survivor | absorbed
        if not absorbed or survivor in absorbed:
            raise UserError(self.env._("A merge needs at least two customers."))
        partners.check_access("write")
        if len(partners.company_id) > 1 or (
            partners.company_id and not all(partner.company_id for partner in partners)
        ):
            raise UserError(
                self.env._(
                    "Customers of different companies cannot be merged: %(partners)s.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )
        staff = partners - partners.sudo()._crm_customers()
        if staff:
            raise UserError(
                self.env._(
                    "Only customers are merged here; %(partners)s: the companies' "
                    "own partners and internal users' are not customers.",
                    partners=", ".join(staff.mapped("display_name")),
                )
            )
        gone = partners.sudo().filtered(
            lambda partner: not partner.active or partner.crm_merged_into_id
        )
        if gone:
            raise UserError(
                self.env._(
                    "Archived or already merged customers cannot be merged: "
                    "%(partners)s.",
                    partners=", ".join(gone.mapped("display_name")),
                )
            )
        Partner = self.env["res.partner"].sudo()
        nested = partners.filtered(
            lambda partner: (
                (Partner.search([("id", "child_of", partner.id)]) - partner) & partners
            )
        )
        if nested:
            raise UserError(
                self.env._(
                    "A customer cannot be merged with its own contact: %(partners)s.",
                    partners=", ".join(nested.mapped("display_name")),
                )
            )
        if len(partners.sudo().with_context(active_test=False).user_ids) > 1:
            raise UserError(
                self.env._(
                    "Customers that are users of more than one user account cannot "
                    "be merged: %(partners)s.",
                    partners=", ".join(partners.mapped("display_name")),
                )
            )

    @api.model
    def _plan(self, groups, survivor_rule, keep_registration="earliest"):
        """Queue one merge per group, checked now.

        :param groups: ``[(partners, chosen survivor or None)]``
        :return: the queued merges
        """
        require_primary(self.env.cr, "a merge")
        self._check_merge_rights()
        seen = self.env["res.partner"]
        vals_list = []
        for partners, chosen in groups:
            partners = partners.exists()
            if seen & partners:
                raise UserError(
                    self.env._(
                        "A customer cannot be merged in two groups at once: "
                        "%(partners)s.",
                        partners=", ".join((seen & partners).mapped("display_name")),
                    )
                )
            seen |= partners
            proposed = self._propose_survivor(partners, survivor_rule)
            if chosen and chosen not in partners:
                raise UserError(
                    self.env._(
                        "%(partner)s is not one of the customers merged.",
                        partner=chosen.display_name,
                    )
                )
            survivor = chosen or proposed
            absorbed = partners - survivor
            self._check_group(survivor, absorbed)
            vals_list.append(
                {
                    "partner_id": survivor.id,
                    "absorbed_partner_ids": [fields.Command.set(absorbed.ids)],
                    "company_id": survivor.company_id.id,
                    "survivor_rule": "chosen"
                    if survivor != proposed
                    else survivor_rule,
                    "keep_registration": keep_registration,
                    "user_id": self.env.uid,
                }
            )
        # The trail is the system's: nobody writes it by hand.
        return self.sudo().create(vals_list).with_env(self.env)

    def _action_open(self):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Merges"),
            "res_model": "crm.partner.merge",
            "target": "current",
        }
        if len(self) == 1:
            return dict(action, res_id=self.id, view_mode="form")
        return dict(action, view_mode="list,form", domain=[("id", "in", self.ids)])

    # ------------------------------------------------------------------
    # Merging
    # ------------------------------------------------------------------

    def _run_queued(self):
        """Merge the queued merges of ``self``, each in a savepoint: a merge
        that fails is marked so, with its error, and the others go on."""
        require_primary(self.env.cr, "a merge")
        done = self.browse()
        for merge in self._claim_queued():
            try:
                with self.env.cr.savepoint():
                    merge._merge()
                done |= merge
            except (UserError, AccessError, psycopg2.IntegrityError) as error:
                # (Concurrency errors are not caught: Odoo retries the request
                # or the job, which then finds the customers merged.)
                self.env.invalidate_all()
                merge.sudo().write({"state": "failed", "error": str(error)})
        return done

    def _claim_queued(self):
        """The merges of ``self`` still queued, each locked for this
        transaction, in order: a merge another transaction is merging (a job
        elsewhere, a queued job) is left to it, never merged twice."""
        if not self:
            return self
        self.flush_model(["state"])
        self.env.cr.execute(
            "SELECT id FROM crm_partner_merge WHERE id = ANY(%s) AND state = 'queued' "
            "ORDER BY id FOR NO KEY UPDATE SKIP LOCKED",
            [self.ids],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _merge(self):
        self.ensure_one()
        merge = self.sudo()
        survivor = merge.partner_id
        absorbed = merge.absorbed_partner_ids
        # Checked again as the user who asked for it: rights may have changed.
        asker = self.with_user(merge.user_id)
        asker._check_merge_rights()
        asker._check_group(survivor.with_env(asker.env), absorbed.with_env(asker.env))
        env = self.env(su=True)
        env.flush_all()
        src_ids, dst_id = absorbed.ids, survivor.id
        fnames = self._survivor_fields(survivor)
        before = survivor.read(fnames, load=None)[0]
        registration = self._earliest_registration(survivor | absorbed)
        lines = self._repoint(src_ids, dst_id)
        env.invalidate_all()
        survivor = survivor.with_env(env).with_context(**MERGING_PARTNERS.context())
        absorbed = absorbed.with_env(env).with_context(**MERGING_PARTNERS.context())
        wizard = env["base.partner.merge.automatic.wizard"].with_context(
            **MERGING_PARTNERS.context()
        )
        wizard._update_values(absorbed, survivor)
        if merge.keep_registration == "earliest" and registration:
            survivor.write(registration)
        absorbed.write({"active": False, "crm_merged_into_id": survivor.id})
        env.flush_all()
        after = survivor.read(fnames, load=None)[0]
        changed = {
            fname: [before[fname], after[fname]]
            for fname in fnames
            if before[fname] != after[fname]
        }
        self.env["crm.partner.merge.line"].sudo().create(
            [dict(line, merge_id=merge.id) for line in lines]
        )
        deadline = fields.Datetime.now() + timedelta(
            days=(survivor.company_id or self.env.company).crm_merge_undo_days
        )
        merge.write(
            {
                "state": "done",
                "survivor_values": json.loads(json.dumps(changed, default=str)),
                "merge_date": fields.Datetime.now(),
                "undo_deadline": deadline,
            }
        )
        survivor._message_log(
            body=Markup(
                "%s <a href='#' data-oe-model='crm.partner.merge' "
                "data-oe-id='%s'>%s</a>"
            )
            % (
                self.env._(
                    "%(count)s customers merged into this one by %(user)s:",
                    count=len(src_ids),
                    user=merge.user_id.name,
                ),
                merge.id,
                ", ".join(absorbed.mapped("display_name")),
            )
        )
        # The merged customers are no duplicates of the survivor any more.
        remaining = survivor.duplicate_partner_ids - absorbed
        survivor.write(
            {
                "duplicate_partner_ids": [fields.Command.set(remaining.ids)],
                "duplicate_state": "suspect" if remaining else False,
            }
        )

    @api.model
    def _survivor_fields(self, survivor):
        """The fields of the surviving customer a merge may change: those Odoo's
        wizard fills in (stored, neither computed nor x2many), the registration
        among them."""
        return [
            fname
            for fname, field in survivor._fields.items()
            if field.store
            and field.type not in ("many2many", "one2many")
            and field.compute is None
            and fname not in models.MAGIC_COLUMNS
            and fname != "id"
        ]

    @api.model
    def _earliest_registration(self, partners):
        registered = partners.sudo().filtered("registered_date")
        if not registered:
            return {}
        first = min(
            registered, key=lambda partner: (partner.registered_date, partner.id)
        )
        return {
            "registered_by_id": first.registered_by_id.id,
            "registered_date": first.registered_date,
        }

    @api.model
    @tools.ormcache()
    def _partner_references(self):
        """Where partners are referenced, for the merges: ``(table, column,
        model column, other column)`` for every foreign key to ``res_partner``
        in Odoo's list (the one its merge wizard uses; the merges' own tables
        left out), then the documents that name a partner by model and id.
        ``other column`` is set for the relation tables (no ``id``: a pair of
        columns), ``model column`` for the documents.

        Cached with the registry: the schema changes only when modules are
        installed, which loads a new one."""
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        references = []
        for table, column in sorted(Wizard._get_fk_on("res_partner")):
            if table.startswith(SKIPPED_TABLE_PREFIXES):
                continue
            columns = self._columns(table)
            if "id" in columns:
                references.append((table, column, None, None))
            elif len(columns) == 2:
                other = next(name for name in columns if name != column)
                references.append((table, column, None, other))
        for table, model_column in REFERENCE_TABLES:
            if sql.table_exists(self.env.cr, table):
                references.append((table, "res_id", model_column, None))
        return tuple(references)

    @api.model
    def _columns(self, table):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _find_references(self, src_ids):
        """Every reference to the absorbed partners, in one query:
        ``{reference: [(row id or other column's value, partner id)]}``."""
        references = self._partner_references()
        selects = []
        for index, (table, column, model_column, other) in enumerate(references):
            condition = SQL("%s = ANY(%s)", SQL.identifier(column), src_ids)
            if model_column:
                condition = SQL(
                    "%s AND %s = 'res.partner'", condition, SQL.identifier(model_column)
                )
            if table == "res_partner":
                # (The absorbed partners themselves stay as they are.)
                condition = SQL("%s AND id != ALL(%s)", condition, src_ids)
            selects.append(
                SQL(
                    "SELECT %s AS reference, %s AS row_id, %s AS partner_id "
                    "FROM %s WHERE %s",
                    index,
                    SQL.identifier(other or "id"),
                    SQL.identifier(column),
                    SQL.identifier(table),
                    condition,
                )
            )
        found = {}
        rows = self.env.execute_query(
            SQL("%s ORDER BY 1, 2, 3", SQL(" UNION ALL ").join(selects))
        )
        for index, row_id, partner_id in rows:
            found.setdefault(references[index], []).append((row_id, partner_id))
        return found

    @api.model
    def _repoint(self, src_ids, dst_id):
        """Re-point every reference to the absorbed partners to the survivor;
        return the lines of the trail."""
        lines = []
        for reference, rows in self._find_references(src_ids).items():
            table, column, model_column, other = reference
            if other:
                lines += self._repoint_pairs(table, column, other, rows, dst_id)
            else:
                lines += self._repoint_rows(table, column, model_column, rows, dst_id)
        return lines

    @api.model
    def _repoint_rows(self, table, column, model_column, rows, dst_id):
        """Re-point the ``rows`` (id, absorbed partner) of ``table`` (with an
        ``id``) to the survivor: all at once, or, when a unique constraint
        refuses that, one by one, dropping (and writing down) the rows that
        cannot move."""

        def line(row_id, partner_id, action, values=None):
            return {
                "table_name": table,
                "column_name": column,
                "model_column": model_column,
                "record_id": row_id,
                "absorbed_id": partner_id,
                "action": action,
                "values": values,
            }

        def update(row_ids):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = ANY(%s)",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    dst_id,
                    row_ids,
                )
            )

        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                update([row_id for row_id, _p in rows])
        except psycopg2.IntegrityError:
            # A unique constraint refuses some: they move one by one.
            return self._repoint_one_by_one(table, rows, update, line)
        return [line(row_id, partner_id, "repointed") for row_id, partner_id in rows]

    @api.model
    def _repoint_one_by_one(self, table, rows, update, line):
        lines = []
        for row_id, partner_id in rows:
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                    update([row_id])
                lines.append(line(row_id, partner_id, "repointed"))
            except psycopg2.IntegrityError:
                # Kept nowhere else (the survivor has the same already): dropped,
                # with its values, for the undo.
                values = self.env.execute_query(
                    SQL(
                        "SELECT to_jsonb(t) FROM %s t WHERE id = %s",
                        SQL.identifier(table),
                        row_id,
                    )
                )[0][0]
                extra = self._dependent_rows(table, row_id)
                self.env.cr.execute(
                    SQL("DELETE FROM %s WHERE id = %s", SQL.identifier(table), row_id)
                )
                lines.append(
                    line(
                        row_id,
                        partner_id,
                        "dropped",
                        {"row": values, "dependents": extra},
                    )
                )
        return lines

    @api.model
    @tools.ormcache("table")
    def _relation_tables_of(self, table):
        """The relation tables (no ``id``) with a foreign key to ``table``,
        ``((table, column), ...)``; cached with the registry, as
        :meth:`_partner_references`."""
        return tuple(
            (rel_table, rel_column)
            for rel_table, rel_column in sorted(
                self.env["base.partner.merge.automatic.wizard"]._get_fk_on(table)
            )
            if "id" not in self._columns(rel_table)
        )

    @api.model
    def _dependent_rows(self, table, row_id):
        """The rows of relation tables that a deleted row takes with it
        (``ON DELETE CASCADE`` many2many rows, e.g. a follower's subtypes)."""
        dependents = []
        for rel_table, rel_column in self._relation_tables_of(table):
            rows = self.env.execute_query(
                SQL(
                    "SELECT to_jsonb(t) FROM %s t WHERE %s = %s",
                    SQL.identifier(rel_table),
                    SQL.identifier(rel_column),
                    row_id,
                )
            )
            dependents += [{"table": rel_table, "row": row[0]} for row in rows]
        return dependents

    @api.model
    def _repoint_pairs(self, table, column, other, pairs, dst_id):
        """Re-point the ``pairs`` (other column's value, absorbed partner) of a
        relation table (no ``id``): the pairs the survivor has already are
        dropped (and written down)."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                sorted({partner_id for _value, partner_id in pairs}),
            )
        )
        inserted = {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "INSERT INTO %(table)s (%(column)s, %(other)s) "
                    "SELECT %(dst)s, value FROM unnest(%(values)s) AS value "
                    "ON CONFLICT DO NOTHING RETURNING %(other)s",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    other=SQL.identifier(other),
                    dst=dst_id,
                    values=sorted({value for value, _p in pairs}),
                )
            )
        }
        lines = []
        for value, partner_id in sorted(pairs, key=lambda pair: (pair[1], pair[0])):
            action = "repointed" if value in inserted else "dropped"
            inserted.discard(value)  # a second absorbed partner's pair: dropped
            lines.append(
                {
                    "table_name": table,
                    "column_name": column,
                    "other_column": other,
                    "record_id": value,
                    "absorbed_id": partner_id,
                    "action": action,
                }
            )
        return lines

    # ------------------------------------------------------------------
    # Undo
    # ------------------------------------------------------------------

    def action_undo(self):
        """Bring the merged customers back with their values, and their
        records back to them."""
        require_primary(self.env.cr, "an undo of a merge")
        self._check_merge_rights()
        self.check_access("read")
        for merge in self:
            if merge.state != "done":
                raise UserError(self.env._("Only a done merge can be undone."))
            if not merge.can_undo:
                raise UserError(
                    self.env._(
                        "The undo period of this merge ended on %(date)s.",
                        date=merge.undo_deadline,
                    )
                )
            survivor = merge.sudo().partner_id
            if not survivor.active or survivor.crm_merged_into_id:
                raise UserError(
                    self.env._(
                        "%(partner)s was merged or archived since: undo that first.",
                        partner=survivor.display_name,
                    )
                )
            merge._undo()
        return True

    def _undo(self):
        self.ensure_one()
        merge = self.sudo()
        env = merge.env
        env.flush_all()
        survivor = merge.partner_id.with_context(**MERGING_PARTNERS.context())
        absorbed = merge.absorbed_partner_ids.with_context(**MERGING_PARTNERS.context())
        failed = 0
        for line in merge.line_ids.sorted("id", reverse=True):
            try:
                with mute_logger("odoo.sql_db"), env.cr.savepoint(flush=False):
                    line._undo(survivor.id)
            except psycopg2.Error:
                failed += 1
        env.invalidate_all()
        absorbed.write({"active": True, "crm_merged_into_id": False})
        if merge.survivor_values:
            survivor.write(merge._survivor_values_to_restore(survivor))
        merge.write(
            {
                "state": "undone",
                "undone_by_id": self.env.uid,
                "undo_date": fields.Datetime.now(),
            }
        )
        message = self.env._(
            "The merge of %(partners)s into %(survivor)s was undone by %(user)s.",
            partners=", ".join(absorbed.mapped("display_name")),
            survivor=survivor.display_name,
            user=self.env.user.name,
        )
        if failed:
            message += " " + self.env._(
                "%(count)s records could not be put back (deleted since).",
                count=failed,
            )
        for record in [*(survivor | absorbed), merge]:
            record._message_log(body=message)

    def _survivor_values_to_restore(self, survivor):
        """The values the merge gave the survivor, as they were before it:
        only those nobody changed since (a later edit stays)."""
        values = {
            fname: change
            for fname, change in self.survivor_values.items()
            if fname in survivor._fields
        }
        current = json.loads(
            json.dumps(survivor.read(list(values), load=None)[0], default=str)
        )
        return {
            fname: before
            for fname, (before, after) in values.items()
            if current[fname] == after
        }

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------

    @api.model
    @exclusive_job
    def _cron_run_queued(self, batch_size=50):
        """Merge the queued merges, a batch at a time, committed after each
        batch, with the job's progress. Where OCA's queue_job is installed,
        each queued merge becomes one of its jobs instead (claimed when it
        runs: see :meth:`_claim_queued`)."""
        queued = self.search([("state", "=", "queued")], order="id")
        Cron = self.env["ir.cron"]
        if Cron._crm_queue_job_installed():
            for merge in queued:
                Cron._crm_queue_or_run(merge, "_run_queued")
            return
        done = 0
        for start in range(0, len(queued), batch_size):
            queued[start : start + batch_size]._run_queued()
            done += len(queued[start : start + batch_size])
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(queued) - done
            )
            if not is_testing():
                # A commit per batch: a large selection is merged in steps that
                # hold, and a failure loses one batch at most (what the job is
                # for; Odoo's own jobs with progress commit the same way).
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_purge(self):
        """The scheduled job: :meth:`_purge_expired` now, or as a queued job
        where OCA's queue_job is installed."""
        return self.env["ir.cron"]._crm_queue_or_run(self, "_purge_expired")

    @api.model
    @exclusive_job
    def _purge_expired(self):
        """After the undo period: the trail goes, and the merged customers with
        it (those that still cannot be deleted stay archived)."""
        expired = self.search(
            [("state", "=", "done"), ("undo_deadline", "<", fields.Datetime.now())]
        )
        for merge in expired:
            merge.line_ids.unlink()
            for partner in merge.absorbed_partner_ids:
                try:
                    with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                        partner.with_context(**MERGING_PARTNERS.context()).unlink()
                except (psycopg2.Error, UserError) as error:
                    _logger.info("merged partner %s kept: %s", partner.id, error)
            merge.write({"state": "purged", "survivor_values": False})


class CrmPartnerMergeLine(models.Model):
    _name = "crm.partner.merge.line"
    _description = "Record Re-pointed by a Customer Merge"
    _order = "id"

    merge_id = fields.Many2one(
        "crm.partner.merge", required=True, ondelete="cascade", index=True
    )
    table_name = fields.Char(string="Table", readonly=True)
    column_name = fields.Char(string="Column", readonly=True)
    # The column naming the model of the documents that name a partner by
    # model and id.
    model_column = fields.Char(readonly=True)
    # The other column of a relation table: record_id is then its value.
    other_column = fields.Char(readonly=True)
    record_id = fields.Integer(readonly=True)
    # Not a many2one: merges must not re-point their own trail.
    absorbed_id = fields.Integer(string="Merged Customer", readonly=True)
    action = fields.Selection(
        [("repointed", "Re-pointed"), ("dropped", "Dropped (conflict)")],
        readonly=True,
    )
    values = fields.Json(readonly=True)

    def _undo(self, survivor_id):
        """Put this record back on the merged customer (when it still points to
        the survivor: records changed since stay where they are)."""
        table = SQL.identifier(self.table_name)
        column = SQL.identifier(self.column_name)
        if self.other_column:
            other = SQL.identifier(self.other_column)
            if self.action == "repointed":
                self.env.cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = %s AND %s = %s",
                        table,
                        column,
                        survivor_id,
                        other,
                        self.record_id,
                    )
                )
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    table,
                    column,
                    other,
                    self.absorbed_id,
                    self.record_id,
                )
            )
            return
        if self.action == "repointed":
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = %s AND %s = %s",
                    table,
                    column,
                    self.absorbed_id,
                    self.record_id,
                    column,
                    survivor_id,
                )
            )
            return
        for entry in [{"table": self.table_name, "row": self.values["row"]}] + (
            self.values.get("dependents") or []
        ):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s SELECT * FROM jsonb_populate_record(NULL::%s, %s) "
                    "ON CONFLICT DO NOTHING",
                    SQL.identifier(entry["table"]),
                    SQL.identifier(entry["table"]),
                    json.dumps(entry["row"]),
                )
            )
