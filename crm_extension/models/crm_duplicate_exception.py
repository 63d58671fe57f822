from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_datetime

from .. import bulk
from ..readers import user_langs
from ..tools.primary import require_primary
from ..tools.server_context import PartnerOperation
from .crm_duplicate_rule import KEY_COLUMNS, key_columns
from .crm_guarded_field_mixin import SALES_ADMIN
from .res_partner_duplicate import match_country, partner_match_keys


class CrmDuplicateException(models.Model):
    """An approved exception to a block rule, for one registration.

    Two real, different companies can share what a block rule compares (a
    franchisee, a branch registered on its own). A refused salesperson asks for
    an exception with a reason; a sales administrator approves or refuses it.
    Approving registers the customer, with who approved it, when and why; the
    new customer and the one it matched are not flagged again against each
    other, and may share what they shared when it was approved
    (``approved_keys``): a block rule still refuses one of them taking
    another key of the other (its VAT, after an exception for its name). The
    rule holds for every other registration.
    """

    _name = "crm.duplicate.exception"
    _description = "Exception to a Duplicate Rule"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.guarded.field.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # What the requester asked to register.
    name = fields.Char(string="Customer to Register", required=True, tracking=True)
    is_company = fields.Boolean(string="Is a Company", default=True)
    vat = fields.Char(string="Tax ID")
    company_registry = fields.Char()
    email = fields.Char()
    phone = fields.Char()
    country_id = fields.Many2one("res.country")
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    matched_partner_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        help="The registered customer the block rule matched.",
    )
    rule_id = fields.Many2one("crm.duplicate.rule", ondelete="set null")
    reason = fields.Text(
        required=True,
        tracking=True,
        help="Why the two are different customers (a franchisee, a branch ...).",
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        default="requested",
        required=True,
        index=True,
        tracking=True,
    )
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, index=True, readonly=True
    )
    approved_by_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)
    decision_note = fields.Text(help="What the sales administrator said.")
    partner_id = fields.Many2one(
        "res.partner",
        string="Registered Customer",
        readonly=True,
        index="btree_not_null",
        help="The customer registered with this exception.",
    )
    approved_keys = fields.Char(
        readonly=True,
        help="Technical: the kinds of keys (vat, name, email, phone) the "
        "registration asked for had in common with the existing customer, "
        "which the block rules let the two share.",
    )

    can_decide = fields.Boolean(
        compute="_compute_can_decide",
        help="The current user may approve or refuse this request: a sales "
        "administrator other than its requester.",
    )

    # What was asked is what the refused registration gave (the form shows it
    # read-only): given when the request is made, never changed afterwards, by
    # the requester or the one deciding. The decision and its trail are the
    # sales administrators' (and the system's): a requester only asks.
    _crm_free_on_create = (
        "name",
        "is_company",
        "vat",
        "company_registry",
        "email",
        "phone",
        "country_id",
        "matched_partner_id",
        "rule_id",
        "company_id",
    )
    _crm_guarded_fields = {
        **dict.fromkeys(_crm_free_on_create, ()),
        "state": (),
        "requested_by_id": (),
        "approved_by_id": (),
        "decision_date": (),
        "partner_id": (),
        "approved_keys": (),
        "decision_note": (SALES_ADMIN,),
    }

    @api.depends("state", "requested_by_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        admin = self.env.user.has_group(SALES_ADMIN)
        for exception in self:
            exception.can_decide = (
                admin
                and exception.state == "requested"
                and exception.requested_by_id != self.env.user
            )

    @api.depends("name", "matched_partner_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # (The existing customer is named to those who may read it.)
        readable = self.matched_partner_id._filtered_access("read")
        for exception in self:
            exception.display_name = self.env._(
                "%(name)s (like %(existing)s)",
                name=exception.name or "",
                existing=(exception.matched_partner_id & readable).display_name
                or self.env._("a customer you cannot see"),
            )

    @api.model
    def default_get(self, fields_list):
        """The matched customer a context gives the request (the form's) is
        one the user may read: the form would show its name, as Odoo shows
        a default's, and a client may send any id there."""
        values = super().default_get(fields_list)
        matched_id = values.get("matched_partner_id")
        if matched_id and not self.env.su:
            self.env["res.partner"].browse(matched_id).check_access("read")
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        model = self._without_guarded_defaults()
        if not self.env.su:
            # (Who creates a request asks: a note of theirs is no decision.)
            if any(vals.get("decision_note") for vals in vals_list):
                self._refuse_own_decision_note()
            context = dict(model.env.context)
            context.pop("default_decision_note", None)
            model = model.with_env(model.env(context=context))
        # (The form's request gives the matched customer as a context default.)
        default_matched = model.default_get(["matched_partner_id"]).get(
            "matched_partner_id"
        )
        for vals in vals_list:
            self._check_reason(vals)
            # One asks about a customer one may read (the refusal names it;
            # so would Odoo's check of companies, of one of another company).
            matched_id = vals.get("matched_partner_id", default_matched)
            if matched_id:
                matched = self.env["res.partner"].browse(matched_id)
                matched.check_access("read")
        exceptions = super(CrmDuplicateException, model).create(vals_list)
        exceptions._ask_administrators()
        self.env.registry.clear_cache()  # _any_approved
        return exceptions

    def write(self, vals):
        self._check_guarded_values([vals])
        if "reason" in vals:
            self._check_reason(vals)
        if self.filtered(lambda exception: exception.state != "requested") and (
            vals.keys() - {"message_follower_ids"}
        ):
            raise UserError(
                self.env._("A decided exception cannot be changed any more.")
            )
        if (
            "decision_note" in vals
            and not self.env.su
            and self.filtered(
                lambda exception: exception.requested_by_id == self.env.user
            )
        ):
            self._refuse_own_decision_note()
        res = super().write(vals)
        if vals.keys() & {"state", "partner_id", "matched_partner_id"}:
            self.env.registry.clear_cache()  # _any_approved
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        # A decision is the trail of a registration (who approved it, when
        # and why) or of a refusal: deleting it would erase it, and let a
        # refused request be asked again as if never refused.
        if not self.env.su and self.filtered(
            lambda exception: exception.state != "requested"
        ):
            raise UserError(
                self.env._(
                    "A decided exception cannot be deleted: it is the trail of "
                    "the decision."
                )
            )

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()  # _any_approved
        return res

    def _refuse_own_decision_note(self):
        raise AccessError(
            self.env._(
                "The decision note is written by the sales administrator who "
                "decides, not by whoever asked (four eyes)."
            )
        )

    def _check_reason(self, vals):
        if not (vals.get("reason") or "").strip():
            raise ValidationError(
                self.env._(
                    "Say why this is another customer than the registered one: "
                    "the reason is what the sales administrator decides on."
                )
            )

    def _ask_administrators(self):
        """An activity for a sales administrator of the company other than the
        requester (four eyes): the requester's team leader when there is one,
        else a sales administrator of the company. When there is none, the
        request says so."""
        for exception in self:
            deciders = exception._deciders()
            leader = exception.requested_by_id.sale_team_id.user_id
            decider = leader if leader in deciders else deciders[:1]
            # Written for its reader: the decider, else the requester.
            reader = decider or exception.requested_by_id
            env = self.with_context(
                lang=user_langs(self.env, reader.ids)[reader.id]
            ).env
            if decider:
                exception.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=decider.id,
                    summary=env._("Approve or refuse an exception to a block"),
                    note=exception.reason,
                )
            else:
                exception.sudo()._message_log(
                    body=env._(
                        "No sales administrator other than %(requester)s can decide "
                        "this request: ask your administrator to name one.",
                        requester=exception.requested_by_id.name,
                    )
                )

    def _deciders(self):
        """The users who may decide this request: the active sales
        administrators of its company, the requester excepted."""
        self.ensure_one()
        return (
            self.env["res.users"]._crm_sales_administrators(self.company_id)
            - self.requested_by_id
        )

    def action_send_request(self):
        """Send the request (saved by the form): the requester is told who
        decides, and the refused registration's form is discarded."""
        self.ensure_one()
        activity = self.sudo().activity_ids[:1]
        if activity:
            message = self.env._(
                "Your request for %(name)s was sent to %(decider)s.",
                name=self.name,
                decider=activity.user_id.name,
            )
        else:
            message = self.env._(
                "Your request for %(name)s is saved, but no other sales "
                "administrator can decide it: ask your administrator to name one.",
                name=self.name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "crm_extension.exception_requested",
            "params": {"message": message, "warning": not activity},
        }

    def _check_administrator(self):
        if not self.env.user.has_group(SALES_ADMIN):
            raise AccessError(
                self.env._("Only sales administrators decide on exceptions.")
            )
        own = self.filtered(
            lambda exception: exception.requested_by_id == self.env.user
        )
        if own:
            raise AccessError(
                self.env._(
                    "You asked for %(exceptions)s: another sales administrator "
                    "decides on it (four eyes).",
                    exceptions=self.env._(", ").join(own.mapped("display_name")),
                )
            )
        decided = self.filtered(lambda exception: exception.state != "requested")
        if decided:
            raise UserError(
                self.env._(
                    "%(exceptions)s was already decided.",
                    exceptions=self.env._(", ").join(decided.mapped("display_name")),
                )
            )

    def action_approve(self):
        """Register the customers the requesters asked for, with this exception:
        the rule that refused them lets them pass against the matched customer
        only (any other duplicate still blocks)."""
        require_primary(self.env.cr, "an exception's approval")
        self._check_administrator()
        now = fields.Datetime.now()
        for exception in self:
            # The registration this exception allows (an operation's
            # parameter: no context a client sends can give it).
            registration = PartnerOperation(approved_exception=exception.id)
            partner = (
                self.env["res.partner"]
                .with_user(exception.requested_by_id)
                .with_company(exception.company_id)
                .with_context(**registration.context())
                .sudo()
                .create(exception._partner_values())
            )
            exception.sudo().write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.uid,
                    "decision_date": now,
                    "partner_id": partner.id,
                }
            )
            exception._note_approved_keys()
            partner.sudo()._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Registered with an exception to the rule “%(rule)s” against "
                    "%(existing)s, approved by %(approver)s on %(date)s: %(reason)s",
                    rule=exception.rule_id.name or "",
                    existing=exception.matched_partner_id.sudo().display_name,
                    approver=self.env.user.name,
                    date=format_datetime(self.env, now),
                    reason=exception.reason,
                )
            )
            exception._close_activities()
        return True

    def action_refuse(self):
        require_primary(self.env.cr, "an exception's refusal")
        self._check_administrator()
        self.sudo().write(
            {
                "state": "refused",
                "approved_by_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
            }
        )
        self._close_activities()
        return True

    def _close_activities(self):
        self.sudo().activity_ids.action_feedback(
            feedback=self.env._("Decided by %(user)s.", user=self.env.user.name)
        )

    def _partner_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "is_company": self.is_company,
            "vat": self.vat,
            "company_registry": self.company_registry,
            "email": self.email,
            "phone": self.phone,
            "country_id": self.country_id.id,
            "company_id": self.company_id.id
            if self.matched_partner_id.company_id
            else False,
            "user_id": self.requested_by_id.id,
            "registered_by_id": self.requested_by_id.id,
            "duplicate_exception_id": self.id,
        }

    def _note_approved_keys(self):
        """Note the kinds of keys the customers of these approved exceptions
        may share (``approved_keys``): the one of the rule that refused the
        registration, and any other that what was asked (the exception's
        values, which the approver saw) has in common with the matched
        customer. (Not what the two share now: an upgrade would approve what
        one of them took from the other since.)"""
        noted = {}
        for exception in self.sudo():
            kinds = {exception.rule_id.key} if exception.rule_id else set()
            country = (
                match_country(exception.partner_id)
                if exception.partner_id
                else exception.country_id
            )
            asked = partner_match_keys(
                exception.name,
                False,
                exception.vat,
                exception.company_registry,
                exception.email,
                exception.phone,
                country.code,
                country.phone_code,
                exception.is_company,
            )
            matched = exception.matched_partner_id
            for kind, column in KEY_COLUMNS.items():
                values = {asked[other] for other in key_columns(column)} - {""}
                if values & {matched[other] for other in key_columns(column)}:
                    kinds.add(kind)
            noted[exception.id] = ",".join(sorted(kinds))
        # (The system's note on a decided exception, which nobody writes:
        # nothing is computed from it.)
        bulk.update_columns(self, {"approved_keys": noted}, log_access=False)

    @api.model
    @tools.ormcache()
    def _any_approved(self):
        """Whether any exception was approved (cached: read on every
        registration that resembles another customer; most databases have
        none, and then ask nothing more)."""
        return bool(self.sudo().search_count([("state", "=", "approved")], limit=1))

    @api.model
    def _approved_pairs(self, partner_ids):
        """The pairs of customers an approved exception lets be alike, for
        ``partner_ids``: ``{(partner id, other id): kinds of keys}`` in both
        orders, the kinds of keys they may share under a block rule (see
        ``approved_keys``)."""
        if not partner_ids or not self._any_approved():
            return {}
        rows = self.sudo().search_read(
            [
                ("state", "=", "approved"),
                "|",
                ("partner_id", "in", list(partner_ids)),
                ("matched_partner_id", "in", list(partner_ids)),
            ],
            ["partner_id", "matched_partner_id", "approved_keys"],
        )
        pairs = {}
        for row in rows:
            new, old = row["partner_id"][0], row["matched_partner_id"][0]
            kinds = set(filter(None, (row["approved_keys"] or "").split(",")))
            for pair in ((new, old), (old, new)):
                pairs[pair] = pairs.get(pair, set()) | kinds
        return pairs
