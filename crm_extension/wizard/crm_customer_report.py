from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..readers import readable_by, user_langs
from ..tools import first_readers


class CrmCustomerReport(models.TransientModel):
    """Any user flags a duplicate or a wrongly classified customer to the managers."""

    _name = "crm.customer.report"
    _description = "Report a Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    reason = fields.Selection(
        [
            ("duplicate", "Duplicate of another customer"),
            ("wrong_class", "Wrong customer class"),
            ("other", "Other"),
        ],
        required=True,
        default="duplicate",
    )
    duplicate_of_id = fields.Many2one(
        "res.partner",
        domain="[('id', '!=', partner_id), ('parent_id', '=', False)]",
    )
    suggested_class_id = fields.Many2one("crm.customer.class", string="Right Class")
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and not values.get(
            "partner_id"
        ):
            active_id = self.env.context.get("active_id")
            # (A client may send anything: only a record id is one.)
            if isinstance(active_id, int) and not isinstance(active_id, bool):
                values["partner_id"] = active_id
        # The form shows the customers it is given by name (Odoo names a
        # default as the system): only ones the user may read.
        for fname in ("partner_id", "duplicate_of_id"):
            if values.get(fname) and not self.env.su:
                self.env["res.partner"].browse(values[fname]).check_access("read")
        return values

    def _get_reviewer(self):
        """Who hears of the report: a manager who may read the customer and
        act on it (an active internal user with all sales documents, of its
        company, who may read it: see :func:`readers.readable_by`): the
        customer's team leader, else the reporter's, else a sales
        administrator of the customer's company."""
        partner = self.partner_id.sudo()
        company = partner.company_id

        def reviews(user):
            user = user.sudo()
            return (
                user.active
                and not user.share
                and user.has_group("sales_team.group_sale_salesman_all_leads")
                and (not company or company in user.company_ids)
            )

        candidates = (
            partner.user_id.sale_team_id.user_id
            | self.env.user.sale_team_id.user_id
            | self.env["res.users"]._crm_sales_administrators(company or None)
        ).filtered(reviews)
        reviewer = first_readers(
            {partner.id: candidates.ids},
            lambda user_id, ids: readable_by(self.env, user_id, "res.partner", ids),
        ).get(partner.id)
        return self.env["res.users"].browse(reviewer)

    def _shown_with_customer(self, record):
        """Whether everyone who reads the customer, and so the report on it,
        reads ``record`` too: one shared by all companies or of the
        customer's own."""
        return not record.company_id or record.company_id == self.partner_id.company_id

    def action_report(self):
        self.ensure_one()
        partner = self.partner_id
        partner.check_access("read")
        # The link is written as the system: only to a customer the reporter
        # may read (an id typed over RPC names no other company's customer).
        self.duplicate_of_id.check_access("read")
        self.suggested_class_id.check_access("read")
        # (The form offers neither; a client may send either.)
        if (
            self.duplicate_of_id
            and self.duplicate_of_id.commercial_partner_id
            == partner.commercial_partner_id
        ):
            raise UserError(
                self.env._(
                    "%(duplicate)s is %(partner)s itself or one of its contact "
                    "persons: a customer is no duplicate of itself. Choose "
                    "another customer.",
                    duplicate=self.duplicate_of_id.display_name,
                    partner=partner.commercial_partner_id.display_name,
                )
            )
        if self.suggested_class_id and not self._shown_with_customer(
            self.suggested_class_id
        ):
            raise UserError(
                self.env._(
                    "%(customer_class)s is a class of another company than "
                    "%(partner)s's: choose a class of its company, or one all "
                    "companies share.",
                    customer_class=self.suggested_class_id.display_name,
                    partner=partner.display_name,
                )
            )
        values = {}
        if self.reason == "duplicate":
            values["duplicate_state"] = "reported"
            if self.duplicate_of_id:
                values["duplicate_partner_ids"] = [
                    fields.Command.link(self.duplicate_of_id.id)
                ]
        partner_su = partner.sudo()
        if values:
            partner_su.write(values)
        # The note is the reporter's, in their language; the activity is the
        # reviewer's, in theirs.
        partner_su.message_post(body=Markup("<p>%s</p>") % self._summary())
        reviewer = self._get_reviewer()
        if reviewer:
            report = self.with_context(
                lang=user_langs(self.env, reviewer.ids)[reviewer.id]
            )
            partner_su.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=reviewer.id,
                summary=report.env._("Check reported customer"),
                note=report._summary(),
            )
        return {"type": "ir.actions.act_window_close"}

    def _summary(self):
        """What was reported, in the language of the environment."""
        reason = dict(self._fields["reason"]._description_selection(self.env))[
            self.reason
        ]
        details = [reason]
        # (The note and the activity are read by whoever reads the customer:
        # a customer of another company is not named.)
        if self.duplicate_of_id and self._shown_with_customer(self.duplicate_of_id):
            details.append(
                self.env._(
                    "duplicate of %(name)s", name=self.duplicate_of_id.display_name
                )
            )
        elif self.duplicate_of_id:
            details.append(self.env._("duplicate of a customer of another company"))
        if self.suggested_class_id:
            details.append(
                self.env._(
                    "suggested class: %(name)s",
                    name=self.suggested_class_id.display_name,
                )
            )
        if self.note:
            details.append(self.note)
        return self.env._(
            "Reported by %(user)s: %(details)s",
            user=self.env.user.name,
            details=self.env._("; ").join(details),
        )
