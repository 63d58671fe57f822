from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.settings import INT_SETTINGS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_protection_days = fields.Integer(
        string="Customer Protection (days)",
        config_parameter="crm_extension.protection_days",
        help="Days during which only the registering salesperson's team may take a "
        "new customer. When they end without a deal, the customer returns to the "
        "shared pool. 0 disables the protection.",
    )
    crm_auto_win_on_confirm = fields.Boolean(
        related="company_id.crm_auto_win_on_confirm", readonly=False
    )
    crm_dormant_days = fields.Integer(
        related="company_id.crm_dormant_days", readonly=False
    )
    crm_merge_undo_days = fields.Integer(
        related="company_id.crm_merge_undo_days", readonly=False
    )
    # How the company scores its customers (res_company_value.py).
    crm_rfm_ranked_from = fields.Integer(
        related="company_id.crm_rfm_ranked_from", readonly=False
    )
    crm_rfm_recency_5_days = fields.Integer(
        related="company_id.crm_rfm_recency_5_days", readonly=False
    )
    crm_rfm_recency_4_days = fields.Integer(
        related="company_id.crm_rfm_recency_4_days", readonly=False
    )
    crm_rfm_recency_3_days = fields.Integer(
        related="company_id.crm_rfm_recency_3_days", readonly=False
    )
    crm_rfm_recency_2_days = fields.Integer(
        related="company_id.crm_rfm_recency_2_days", readonly=False
    )
    crm_rfm_frequency_2_invoices = fields.Integer(
        related="company_id.crm_rfm_frequency_2_invoices", readonly=False
    )
    crm_rfm_frequency_3_invoices = fields.Integer(
        related="company_id.crm_rfm_frequency_3_invoices", readonly=False
    )
    crm_rfm_frequency_4_invoices = fields.Integer(
        related="company_id.crm_rfm_frequency_4_invoices", readonly=False
    )
    crm_rfm_frequency_5_invoices = fields.Integer(
        related="company_id.crm_rfm_frequency_5_invoices", readonly=False
    )
    crm_rfm_monetary_2_revenue = fields.Monetary(
        related="company_id.crm_rfm_monetary_2_revenue", readonly=False
    )
    crm_rfm_monetary_3_revenue = fields.Monetary(
        related="company_id.crm_rfm_monetary_3_revenue", readonly=False
    )
    crm_rfm_monetary_4_revenue = fields.Monetary(
        related="company_id.crm_rfm_monetary_4_revenue", readonly=False
    )
    crm_rfm_monetary_5_revenue = fields.Monetary(
        related="company_id.crm_rfm_monetary_5_revenue", readonly=False
    )

    @api.constrains("crm_protection_days")
    def _check_crm_protection_days(self):
        low, high, _default = INT_SETTINGS["crm_extension.protection_days"]
        for settings in self:
            if not low <= settings.crm_protection_days <= high:
                raise ValidationError(
                    self.env._(
                        "Customer protection (days) must be from %(low)s to %(high)s.",
                        low=low,
                        high=high,
                    )
                )
