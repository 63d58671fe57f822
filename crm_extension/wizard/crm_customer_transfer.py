from itertools import cycle

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_guarded_field_mixin import SALES_ADMIN


class CrmCustomerTransfer(models.TransientModel):
    """Staff departure (人走资料留): hand a user's portfolio to colleagues."""

    _name = "crm.customer.transfer"
    _description = "Transfer Customers"

    # The leaver is most often archived already (their login closed the day
    # they left): offered too.
    from_user_id = fields.Many2one(
        "res.users",
        string="Transfer From",
        required=True,
        domain="[('share', '=', False)]",
        context={"active_test": False},
    )
    target = fields.Selection(
        [("user", "One salesperson"), ("team", "Spread over a sales team")],
        string="Transfer To",
        required=True,
        default="user",
    )
    to_user_id = fields.Many2one(
        "res.users", string="Receiving Salesperson", domain="[('share', '=', False)]"
    )
    to_team_id = fields.Many2one("crm.team")
    include_customers = fields.Boolean(string="Customers", default=True)
    include_opportunities = fields.Boolean(string="Open Opportunities", default=True)
    include_activities = fields.Boolean(string="Open Activities", default=True)
    include_complaints = fields.Boolean(string="Open Complaints", default=True)
    has_complaints = fields.Boolean(compute="_compute_has_complaints")
    summary = fields.Text(readonly=True)

    @api.depends("from_user_id")
    def _compute_has_complaints(self):
        for wizard in self:
            wizard.has_complaints = "crm.complaint" in self.env

    def _transfer_targets(self):
        """Records to move, per kind: ``[(label, records, user field)]``.

        Other modules add theirs by extending this method (the complaint model
        adds its open complaints).
        """
        self.ensure_one()
        user = self.from_user_id
        targets = []
        if self.include_customers:
            targets.append(
                (
                    self.env._("Customers"),
                    self.env["res.partner"].search(
                        [("user_id", "=", user.id), ("parent_id", "=", False)]
                    ),
                    "user_id",
                )
            )
        if self.include_opportunities:
            targets.append(
                (
                    self.env._("Opportunities"),
                    self.env["crm.lead"].search(
                        [("user_id", "=", user.id), ("stage_id.is_won", "=", False)]
                    ),
                    "user_id",
                )
            )
        if self.include_complaints and "crm.complaint" in self.env:
            complaints = self.env["crm.complaint"].search(
                [("user_id", "=", user.id), ("stage_id.is_closed", "=", False)]
            )
            targets.append((self.env._("Complaints"), complaints, "user_id"))
        if self.include_activities:
            targets.append(
                (
                    self.env._("Activities"),
                    self.env["mail.activity"].search([("user_id", "=", user.id)]),
                    "user_id",
                )
            )
        return targets

    def _new_owners(self):
        self.ensure_one()
        if self.target == "user":
            if (
                not self.to_user_id
                or self.to_user_id == self.from_user_id
                or self.to_user_id.share
                or not self.to_user_id.active
            ):
                # (An active internal user: the domain of the field, which a
                # client may leave out.)
                raise UserError(self.env._("Choose another user to transfer to."))
            return [self.to_user_id]
        members = (self.to_team_id.member_ids | self.to_team_id.user_id) - (
            self.from_user_id
        )
        if not members:
            raise UserError(
                self.env._(
                    "The team %(team)s has nobody to transfer to.",
                    team=self.to_team_id.display_name or "",
                )
            )
        return list(members.sorted("id"))

    def action_transfer(self):
        self.ensure_one()
        if not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators can transfer a portfolio.")
            )
        owners = self._new_owners()
        counts = []
        for label, records, field_name in self._transfer_targets():
            if not records:
                continue
            assignment = {}
            for record, owner in zip(records, cycle(owners)):
                assignment.setdefault(owner, []).append(record.id)
            for owner, ids in assignment.items():
                batch = records.browse(ids).with_context(
                    mail_auto_subscribe_no_notify=True
                )
                # (Customers' contact persons follow them: see
                # res.partner._crm_contacts_follow_salesperson.)
                batch.write({field_name: owner.id})
                if (
                    hasattr(batch, "_message_log_batch")
                    and batch._name != "mail.activity"
                ):
                    batch._message_log_batch(
                        bodies={
                            record_id: Markup("<p>%s</p>")
                            % self.env._(
                                "Transferred from %(old)s to %(new)s by %(user)s.",
                                old=self.from_user_id.name,
                                new=owner.name,
                                user=self.env.user.name,
                            )
                            for record_id in ids
                        }
                    )
            counts.append(
                self.env._("%(kind)s: %(count)s", kind=label, count=len(records))
            )
        self.summary = (
            self.env._("Transferred. %(counts)s.", counts=self.env._(", ").join(counts))
            if counts
            else self.env._("Nothing to transfer.")
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
