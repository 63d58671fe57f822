"""Customer lifecycle (target → intention → deal → VIP, dormant), kept
current by business events; contacts follow their company."""

from datetime import timedelta

from odoo import api, fields, models

from ..tools import LIFECYCLE_STAGES, next_lifecycle_stage
from .crm_guarded_field_mixin import INTERNAL
from .ir_cron import exclusive_job

KEY_CUSTOMER_IMPORTANCE = "a"
LIFECYCLE_SELECTION = list(
    zip(
        LIFECYCLE_STAGES,
        # (Labels of their own: "Target" and "VIP" name other things too, a
        # transfer's target and a customer class.)
        ["Target Customer", "Intention", "Deal", "VIP Customer", "Dormant"],
        strict=True,
    )
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo copies the commercial fields of a company onto its contacts.
    _crm_synced_fields = ("lifecycle_stage", "last_deal_date")

    lifecycle_stage = fields.Selection(
        LIFECYCLE_SELECTION,
        default="target",
        required=True,
        index=True,
        copy=False,
        tracking=True,
        help="Target customer: no opportunity yet. Intention: an opportunity was "
        "opened. Deal: an order was confirmed or an invoice posted. VIP customer: "
        "a key customer (importance A) with a deal. Dormant: a customer with a "
        "deal who stopped buying.",
        groups=INTERNAL,
    )

    last_deal_date = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the last confirmed order or posted invoice.",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "lifecycle_stage": (),
            "last_deal_date": (),
        }

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), "lifecycle_stage", "last_deal_date"]

    def _lifecycle_event(self, event, date=None):
        """Move these customers' lifecycle after a business event.

        See :func:`tools.next_lifecycle_stage` for the events. ``date`` is the
        date of a deal. Writes only the customers whose stage or date change,
        grouped by value (a handful of writes for any number of customers).
        """
        changes = {}
        for partner in self.commercial_partner_id:
            stage = next_lifecycle_stage(partner.lifecycle_stage, event)
            if event == "deal" and partner.importance == KEY_CUSTOMER_IMPORTANCE:
                stage = next_lifecycle_stage(stage, "key_customer")
            vals = {}
            if stage != partner.lifecycle_stage:
                vals["lifecycle_stage"] = stage
            if date and (not partner.last_deal_date or partner.last_deal_date < date):
                vals["last_deal_date"] = date
            if vals:
                key = tuple(sorted(vals.items()))
                changes[key] = changes.get(key, self.browse()) | partner
        for key, partners in changes.items():
            # The lifecycle is the system's to keep, whoever caused the event
            # (at the end of a partner operation when one is checked).
            partners._crm_system_write(dict(key))

    @api.model
    @exclusive_job
    def _cron_mark_dormant(self, batch_size=1000):
        """Customers with a deal who stopped buying become dormant.

        Each company sets its number of days. Batched, with progress.
        """
        cron = self.env["ir.cron"]
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        main_company = main_company or self.env.company
        today = fields.Date.context_today(self)
        companies = (
            self.env["res.company"].sudo().search([("crm_dormant_days", ">", 0)])
        )
        marked = 0
        for company in companies:
            # The shared customers follow the main company's setting.
            in_company = [("company_id", "=", company.id)]
            if company == main_company:
                in_company = ["|", ("company_id", "=", False), *in_company]
            while True:
                partners = self.search(
                    [
                        ("lifecycle_stage", "in", ("deal", "vip")),
                        "|",
                        ("is_company", "=", True),
                        ("parent_id", "=", False),
                        (
                            "last_deal_date",
                            "<=",
                            today - timedelta(days=company.crm_dormant_days),
                        ),
                        *in_company,
                    ],
                    order="id",
                    limit=batch_size,
                )
                if not partners:
                    break
                partners._lifecycle_event("dormant")
                marked += len(partners)
                if cron._crm_batch_done(marked, len(partners), batch_size):
                    break
        return marked

    def _crm_lifecycle_of_importance(self, operation):
        """A step of the partner operation (res_partner_checks): a customer
        given the key importance (or no longer) moves in its lifecycle. The
        lifecycle is the system's to keep, whoever sets the importance."""
        set_importance = self.filtered(
            lambda partner: (
                partner == partner.commercial_partner_id
                and partner.id not in operation.created
                and "importance" in operation.written.get(partner.id, ())
            )
        )
        key = set_importance.filtered(
            lambda partner: partner.importance == KEY_CUSTOMER_IMPORTANCE
        )
        key._lifecycle_event("key_customer")
        (set_importance - key)._lifecycle_event("not_key_customer")
