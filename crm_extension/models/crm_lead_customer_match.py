"""Whose customer a lead already is: new leads are matched against the
registered customers with the duplicate rules; linking a lead to the customer it
matches keeps whoever enquired as a contact person of that customer; converting
a lead keeps its source on the customer."""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import parse_contact_from_email

from .. import compat
from ..tools.normalize import name_match_key
from ..tools.server_context import KEEPING_LEAD_CONTACT
from .res_partner_duplicate import (
    DuplicateBlocked,
    match_country,
    partner_match_keys,
)


class CrmLead(models.Model):
    _inherit = "crm.lead"

    matched_partner_id = fields.Many2one(
        "res.partner",
        string="Existing Customer",
        compute="_compute_matched_partner_id",
        store=True,
        index="btree_not_null",
        help="A registered customer this lead matches by the duplicate rules.",
    )

    matched_owner_id = fields.Many2one(
        "res.users",
        string="Customer's Salesperson",
        compute="_compute_matched_customer_info",
    )

    matched_customer_info = fields.Char(compute="_compute_matched_customer_info")

    can_use_matched_partner = fields.Boolean(compute="_compute_matched_customer_info")

    @api.depends("matched_partner_id")
    @api.depends_context("uid")
    def _compute_matched_customer_info(self):
        """Whose customer the lead already is, as far as the user may read that
        customer; a customer the user cannot see is not named. A customer a
        warn rule matches (the same e-mail or phone, a similar name: 上海华星
        beside 北京华星) is perhaps the lead's, not already: only one a block
        rule matches is (:meth:`_block_matches`)."""
        readable = self.matched_partner_id._filtered_access("read")
        blocked = self.filtered("matched_partner_id")._block_matches()
        for lead in self:
            lead.matched_owner_id = (
                (lead.matched_partner_id & readable).sudo().user_id.with_env(self.env)
            )
            lead.can_use_matched_partner = bool(lead.matched_partner_id & readable)
            already = lead.matched_partner_id.id in blocked.get(lead, ())
            if lead.matched_partner_id and lead.matched_partner_id not in readable:
                lead.matched_customer_info = (
                    self.env._(
                        "Already a customer, whom you cannot see: ask a sales "
                        "administrator before working on this lead."
                    )
                    if already
                    else self.env._(
                        "Perhaps already a customer, whom you cannot see: ask a "
                        "sales administrator before working on this lead."
                    )
                )
                continue
            customer = lead.matched_partner_id.sudo()
            if not customer:
                lead.matched_customer_info = False
                continue
            arguments = {
                "customer": customer.display_name,
                "owner": customer.user_id.name or self.env._("none"),
                "registration": customer._crm_registration(
                    customer.registered_by_id.name, customer.registered_date
                ),
            }
            lead.matched_customer_info = (
                self.env._(
                    "Already a customer: %(customer)s (salesperson: %(owner)s; "
                    "%(registration)s).",
                    **arguments,
                )
                if already
                else self.env._(
                    "Perhaps already a customer: %(customer)s (salesperson: "
                    "%(owner)s; %(registration)s). Check before working on this "
                    "lead.",
                    **arguments,
                )
            )

    @api.depends(
        "partner_id",
        "partner_name",
        "contact_name",
        "email_from",
        *compat.PHONE_FIELDS,
        "country_id",
        "company_id",
        # A customer given to another company is matched again: the lead
        # names only customers visible wherever it is.
        "matched_partner_id.company_id",
    )
    def _compute_matched_partner_id(self):
        """Match new leads against existing customers with the duplicate rules.

        One query per rule kind for the whole batch of leads.
        """
        to_match = self.filtered(lambda lead: not lead.partner_id)
        (self - to_match).matched_partner_id = False
        rows = {lead: lead._customer_match_row() for lead in to_match}
        matches = self.env["crm.duplicate.rule"]._match_rows(rows)
        for lead in to_match:
            found = sorted(
                matches.get(lead, []),
                key=lambda rule_match: (
                    rule_match[0]["action"] != "block",
                    rule_match[0]["id"],
                ),
            )
            lead.matched_partner_id = found[0][1]["id"] if found else False

    def _customer_match_row(self):
        """The lead as the duplicate rules see a customer."""
        self.ensure_one()
        number = compat.phone_of(self)
        # The country numbers a phone (a lead has no VAT nor registry number).
        country = match_country(self) if number else self.env["res.country"]
        name = self.partner_name or self.contact_name
        keys = partner_match_keys(
            name,
            False,
            False,
            False,
            self.email_from,
            number,
            country.code,
            country.phone_code,
            other_number=compat.other_phone_of(self),
        )
        return {
            "id": False,
            "name": name,
            **{fname: key or False for fname, key in keys.items()},
            "is_customer": True,
            "visible_matches_only": True,
            "is_company": bool(self.partner_name),
            "active": True,
            "company_id": self.company_id.id,
            "commercial_partner_id": False,
            "parent_id": False,
            "user_id": self.user_id.id,
            "registered_by_id": False,
            "registered_date": False,
        }

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        """The form's onchange reads only: whose customer a lead being typed
        already is (``matched_partner_id``) may be served by Odoo's read
        replica.

        The customer the form is given (typed, or the form's default) is one
        the user may read: Odoo fills the lead in from it as the system (its
        name, e-mail, phone and address), whichever customer a client names,
        another company's too. A lead's customer it has already is left as
        it is."""
        if "partner_id" in values:
            partner_id = values["partner_id"]
        else:
            partner_id = None if self else self.env.context.get("default_partner_id")
        if (
            isinstance(partner_id, int)
            and not isinstance(partner_id, bool)
            and partner_id not in self.partner_id.ids
            and not self.env.su
            and not self.env["res.partner"].browse(partner_id)._filtered_access("read")
        ):
            raise AccessError(
                self.env._(
                    "You may not read this customer: it cannot be linked to an "
                    "opportunity by you."
                )
            )
        return super().onchange(values, field_names, fields_spec)

    def action_use_matched_partner(self):
        """Link the lead to the existing customer it matches (one the user may
        read), keeping whoever enquired (:meth:`_link_matched_customer`)."""
        for lead in self.filtered("matched_partner_id"):
            lead.matched_partner_id.check_access("read")
            lead._link_matched_customer(lead.matched_partner_id)
        return True

    def _handle_partner_assignment(
        self, force_partner_id=False, create_missing=True, **kwargs
    ):
        """Odoo's assignment of the lead's customer (its conversion and
        quotation wizards). Linked to the customer the addon matched (the
        wizards propose the registered one), a lead keeps whoever enquired
        (:meth:`_link_matched_customer`). A new customer that a block rule
        refuses while the lead matches a customer the user may read: the
        refusal says to link the lead to that customer instead."""
        customer = self.env["res.partner"].browse(force_partner_id or [])
        linked = self.filtered(
            lambda lead: (
                customer and not lead.partner_id and lead.matched_partner_id == customer
            )
        )
        for lead in linked:
            lead._link_matched_customer(customer)
        others = self - linked
        try:
            return super(CrmLead, others)._handle_partner_assignment(
                force_partner_id=force_partner_id,
                create_missing=create_missing,
                **kwargs,
            )
        except DuplicateBlocked as error:
            # (A block rule's match comes first: see _compute_matched_partner_id.)
            matched = others.filtered(
                lambda lead: not lead.partner_id
            ).matched_partner_id._filtered_access("read")
            if not (create_missing and matched):
                raise
            raise DuplicateBlocked(
                self.env._(
                    '%(refusal)s\nChoose "Link to an existing customer" to link '
                    "the lead to %(customer)s.",
                    refusal=error.args[0],
                    customer=matched[:1].display_name,
                ),
                error.request,
                keys=error.keys,
                rule_ids=error.rule_ids,
                partner_ids=error.partner_ids,
            ) from error

    def _matched_customer_to_link(self):
        """The customer that Odoo's conversion and quotation wizards propose
        to link the lead to, as the mass conversion links it: the registered
        customer a block rule would refuse the lead's customer for (one the
        user may read, :meth:`_registered_customer`). Odoo finds a lead's
        customer by its e-mail (18.0 also by a name containing the lead's),
        not one written otherwise (another script, without its legal form,
        its city first), and proposed to create it again. An e-mail match
        stays Odoo's."""
        self.ensure_one()
        if self.partner_id or compat.lead_partner_by_email(self):
            return self.env["res.partner"]
        return self._registered_customer()

    def _registered_customer_defaults(self, field_names):
        """The defaults of Odoo's conversion and quotation wizards for the
        lead: "Link to an existing customer" and the customer to link
        (:meth:`_matched_customer_to_link`); none when the wizard is given
        its action or customer (values, context defaults). Defaults only: a
        customer the user links or creates afterwards is Odoo's choice."""
        context = self.env.context
        if (
            len(self) != 1
            or not {"action", "partner_id"} <= set(field_names)
            or context.get("default_action")
            or context.get("default_partner_id")
        ):
            return {}
        customer = self._matched_customer_to_link()
        if not customer:
            return {}
        return {"action": "exist", "partner_id": customer.id}

    def _link_matched_customer(self, customer):
        """Link the lead to ``customer``, the registered customer it matches,
        keeping whoever enquired: Odoo gives a lead linked to a customer the
        customer's e-mail and phone, so a company's lead keeps its contact
        (:meth:`_enquirer_of`) as the company's contact person."""
        self.ensure_one()
        enquirer = self._enquirer_of(customer)
        if enquirer is None:
            # Linked to the customer without its contact person: the lead
            # keeps the enquirer's e-mail and phone, the customer its own.
            self.with_context(**KEEPING_LEAD_CONTACT.context()).write(
                {
                    "partner_id": customer.id,
                    "email_from": self.email_from,
                    **{fname: self[fname] for fname in compat.PHONE_FIELDS},
                }
            )
            return
        self.partner_id = enquirer or customer

    def _enquirer_of(self, company):
        """The contact person of ``company`` who made this enquiry, when the
        lead's e-mail or phone is not the company's (linked to the company, the
        lead would lose it). One of its contacts with that e-mail (else that
        name and no other e-mail), or a new one made as Odoo makes a lead's
        contact (``_prepare_customer_values``: a person, whom the duplicate
        rules flag rather than refuse; the company's salesperson's, see
        res_partner_ownership). No partner for a person's lead, a lead
        written from the company's own e-mail (Odoo's match), with nothing
        of its own; ``None`` for a lead without what the company's class
        requires of its contact persons (noted on the lead, which keeps
        whoever enquired)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if not company.is_company:
            return Partner
        row = self._customer_match_row()
        own = {row["email_key"], row["phone_key"], row["phone_other_key"]}
        known = {company.email_key, company.phone_key, company.phone_other_key}
        if (row["email_key"] and row["email_key"] == company.email_key) or not (
            own - known - {False, ""}
        ):
            return Partner
        contacts = company.child_ids.filtered(lambda child: not child.is_company)
        email = row["email_key"]
        found = email and contacts.filtered(lambda child: child.email_key == email)
        if not found and self.contact_name:
            name = name_match_key(self.contact_name)
            found = contacts.filtered(
                lambda child: (
                    name_match_key(child.name) == name
                    and not (email and child.email_key)
                )
            )
        if found:
            return found[:1]
        values = self._as_contact_of(
            company, self._prepare_customer_values(self._enquirer_name())
        )
        gaps = Partner.new(values)._class_template_gaps()
        if gaps:
            # The class of the customer requires of its contact persons what
            # the lead does not give: the lead is linked to the customer (as
            # Odoo links it) and keeps whoever enquired; the class asks the
            # rest of whoever adds the contact person to the customer.
            self._message_log(
                body=self.env._(
                    "%(contact)s was not added as a contact person of "
                    "%(customer)s: its customer class requires of its contact "
                    "persons: %(fields)s. Add the contact person from the "
                    "customer's form.",
                    contact=values["name"],
                    customer=company.display_name,
                    fields=self.env._(", ").join(
                        Partner._fields[fname]._description_string(self.env)
                        for _classes, missing in gaps.values()
                        for fname in missing
                    ),
                )
            )
            return None
        return Partner.create(values)

    def _as_contact_of(self, company, values):
        """Odoo's ``values`` of the lead's new customer
        (``_prepare_customer_values``) as those of a contact person of
        ``company`` named as Odoo names a lead's contact. Odoo gives a company
        without an address the address of its new contact: not to a customer
        the user may not edit (a salesperson adds contacts to any customer),
        and the lead keeps its address."""
        values = {
            fname: value
            for fname, value in values.items()
            if fname not in ("company_type", "company_name")
        }
        if not company._filtered_access("write"):
            for fname in self.env["res.partner"]._address_fields():
                values.pop(fname, None)
        return dict(
            values, name=self._enquirer_name(), is_company=False, parent_id=company.id
        )

    def _enquirer_name(self):
        """The name of whoever enquired, as Odoo names a lead's contact: the
        contact name, else the name or the address of the e-mail (else the
        phone)."""
        self.ensure_one()
        return (
            self.contact_name
            or parse_contact_from_email(self.email_from)[0]
            or self.email_from
            or compat.phone_of(self)
        )

    def _get_customer_information(self):
        """What Odoo creates a lead's e-mail recipient with (the chatter's
        suggested recipient; on 19.0 also the recipients Odoo finds or creates
        from e-mails) names the lead's company: a lead without a contact name
        gives a company of that name, which a block rule refuses when it is a
        registered customer (the message was not sent). For a lead naming a
        registered customer (one the user may read), the recipient is that
        customer's contact person, named as Odoo names a lead's contact; a
        person of its own when the customer's class requires of its contact
        persons what the lead does not give (a message is sent, no form can
        be completed)."""
        information = super()._get_customer_information()
        Partner = self.env["res.partner"]
        for lead in self.filtered(
            lambda lead: lead.matched_partner_id and not lead.partner_id
        ):
            email_key = lead.email_normalized or lead.email_from
            if email_key not in information:
                continue
            company = lead._registered_customer()
            if not company.is_company:
                continue
            values = lead._as_contact_of(company, information[email_key])
            if Partner.new(values)._class_template_gaps():
                values = {
                    fname: value
                    for fname, value in values.items()
                    if fname != "parent_id"
                }
            information[email_key] = values
        return information

    def _registered_customer(self):
        """The registered customer whose registration a block rule would refuse
        the lead's customer for (its company's name, its number), when the user
        may read it; else no partner (see the mass conversion's wizard)."""
        self.ensure_one()
        ids = self._block_matches().get(self, [])
        return self.env["res.partner"].browse(ids)._filtered_access("read")[:1]

    def _block_matches(self):
        """``{lead: ids of the registered customers}`` whose registration a
        block rule would refuse the lead's customer for, whoever may read
        them, for the leads without a customer (one statement)."""
        Rule = self.env["crm.duplicate.rule"]
        rules = [rule for rule in Rule._get_active_rules() if rule["action"] == "block"]
        leads = self.filtered(lambda lead: not lead.partner_id)
        if not leads or not rules:
            return {}
        found = Rule._match_rows(
            {lead: lead._customer_match_row() for lead in leads}, rules=rules
        )
        # (A rule of companies only warns about a person: see _as_applied.)
        return {
            lead: [
                match["id"]
                for rule, match in found.get(lead, ())
                if rule["action"] == "block"
            ]
            for lead in leads
        }

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        values = super()._prepare_customer_values(
            partner_name, is_company=is_company, parent_id=parent_id
        )
        # The customer keeps the source the lead came from.
        if self.source_id:
            values["source_id"] = self.source_id.id
        return values

    def _get_partner_email_update(self, force_void=True):
        # Odoo proposes, and on save writes, the lead's e-mail on the customer:
        # only on a customer the user may edit (another salesperson's stays as
        # it is, and the lead is saved), not while the lead keeps its own
        # (_link_matched_customer).
        return (
            super()._get_partner_email_update(force_void=force_void)
            and bool(self.partner_id._filtered_access("write"))
            and not KEEPING_LEAD_CONTACT.is_raised(self.env.context)
        )

    def _get_partner_phone_update(self, force_void=True):
        return (
            super()._get_partner_phone_update(force_void=force_void)
            and bool(self.partner_id._filtered_access("write"))
            and not KEEPING_LEAD_CONTACT.is_raised(self.env.context)
        )
