"""Customer value analytics on the customer: the figures of the current
company (see crm.customer.value)."""

from odoo import api, fields, models

from .crm_customer_value import ABC_SELECTION, CHURN_SELECTION, RFM_SEGMENT_SELECTION
from .crm_guarded_field_mixin import INTERNAL


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_value_ids = fields.One2many(
        "crm.customer.value",
        "partner_id",
        string="Customer Values",
        groups=INTERNAL,
    )

    revenue_12m = fields.Monetary(
        string="Revenue (12 months)",
        compute="_compute_customer_value",
        search="_search_revenue_12m",
        currency_field="value_currency_id",
        groups=INTERNAL,
    )

    value_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )

    invoice_count_12m = fields.Integer(
        string="Invoices (12 months)",
        compute="_compute_customer_value",
        search="_search_invoice_count_12m",
        groups=INTERNAL,
        help="Posted customer invoices of the last 12 months; an invoice "
        "credited in full by credit notes does not count.",
    )

    last_invoice_date = fields.Date(
        compute="_compute_customer_value",
        search="_search_last_invoice_date",
        groups=INTERNAL,
        help="Date of the last posted customer invoice not credited in full.",
    )

    rfm_segment = fields.Selection(
        RFM_SEGMENT_SELECTION,
        string="RFM Segment",
        compute="_compute_customer_value",
        search="_search_rfm_segment",
        groups=INTERNAL,
    )

    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        compute="_compute_customer_value",
        search="_search_abc_class",
        groups=INTERNAL,
    )

    churn_risk = fields.Selection(
        CHURN_SELECTION,
        compute="_compute_customer_value",
        search="_search_churn_risk",
        groups=INTERNAL,
    )

    churn_reason = fields.Char(compute="_compute_customer_value", groups=INTERNAL)

    current_value_id = fields.Many2one(
        "crm.customer.value",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )

    # (The figures the reader may read, in their language: cached per user
    # and language, not shared with whoever read them before.)
    @api.depends_context("company", "uid", "lang")
    def _compute_customer_value(self):
        """The figures of the current company, for the customer's company, as
        the reader may read them (the record rules of crm.customer.value: the
        values depend on who reads, not only on the company)."""
        Value = self.env["crm.customer.value"]
        values = {}
        if Value.has_access("read"):
            values = {
                value.partner_id.id: value
                for value in Value.search(
                    [
                        ("partner_id", "in", self.commercial_partner_id.ids),
                        ("company_id", "=", self.env.company.id),
                    ]
                )
            }
        for partner in self:
            value = values.get(partner.commercial_partner_id.id, Value)
            partner.current_value_id = value
            partner.revenue_12m = value.revenue_12m
            partner.value_currency_id = (
                value.currency_id or self.env.company.currency_id
            )
            partner.invoice_count_12m = value.invoice_count_12m
            partner.last_invoice_date = value.last_invoice_date
            partner.rfm_segment = value.rfm_segment
            partner.abc_class = value.abc_class
            partner.churn_risk = value.churn_risk
            partner.churn_reason = value.churn_reason

    def _search_customer_value(self, fname, operator, value):
        """Customers whose figures of the current company meet ``fname
        operator value``, among the figures the user may read (the record
        rules of crm.customer.value hold in the subquery); a customer without
        figures in the company reads empty ones (revenue 0, no class), and
        meets a condition empty figures meet."""
        company = [("company_id", "=", self.env.company.id)]
        condition = [(fname, operator, value)]
        matching = [
            ("commercial_partner_id.customer_value_ids", "any", company + condition)
        ]
        if self.env["crm.customer.value"].new({}).filtered_domain(condition):
            return [
                "|",
                *matching,
                ("commercial_partner_id.customer_value_ids", "not any", company),
            ]
        return matching

    def _search_revenue_12m(self, operator, value):
        return self._search_customer_value("revenue_12m", operator, value)

    def _search_invoice_count_12m(self, operator, value):
        return self._search_customer_value("invoice_count_12m", operator, value)

    def _search_last_invoice_date(self, operator, value):
        return self._search_customer_value("last_invoice_date", operator, value)

    def _search_rfm_segment(self, operator, value):
        return self._search_customer_value("rfm_segment", operator, value)

    def _search_abc_class(self, operator, value):
        return self._search_customer_value("abc_class", operator, value)

    def _search_churn_risk(self, operator, value):
        return self._search_customer_value("churn_risk", operator, value)
