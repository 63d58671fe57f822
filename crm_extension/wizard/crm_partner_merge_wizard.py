from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.crm_partner_merge import SURVIVOR_RULES

# Selections up to this many groups are merged at once; larger ones by a job.
MERGE_NOW_LIMIT = 20


class CrmPartnerMergeWizard(models.TransientModel):
    """Merge one or many groups of duplicate customers from the review screen,
    any number of customers per group, each into the customer a stated rule
    proposes (or one chosen by hand)."""

    _name = "crm.partner.merge.wizard"
    _description = "Merge Duplicate Customers"

    survivor_rule = fields.Selection(
        SURVIVOR_RULES,
        string="Keep",
        required=True,
        default="oldest",
        help="Which customer of each group survives: the oldest registration, "
        "the one with the latest deal, or the one with most details filled in "
        "(ties: the oldest). Change it per group below.",
    )
    keep_registration = fields.Selection(
        [
            ("earliest", "The earliest registration"),
            ("survivor", "The surviving customer's"),
        ],
        string="Registration",
        required=True,
        default="earliest",
        help="Who registered the surviving customer, and when, after the merge.",
    )
    line_ids = fields.One2many(
        "crm.partner.merge.wizard.line", "wizard_id", string="Groups"
    )
    group_count = fields.Integer(compute="_compute_group_count")
    in_background = fields.Boolean(compute="_compute_group_count")

    @api.depends("line_ids")
    def _compute_group_count(self):
        for wizard in self:
            wizard.group_count = len(wizard.line_ids)
            wizard.in_background = wizard.group_count > MERGE_NOW_LIMIT

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "line_ids" not in fields_list:
            return res
        context = self.env.context
        groups = []
        if context.get("active_model") == "crm.duplicate.group":
            review = self.env["crm.duplicate.group"].browse(
                context.get("active_ids") or []
            )
            groups = [group.partner_ids for group in review]
        elif context.get("active_model") == "res.partner":
            groups = [self.env["res.partner"].browse(context.get("active_ids") or [])]
        rule = res.get("survivor_rule") or "oldest"
        Merge = self.env["crm.partner.merge"]
        res["line_ids"] = [
            fields.Command.create(
                {
                    "partner_ids": [fields.Command.set(partners.ids)],
                    "dst_partner_id": Merge._propose_survivor(partners, rule).id,
                }
            )
            for partners in groups
            if len(partners) > 1
        ]
        return res

    @api.onchange("survivor_rule")
    def _onchange_survivor_rule(self):
        Merge = self.env["crm.partner.merge"]
        for line in self.line_ids:
            if line.partner_ids:
                line.dst_partner_id = Merge._propose_survivor(
                    line.partner_ids._origin, self.survivor_rule
                )

    def action_merge(self):
        """Merge the groups now, or queue them for the job when there are many."""
        self.ensure_one()
        Merge = self.env["crm.partner.merge"]
        Merge._check_merge_rights()
        if not self.line_ids:
            raise UserError(self.env._("Select at least one group of customers."))
        merges = Merge._plan(
            [(line.partner_ids, line.dst_partner_id or None) for line in self.line_ids],
            self.survivor_rule,
            self.keep_registration,
        )
        if len(merges) > MERGE_NOW_LIMIT:
            self.env.ref("crm_extension.ir_cron_run_partner_merges")._trigger()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "%(count)s merges are queued: a job merges them in the "
                        "background. Follow them in Customer Merges.",
                        count=len(merges),
                    ),
                    "next": merges._action_open(),
                },
            }
        merges._run_queued()
        return merges._action_open()


class CrmPartnerMergeWizardLine(models.TransientModel):
    _name = "crm.partner.merge.wizard.line"
    _description = "Group of Customers to Merge"

    wizard_id = fields.Many2one(
        "crm.partner.merge.wizard", required=True, ondelete="cascade"
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")
    dst_partner_id = fields.Many2one(
        "res.partner",
        string="Keep",
        domain="[('id', 'in', partner_ids)]",
        help="The customer the others are merged into.",
    )
