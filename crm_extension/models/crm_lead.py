from odoo import api, fields, models
from odoo.tools import email_normalize, format_datetime

from ..tools import committee_flags, normalize_name, normalize_name_core
from .res_partner import phone_match_key


class CrmLead(models.Model):
    _inherit = "crm.lead"

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
    show_no_decision_maker_warning = fields.Boolean(
        compute="_compute_committee_warnings"
    )
    opponent_names = fields.Char(compute="_compute_committee_warnings")

    matched_partner_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        compute="_compute_matched_partner_id",
        store=True,
        index="btree_not_null",
        help="A registered customer this lead matches by the duplicate rules.",
    )
    matched_owner_id = fields.Many2one(
        related="matched_partner_id.user_id", string="Customer's Salesperson"
    )
    matched_customer_info = fields.Char(compute="_compute_matched_customer_info")

    @api.depends("matched_partner_id")
    def _compute_matched_customer_info(self):
        for lead in self:
            customer = lead.matched_partner_id.sudo()
            lead.matched_customer_info = customer and self.env._(
                "Already a customer: %(customer)s (salesperson: %(owner)s; registered "
                "by %(registrant)s on %(date)s).",
                customer=customer.display_name,
                owner=customer.user_id.name or self.env._("none"),
                registrant=customer.registered_by_id.name or self.env._("unknown"),
                date=format_datetime(self.env, customer.registered_date)
                if customer.registered_date
                else self.env._("unknown date"),
            )

    @api.depends(
        "partner_id",
        "partner_name",
        "contact_name",
        "email_from",
        "phone",
        "mobile",
        "country_id",
        "company_id",
    )
    def _compute_matched_partner_id(self):
        """Match new leads against existing customers with the duplicate rules.

        One query per rule kind for the whole batch of leads.
        """
        to_match = self.filtered(lambda lead: not lead.partner_id)
        (self - to_match).matched_partner_id = False
        rows = {lead: lead._customer_match_row() for lead in to_match}
        matches = self.env["crm.duplicate.rule"]._match_rows(rows)
        for lead in to_match:
            found = sorted(
                matches.get(lead, []),
                key=lambda rule_match: (
                    rule_match[0]["action"] != "block",
                    rule_match[0]["id"],
                ),
            )
            lead.matched_partner_id = found[0][1]["id"] if found else False

    def _customer_match_row(self):
        """The lead as the duplicate rules see a customer."""
        self.ensure_one()
        country = (
            self.country_id or self.company_id.country_id or self.env.company.country_id
        )
        name = self.partner_name or self.contact_name
        return {
            "id": False,
            "name": name,
            "name_key": normalize_name(name) or False,
            "name_core_key": normalize_name_core(name) or False,
            "vat_key": False,
            "email_key": email_normalize(self.email_from or "") or False,
            "phone_key": phone_match_key(
                self.mobile or self.phone, country.code, country.phone_code
            )
            or False,
            "is_company": bool(self.partner_name),
            "active": True,
            "company_id": self.company_id.id,
            "commercial_partner_id": False,
            "parent_id": False,
            "user_id": self.user_id.id,
            "registered_by_id": False,
            "registered_date": False,
        }

    def action_use_matched_partner(self):
        """Link the lead to the existing customer it matches."""
        for lead in self.filtered("matched_partner_id"):
            lead.partner_id = lead.matched_partner_id
        return True

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

    @api.depends(
        "type",
        "active",
        "stage_id.is_won",
        "has_decision_maker",
        "has_opponent",
        "contact_role_ids.partner_id",
        "contact_role_ids.stance",
    )
    def _compute_committee_warnings(self):
        for lead in self:
            is_open = (
                lead.type == "opportunity" and lead.active and not lead.stage_id.is_won
            )
            lead.show_no_decision_maker_warning = (
                is_open and not lead.has_decision_maker
            )
            lead.opponent_names = (
                ", ".join(
                    lead.contact_role_ids.filtered("is_opponent").partner_id.mapped(
                        "name"
                    )
                )
                if is_open and lead.has_opponent
                else False
            )

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        # The customer keeps the source the lead came from.
        if self.source_id:
            values["source_id"] = self.source_id.id
        return values

    def _merge_dependences(self, opportunities):
        res = super()._merge_dependences(opportunities)
        self._merge_dependences_contact_roles(opportunities)
        return res

    def _merge_dependences_contact_roles(self, opportunities):
        """Move the merged opportunities' committee members to the surviving one.

        A contact already in the surviving committee keeps its line there.
        """
        self.ensure_one()
        present = set(self.contact_role_ids.partner_id.ids)
        to_move = self.env["crm.lead.contact.role"]
        for line in opportunities.contact_role_ids:
            if line.partner_id.id not in present:
                present.add(line.partner_id.id)
                to_move |= line
        if self.contact_role_ids.filtered("is_primary"):
            to_move.filtered("is_primary").write({"is_primary": False})
        elif len(to_move.filtered("is_primary")) > 1:
            (to_move.filtered("is_primary")[1:]).write({"is_primary": False})
        to_move.write({"lead_id": self.id})
