from odoo import fields, models


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
