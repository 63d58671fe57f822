"""Customer value analytics on the company: how it scores its customers
(see crm.customer.value and tools.value.RfmThresholds)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.settings import (
    RFM_DAYS_BOUNDS,
    RFM_INVOICES_BOUNDS,
    RFM_RANKED_FROM_BOUNDS,
    RFM_REVENUE_BOUNDS,
    thresholds_problem,
)
from ..tools.value import RFM_DEFAULTS, RfmThresholds

RECENCY_FIELDS = (
    "crm_rfm_recency_5_days",
    "crm_rfm_recency_4_days",
    "crm_rfm_recency_3_days",
    "crm_rfm_recency_2_days",
)
FREQUENCY_FIELDS = (
    "crm_rfm_frequency_2_invoices",
    "crm_rfm_frequency_3_invoices",
    "crm_rfm_frequency_4_invoices",
    "crm_rfm_frequency_5_invoices",
)
MONETARY_FIELDS = (
    "crm_rfm_monetary_2_revenue",
    "crm_rfm_monetary_3_revenue",
    "crm_rfm_monetary_4_revenue",
    "crm_rfm_monetary_5_revenue",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_rfm_ranked_from = fields.Integer(
        string="Rank Customers From",
        default=RFM_DEFAULTS.ranked_from,
        help="From this many invoiced customers on, RFM scores rank the customers "
        "against each other (in fifths); with fewer customers, the company's "
        "thresholds decide.",
    )
    crm_rfm_recency_5_days = fields.Integer(
        string="Recency 5 up to (days)", default=RFM_DEFAULTS.recency_days[0]
    )
    crm_rfm_recency_4_days = fields.Integer(
        string="Recency 4 up to (days)", default=RFM_DEFAULTS.recency_days[1]
    )
    crm_rfm_recency_3_days = fields.Integer(
        string="Recency 3 up to (days)", default=RFM_DEFAULTS.recency_days[2]
    )
    crm_rfm_recency_2_days = fields.Integer(
        string="Recency 2 up to (days)", default=RFM_DEFAULTS.recency_days[3]
    )
    crm_rfm_frequency_2_invoices = fields.Integer(
        string="Frequency 2 from (invoices)", default=RFM_DEFAULTS.invoices[0]
    )
    crm_rfm_frequency_3_invoices = fields.Integer(
        string="Frequency 3 from (invoices)", default=RFM_DEFAULTS.invoices[1]
    )
    crm_rfm_frequency_4_invoices = fields.Integer(
        string="Frequency 4 from (invoices)", default=RFM_DEFAULTS.invoices[2]
    )
    crm_rfm_frequency_5_invoices = fields.Integer(
        string="Frequency 5 from (invoices)", default=RFM_DEFAULTS.invoices[3]
    )
    crm_rfm_monetary_2_revenue = fields.Monetary(
        string="Monetary 2 from (revenue)",
        currency_field="currency_id",
        default=RFM_DEFAULTS.revenue[0],
    )
    crm_rfm_monetary_3_revenue = fields.Monetary(
        string="Monetary 3 from (revenue)",
        currency_field="currency_id",
        default=RFM_DEFAULTS.revenue[1],
    )
    crm_rfm_monetary_4_revenue = fields.Monetary(
        string="Monetary 4 from (revenue)",
        currency_field="currency_id",
        default=RFM_DEFAULTS.revenue[2],
    )
    crm_rfm_monetary_5_revenue = fields.Monetary(
        string="Monetary 5 from (revenue)",
        currency_field="currency_id",
        default=RFM_DEFAULTS.revenue[3],
    )

    @api.constrains("crm_rfm_ranked_from")
    def _check_crm_rfm_ranked_from(self):
        low, high = RFM_RANKED_FROM_BOUNDS
        for company in self:
            if not low <= company.crm_rfm_ranked_from <= high:
                raise ValidationError(
                    self.env._(
                        "Rank customers from must be from %(low)s to %(high)s "
                        "customers.",
                        low=low,
                        high=high,
                    )
                )

    @api.constrains(*RECENCY_FIELDS, *FREQUENCY_FIELDS, *MONETARY_FIELDS)
    def _check_crm_rfm_thresholds(self):
        """Each ladder of thresholds within its bounds and growing, so that
        every score is reachable."""
        for company in self:
            thresholds = company._crm_rfm_thresholds()
            days = self.env._(", ").join(map(str, thresholds.recency_days))
            problem = thresholds_problem(thresholds.recency_days, RFM_DAYS_BOUNDS)
            if problem == "bounds":
                raise ValidationError(
                    self.env._(
                        "The recency thresholds must be from %(low)s to %(high)s "
                        "days, not %(days)s.",
                        low=RFM_DAYS_BOUNDS[0],
                        high=RFM_DAYS_BOUNDS[1],
                        days=days,
                    )
                )
            if problem == "order":
                raise ValidationError(
                    self.env._(
                        "The recency thresholds must grow from score 5 to score 2 "
                        "(for example 30, 90, 180, 365 days), not %(days)s.",
                        days=days,
                    )
                )
            invoices = self.env._(", ").join(map(str, thresholds.invoices))
            problem = thresholds_problem(thresholds.invoices, RFM_INVOICES_BOUNDS)
            if problem == "bounds":
                raise ValidationError(
                    self.env._(
                        "The frequency thresholds must be from %(low)s to %(high)s "
                        "invoices, not %(invoices)s.",
                        low=RFM_INVOICES_BOUNDS[0],
                        high=RFM_INVOICES_BOUNDS[1],
                        invoices=invoices,
                    )
                )
            if problem == "order":
                raise ValidationError(
                    self.env._(
                        "The frequency thresholds must grow from score 2 to score 5 "
                        "(for example 2, 4, 6, 12 invoices), not %(invoices)s.",
                        invoices=invoices,
                    )
                )
            amounts = self.env._(", ").join(
                company.currency_id.format(amount) for amount in thresholds.revenue
            )
            problem = thresholds_problem(thresholds.revenue, RFM_REVENUE_BOUNDS)
            if problem == "bounds":
                raise ValidationError(
                    self.env._(
                        "The monetary thresholds cannot be negative: %(amounts)s.",
                        amounts=amounts,
                    )
                )
            if problem == "order":
                raise ValidationError(
                    self.env._(
                        "The monetary thresholds must grow from score 2 to score 5, "
                        "not %(amounts)s.",
                        amounts=amounts,
                    )
                )

    def _crm_rfm_thresholds(self):
        """How the company scores its customers (RFM)."""
        self.ensure_one()
        return RfmThresholds(
            ranked_from=self.crm_rfm_ranked_from,
            recency_days=tuple(self[name] for name in RECENCY_FIELDS),
            invoices=tuple(self[name] for name in FREQUENCY_FIELDS),
            revenue=tuple(self[name] for name in MONETARY_FIELDS),
        )
