"""Merges of duplicate customers with a trail and an undo.

Odoo's merge wizard re-points every reference to the absorbed partners and
deletes them for good; on a unique-constraint conflict it deletes the
conflicting related records without a word. A merge here moves at least what
Odoo's wizard moves (see :meth:`CrmPartnerMerge._references`): foreign keys,
the documents that name a partner by model and id, stored Reference fields,
company-dependent values and ``ir.default`` values that point to a partner, and
bank accounts (duplicate accounts merged first), and fills in the surviving
customer's values with Odoo's own step (``_update_values``). It writes down
every record it moved; a record the survivor has already (the same follower,
the same tag) is not deleted but stays with the merged customer. The merged
customers are kept archived, without match keys, and the merge can be undone
within the company's undo period. After it a job purges the trail and deletes
the merged customers.

Who may merge what, the survivor's registration and the clean-up after a merge
are the partner's merge rules (``res_partner_merge.py``), which Odoo's wizard
obeys too.

Odoo's own steps for the moves (``_update_foreign_keys``,
``_update_reference_fields``, ``_merge_bank_accounts``) are not called: they
delete what conflicts and do not say what they moved, and an undo needs both.
Its list of foreign keys (``_get_fk_on``) and its step for the survivor's
values (``_update_values``) are; a test checks on generated cases that this
merge points at least every row Odoo's steps point to the survivor.

The moves are set-based SQL (one statement per table, not a write per record):
Odoo's wizard writes the same columns in SQL, and a merge of 50 customers with
thousands of documents must not load them. What the ORM caches is invalidated
after each merge and undo, and the stored fields Odoo recomputes after its own
merge (``partner_share``) are recomputed here too.
"""

import json
import logging
from collections import defaultdict, namedtuple
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_datetime, mute_logger, sql

from .. import compat
from ..tools.primary import require_primary
from ..tools.server_context import MERGING_PARTNERS
from .crm_guarded_field_mixin import SALES_ADMIN
from .ir_cron import exclusive_job
from .res_partner_lifecycle import LIFECYCLE_FIELDS
from .res_partner_merge import SURVIVOR_RULES

_logger = logging.getLogger(__name__)

# The merge's own tables and Odoo's wizard's are never re-pointed.
SKIPPED_TABLE_PREFIXES = ("crm_partner_merge", "base_partner_merge_")
# Documents that stay with their record: the files of its binary fields (its
# picture), which Odoo's wizard does not move either (attachments are searched
# without them).
DOCUMENTS_LEFT = {"ir_attachment": SQL("res_field IS NULL")}

# How a table refers to a record (a partner, or a bank account):
FK = "fk"  # a many2one column of a table with an id
PAIR = "pair"  # a column of a relation table (two columns, no id)
DOCUMENT = "document"  # a document naming it by model and id (res_model, res_id)
REFERENCE = "reference"  # a stored Reference field: 'res.partner,42'
COMPANY_DEPENDENT = "company_dependent"  # {"company id": 42} (jsonb)
DEFAULT = "default"  # ir.default of a company-dependent many2one: '42'
KINDS = [
    (FK, "Field"),
    (PAIR, "Relation"),
    (DOCUMENT, "Document"),
    (REFERENCE, "Reference field"),
    (COMPANY_DEPENDENT, "Value per company"),
    (DEFAULT, "Default value"),
]

# table, column, and what the kind needs: the other column of a relation table
# (``other``, and whether it refers to the same model: ``self_relation``), the
# model column of a document (``model_column``).
Reference = namedtuple(
    "Reference", "kind table column other model_column self_relation"
)


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
    # Technical: the highest partner id when the merge was done; customers
    # registered since have higher ones (see _flag_registered_meanwhile).
    last_partner_id = fields.Integer(string="Last Partner at Merge", readonly=True)
    undo_deadline = fields.Datetime(string="Undo Until", readonly=True)
    undone_by_id = fields.Many2one("res.users", readonly=True)
    undo_date = fields.Datetime(string="Undone On", readonly=True)
    # The surviving customer's values the merge changed:
    # {field: [value before, value after the merge]}; a company-dependent
    # field's values are those of every company ({company id: value}).
    survivor_values = fields.Json(readonly=True)
    # The salespeople the merge gave the merged customers' contacts, moved
    # under the survivor: {contact id: [salesperson id before, after]}.
    contact_salespeople = fields.Json(readonly=True)
    line_ids = fields.One2many(
        "crm.partner.merge.line", "merge_id", string="Moved Records", readonly=True
    )
    kept_count = fields.Integer(compute="_compute_line_counts")
    repointed_count = fields.Integer(compute="_compute_line_counts")
    can_undo = fields.Boolean(compute="_compute_can_undo")

    @api.depends("partner_id", "absorbed_partner_ids")
    @api.depends_context("lang")
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
            merge.kept_count = counts.get((merge.id, "kept"), 0) + counts.get(
                (merge.id, "dropped"), 0
            )

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
    def _check_companies_of_moves(self, rows):
        """Refuse a merge, or an undo, that would move documents of a company
        the user does not work in: a customer shared by all companies has
        orders, invoices, opportunities... in each, and merging it (or undoing
        its merge) re-points them all, seen or not. Only a user of every
        company concerned does that. The refusal names the kinds of
        documents, not the companies' records.

        :param rows: ``{table: row ids}`` of the records moved (rows of tables
            whose model has a company; others are left out)
        """
        Company = self.env["res.company"].sudo()
        allowed = self.env.user.company_ids
        if not rows or not Company.search_count([("id", "not in", allowed.ids)]):
            return
        tables = self._company_tables()
        selects = [
            SQL(
                "(SELECT %s FROM %s WHERE id = ANY(%s) AND company_id IS NOT NULL "
                "AND company_id != ALL(%s) LIMIT 1)",
                table,
                SQL.identifier(table),
                sorted(ids),
                allowed.ids,
            )
            for table, ids in sorted(rows.items())
            if ids and table in tables
        ]
        if not selects:
            return
        found = self.env.execute_query(SQL(" UNION ALL ").join(selects))
        if found:
            raise UserError(
                self.env._(
                    "These customers have documents of companies you do not work "
                    "in (%(documents)s): only a user of every company concerned "
                    "may merge them or undo their merge.",
                    documents=self.env._(", ").join(
                        self.env["ir.model"]._get(tables[table]).name
                        for (table,) in found
                    ),
                )
            )

    @api.model
    def _company_tables(self):
        """``{table: model}`` of the models whose records belong to a company
        (a stored ``company_id``)."""
        return {
            model._table: name
            for name, model in self.env.registry.items()
            if not model._abstract
            and model._auto
            and not model._table_query
            and (field := model._fields.get("company_id"))
            and field.store
            and field.type == "many2one"
            and field.comodel_name == "res.company"
        }

    @api.model
    def _moved_rows(self, src_ids):
        """``{table: row ids}`` of the records (with an id) a merge of the
        partners ``src_ids`` would re-point (:meth:`_find_references`)."""
        rows = defaultdict(set)
        for ref, found in self._find_references("res.partner", src_ids).items():
            if ref.kind in (FK, REFERENCE):
                rows[ref.table].update(row_id for row_id, _s, _c in found)
        return rows

    @api.model
    def _plan(self, groups, survivor_rule, keep_registration="earliest"):
        """Queue one merge per group, checked now by the merge rules.

        :param groups: ``[(partners, chosen survivor or None)]``
        :return: the queued merges
        """
        require_primary(self.env.cr, "a merge")
        self._check_merge_rights()
        if not groups:
            raise UserError(self.env._("Select at least one group of customers."))
        seen = self.env["res.partner"]
        vals_list = []
        for partners, chosen in groups:
            # (Checked as the user who plans, whatever env they came with.)
            partners = partners.with_env(self.env).with_context(active_test=False)
            chosen = chosen and chosen.with_env(self.env)
            if seen & partners:
                raise UserError(
                    self.env._(
                        "A customer cannot be merged in two groups at once: "
                        "%(partners)s.",
                        partners=self.env._(", ").join(
                            (seen & partners).mapped("display_name")
                        ),
                    )
                )
            seen |= partners
            proposed = partners.exists()._crm_propose_survivor(survivor_rule)
            survivor = chosen or proposed
            partners._crm_check_merge(survivor)
            vals_list.append(
                {
                    "partner_id": survivor.id,
                    "absorbed_partner_ids": [
                        fields.Command.set((partners - survivor).ids)
                    ],
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
        # (Given with its views: a notification's next action is not
        # completed by the server as a button's action is.)
        if len(self) == 1:
            return dict(
                action, res_id=self.id, view_mode="form", views=[(False, "form")]
            )
        return dict(
            action,
            view_mode="list,form",
            views=[(False, "list"), (False, "form")],
            domain=[("id", "in", self.ids)],
        )

    def action_open_absorbed(self):
        """The merged customers (archived while the merge can be undone)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merged Customers"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", self.absorbed_partner_ids.ids)],
            "context": {"active_test": False},
        }

    def _notify(self, message, kind="success"):
        """A short notification, then the merges."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "next": self._action_open(),
            },
        }

    def _done_message(self):
        done = self.filtered(lambda merge: merge.state == "done")
        failed = self - done
        if len(done) == 1 and not failed:
            return self.env._(
                "Merged into %(survivor)s: %(partners)s. Undo it until %(date)s "
                "from the merge or from a merged customer.",
                partners=self.env._(", ").join(
                    done.absorbed_partner_ids.mapped("display_name")
                ),
                survivor=done.partner_id.display_name,
                date=format_datetime(self.env, done.undo_deadline),
            )
        message = self.env._("%(count)s merges done.", count=len(done))
        if failed:
            message += " " + self.env._(
                "%(count)s failed: see why in Customer Merges.", count=len(failed)
            )
        return message

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
                    # As the user who asked for it, in their language (the
                    # notes the merge writes are theirs).
                    merge.with_context(
                        lang=merge.sudo().user_id.lang or self.env.lang
                    )._merge()
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
        (survivor | absorbed).with_env(asker.env)._crm_check_merge(
            survivor.with_env(asker.env)
        )
        env = self.env(su=True)
        env.flush_all()
        src_ids, dst_id = absorbed.ids, survivor.id
        fnames = self._survivor_fields(survivor)
        before = survivor.read(fnames, load=None)[0]
        before_per_company = self._company_dependent_values(dst_id)
        registration = (
            (survivor | absorbed)._crm_earliest_registration()
            if merge.keep_registration == "earliest"
            else None
        )
        contacts = absorbed._crm_merged_contacts()
        survivor = survivor.with_env(env).with_context(**MERGING_PARTNERS.context())
        absorbed = absorbed.with_env(env).with_context(**MERGING_PARTNERS.context())
        # The survivor's values first, with Odoo's own step, then the moves:
        # what Odoo computes from the customer of a document (an invoice's
        # partner name) stays as it was on the moved documents, and an undo
        # finds them as they were.
        wizard = env["base.partner.merge.automatic.wizard"].with_context(
            **MERGING_PARTNERS.context()
        )
        wizard._update_values(absorbed, survivor)
        env.flush_all()
        lines, merged_accounts = self._merge_bank_accounts(src_ids, dst_id)
        lines += self._move_references(
            "res.partner",
            src_ids,
            dst_id,
            stay={
                "res_partner_bank": merged_accounts,
                "crm_lead_contact_role": self._staying_committee_members(
                    src_ids, dst_id
                ),
            },
        )
        self._merge_company_dependent_values(src_ids, dst_id)
        env.invalidate_all()
        # Their users moved: who is a portal partner, as Odoo's wizard recomputes.
        (survivor | absorbed).modified(["user_ids"])
        absorbed.write({"active": False, "crm_merged_into_id": survivor.id})
        survivor._crm_after_merge(absorbed, registration, merge)
        # The merged customers' contacts, under the survivor now, take its
        # salesperson (as Odoo's wizard's do); the undo gives theirs back.
        followed = survivor.browse(list(contacts))._crm_follow_company_salesperson(
            contacts
        )
        env.flush_all()
        after = survivor.read(fnames, load=None)[0]
        changed = {
            fname: [before[fname], after[fname]]
            for fname in fnames
            if before[fname] != after[fname]
        }
        after_per_company = self._company_dependent_values(dst_id)
        changed.update(
            {
                fname: [before_per_company[fname], after_per_company[fname]]
                for fname in after_per_company
                if before_per_company[fname] != after_per_company[fname]
            }
        )
        self.env["crm.partner.merge.line"].sudo().create(
            [dict(line, merge_id=merge.id) for line in lines]
        )
        # (A shared customer's merge: the period of the company the user
        # merged it in, also when the job merges it.)
        deadline = fields.Datetime.now() + timedelta(
            days=(survivor.company_id or asker.env.company).crm_merge_undo_days
        )
        merge.write(
            {
                "state": "done",
                "survivor_values": json.loads(json.dumps(changed, default=str)),
                "contact_salespeople": {
                    str(contact_id): list(change)
                    for contact_id, change in followed.items()
                },
                "merge_date": fields.Datetime.now(),
                "last_partner_id": self.env.execute_query(
                    SQL("SELECT max(id) FROM res_partner")
                )[0][0],
                "undo_deadline": deadline,
            }
        )

    @api.model
    def _survivor_fields(self, survivor):
        """The fields of the surviving customer a merge may change: those Odoo's
        wizard fills in (stored, neither computed nor x2many) and the computed
        fields it is given too (``res.partner._crm_merged_computed_fields``:
        the salesperson, a key field),
        the registration among them; company-dependent ones are read per
        company (:meth:`_company_dependent_values`)."""
        key_inputs = set(survivor._crm_merged_computed_fields())
        return [
            fname
            for fname, field in survivor._fields.items()
            if field.store
            and field.type not in ("many2many", "one2many")
            and (field.compute is None or fname in key_inputs)
            and not field.company_dependent
            and fname not in models.MAGIC_COLUMNS
            and fname != "id"
        ]

    @api.model
    def _company_dependent_fields(self):
        Partner = self.env["res.partner"]
        return sorted(
            fname
            for fname, field in Partner._fields.items()
            if field.company_dependent and field.store
        )

    @api.model
    def _company_dependent_values(self, partner_id):
        """``{field: {company id: value}}`` of a partner's company-dependent
        fields, as stored (one query)."""
        fnames = self._company_dependent_fields()
        if not fnames:
            return {}
        row = self.env.execute_query(
            SQL(
                "SELECT %s FROM res_partner WHERE id = %s",
                SQL(", ").join(SQL.identifier(fname) for fname in fnames),
                partner_id,
            )
        )[0]
        return dict(zip(fnames, row, strict=True))

    @api.model
    def _merge_company_dependent_values(self, src_ids, dst_id):
        """The merged customers' values per company fill in the survivor's
        where it has none (Odoo's wizard does the same after its moves); one
        statement."""
        fnames = self._company_dependent_fields()
        if not fnames:
            return
        # A later merged customer's value wins, the survivor's own above all.
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s WHERE id = %s",
                SQL(", ").join(
                    SQL(
                        "%(column)s = COALESCE("
                        "(SELECT jsonb_object_agg(e.key, e.value ORDER BY s.id) "
                        "FROM res_partner s, jsonb_each(s.%(column)s) e "
                        "WHERE s.id = ANY(%(src)s)) "
                        "|| COALESCE(res_partner.%(column)s, '{}'::jsonb), "
                        "res_partner.%(column)s)",
                        column=SQL.identifier(fname),
                        src=src_ids,
                    )
                    for fname in fnames
                ),
                dst_id,
            )
        )

    # ------------------------------------------------------------------
    # References
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache("model_name")
    def _references(self, model_name):
        """Where records of ``model_name`` are referenced: every place Odoo's
        merge wizard moves, as :class:`Reference` tuples.

        - foreign keys to its table (the wizard's own list, the merges' own
          tables left out): a column of a table with an id, or of a relation
          table;
        - documents that name a record by model and id: every stored
          many2one_reference field (the messages, activities, followers,
          attachments and external ids Odoo's wizard lists among them);
        - stored Reference fields;
        - company-dependent many2one fields to it (values per company), and
          their default values (``ir.default``).

        Cached with the registry: the schema changes only when modules are
        installed, which loads a new one."""
        Model = self.env[model_name]
        Wizard = self.env["base.partner.merge.automatic.wizard"]
        fk_columns = defaultdict(set)
        found = sorted(Wizard._get_fk_on(Model._table))
        for table, column in found:
            fk_columns[table].add(column)
        references = []
        for table, column in found:
            if table.startswith(SKIPPED_TABLE_PREFIXES):
                continue
            columns = self._columns(table)
            if "id" in columns:
                references.append(Reference(FK, table, column, None, None, False))
            elif len(columns) == 2:
                other = next(name for name in columns if name != column)
                references.append(
                    Reference(
                        PAIR, table, column, other, None, other in fk_columns[table]
                    )
                )
        for model in self.env.registry.values():
            if model._abstract or not model._auto or model._table_query:
                continue
            for fname, field in model._fields.items():
                if not field.store or field.compute is not None:
                    continue
                if field.type == "many2one_reference" and field.model_field:
                    model_field = model._fields.get(field.model_field)
                    if model_field and model_field.store:
                        references.append(
                            Reference(
                                DOCUMENT,
                                model._table,
                                fname,
                                None,
                                field.model_field,
                                False,
                            )
                        )
                elif field.type == "reference":
                    references.append(
                        Reference(REFERENCE, model._table, fname, None, None, False)
                    )
        for field in self.env.registry.many2one_company_dependents[model_name]:
            references.append(
                Reference(
                    COMPANY_DEPENDENT,
                    self.env[field.model_name]._table,
                    field.name,
                    None,
                    None,
                    False,
                )
            )
        references.append(
            Reference(DEFAULT, "ir_default", "json_value", None, None, False)
        )
        return tuple(
            reference
            for reference in references
            if sql.table_exists(self.env.cr, reference.table)
        )

    @api.model
    def _columns(self, table):
        """The columns of ``table`` (Odoo's reading of the schema)."""
        return list(sql.table_columns(self.env.cr, table))

    @api.model
    def _find_references(self, model_name, src_ids):
        """Every reference to the records ``src_ids`` of ``model_name``, in one
        query: ``{reference: [(row id or other column's value, source id,
        company key or None)]}``."""
        references = self._references(model_name)
        texts = [str(src_id) for src_id in src_ids]
        table = self.env[model_name]._table
        selects = []
        for index, ref in enumerate(references):
            column = SQL.identifier(ref.table, ref.column)
            if ref.kind in (FK, PAIR):
                condition = SQL("%s = ANY(%s)", column, src_ids)
                if ref.table == table:
                    # (The merged records themselves stay as they are.)
                    condition = SQL(
                        "%s AND %s != ALL(%s)",
                        condition,
                        SQL.identifier(ref.table, "id"),
                        src_ids,
                    )
                row = SQL.identifier(ref.table, ref.other or "id")
                selects.append(
                    SQL(
                        "SELECT %s, %s, %s, NULL::varchar FROM %s WHERE %s",
                        index,
                        row,
                        column,
                        SQL.identifier(ref.table),
                        condition,
                    )
                )
            elif ref.kind == DOCUMENT:
                selects.append(
                    SQL(
                        "SELECT %s, id, %s, NULL::varchar FROM %s "
                        "WHERE %s = ANY(%s) AND %s = %s AND %s",
                        index,
                        column,
                        SQL.identifier(ref.table),
                        column,
                        src_ids,
                        SQL.identifier(ref.table, ref.model_column),
                        model_name,
                        DOCUMENTS_LEFT.get(ref.table, SQL("TRUE")),
                    )
                )
            elif ref.kind == REFERENCE:
                selects.append(
                    SQL(
                        "SELECT %s, id, split_part(%s, ',', 2)::int, NULL::varchar "
                        "FROM %s WHERE %s = ANY(%s)",
                        index,
                        column,
                        SQL.identifier(ref.table),
                        column,
                        [f"{model_name},{src_id}" for src_id in src_ids],
                    )
                )
            elif ref.kind == COMPANY_DEPENDENT:
                selects.append(
                    SQL(
                        "SELECT %s, t.id, e.value::int, e.key::varchar "
                        "FROM %s t, jsonb_each_text(t.%s) e "
                        "WHERE t.%s IS NOT NULL AND e.value = ANY(%s)",
                        index,
                        SQL.identifier(ref.table),
                        SQL.identifier(ref.column),
                        SQL.identifier(ref.column),
                        texts,
                    )
                )
            elif ref.kind == DEFAULT:
                selects.append(
                    SQL(
                        "SELECT %s, d.id, d.json_value::int, NULL::varchar "
                        "FROM ir_default d JOIN ir_model_fields f ON f.id = d.field_id "
                        "WHERE f.company_dependent AND f.ttype = 'many2one' "
                        "AND f.relation = %s AND d.json_value = ANY(%s)",
                        index,
                        model_name,
                        texts,
                    )
                )
        found = {}
        rows = self.env.execute_query(
            SQL("%s ORDER BY 1, 2, 3, 4", SQL(" UNION ALL ").join(selects))
        )
        for index, row_id, source_id, company in rows:
            found.setdefault(references[index], []).append((row_id, source_id, company))
        return found

    @api.model
    def _staying_committee_members(self, src_ids, dst_id):
        """The buying committee members of the merged contacts that stay with
        them: a contact is in a committee once, so a member moves only to an
        opportunity where the survivor is not a member yet (one per
        opportunity: the primary one, else the first)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM (
                    SELECT r.id,
                           row_number() OVER (
                               PARTITION BY r.lead_id
                               ORDER BY r.is_primary DESC NULLS LAST, r.id
                           ) AS number,
                           EXISTS (SELECT 1 FROM crm_lead_contact_role d
                                    WHERE d.lead_id = r.lead_id
                                      AND d.partner_id = %s) AS taken
                      FROM crm_lead_contact_role r
                     WHERE r.partner_id = ANY(%s)
                ) members
                 WHERE taken OR number > 1
                """,
                dst_id,
                list(src_ids),
            )
        )
        return {row[0] for row in rows}

    @api.model
    def _move_references(self, model_name, src_ids, dst_id, stay=None):
        """Move every reference to the records ``src_ids`` of ``model_name`` to
        ``dst_id``; return the lines of the trail.

        :param stay: ``{table: row ids}`` that stay where they are (the bank
            accounts merged into another one)
        """
        stay = stay or {}
        lines = []
        for ref, rows in self._find_references(model_name, src_ids).items():

            def line(row_id, source_id, action, company=None, ref=ref):
                return {
                    "kind": ref.kind,
                    "table_name": ref.table,
                    "column_name": ref.column,
                    "model_column": ref.model_column,
                    "other_column": ref.other,
                    "referenced_model": model_name,
                    "record_id": row_id,
                    "absorbed_id": source_id,
                    "target_id": dst_id,
                    "company_key": company,
                    "action": action,
                }

            if ref.kind == PAIR:
                moved = self._move_pairs(ref, rows, dst_id)
                lines += [
                    line(
                        value,
                        source_id,
                        "repointed" if (value, source_id) in moved else "kept",
                    )
                    for value, source_id, _company in rows
                ]
            elif ref.kind == COMPANY_DEPENDENT:
                self._move_company_dependent(ref, rows, src_ids, dst_id)
                lines += [
                    line(row_id, source_id, "repointed", company)
                    for row_id, source_id, company in rows
                ]
            else:
                if ref.kind == DEFAULT:
                    # (Odoo caches the defaults: read again after the move.)
                    self.env.registry.clear_cache()
                staying = stay.get(ref.table, set()) if ref.kind == FK else set()
                kept = staying | self._move_rows(
                    ref,
                    [row for row in rows if row[0] not in staying],
                    model_name,
                    dst_id,
                )
                lines += [
                    line(
                        row_id,
                        source_id,
                        "kept" if row_id in kept else "repointed",
                    )
                    for row_id, source_id, _company in rows
                ]
        return lines

    @api.model
    def _new_value(self, ref, model_name, record_id):
        if ref.kind == REFERENCE:
            return f"{model_name},{record_id}"
        if ref.kind == DEFAULT:
            return str(record_id)
        return record_id

    @api.model
    def _move_rows(self, ref, rows, model_name, dst_id):
        """Point the ``rows`` (id, source, _) of a table with an id to
        ``dst_id``: all at once, or, when a unique constraint refuses that,
        one by one. Return the ids of the rows that could not move (the
        survivor has their like already): they stay where they are."""
        if not rows:
            return set()
        value = self._new_value(ref, model_name, dst_id)

        def update(row_ids):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = ANY(%s)",
                    SQL.identifier(ref.table),
                    SQL.identifier(ref.column),
                    value,
                    row_ids,
                )
            )

        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                update([row_id for row_id, _s, _c in rows])
        except psycopg2.IntegrityError:
            kept = set()
            for row_id, _source, _company in rows:
                try:
                    with (
                        mute_logger("odoo.sql_db"),
                        self.env.cr.savepoint(flush=False),
                    ):
                        update([row_id])
                except psycopg2.IntegrityError:
                    kept.add(row_id)
            return kept
        return set()

    @api.model
    def _move_pairs(self, ref, rows, dst_id):
        """Point the pairs of a relation table to ``dst_id``, in one statement:
        a pair the survivor has already, or would have with itself, stays with
        the merged record. Return the moved ``{(other value, source)}``."""
        sources = sorted({source_id for _v, source_id, _c in rows})
        moved = self.env.execute_query(
            SQL(
                """
                UPDATE %(table)s t SET %(column)s = %(dst)s
                  FROM (SELECT DISTINCT ON (s.%(other)s) s.%(column)s AS source,
                               s.%(other)s AS value
                          FROM %(table)s s
                         WHERE s.%(column)s = ANY(%(sources)s)
                           AND %(not_self)s
                           AND NOT EXISTS (
                               SELECT 1 FROM %(table)s d
                                WHERE d.%(column)s = %(dst)s
                                  AND d.%(other)s = s.%(other)s)
                         ORDER BY s.%(other)s, s.%(column)s) pick
                 WHERE t.%(column)s = pick.source AND t.%(other)s = pick.value
             RETURNING pick.value, pick.source
                """,
                table=SQL.identifier(ref.table),
                column=SQL.identifier(ref.column),
                other=SQL.identifier(ref.other),
                dst=dst_id,
                sources=sources,
                not_self=SQL("s.%s != %s", SQL.identifier(ref.other), dst_id)
                if ref.self_relation
                else SQL("TRUE"),
            )
        )
        return {tuple(row) for row in moved}

    @api.model
    def _move_company_dependent(self, ref, rows, src_ids, dst_id):
        """Point the values per company of a company-dependent field that name
        a source to ``dst_id`` (as Odoo's wizard does, on the rows found)."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s SET %(column)s = (
                    SELECT jsonb_object_agg(
                               e.key,
                               CASE WHEN e.value::text = ANY(%(texts)s)
                                    THEN to_jsonb(%(dst)s) ELSE e.value END)
                      FROM jsonb_each(%(column)s) e)
                 WHERE id = ANY(%(ids)s)
                """,
                table=SQL.identifier(ref.table),
                column=SQL.identifier(ref.column),
                texts=[json.dumps(src_id) for src_id in src_ids],
                dst=dst_id,
                ids=sorted({row_id for row_id, _s, _c in rows}),
            )
        )

    @api.model
    def _merge_bank_accounts(self, src_ids, dst_id):
        """Bank accounts, before the partners' references, as Odoo's wizard
        does: an account of a merged customer whose number the survivor has
        already (or a merged customer before it, in the order of their ids) is
        merged into that account: its references move to it, and it stays
        with the merged customer. The other accounts move to the survivor with
        its other references.

        :return: the lines of the trail, and the ids of the merged accounts
        """
        Bank = self.env["res.partner.bank"].sudo().with_context(active_test=False)
        accounts = Bank.search([("partner_id", "in", [dst_id, *src_ids])])
        if len(accounts) < 2:
            return [], set()
        by_number = {
            account.sanitized_acc_number: account
            for account in accounts
            if account.partner_id.id == dst_id
        }
        merged_into = defaultdict(list)
        for src_id in sorted(src_ids):
            for account in accounts.filtered(lambda a, p=src_id: a.partner_id.id == p):
                target = by_number.setdefault(account.sanitized_acc_number, account)
                if target != account:
                    merged_into[target.id].append(account.id)
        lines = []
        for target_id, account_ids in merged_into.items():
            lines += self._move_references("res.partner.bank", account_ids, target_id)
        return lines, {account_id for ids in merged_into.values() for account_id in ids}

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
                        date=format_datetime(self.env, merge.undo_deadline),
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
            if not self.env.su:
                merge._check_companies_of_moves(merge.sudo().line_ids._moved_rows())
            merge._undo()
        if len(self) == 1:
            message = self.env._(
                "Merge undone, back with their records: %(partners)s.",
                partners=self.env._(", ").join(
                    self.sudo().absorbed_partner_ids.mapped("display_name")
                ),
            )
        else:
            message = self.env._("%(count)s merges undone.", count=len(self))
        return self._notify(message)

    def _undo(self):
        self.ensure_one()
        merge = self.sudo()
        env = merge.env
        env.flush_all()
        survivor = merge.partner_id.with_context(**MERGING_PARTNERS.context())
        absorbed = merge.absorbed_partner_ids.with_context(**MERGING_PARTNERS.context())
        failed = merge.line_ids._undo_all(survivor.id)
        env.invalidate_all()
        (survivor | absorbed).modified(["user_ids"])
        absorbed.write({"active": True, "crm_merged_into_id": False})
        if merge.survivor_values:
            merge._restore_survivor_values(survivor)
        if merge.contact_salespeople:
            merge._restore_contact_salespeople()
        absorbed._crm_contacts_follow_lifecycle()
        merge._flag_registered_meanwhile()
        merge.write(
            {
                "state": "undone",
                "undone_by_id": self.env.uid,
                "undo_date": fields.Datetime.now(),
            }
        )
        message = self.env._(
            "The merge of %(partners)s into %(survivor)s was undone by %(user)s.",
            partners=self.env._(", ").join(absorbed.mapped("display_name")),
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

    def _flag_registered_meanwhile(self):
        """The customers an undo brings back held no keys while merged: one
        registered meanwhile with a key they hold passed the rules. The
        duplicate rules check them against the customers registered since the
        merge, and flag them for review with what they match, whatever the
        rule's action (an undo refuses nothing; what was there before the
        merge is left as it was)."""
        self.ensure_one()
        if not self.last_partner_id:
            return  # (merged before 1.7.15)
        matches = self.env["crm.duplicate.rule"]._find_matches(
            self.absorbed_partner_ids
        )
        to_flag = {}
        for partner, found in matches.items():
            for _rule, match in found:
                if match["id"] > self.last_partner_id:
                    to_flag.setdefault(partner, set()).add(match["id"])
        self.absorbed_partner_ids._flag_suspects(to_flag)

    def _restore_contact_salespeople(self):
        """The merged customers' contacts, moved back under them by the undo,
        take the salesperson they had before the merge gave them the
        survivor's: only those nobody gave another one since. One write per
        salesperson."""
        contacts = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .browse([int(contact_id) for contact_id in self.contact_salespeople])
            .exists()
        )
        back = defaultdict(list)
        for contact in contacts:
            before, after = self.contact_salespeople[str(contact.id)]
            if contact.user_id.id == (after or False):
                back[before or False].append(contact.id)
        for user_id, contact_ids in back.items():
            contacts.browse(contact_ids)._crm_system_write({"user_id": user_id})

    def _restore_survivor_values(self, survivor):
        """The values the merge gave the survivor, as they were before it:
        only those nobody changed since (a later edit stays)."""
        per_company = self._company_dependent_fields()
        values = {
            fname: change
            for fname, change in self.survivor_values.items()
            if fname in survivor._fields and fname not in per_company
        }
        current = json.loads(
            json.dumps(survivor.read(list(values), load=None)[0], default=str)
        )
        restore = {
            fname: before
            for fname, (before, after) in values.items()
            if current[fname] == after
        }
        # The lifecycle is its customer's, which Odoo copies onto its contacts
        # (a surviving contact among them): put back there.
        lifecycle = {
            fname: restore.pop(fname) for fname in LIFECYCLE_FIELDS if fname in restore
        }
        survivor.write(restore)
        if lifecycle:
            survivor.commercial_partner_id.write(lifecycle)
        stored = self._company_dependent_values(survivor.id)
        restore = {
            fname: before
            for fname, (before, after) in self.survivor_values.items()
            if fname in per_company and stored.get(fname) == after
        }
        if restore:
            survivor.flush_recordset(list(restore))
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET %s WHERE id = %s",
                    SQL(", ").join(
                        SQL(
                            "%s = %s::jsonb",
                            SQL.identifier(fname),
                            json.dumps(before) if before is not None else None,
                        )
                        for fname, before in restore.items()
                    ),
                    survivor.id,
                )
            )
            survivor.invalidate_recordset(list(restore))
            survivor.modified(list(restore))

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
            compat.cron_progress(self.env, done, len(queued) - done)
            # A large selection is merged in steps that hold, and a failure
            # loses one batch at most.
            self.env["ir.cron"]._crm_commit_batch()

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
            merge.write(
                {
                    "state": "purged",
                    "survivor_values": False,
                    "contact_salespeople": False,
                }
            )


class CrmPartnerMergeLine(models.Model):
    _name = "crm.partner.merge.line"
    _description = "Record Moved by a Customer Merge"
    _order = "id"

    merge_id = fields.Many2one(
        "crm.partner.merge", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(KINDS, readonly=True)
    table_name = fields.Char(string="Table", readonly=True)
    column_name = fields.Char(string="Column", readonly=True)
    # The column naming the model of a document (kind "document").
    model_column = fields.Char(readonly=True)
    # The other column of a relation table: record_id is then its value.
    other_column = fields.Char(readonly=True)
    # The model of the records moved from and to: res.partner, or
    # res.partner.bank for the references of a merged bank account.
    referenced_model = fields.Char(readonly=True, default="res.partner")
    record_id = fields.Integer(readonly=True)
    # Not many2ones: merges must not re-point their own trail.
    absorbed_id = fields.Integer(string="Merged Record", readonly=True)
    target_id = fields.Integer(string="Moved To", readonly=True)
    # The company of a value per company (kind "company_dependent").
    company_key = fields.Char(readonly=True)
    action = fields.Selection(
        [
            ("repointed", "Moved"),
            ("kept", "Stayed (the survivor has the same)"),
            ("dropped", "Dropped (conflict)"),
        ],
        readonly=True,
    )
    # A row a merge of an earlier version dropped, with its values.
    values = fields.Json(readonly=True)
    # What the line is about, as a user reads it.
    document_model = fields.Char(string="Document Type", compute="_compute_document")
    document_name = fields.Char(string="Document", compute="_compute_document")
    field_label = fields.Char(string="Field", compute="_compute_document")
    absorbed_name = fields.Char(string="From", compute="_compute_document")

    @api.depends(
        "table_name", "column_name", "other_column", "record_id", "absorbed_id"
    )
    @api.depends_context("uid", "lang")
    def _compute_document(self):
        """The moved document by its name and its model's label, for the user
        reading the trail: documents the user may not read are named by their
        model and number only."""
        tables = self._models_by_table()
        relations = self._relations_by_table()
        to_name = defaultdict(set)  # {model: {ids}}
        described = {}
        for line in self:
            field = relations.get(line.table_name) if line._kind() == PAIR else None
            if field:
                model, target_model, label = (
                    field.model_name,
                    field.comodel_name,
                    field._description_string(self.env),
                )
                # (A relation row: the record on its other side.)
                record_model = (
                    target_model if line.column_name == field.column1 else model
                )
            else:
                model = record_model = tables.get(line.table_name)
                field = model and self.env[model]._fields.get(line.column_name)
                # (The field's label in the reader's language.)
                label = (
                    field._description_string(self.env) if field else line.column_name
                )
                if line.kind == DEFAULT:
                    record_model = "ir.default"
            described[line] = (record_model, label)
            if record_model:
                to_name[record_model].add(line.record_id)
            to_name[line.referenced_model or "res.partner"].add(line.absorbed_id)
        names = {}
        for model_name, ids in to_name.items():
            if model_name not in self.env:
                continue
            records = self.env[model_name].browse(ids).exists()
            readable = records._filtered_access("read")
            for record in readable:
                names[model_name, record.id] = record.display_name
        for line in self:
            record_model, label = described[line]
            model_label = (
                self.env["ir.model"]._get(record_model).name
                if record_model in self.env
                else line.table_name
            )
            line.document_model = model_label
            line.field_label = label
            line.document_name = names.get((record_model, line.record_id)) or (
                self.env._("%(model)s #%(id)s", model=model_label, id=line.record_id)
            )
            line.absorbed_name = (
                names.get((line.referenced_model or "res.partner", line.absorbed_id))
                or f"#{line.absorbed_id}"
            )

    @api.model
    def _models_by_table(self):
        return {
            model._table: name
            for name, model in self.env.registry.items()
            if not model._abstract and model._auto and not model._table_query
        }

    @api.model
    def _relations_by_table(self):
        return {
            field.relation: field
            for model in self.env.registry.values()
            for field in model._fields.values()
            if field.type == "many2many" and field.store and not model._abstract
        }

    def _undo_all(self, survivor_id):
        """Put the moved records back, the last moved first; return how many
        could not be (deleted or changed since: they stay)."""
        failed = 0
        groups = defaultdict(lambda: self.browse())
        for line in self.sorted("id", reverse=True):
            if line.action == "kept":
                continue
            if line.action == "dropped":
                failed += line._undo_one(survivor_id)
                continue
            key = (
                line._kind(),
                line.table_name,
                line.column_name,
                line.other_column,
                line.referenced_model or "res.partner",
                line.target_id or survivor_id,
            )
            groups[key] |= line
        # In the reverse order of the merge: the partners' references first,
        # the merged bank accounts' (moved first) last. A table's rows at once,
        # else one by one.
        for (kind, *_rest), lines in groups.items():
            if kind == COMPANY_DEPENDENT or not lines._undo_rows_at_once(survivor_id):
                failed += sum(line._undo_one(survivor_id) for line in lines)
        if any(kind == DEFAULT for kind, *_rest in groups):
            # (Odoo caches the defaults: read again after the undo.)
            self.env.registry.clear_cache()
        return failed

    def _moved_rows(self):
        """``{table: row ids}`` of the records (with an id) these lines moved,
        which an undo moves back."""
        rows = defaultdict(set)
        for line in self:
            if line.action == "repointed" and line._kind() in (FK, REFERENCE):
                rows[line.table_name].add(line.record_id)
        return rows

    def _undo_rows_at_once(self, survivor_id):
        """:meth:`_undo_rows` in a savepoint; whether it could be done."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self._undo_rows(survivor_id)
        except psycopg2.Error:
            return False
        return True

    def _kind(self):
        """The kind of a line (lines of an earlier version have none)."""
        if self.kind:
            return self.kind
        if self.other_column:
            return PAIR
        return DOCUMENT if self.model_column else FK

    def _undo_rows(self, survivor_id):
        """Put back, in one statement, rows of one table moved from their
        sources to one target (when they still point to it)."""
        first = self[:1]
        kind = first._kind()
        model_name = first.referenced_model or "res.partner"
        target = first.target_id or survivor_id
        Merge = self.env["crm.partner.merge"]
        ref = Reference(kind, first.table_name, first.column_name, None, None, False)
        column = SQL.identifier(first.table_name, first.column_name)
        if kind == PAIR:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = v.source FROM unnest(%s::int[], %s::int[]) "
                    "AS v(value, source) WHERE %s = v.value AND %s = %s",
                    SQL.identifier(first.table_name),
                    SQL.identifier(first.column_name),
                    self.mapped("record_id"),
                    self.mapped("absorbed_id"),
                    SQL.identifier(first.table_name, first.other_column),
                    column,
                    target,
                )
            )
            return
        if kind in (FK, DOCUMENT):
            source = SQL("v.source")
        elif kind == REFERENCE:
            source = SQL("%s || ',' || v.source", model_name)
        else:
            source = SQL("v.source::varchar")
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET %s = %s FROM unnest(%s::int[], %s::int[]) "
                "AS v(id, source) WHERE %s = v.id AND %s = %s",
                SQL.identifier(first.table_name),
                SQL.identifier(first.column_name),
                source,
                self.mapped("record_id"),
                self.mapped("absorbed_id"),
                SQL.identifier(first.table_name, "id"),
                column,
                Merge._new_value(ref, model_name, target),
            )
        )

    def _undo_one(self, survivor_id):
        """Put this record back on the merged record, in its own savepoint;
        1 when it could not be, else 0."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self._undo_line(survivor_id)
        except psycopg2.Error:
            return 1
        return 0

    def _undo_line(self, survivor_id):
        """Put this record back on the merged record (when it still points to
        the target: records changed since stay where they are)."""
        kind = self._kind()
        table = SQL.identifier(self.table_name)
        column = SQL.identifier(self.column_name)
        target = self.target_id or survivor_id
        if kind == PAIR:
            other = SQL.identifier(self.other_column)
            if self.action == "repointed":
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s = %s WHERE %s = %s AND %s = %s",
                        table,
                        column,
                        self.absorbed_id,
                        column,
                        target,
                        other,
                        self.record_id,
                    )
                )
            else:  # dropped by an earlier version
                self.env.cr.execute(
                    SQL(
                        "INSERT INTO %s (%s, %s) VALUES (%s, %s) "
                        "ON CONFLICT DO NOTHING",
                        table,
                        column,
                        other,
                        self.absorbed_id,
                        self.record_id,
                    )
                )
            return
        if kind == COMPANY_DEPENDENT:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = jsonb_set(%s, ARRAY[%s], to_jsonb(%s)) "
                    "WHERE id = %s AND %s ->> %s = %s",
                    table,
                    column,
                    column,
                    self.company_key,
                    self.absorbed_id,
                    self.record_id,
                    column,
                    self.company_key,
                    str(target),
                )
            )
            return
        if self.action == "repointed":
            self._undo_rows(survivor_id)
            return
        # A row dropped by an earlier version: inserted again, with the rows of
        # relation tables it took with it.
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
