"""Customer ownership: who registered a customer and when, the protection
period of the first registrant, the shared pool and claims (首次登记保护, 公海)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.primary import require_primary
from ..tools.settings import parse_int_setting
from .crm_duplicate_rule import CUSTOMER_SQL
from .crm_guarded_field_mixin import INTERNAL
from .ir_cron import exclusive_job

SALES_ADMIN = ("sales_team.group_sale_manager",)


class ResPartner(models.Model):
    _inherit = "res.partner"

    can_edit_ownership = fields.Boolean(
        compute="_compute_can_edit_ownership", groups=INTERNAL
    )

    registered_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        index="btree_not_null",
        copy=False,
        help="Who registered this customer. Only sales administrators can change it.",
        groups=INTERNAL,
    )

    registered_date = fields.Datetime(
        default=fields.Datetime.now,
        copy=False,
        help="When this customer was registered.",
        groups=INTERNAL,
    )

    protection_end_date = fields.Date(
        default=lambda self: self._default_protection_end_date(),
        copy=False,
        index="btree_not_null",
        help="Until this date only the salesperson's team may take this customer. "
        "If no deal is made by then, the customer returns to the shared pool.",
        groups=INTERNAL,
    )

    in_pool = fields.Boolean(
        string="In Shared Pool",
        copy=False,
        index="btree_not_null",
        help="Nobody owns this customer any more: any salesperson may claim it.",
        groups=INTERNAL,
    )

    is_protected = fields.Boolean(compute="_compute_is_protected", groups=INTERNAL)

    can_claim = fields.Boolean(
        compute="_compute_can_claim",
        help="The current user may claim this customer (shared pool, or no "
        "salesperson).",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "registered_by_id": SALES_ADMIN,
            "registered_date": SALES_ADMIN,
            "protection_end_date": SALES_ADMIN,
            "in_pool": SALES_ADMIN,
        }

    @api.model
    def _get_protection_days(self):
        key = "crm_extension.protection_days"
        return parse_int_setting(
            key, self.env["ir.config_parameter"].sudo().get_param(key)
        )

    @api.model
    def _default_protection_end_date(self):
        days = self._get_protection_days()
        return fields.Date.context_today(self) + timedelta(days=days) if days else False

    @api.depends("protection_end_date", "in_pool")
    def _compute_is_protected(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.is_protected = bool(
                not partner.in_pool
                and partner.protection_end_date
                and partner.protection_end_date >= today
            )

    @api.depends_context("uid")
    def _compute_can_edit_ownership(self):
        can_own = "registered_by_id" not in self._guarded_fields_denied()
        for partner in self:
            partner.can_edit_ownership = can_own

    def _owner_team_users(self):
        """Users of the team that owns this customer: the team of its salesperson
        (or, while it has none, of whoever registered it)."""
        self.ensure_one()
        owner = self.user_id or self.registered_by_id
        teams = owner.sale_team_id | self.env["crm.team"].search(
            ["|", ("member_ids", "in", owner.ids), ("user_id", "=", owner.id)]
        )
        return teams.member_ids | teams.user_id | owner

    def _check_protection(self, new_user_id):
        """While a customer is protected, only its owner's team may take it."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        new_user = self.env["res.users"].browse(new_user_id)
        for partner in self:
            if (
                partner.is_protected
                and partner.user_id
                and new_user != partner.user_id
                and new_user not in partner.sudo()._owner_team_users()
            ):
                raise UserError(
                    self.env._(
                        "%(partner)s is protected until %(date)s: only the team of "
                        "%(owner)s may take it.",
                        partner=partner.display_name,
                        date=fields.Date.to_string(partner.protection_end_date),
                        owner=partner.user_id.name,
                    )
                )

    def _claim_refusals(self):
        """Why the current user may not claim each partner: ``{partner: reason}``
        (partners the user may claim are left out; see :meth:`action_claim_customer`).
        """
        user = self.env.user
        if not user.has_group("sales_team.group_sale_salesman"):
            reason = self.env._("Only salespeople can claim customers.")
            return dict.fromkeys(self, reason)
        customers = self._crm_customers()
        refusals = {}
        for partner in self:
            if partner not in customers:
                refusals[partner] = self.env._(
                    "%(partner)s is not a customer: the companies' own partners and "
                    "the users' partners cannot be claimed.",
                    partner=partner.display_name,
                )
            elif partner.parent_id:
                refusals[partner] = self.env._(
                    "%(partner)s is a contact person: claim its company, %(company)s.",
                    partner=partner.display_name,
                    company=partner.commercial_partner_id.display_name,
                )
            elif partner.in_pool:
                continue
            elif partner.user_id and partner.is_protected:
                refusals[partner] = self.env._(
                    "%(partner)s belongs to %(owner)s and is protected until %(date)s.",
                    partner=partner.display_name,
                    owner=partner.user_id.name,
                    date=fields.Date.to_string(partner.protection_end_date),
                )
            elif partner.user_id:
                refusals[partner] = self.env._(
                    "%(partner)s belongs to %(owner)s. Only customers in the shared "
                    "pool or without a salesperson can be claimed; ask a sales "
                    "administrator to transfer it.",
                    partner=partner.display_name,
                    owner=partner.user_id.name,
                )
            elif (
                partner.is_protected and user not in partner.sudo()._owner_team_users()
            ):
                refusals[partner] = self.env._(
                    "%(partner)s is protected until %(date)s for the team of "
                    "%(owner)s, who registered it.",
                    partner=partner.display_name,
                    date=fields.Date.to_string(partner.protection_end_date),
                    owner=partner.registered_by_id.name,
                )
        return refusals

    @api.depends("user_id", "in_pool", "parent_id", "protection_end_date")
    @api.depends_context("uid")
    def _compute_can_claim(self):
        refused = self._claim_refusals()
        for partner in self:
            partner.can_claim = bool(
                partner.id
                and partner not in refused
                and (partner.in_pool or partner.user_id != self.env.user)
            )

    def action_claim_customer(self):
        """Take customers from the shared pool, or without a salesperson, as
        salesperson (salespeople only; never the companies' or users' partners).
        """
        require_primary(self.env.cr, "a claim of a customer")
        self.check_access("read")
        refused = self._claim_refusals()
        if refused:
            raise UserError("\n".join(refused.values()))
        user = self.env.user
        partners = self.filtered(lambda p: p.user_id != user or p.in_pool)
        if not partners:
            return True
        # Who owns a customer is not the salesperson's to write: the claim is.
        partners.sudo().write(
            {
                "user_id": user.id,
                "in_pool": False,
                "protection_end_date": self._default_protection_end_date(),
            }
        )
        partners.sudo()._message_log_batch(
            bodies={
                partner.id: Markup("<p>%s</p>")
                % self.env._("Claimed by %(user)s.", user=user.name)
                for partner in partners
            }
        )
        return True

    @api.model
    @exclusive_job
    def _cron_release_to_pool(self, batch_size=1000):
        """Return customers whose protection lapsed without a deal to the pool.

        A deal is a confirmed sales order or a posted customer invoice. Works in
        batches: one query selects a batch, one write releases it, one insert
        logs it; progress is committed per batch.
        """
        cron = self.env["ir.cron"]
        self.env.flush_all()  # the deal checks below read orders and invoices in SQL
        released = 0
        while True:
            self.env.cr.execute(
                SQL(
                    """
                SELECT p.id
                  FROM res_partner p
                 WHERE p.protection_end_date < %s
                   AND p.in_pool IS NOT TRUE
                   AND p.parent_id IS NULL
                   AND p.active
                   AND %s
                   AND NOT EXISTS (
                       SELECT 1 FROM sale_order so
                        WHERE so.partner_id = p.id AND so.state = 'sale')
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move m
                        WHERE m.commercial_partner_id = p.id
                          AND m.move_type = 'out_invoice' AND m.state = 'posted')
                 ORDER BY p.id
                 LIMIT %s
                """,
                    fields.Date.context_today(self),
                    SQL(CUSTOMER_SQL),
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            partners = self.browse(ids)
            owners = {partner.id: partner.user_id.name for partner in partners}
            partners.write({"in_pool": True, "user_id": False})
            partners._message_log_batch(
                bodies={
                    partner_id: Markup("<p>%s</p>")
                    % self.env._(
                        "Protection period over without a deal: returned to the "
                        "shared pool (salesperson was %(owner)s).",
                        owner=owner or self.env._("none"),
                    )
                    for partner_id, owner in owners.items()
                }
            )
            released += len(ids)
            if cron._crm_batch_done(released, len(ids), batch_size):
                break
        return released

    def write(self, vals):
        if "user_id" in vals:
            self._check_protection(vals["user_id"])
        return super().write(vals)
