"""Whose customer a lead already is: new leads are matched against the
registered customers with the duplicate rules; converting a lead keeps its source
on the customer."""

from odoo import api, fields, models
from odoo.tools import format_datetime

from .. import compat
from .res_partner_duplicate import match_country, partner_match_keys


class CrmLead(models.Model):
    _inherit = "crm.lead"

    matched_partner_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        compute="_compute_matched_partner_id",
        store=True,
        index="btree_not_null",
        help="A registered customer this lead matches by the duplicate rules.",
    )

    matched_owner_id = fields.Many2one(
        "res.users",
        string="Customer's Salesperson",
        compute="_compute_matched_customer_info",
    )

    matched_customer_info = fields.Char(compute="_compute_matched_customer_info")

    can_use_matched_partner = fields.Boolean(compute="_compute_matched_customer_info")

    @api.depends("matched_partner_id")
    @api.depends_context("uid")
    def _compute_matched_customer_info(self):
        """Whose customer the lead already is, as far as the user may read that
        customer; a customer the user cannot see is not named."""
        readable = self.matched_partner_id._filtered_access("read")
        for lead in self:
            lead.matched_owner_id = (
                (lead.matched_partner_id & readable).sudo().user_id.with_env(self.env)
            )
            lead.can_use_matched_partner = bool(lead.matched_partner_id & readable)
            if lead.matched_partner_id and lead.matched_partner_id not in readable:
                lead.matched_customer_info = self.env._(
                    "Already a customer, whom you cannot see: ask a sales "
                    "administrator before working on this lead."
                )
                continue
            customer = lead.matched_partner_id.sudo()
            if not customer:
                lead.matched_customer_info = False
                continue
            lead.matched_customer_info = self.env._(
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
        *compat.PHONE_FIELDS,
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
        number = compat.phone_of(self)
        # The country numbers a phone (a lead has no VAT nor registry number).
        country = match_country(self) if number else self.env["res.country"]
        name = self.partner_name or self.contact_name
        keys = partner_match_keys(
            name,
            False,
            False,
            False,
            self.email_from,
            number,
            country.code,
            country.phone_code,
            other_number=compat.other_phone_of(self),
        )
        return {
            "id": False,
            "name": name,
            **{fname: key or False for fname, key in keys.items()},
            "is_customer": True,
            "visible_matches_only": True,
            "is_company": bool(self.partner_name),
            "active": True,
            "company_id": self.company_id.id,
            "commercial_partner_id": False,
            "parent_id": False,
            "user_id": self.user_id.id,
            "registered_by_id": False,
            "registered_date": False,
        }

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        """The form's onchange reads only: whose customer a lead being typed
        already is (``matched_partner_id``) may be served by Odoo's read
        replica."""
        return super().onchange(values, field_names, fields_spec)

    def action_use_matched_partner(self):
        """Link the lead to the existing customer it matches (one the user may
        read)."""
        for lead in self.filtered("matched_partner_id"):
            lead.matched_partner_id.check_access("read")
            lead.partner_id = lead.matched_partner_id
        return True

    def _registered_customer(self):
        """The registered customer whose registration a block rule would refuse
        the lead's customer for (its company's name, its number), when the user
        may read it; else no partner (see the mass conversion's wizard)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        Rule = self.env["crm.duplicate.rule"]
        rules = [rule for rule in Rule._get_active_rules() if rule["action"] == "block"]
        if self.partner_id or not rules:
            return Partner
        found = Rule._match_rows({self: self._customer_match_row()}, rules=rules)
        # (A rule of companies only warns about a person: see _as_applied.)
        ids = [
            match["id"]
            for rule, match in found.get(self, ())
            if rule["action"] == "block"
        ]
        return Partner.browse(ids)._filtered_access("read")[:1]

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        # The customer keeps the source the lead came from.
        if self.source_id:
            values["source_id"] = self.source_id.id
        return values

    def _get_partner_email_update(self, force_void=True):
        # Odoo proposes, and on save writes, the lead's e-mail on the customer:
        # only on a customer the user may edit (another salesperson's stays as
        # it is, and the lead is saved).
        return super()._get_partner_email_update(force_void=force_void) and bool(
            self.partner_id._filtered_access("write")
        )

    def _get_partner_phone_update(self, force_void=True):
        return super()._get_partner_phone_update(force_void=force_void) and bool(
            self.partner_id._filtered_access("write")
        )
