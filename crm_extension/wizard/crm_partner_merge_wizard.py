from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .. import compat
from ..models.res_partner_merge import SURVIVOR_RULES

# Selections up to this many groups are merged at once; larger ones by a job.
MERGE_NOW_LIMIT = 20


class CrmPartnerMergeWizard(models.TransientModel):
    """Merge one or many groups of duplicate customers from the review screen
    or the customer list, any number of customers per group, each into the
    customer a stated rule proposes (or one chosen by hand), with what an
    administrator decides on shown for each customer."""

    _name = "crm.partner.merge.wizard"
    _description = "Merge Duplicate Customers"

    survivor_rule = fields.Selection(
        SURVIVOR_RULES,
        string="Keep",
        required=True,
        default="oldest",
        help="Which customer of each group is kept: the oldest registration, "
        "the one with the latest deal, or the one with most details filled in "
        "(ties: the oldest). Change it per customer below.",
    )
    keep_registration = fields.Selection(
        [
            ("earliest", "The earliest registration"),
            ("survivor", "The surviving customer's"),
        ],
        string="Registration",
        required=True,
        default="earliest",
        help="Who registered the kept customer, and when, after the merge.",
    )
    customer_ids = fields.One2many(
        "crm.partner.merge.wizard.customer", "wizard_id", string="Customers"
    )
    group_count = fields.Integer(compute="_compute_group_count")
    in_background = fields.Boolean(compute="_compute_group_count")
    undo_until = fields.Date(
        compute="_compute_undo_until",
        help="The merge can be undone until this day; then the merged customers "
        "are deleted.",
    )

    summary = fields.Char(compute="_compute_undo_until")

    @api.depends("customer_ids.group")
    def _compute_group_count(self):
        for wizard in self:
            wizard.group_count = len(set(wizard.customer_ids.mapped("group")))
            wizard.in_background = wizard.group_count > MERGE_NOW_LIMIT

    @api.depends("customer_ids.partner_id")
    @api.depends_context("company")
    def _compute_undo_until(self):
        for wizard in self:
            # The period each merge is given (crm.partner.merge's): its
            # customers' company's, a shared customer's the one it is merged
            # in; the shortest of the groups' (a promise that holds for all).
            companies = {
                partner.company_id or self.env.company
                for partner in wizard.customer_ids.partner_id.sudo()
            } or {self.env.company}
            wizard.undo_until = fields.Date.context_today(wizard) + timedelta(
                days=min(company.crm_merge_undo_days for company in companies)
            )
            wizard.summary = self.env._(
                "Each group keeps the customer marked Keep: the documents of the "
                "others (orders, invoices, opportunities, complaints, messages...) "
                "move to it, and they are archived without their keys. Until "
                "%(date)s, undo the merge from Customer Merges or from a merged "
                "customer; after that the merged customers are deleted.",
                date=format_date(self.env, wizard.undo_until),
            )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "customer_ids" not in fields_list:
            return res
        rule = res.get("survivor_rule") or "oldest"
        rows = []
        for number, partners in enumerate(self._selected_groups(), start=1):
            keep = partners._crm_propose_survivor(rule)
            rows += [
                fields.Command.create(
                    {"group": number, "partner_id": partner.id, "keep": partner == keep}
                )
                for partner in partners
            ]
        res["customer_ids"] = rows
        return res

    @api.model
    def _selected_groups(self):
        """The groups of customers the wizard was opened on: the review's
        groups, or the customers selected in a list. Customers the user cannot
        see, merged or archived ones, and the twin of an approved pair (the
        customer it was approved beside stays) are left out; groups left with
        fewer than two customers are not proposed."""
        context = self.env.context
        ids = context.get("active_ids") or []
        # (A client may send anything: only record ids are ones.)
        ids = (
            [record_id for record_id in ids if isinstance(record_id, int)]
            if isinstance(ids, (list, tuple))
            else []
        )
        if context.get("active_model") == "crm.duplicate.group":
            review = self.env["crm.duplicate.group"].browse(ids)
            review.check_access("read")
            groups = [group.partner_ids for group in review.exists()]
        elif context.get("active_model") == "res.partner":
            groups = [self.env["res.partner"].browse(ids).exists()]
        else:
            groups = []
        proposed = []
        for partners in groups:
            partners = partners._crm_merge_candidates()
            if len(partners) > 1:
                proposed.append(partners)
        if not proposed:
            raise UserError(
                self.env._(
                    "Nothing to merge here: no group of two customers or more that "
                    "you may see and that are not approved as different customers."
                )
            )
        return proposed

    @api.onchange("survivor_rule")
    def _onchange_survivor_rule(self):
        for rows in self._rows_by_group().values():
            keep = rows.partner_id._origin._crm_propose_survivor(self.survivor_rule)
            for row in rows:
                row.keep = row.partner_id._origin == keep

    def _rows_by_group(self):
        groups = {}
        for row in self.customer_ids:
            groups.setdefault(row.group, self.env["crm.partner.merge.wizard.customer"])
            groups[row.group] |= row
        return groups

    def action_merge(self):
        """Merge the groups now, or queue them for the job when there are many."""
        self.ensure_one()
        Merge = self.env["crm.partner.merge"]
        Merge._check_merge_rights()
        groups = []
        for number, rows in sorted(self._rows_by_group().items()):
            if len(rows.partner_id) < len(rows):
                # A customer deleted since the wizard opened: Odoo's wizard,
                # merging it into another of the group, pointed its row at that
                # one (deleted otherwise, its row is empty). Refused as the
                # merge rules refuse one deleted since the request
                # (res.partner._crm_check_merge): not merged without it, nor
                # said to leave its group one customer.
                raise UserError(
                    self.env._(
                        "Some of the customers to merge no longer exist: reload "
                        "the page and select them again."
                    )
                )
            kept = rows.filtered("keep")
            if len(kept) != 1:
                raise UserError(
                    self.env._(
                        "Choose one customer to keep in group %(group)s "
                        "(%(partners)s).",
                        group=number,
                        partners=self.env._(", ").join(
                            rows.partner_id.mapped("display_name")
                        ),
                    )
                )
            groups.append((rows.partner_id, kept.partner_id))
        merges = Merge._plan(groups, self.survivor_rule, self.keep_registration)
        if len(merges) > MERGE_NOW_LIMIT:
            self.env.ref("crm_extension.ir_cron_run_partner_merges")._trigger()
            return merges._notify(
                self.env._(
                    "%(count)s merges are queued: a job merges them in the "
                    "background. Follow them in Customer Merges.",
                    count=len(merges),
                ),
                kind="info",
            )
        merges._run_queued()
        return merges._notify(
            merges._done_message(),
            kind="success" if set(merges.mapped("state")) == {"done"} else "warning",
        )


class CrmPartnerMergeWizardCustomer(models.TransientModel):
    """A customer of a group to merge, with what an administrator decides on."""

    _name = "crm.partner.merge.wizard.customer"
    _description = "Customer to Merge"
    _order = "group, id"

    wizard_id = fields.Many2one(
        "crm.partner.merge.wizard", required=True, ondelete="cascade"
    )
    group = fields.Integer(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    keep = fields.Boolean(help="The customer the others of its group are merged into.")
    # (Read as the user, as the facts are: a row given another company's
    # customer, by a client's default or the wizard's onchange, shows
    # nothing of it.)
    email = fields.Char(related="partner_id.email", related_sudo=False)
    phone = fields.Char(compute="_compute_facts")
    vat = fields.Char(related="partner_id.vat", string="Tax ID", related_sudo=False)
    user_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson", related_sudo=False
    )
    registered_date = fields.Datetime(
        related="partner_id.registered_date", related_sudo=False
    )
    sale_order_count = fields.Integer(string="Orders", compute="_compute_facts")
    invoice_count = fields.Integer(string="Invoices", compute="_compute_facts")
    opportunity_count = fields.Integer(string="Opportunities", compute="_compute_facts")
    complaint_count = fields.Integer(string="Complaints", compute="_compute_facts")
    outcome = fields.Char(string="After the Merge", compute="_compute_outcome")

    @api.model
    def default_get(self, fields_list):
        # (A default a client sends is shown by name: only a readable one.)
        values = super().default_get(fields_list)
        self._check_partners_readable([values])
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._check_partners_readable(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_partners_readable([vals])
        return super().write(vals)

    @api.model
    def _check_partners_readable(self, vals_list):
        """A row shows its customer's details (read as the system): only a
        customer the user may read is put in a row, whoever fills it in."""
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        if partner_ids:
            self.env["res.partner"].browse(partner_ids).check_access("read")

    @api.depends("partner_id")
    def _compute_facts(self):
        """The documents of each customer (and its contacts), counted with one
        query per kind, as the user may see them."""
        partners = self.partner_id._origin
        ids = partners.ids

        def count(model, domain):
            """{commercial partner id: documents of it and its contacts}"""
            if model not in self.env or not ids:
                return {}
            Model = self.env[model]
            if not Model.has_access("read"):
                return {}
            totals = {}
            for partner, total in Model._read_group(
                [("partner_id", "child_of", ids), *domain], ["partner_id"], ["__count"]
            ):
                key = partner.commercial_partner_id.id
                totals[key] = totals.get(key, 0) + total
            return totals

        orders = count("sale.order", [])
        invoices = count(
            "account.move", [("move_type", "in", ("out_invoice", "out_refund"))]
        )
        leads = count("crm.lead", [("type", "=", "opportunity")])
        complaints = count("crm.complaint", [])
        for row in self:
            partner_id = row.partner_id._origin.id
            row.phone = row.partner_id.phone or compat.phone_of(row.partner_id)
            row.sale_order_count = orders.get(partner_id, 0)
            row.invoice_count = invoices.get(partner_id, 0)
            row.opportunity_count = leads.get(partner_id, 0)
            row.complaint_count = complaints.get(partner_id, 0)

    @api.depends("keep", "wizard_id.undo_until")
    def _compute_outcome(self):
        for row in self:
            if row.keep:
                row.outcome = self.env._("Kept: the others' documents move to it")
            else:
                row.outcome = self.env._(
                    "Archived; undo until %(date)s, then deleted",
                    date=format_date(self.env, row.wizard_id.undo_until),
                )
