from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import compat
from ..tools.settings import DORMANT_DAYS_BOUNDS, MERGE_UNDO_DAYS_BOUNDS


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_auto_win_on_confirm = fields.Boolean(
        string="Win Opportunities on Order Confirmation",
        default=True,
        help="Confirming a quotation linked to an opportunity marks the "
        "opportunity won.",
    )
    crm_dormant_days = fields.Integer(
        string="Dormant After (days)",
        default=365,
        help="A customer with a deal who has bought nothing for this many days "
        "becomes dormant. 0 never marks customers dormant.",
    )

    crm_merge_undo_days = fields.Integer(
        string="Undo Merges For (days)",
        default=30,
        help="A merge of customers can be undone for this many days; then its "
        "trail is purged and the merged customers are deleted.",
    )

    _crm_dormant_days_positive = compat.Constraint(
        "CHECK(crm_dormant_days >= 0)",
        "The number of days before a customer is dormant cannot be negative.",
    )

    @api.constrains("crm_dormant_days")
    def _check_crm_dormant_days(self):
        low, high = DORMANT_DAYS_BOUNDS
        for company in self:
            if not low <= company.crm_dormant_days <= high:
                raise ValidationError(
                    self.env._(
                        "Dormant after (days) must be from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    )
                )

    @api.constrains("crm_merge_undo_days")
    def _check_crm_merge_undo_days(self):
        low, high = MERGE_UNDO_DAYS_BOUNDS
        for company in self:
            if not low <= company.crm_merge_undo_days <= high:
                raise ValidationError(
                    self.env._(
                        "Merges can be undone for %(low)s to %(high)s days.",
                        low=low,
                        high=high,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        # A company's own partner is no customer: created in one partner
        # operation with the company (res_partner_checks), the rules run once
        # the company exists, and leave it alone (a customer may well bear the
        # name of one of the companies).
        with self.env["res.partner"]._crm_operation(staff=True) as (partners, _op):
            companies = super(ResCompany, self.with_env(partners.env)).create(vals_list)
            self.env.registry.clear_cache()  # res.partner._crm_company_partner_ids
        return companies.with_env(self.env)

    def write(self, vals):
        res = super().write(vals)
        if "partner_id" in vals:
            self.env.registry.clear_cache()  # res.partner._crm_company_partner_ids
        return res
