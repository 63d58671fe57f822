from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import primary_count
from ..tools.server_context import COPYING_COMMITTEE


class CrmLeadContactRole(models.Model):
    """A member of an opportunity's buying committee."""

    _name = "crm.lead.contact.role"
    _inherit = ["crm.guarded.field.mixin"]
    _description = "Buying Committee Member"
    _order = "lead_id, is_primary desc, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    # The opportunity's, as Odoo relates it: the multi-company rule reads it.
    _crm_guarded_fields = {"company_id": ()}

    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    role_id = fields.Many2one(
        "crm.contact.role",
        required=True,
        ondelete="restrict",
        compute="_compute_role_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    stance = fields.Selection(
        [("support", "Support"), ("neutral", "Neutral"), ("oppose", "Oppose")],
        required=True,
        default="neutral",
    )
    influence = fields.Selection(
        [("high", "High"), ("medium", "Medium"), ("low", "Low")],
        required=True,
        default="medium",
    )
    is_primary = fields.Boolean(string="Primary")
    note = fields.Char()
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="lead_id.company_id", store=True, index="btree_not_null"
    )
    # As the user may read them: the contact's details, not more.
    function = fields.Char(related="partner_id.function", related_sudo=False)
    phone = fields.Char(related="partner_id.phone", related_sudo=False)
    email = fields.Char(related="partner_id.email", related_sudo=False)
    is_decision_maker = fields.Boolean(related="role_id.is_decision_maker")
    is_opponent = fields.Boolean(
        compute="_compute_is_opponent",
        help="The role is an opponent role or the contact opposes the deal.",
    )

    @api.depends("partner_id.name", "lead_id.name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # The member, on its opportunity (Odoo's messages name the member
        # beside its contact: "the contact" alone would read as the contact).
        for line in self:
            line.display_name = self.env._(
                "%(contact)s (%(lead)s)",
                contact=line.partner_id.name or "",
                lead=line.lead_id.name or "",
            )

    @api.depends("partner_id")
    def _compute_role_id(self):
        for line in self:
            role = line.partner_id.contact_role_id
            if role.active and not line.role_id:
                line.role_id = role

    @api.depends("role_id.is_opponent", "stance")
    def _compute_is_opponent(self):
        for line in self:
            line.is_opponent = line.role_id.is_opponent or line.stance == "oppose"

    @api.constrains("is_primary", "lead_id")
    def _check_single_primary(self):
        leads = self.filtered("is_primary").lead_id
        for lead in leads:
            lines = [{"is_primary": line.is_primary} for line in lead.contact_role_ids]
            if primary_count(lines) > 1:
                raise ValidationError(
                    self.env._(
                        "The opportunity %(lead)s can have only one primary contact.",
                        lead=lead._crm_name_for_user(),
                    )
                )

    @api.constrains("partner_id", "lead_id")
    def _check_partner_once(self):
        for lead in self.lead_id:
            partners = lead.contact_role_ids.partner_id
            if len(partners) != len(lead.contact_role_ids):
                raise ValidationError(
                    self.env._(
                        "A contact can be in the buying committee of %(lead)s only "
                        "once.",
                        lead=lead._crm_name_for_user(),
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_a_person(self):
        """A buying committee is made of people: a company (the customer
        itself) is refused on every path, its contact persons are the
        members (the form offers people only). A partner made a company
        while a member is refused likewise (``res.partner``'s
        ``_crm_check_committee_members``)."""
        for line in self:
            if line.partner_id.sudo().is_company:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a company and cannot join the buying "
                        "committee of %(lead)s: add its contact persons instead.",
                        contact=line.partner_id._crm_name_for_user(),
                        lead=line.lead_id._crm_name_for_user(),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lead_ids = [
            vals["lead_id"]
            for vals in vals_list
            if vals.get("is_primary") and vals.get("lead_id")
        ]
        self._check_guarded_values(vals_list, creating=True)
        self._check_leads_writable(vals_list)
        self._check_roles_given(vals_list)
        self._check_active_roles(vals_list)
        self._unset_primaries(self.env["crm.lead"].browse(lead_ids))
        return super(CrmLeadContactRole, self._without_guarded_defaults()).create(
            vals_list
        )

    def write(self, vals):
        self._check_guarded_values([vals])
        self._check_active_roles([vals])
        if vals.get("lead_id") and any(
            line.lead_id.id != vals["lead_id"] for line in self
        ):
            # Odoo checks the rules on the members as they were: the
            # opportunity a member moves to is checked too (a member of one's
            # own deal moved onto another salesperson's would pass its gates).
            self.env["crm.lead"].browse(vals["lead_id"]).check_access("write")
        if vals.get("is_primary"):
            leads = self.env["crm.lead"].browse(vals.get("lead_id")) or self.lead_id
            self._unset_primaries(leads, keep=self)
        return super().write(vals)

    @api.model
    def _check_leads_writable(self, vals_list):
        """Who may not write an opportunity gets Odoo's refusal of its
        committee first: the checks of the new members (a contact already in
        it) would otherwise tell them who sits in the committee of an
        opportunity they may not read."""
        if self.env.su:
            return
        default = self.env.context.get("default_lead_id")
        lead_ids = {vals.get("lead_id", default) for vals in vals_list}
        self.env["crm.lead"].browse(
            [lead_id for lead_id in lead_ids if isinstance(lead_id, int) and lead_id]
        ).check_access("write")

    @api.model
    def _check_active_roles(self, vals_list):
        """A member is given a role in use: an archived one is no longer
        offered (a member keeps the role it had when it was archived, and in
        a copy of its opportunity). A new member's role may come from a
        ``default_role_id`` of the caller's context: checked the same."""
        if self.env.su or COPYING_COMMITTEE.is_raised(self.env.context):
            return
        default = None if self else self.env.context.get("default_role_id")
        given = [
            vals["role_id"] if "role_id" in vals else default for vals in vals_list
        ]
        role_ids = {
            role_id
            for role_id in given
            if role_id
            and not (self and all(line.role_id.id == role_id for line in self))
        }
        archived = (
            self.env["crm.contact.role"]
            .browse([role_id for role_id in role_ids if isinstance(role_id, int)])
            .exists()
            .filtered(lambda role: not role.active)
        )
        if archived:
            raise ValidationError(self._archived_role_message(archived[0]))

    @api.model
    def _check_roles_given(self, vals_list):
        """A new member is given a role, or takes its contact's: without one
        in use, it is refused with the addon's words, not the database's
        ("Missing required value")."""
        if self.env.context.get("default_role_id"):
            return
        for vals in vals_list:
            if vals.get("role_id") or not vals.get("partner_id"):
                continue
            contact = self.env["res.partner"].browse(vals["partner_id"])
            role = contact.contact_role_id
            if role and not role.active:
                raise ValidationError(self._archived_role_message(role))
            if not role:
                raise ValidationError(
                    self.env._(
                        "Give %(contact)s a role in the buying committee.",
                        contact=contact.display_name,
                    )
                )

    def _archived_role_message(self, role):
        return self.env._(
            "The role %(role)s is archived: give the member a role in use.",
            role=role.display_name,
        )

    def _absorb_members(self, members):
        """This member takes over ``members``: the members of its contact on
        its opportunity that go (a merged opportunity's, or a contact merged
        into its own). It keeps its role on the deal and takes what they
        knew that it does not: a stance where it has none known (neutral),
        their opposition (a member opposing the deal by its role or its
        stance leaves the opponent warning on), their notes after its own.
        Removing ``members`` is the caller's. One rule for both merges
        (``crm.lead._merge_dependences_contact_roles``, and
        ``res.partner._crm_merge_committees`` after Odoo's merge wizard)."""
        self.ensure_one()
        stance = self.stance
        notes = [self.note] if self.note else []
        for member in members - self:
            opposed = self.role_id.is_opponent or stance == "oppose"
            if member.is_opponent and not opposed:
                stance = "oppose"
            elif stance == "neutral" and member.stance != "neutral":
                stance = member.stance
            if member.note and member.note not in notes:
                notes.append(member.note)
        values = {}
        if stance != self.stance:
            values["stance"] = stance
        note = "; ".join(notes) or False
        if note != (self.note or False):
            values["note"] = note
        if values:
            self.write(values)

    def _unset_primaries(self, leads, keep=None):
        """Making a member primary takes the mark from the lead's previous one."""
        previous = leads.contact_role_ids.filtered("is_primary")
        if keep:
            previous -= keep
        if previous:
            previous.write({"is_primary": False})
