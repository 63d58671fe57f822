from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.server_context import CopiedOrderLinks


class SaleOrder(models.Model):
    _inherit = "sale.order"

    complaint_ids = fields.One2many(
        "crm.complaint",
        "sale_order_id",
        string="Complaints",
        groups="base.group_user",
    )
    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups="base.group_user"
    )

    @api.depends("complaint_ids")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_complaint_count(self):
        counts = self.env["crm.complaint"]._count_by(
            "sale_order_id", [("sale_order_id", "in", self.ids)]
        )
        for order in self:
            order.complaint_count = counts.get(order, 0)

    def action_register_complaint(self):
        """Register a complaint about this order."""
        self.ensure_one()
        return self.env["crm.complaint"]._action_register(
            partner=self.partner_id, order=self
        )

    def action_view_complaints(self):
        self.ensure_one()
        return self.env["crm.complaint"]._action_view(
            [("sale_order_id", "=", self.id)],
            {
                "default_sale_order_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._crm_check_opportunity_link()
        return orders

    def write(self, vals):
        before = (
            {order.id: order.opportunity_id for order in self}
            if vals.get("opportunity_id")
            else None
        )
        res = super().write(vals)
        if before is not None:
            self.filtered(
                lambda order: order.opportunity_id != before[order.id]
            )._crm_check_opportunity_link()
        return res

    def copy(self, default=None):
        # A duplicate keeps the link of its original (a link it already has),
        # not one given in ``default``.
        kept = (
            () if default and "opportunity_id" in default else self.opportunity_id.ids
        )
        return (
            super(SaleOrder, self.with_context(**CopiedOrderLinks(kept).context()))
            .copy(default)
            .with_env(self.env)
        )

    def _crm_check_opportunity_link(self):
        """An order is linked to an opportunity only by who may edit the
        opportunity: confirming the order wins it, as the system (see
        :meth:`_crm_after_confirm`), so a salesperson linking their quotation
        to a colleague's (an id sent over RPC, a default in the context)
        would win a deal that is not theirs. (A link an order already has
        stays: only a new one is checked.)"""
        if self.env.su:
            return
        copied = CopiedOrderLinks.current(self.env)
        opportunities = self.opportunity_id
        if copied is not None:
            opportunities = opportunities.filtered(
                lambda opportunity: opportunity.id not in copied.opportunity_ids
            )
        if opportunities and opportunities._filtered_access("write") != opportunities:
            raise AccessError(
                self.env._(
                    "A quotation can only be linked to an opportunity you may edit."
                )
            )

    def action_confirm(self):
        res = super().action_confirm()
        self._crm_after_confirm()
        return res

    def _action_cancel(self):
        undone = self.filtered(lambda order: order.state == "sale")
        res = super()._action_cancel()
        # A cancelled order is no deal: its customers' lifecycle follows the
        # deals they have left, whoever cancels it.
        undone.partner_id.commercial_partner_id.sudo()._lifecycle_from_documents()
        return res

    def _crm_after_confirm(self):
        """A confirmed order is a deal: win its opportunity, move its customer."""
        confirmed = self.filtered(lambda order: order.state == "sale")
        customers_by_date = defaultdict(lambda: self.env["res.partner"])
        for order in confirmed:
            customers_by_date[order.date_order.date()] |= (
                order.partner_id.commercial_partner_id
            )
        for date, customers in customers_by_date.items():
            # The lifecycle is the system's to keep, whoever confirms.
            customers.sudo()._lifecycle_event("deal", date)
        to_win = confirmed.filtered(
            lambda order: (
                order.company_id.crm_auto_win_on_confirm
                and order.opportunity_id
                and not (
                    order.opportunity_id.active and order.opportunity_id.stage_id.is_won
                )
            )
        ).opportunity_id
        # Whoever may confirm the order wins its opportunity, as the system:
        # the stage gates of the won stage still apply. An opportunity they
        # refuse stays open, and the order is confirmed all the same (a
        # customer confirms it on the portal, who is told nothing of the
        # company's opportunities): its salesperson is asked to win it.
        for lead in to_win.sudo():
            try:
                with self.env.cr.savepoint():
                    lead.action_set_won()
            except UserError as refusal:
                lead._crm_not_won_on_confirm(refusal)
