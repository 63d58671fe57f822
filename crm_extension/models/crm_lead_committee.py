"""The buying committee of an opportunity (决策者 / 内线 / 影响者 / 反对者) and its
warnings: no decision maker, an opponent."""

from odoo import api, fields, models

from ..tools import committee_flags
from ..tools.server_context import COPYING_COMMITTEE


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def copy(self, default=None):
        # The copy's committee keeps its members' roles, archived ones too.
        return (
            super(CrmLead, self.with_context(**COPYING_COMMITTEE.context()))
            .copy(default)
            .with_env(self.env)
        )

    contact_role_ids = fields.One2many(
        "crm.lead.contact.role",
        "lead_id",
        string="Buying Committee",
        copy=True,
    )

    has_decision_maker = fields.Boolean(
        compute="_compute_committee_flags",
        store=True,
        help="The buying committee has a contact whose role takes the decision.",
    )

    has_opponent = fields.Boolean(
        compute="_compute_committee_flags",
        store=True,
        help="A member of the buying committee opposes the deal.",
    )

    committee_company_id = fields.Many2one(
        "res.partner",
        string="Company of New Members",
        compute="_compute_committee_company_id",
    )

    show_no_decision_maker_warning = fields.Boolean(
        compute="_compute_committee_warnings"
    )

    opponent_names = fields.Char(compute="_compute_committee_warnings")

    @api.depends(
        "contact_role_ids.role_id.is_decision_maker",
        "contact_role_ids.role_id.is_opponent",
        "contact_role_ids.stance",
    )
    def _compute_committee_flags(self):
        for lead in self:
            lines = [
                {
                    "is_decision_maker": line.role_id.is_decision_maker,
                    "is_opponent": line.role_id.is_opponent,
                    "stance": line.stance,
                }
                for line in lead.contact_role_ids
            ]
            lead.has_decision_maker, lead.has_opponent = committee_flags(lines)

    @api.depends("partner_id.commercial_partner_id.is_company")
    def _compute_committee_company_id(self):
        """The customer company a member created from the committee (the
        list's quick create) joins as its contact person, rather than being
        registered as a customer of its own: the opportunity's customer's
        company, when it is one."""
        for lead in self:
            company = lead.partner_id.commercial_partner_id
            lead.committee_company_id = company if company.is_company else False

    @api.depends(
        "type",
        "active",
        "stage_id.is_won",
        "has_decision_maker",
        "has_opponent",
        "contact_role_ids.partner_id",
        "contact_role_ids.stance",
    )
    @api.depends_context("lang")
    def _compute_committee_warnings(self):
        for lead in self:
            is_open = (
                lead.type == "opportunity" and lead.active and not lead.stage_id.is_won
            )
            lead.show_no_decision_maker_warning = (
                is_open and not lead.has_decision_maker
            )
            lead.opponent_names = (
                self.env._(", ").join(
                    lead.contact_role_ids.filtered("is_opponent").partner_id.mapped(
                        "name"
                    )
                )
                if is_open and lead.has_opponent
                else False
            )

    @api.constrains("company_id")
    def _check_committee_company(self):
        """An opportunity given another company keeps its committee to it, as
        Odoo keeps its customer: the members follow the opportunity's company
        (``crm.lead.contact.role``'s is related), and Odoo checks their
        contacts' company when a member is written, not when its opportunity
        moves. A member of another company stays refused (with Odoo's words):
        the users of the new company would not open the opportunity."""
        self.contact_role_ids._check_company(["partner_id"])

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        self._merge_dependences_contact_roles(opportunities)
        return res

    def _merge_dependences_contact_roles(self, opportunities):
        """Move the merged opportunities' committee members to the surviving one.

        A contact already in the surviving committee keeps its line there
        (its role on this deal), with what the merged lines knew that it does
        not (``crm.lead.contact.role._absorb_members``: a member opposing
        the deal keeps the opponent warning).
        """
        self.ensure_one()
        kept = {line.partner_id.id: line for line in self.contact_role_ids}
        to_move = self.env["crm.lead.contact.role"]
        absorbed = {}
        for line in opportunities.contact_role_ids:
            survivor = kept.get(line.partner_id.id)
            if survivor is None:
                kept[line.partner_id.id] = line
                to_move |= line
                continue
            absorbed[survivor] = absorbed.get(survivor, line.browse()) | line
        for survivor, lines in absorbed.items():
            survivor._absorb_members(lines)
        if self.contact_role_ids.filtered("is_primary"):
            to_move.filtered("is_primary").write({"is_primary": False})
        elif len(to_move.filtered("is_primary")) > 1:
            (to_move.filtered("is_primary")[1:]).write({"is_primary": False})
        to_move.write({"lead_id": self.id})
