"""Customer classification: class, importance, credit rating, business profile,
the class templates of required fields and the history of class changes."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .. import compat
from ..tools import is_value_set, missing_required_fields
from ..tools.server_context import MERGING_PARTNERS, PartnerOperation, PortalRefusal
from .crm_guarded_field_mixin import INTERNAL, SALES_ADMIN

RATING_SELECTION = [("a", "A"), ("b", "B"), ("c", "C")]
CREDIT_RATING_GROUPS = (SALES_ADMIN, "account.group_account_invoice")
# A change to one of these can make a partner fall under another template.
CLASS_TRIGGER_FIELDS = frozenset(
    {"customer_class_id", "parent_id", "is_company", "company_type", "type"}
)
# A change to one of these can make a partner with a class a contact of another.
CLASS_HOLDER_FIELDS = frozenset(
    {"customer_class_id", "parent_id", "is_company", "company_type"}
)


class ClassTemplateGaps(ValidationError):
    """Partners miss fields their customer class requires; ``fields``: the
    names of the fields missing (a form marks them)."""

    def __init__(self, message, fields=()):
        super().__init__(message)
        self.fields = set(fields)


# The customer's profile besides its class, hidden on a contact person: a
# person's goes with it to the company Odoo's "Create" makes of it.
CUSTOMER_PROFILE_FIELDS = (
    "importance",
    "credit_rating",
    "source_id",
    "sales_mode",
    "store_count",
    "registered_capital",
    "cooperation_date",
    "main_products",
)

# The customer's standing, tracked in the chatter on every change by hand.
TRACKED_CLASS_FIELDS = frozenset(
    {"customer_class_id", "importance", "credit_rating", "customer_class_locked"}
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_class_id = fields.Many2one(
        "crm.customer.class",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        groups=INTERNAL,
        # A class of the customer's company (or of its parent), or one the
        # companies share; a customer they share has a shared class: the
        # users of every company read its class.
        check_company=True,
    )

    customer_main_class_id = fields.Many2one(
        related="customer_class_id.main_class_id",
        string="Main Class",
        store=True,
        index="btree_not_null",
        groups=INTERNAL,
    )

    importance = fields.Selection(
        RATING_SELECTION,
        tracking=True,
        help="A: key customer, B: regular customer, C: occasional customer.",
        groups=INTERNAL,
    )

    credit_rating = fields.Selection(
        RATING_SELECTION,
        tracking=True,
        copy=False,
        help="Set by sales administrators and accountants only.",
        groups=INTERNAL,
    )

    can_edit_credit_rating = fields.Boolean(
        compute="_compute_can_edit_credit_rating", groups=INTERNAL
    )

    can_rate_read_only = fields.Boolean(
        compute="_compute_can_edit_credit_rating",
        groups=INTERNAL,
        help="The user may rate this customer's credit but not edit contacts: "
        "the form is read-only to them and offers the rating wizard.",
    )

    source_id = fields.Many2one(
        "utm.source",
        index="btree_not_null",
        ondelete="set null",
        help="How this customer found us.",
        groups=INTERNAL,
    )

    sales_mode = fields.Selection(
        [
            ("wholesale", "Channel wholesale"),
            ("chain_retail", "Chain retail"),
            ("project", "Project"),
        ],
        groups=INTERNAL,
    )

    store_count = fields.Integer(string="Number of Stores", groups=INTERNAL)

    capital_currency_id = fields.Many2one(
        "res.currency",
        default=lambda self: self.env.company.currency_id,
        groups=INTERNAL,
    )

    registered_capital = fields.Monetary(
        currency_field="capital_currency_id", groups=INTERNAL
    )

    cooperation_date = fields.Date(
        help="Date the cooperation with us started.", groups=INTERNAL
    )

    main_products = fields.Text(groups=INTERNAL)

    customer_class_locked = fields.Boolean(
        string="Class Locked",
        tracking=True,
        copy=False,
        help="Class rules never move this customer: its class was set by hand.",
        groups=INTERNAL,
    )

    class_history_ids = fields.One2many(
        "crm.customer.class.history", "partner_id", groups=INTERNAL
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "credit_rating": CREDIT_RATING_GROUPS,
            "customer_class_locked": (SALES_ADMIN,),
            # The class's, as Odoo relates it (the class rules read it).
            "customer_main_class_id": (),
        }

    @api.depends_context("uid")
    def _compute_can_edit_credit_rating(self):
        """Whoever may rate does so in the form. Without the right to write
        contacts (an accountant with Invoicing alone), Odoo shows the form
        read-only: its header then offers the rating wizard on the customers
        they may rate (see :meth:`_crm_credit_rating_writer`), where the form
        shows a rating (not on a company's contact persons)."""
        can_rate = "credit_rating" not in self._guarded_fields_denied()
        read_only = can_rate and not self.env["res.partner"].has_access("write")
        customers = self._crm_customers() if read_only else self.browse()
        for partner in self:
            partner.can_edit_credit_rating = can_rate
            partner.can_rate_read_only = bool(
                partner in customers
                and partner.id
                and (partner.is_company or not partner.parent_id)
            )

    # ------------------------------------------------------------------
    # Class templates: the fields a class requires
    # ------------------------------------------------------------------

    def _class_templates(self, customer_class=None):
        """``{partner: (classes, [field names])}``: the required fields of the
        templates that apply to each partner of ``self``.

        A customer follows its own class's customer template; a contact person
        of a company follows the contact template of the company's class. With
        ``customer_class``, the templates that class brings instead, as if the
        customers were moved into it (a class rule checks them before it moves
        customers): its customer template for a customer, its contact template
        for a contact person of one.
        """
        Class = self.env["crm.customer.class"].sudo()  # configuration, read by all
        result = {}
        for partner in self:
            classes, names = Class, []
            is_contact_person = partner._crm_is_contact_person()
            own_class = partner.customer_class_id.sudo()
            company_class = partner.commercial_partner_id.customer_class_id.sudo()
            if customer_class:
                own_class = Class if is_contact_person else customer_class.sudo()
                company_class = customer_class.sudo()
            if own_class:
                classes |= own_class
                names += own_class.required_field_ids.mapped("name")
            if is_contact_person and company_class:
                classes |= company_class
                names += company_class.contact_required_field_ids.mapped("name")
            names = [name for name in names if name in partner._fields]
            if names:
                result[partner] = (classes, names)
        return result

    def _class_template_gaps(self, customer_class=None):
        """``{partner: (classes, [missing field names])}`` for the partners of
        ``self`` that miss a field their templates require (see
        :meth:`_class_templates`). The one check of the templates: every write
        runs it on its final state, and class rules before they move customers.
        Values are read through the ORM, which fetches them in batches.
        """
        gaps = {}
        for partner, (classes, names) in self._class_templates(customer_class).items():
            missing = missing_required_fields(partner, names)
            if missing:
                gaps[partner] = (classes, missing)
        return gaps

    def _crm_is_contact_person(self):
        """Whether this partner is a contact person of its company (the
        contact template of the company's class applies to it): neither a
        company nor an address."""
        self.ensure_one()
        return bool(self.parent_id and not self.is_company and self.type == "contact")

    def _crm_kept_out_of_class(self, customer_class):
        """The customers of ``self`` a class rule may not move into
        ``customer_class``: they, or one of their contact persons, miss a
        field its templates require (the class change would be refused)."""
        gaps = (self | self._crm_contact_persons())._class_template_gaps(customer_class)
        return self & self.browse(
            [partner.commercial_partner_id.id for partner in gaps]
        )

    def _crm_contact_persons(self):
        """The contact persons of the customers of ``self``, as the user reads
        them: the contact template of a customer's class applies to them."""
        if not self:
            return self
        return self.search(
            [
                ("commercial_partner_id", "in", self.ids),
                ("id", "not in", self.ids),
                ("is_company", "=", False),
                ("type", "=", "contact"),
            ]
        )

    def _check_class_templates(self, customer_class=None, operation=None):
        """Raise one error naming, per partner, every field its class still
        needs (``customer_class``: see :meth:`_class_templates`). In a batch
        of an import (an ``operation`` noting refusals), each partner's is
        noted instead, on its own: the import blames each row for its own
        gaps, not for another row's."""
        gaps = self._class_template_gaps(customer_class)
        # The classes are named to a reader who may read them (a customer on
        # the portal may not: a class is the company's own judgement), checked
        # once for all of them.
        all_classes = self.env["crm.customer.class"].union(
            *(classes.with_env(self.env) for classes, _missing in gaps.values())
        )
        readable = self._crm_readable_by_reader(all_classes)
        messages = {}
        for partner, (classes, missing) in gaps.items():
            shown = classes.with_env(self.env) & readable
            fields = self.env._(", ").join(
                self._fields[name]._description_string(self.env) for name in missing
            )
            partner_name = partner.display_name or partner.name or ""
            messages[partner.id] = (
                self.env._(
                    "%(partner)s (%(classes)s) is missing: %(fields)s",
                    partner=partner_name,
                    classes=self.env._(", ").join(shown.mapped("display_name")),
                    fields=fields,
                )
                if shown
                else self.env._(
                    "%(partner)s is missing: %(fields)s",
                    partner=partner_name,
                    fields=fields,
                )
            )
        if not messages:
            return
        if operation is not None and operation.refusals is not None:
            operation.refuse(
                {
                    partner_id: self._class_templates_refusal(message)
                    for partner_id, message in messages.items()
                }
            )
            return
        raise ClassTemplateGaps(
            self._class_templates_refusal("\n".join(messages.values())),
            fields={name for _gap, missing in gaps.values() for name in missing},
        )

    def _class_templates_refusal(self, details):
        return self.env._(
            "The customer class requires more information.\n%(details)s",
            details=details,
        )

    def _crm_class_form_refusal(self, error, form_fields):
        """The refusal ``error`` (``ClassTemplateGaps``) of a website or
        portal form of ``self`` holding ``form_fields``, as the form shows it
        (``PortalRefusal``): the fields missing that the form holds (else the
        name: the form marks at least one), and what they are, without the
        class (the company's own judgement of the customer)."""
        fields = sorted(fname for fname in error.fields if fname in form_fields)
        labels = self.env._(", ").join(
            self._fields[fname]._description_string(self.env)
            for fname in sorted(error.fields)
        )
        return PortalRefusal(
            fields or ["name"],
            self.env._("Please fill in: %(fields)s.", fields=labels),
        )

    # ------------------------------------------------------------------
    # A class default goes to customers, not to their contacts
    # ------------------------------------------------------------------

    def _add_missing_default_values(self, values):
        """A class default of the context (the customers of a class open
        with it, see ``crm.customer.class.action_view_partners``) goes to the
        new customers, not to a contact or an address created there, e.g. in
        the company's contacts (Odoo passes the context's defaults to the
        contacts a write creates): they follow their company's class and have
        none of their own (:meth:`_crm_check_class_holders`). A class the
        caller gives them is still refused."""
        defaults = super()._add_missing_default_values(values)
        if (
            "customer_class_id" not in values
            and defaults.get("customer_class_id")
            and defaults.get("parent_id")
            and not defaults.get("is_company")
            and defaults.get("company_type") != "company"
        ):
            del defaults["customer_class_id"]
        return defaults

    @api.onchange("parent_id", "is_company", "company_type")
    def _onchange_crm_class_default(self):
        """The same in a new partner's form (it holds the class, hidden for
        contacts, with its default): a new partner made a contact drops the
        class of the context's default. A customer with a class moved under a
        company is refused on saving (:meth:`_crm_check_class_holders`)."""
        for partner in self:
            if (
                not partner._origin
                and partner.customer_class_id
                and partner.parent_id
                and not partner.is_company
            ):
                partner.customer_class_id = False

    # ------------------------------------------------------------------
    # Steps of the partner operation (see res_partner_checks)
    # ------------------------------------------------------------------

    def _crm_check_class_holders(self, operation):
        """A step of the partner operation (res_partner_checks): a customer
        class belongs to the commercial entity (a company, a person of their
        own); its contacts and addresses follow the company's class (its
        contact template, see :meth:`_class_templates`) and have none of their
        own, whatever path gives them one (the form hides it; RPC, an import,
        a contact moved under a company with its class). In an import, noted
        on its row; in a merge, not taken from the merged customers."""
        touched = self.filtered(
            lambda partner: (
                partner.id in operation.created
                or CLASS_HOLDER_FIELDS & operation.written.get(partner.id, set())
            )
        )
        holders = touched.filtered(
            lambda partner: (
                partner.sudo().customer_class_id
                and partner.commercial_partner_id != partner
            )
        )
        if holders and MERGING_PARTNERS.is_raised(self.env.context):
            # A merge gives the survivor the values it lacks (Odoo's
            # _update_values): a contact person does not take the class of a
            # customer merged into it. Cleared in the operation, before its
            # class history is written (it had no class before, has none).
            holders.sudo().write({"customer_class_id": False})
            return
        refusals = {
            partner.id: self.env._(
                "%(contact)s is a contact: the customer class is given to its "
                "company, %(company)s.",
                contact=partner._crm_name_for_user(),
                company=partner.commercial_partner_id._crm_name_for_user(),
            )
            for partner in holders
        }
        if refusals and operation.refusals is not None:
            operation.refuse(refusals)
        elif refusals:
            raise ValidationError("\n".join(refusals.values()))

    def create_company(self):
        """Odoo makes a person's company of its company name, with the
        person's tax ID and address, and the person its contact: one partner
        operation (res_partner_checks), whose rules run on the final state,
        with the person a contact of the new company (else the duplicate rules
        would find the new company registered already: as the person, by the
        tax ID it is given). The caller's part is checked first: the person
        written, the new company's defaults of the context.

        The person's customer class goes to the new company (the class of a
        contact is its company's, see :meth:`_crm_check_class_holders`),
        locked if a sales administrator locked it; a class archived since the
        person got it goes too, as the system's (its customers keep it: it is
        carried, not chosen). So do the values the class requires of its
        customers, which the person had as the customer (Odoo carries its tax
        ID and address likewise): the new company meets the class's template
        as the person did."""
        self.ensure_one()
        if not self.company_name:
            return super().create_company()

        def odoo_create_company(partner):
            return super(ResPartner, partner).create_company()  # noqa: UP008

        if self._crm_current_operation():
            return self._crm_create_company(odoo_create_company)
        self.check_access("write")
        model = self._without_guarded_defaults()
        model._crm_check_new_values([{"is_company": True}])
        with model._crm_operation() as (records, _operation):
            records._crm_create_company(odoo_create_company)
        return True

    def _crm_create_company(self, odoo_create_company):
        """:meth:`create_company` inside its partner operation. The person's
        customer profile (its importance, credit rating, source, business
        figures: hidden on a contact person, as its class) goes with its
        class to the new company, as the system's (carried, not chosen).

        :param odoo_create_company: ``odoo_create_company(partner)``, Odoo's
            own button on ``partner``
        """
        if self.parent_id:
            return odoo_create_company(self)
        person = self.sudo()
        customer_class = person.customer_class_id
        locked = person.customer_class_locked
        # (Read before Odoo gives the person the commercial fields of the new
        # company.)
        profile = [
            fname for fname in CUSTOMER_PROFILE_FIELDS if is_value_set(person[fname])
        ]
        if "registered_capital" in profile:
            profile.append("capital_currency_id")
        carried = person._convert_to_write({fname: person[fname] for fname in profile})
        names = [
            name
            for name in customer_class.required_field_ids.mapped("name")
            if name in self._fields
        ]
        required = self._convert_to_write({name: self[name] for name in names})
        partner = self
        if customer_class:
            self.write({"customer_class_id": False})
            if customer_class.active:
                partner = self.with_context(default_customer_class_id=customer_class.id)
            else:
                carried["customer_class_id"] = customer_class.id
        if locked:
            carried["customer_class_locked"] = True
        result = odoo_create_company(partner)
        company = self.parent_id
        if not company:
            return result
        if carried:
            company._crm_system_write(carried)
            left = {fname: False for fname in carried if fname in profile}
            if locked:
                left["customer_class_locked"] = False
            left.pop("capital_currency_id", None)
            if left:
                self._crm_system_write(left)
        missing = missing_required_fields(company, names)
        values = {name: required[name] for name in missing if name in required}
        if values:
            company.write(values)
        return result

    def _crm_check_class_templates(self, operation):
        """The fields the class templates require, on the partners created or
        given another class, kind or required field."""
        trigger = (
            CLASS_TRIGGER_FIELDS
            | self.env["crm.customer.class"]._get_required_field_names()
        )
        to_check = self.filtered(
            lambda partner: (
                partner.id in operation.created
                or trigger & operation.written.get(partner.id, set())
            )
        )
        # Odoo copies a new address to the contacts without a write of theirs
        # (update_address): they are checked with their company.
        address = set(self._address_fields())
        moved = self.filtered(
            lambda partner: address & operation.written.get(partner.id, set())
        )
        to_check |= moved.child_ids.filtered(lambda child: child.type == "contact")
        # A company given another class (or made a company) brings its contact
        # persons under the contact template of that class: the change is
        # refused, naming them, rather than a later edit of theirs.
        reclassed = self.filtered(
            lambda partner: (
                {"customer_class_id", "is_company", "company_type"}
                & operation.written.get(partner.id, set())
                and partner.customer_class_id.sudo().contact_required_field_ids
            )
        )
        to_check |= reclassed._crm_contact_persons()
        if not compat.PARTNER_COMPANY_CHECKED:
            # The company check 19.0 makes of every partner written, for the
            # class (after the class given was read: see _crm_check_class_given).
            self.filtered(
                lambda partner: (
                    partner.id in operation.created
                    or {"customer_class_id", "company_id"}
                    & operation.written.get(partner.id, set())
                )
            )._check_company(["customer_class_id"])
        to_check._check_class_templates(operation=operation)

    def _crm_check_class_given(self, vals):
        """A step of the partner operation, on the caller's values
        (res_partner_checks), for the partners ``self`` written (none: a new
        partner, whose class may come from a ``default_`` of the context): a
        class is given by whoever may read it (Odoo does not check the record
        a many2one is given), and a class in use only. Customers of a class
        archived later keep it and stay editable: only a change of class is
        checked. Before Odoo writes: its check of the class's company would
        name a class the user may not read. The records to write with."""
        if self.env.su or MERGING_PARTNERS.is_raised(self.env.context):
            return self
        class_id = vals.get("customer_class_id")
        if not self and "customer_class_id" not in vals:
            class_id = self.env.context.get("default_customer_class_id")
        if isinstance(class_id, models.BaseModel):
            class_id = class_id.id
        if not class_id or not isinstance(class_id, int):
            return self
        if self and all(partner.customer_class_id.id == class_id for partner in self):
            return self
        customer_class = self.env["crm.customer.class"].browse(class_id)
        customer_class.check_access("read")
        if not customer_class.active:
            raise ValidationError(
                self.env._(
                    "The customer class %(klass)s is archived: choose a class in use.",
                    klass=customer_class.display_name,
                )
            )
        return self

    def _crm_credit_rating_writer(self, vals):
        """Accountants may set the credit rating of customers they can only
        read: the rating is theirs to give (its guarded field was checked
        first), the rest of the customer is not; other partners (the
        companies', the users') follow the record rules. The records to write
        with: as the system, once allowed."""
        if not vals or not vals.keys() <= {"credit_rating"} or self.env.su:
            return self
        self.check_access("read")
        others = self - self._crm_customers()
        if others:
            others.check_access("write")
        return self.sudo()

    def _crm_keep_tracking(self, vals):
        """A step of the partner operation (res_partner_checks): a change of
        class, importance, credit rating or class lock is tracked in the
        chatter whatever context the caller sends (``tracking_disable``,
        ``mail_notrack``); the addon's class rules note theirs themselves
        (:meth:`_crm_move_class`)."""
        context = self.env.context
        given = PartnerOperation.current(self.env)
        if (
            self.env.su
            or (given and given.class_cause)
            or not (context.get("tracking_disable") or context.get("mail_notrack"))
            or not self._crm_changes_tracked_class_fields(vals)
        ):
            return self
        return self.with_context(tracking_disable=False, mail_notrack=False)

    @api.model
    def _crm_changes_tracked_class_fields(self, vals):
        """Whether ``vals`` write a tracked class field: of the partners
        written, or of the contacts they give values (a company's
        ``child_ids`` commands, which Odoo writes in the caller's context)."""
        return bool(TRACKED_CLASS_FIELDS & vals.keys()) or any(
            self._crm_changes_tracked_class_fields(nested)
            for _partners, nested in self._crm_nested_values(vals)
        )

    def _crm_note_class(self, vals, operation):
        if "customer_class_id" in vals:
            operation.remember(self, ["customer_class_id"])

    def _crm_log_class_moves(self, operation):
        """The class history of the partners whose class the operation
        changed, with its cause."""
        before = operation.before["customer_class_id"]
        changed = self.filtered(
            lambda partner: (
                partner.id in before and before[partner.id] != partner.customer_class_id
            )
        )
        if changed:
            changed._log_class_changes(before, operation.class_cause)

    # ------------------------------------------------------------------
    # Class changes: by hand or by a class rule, one way
    # ------------------------------------------------------------------

    def _crm_move_class(self, customer_class, cause):
        """Move these customers to ``customer_class`` for ``cause`` (a class
        rule's): written in the class history with it, and noted in the
        chatter with the rule in one batch, instead of a tracking message
        each."""
        operation = PartnerOperation(class_cause=cause)
        self.with_context(tracking_disable=True, **operation.context()).write(
            {"customer_class_id": customer_class.id}
        )

    def _log_class_changes(self, old_classes, cause=None):
        """Record each class change, whoever made it, in the class history with
        its cause: a class rule's (given by the addon's server code, see
        :meth:`_crm_move_class`) or a change by hand. Changes by hand are
        tracked in the chatter by Odoo; a rule's are noted there with the rule,
        in one batch.

        :param old_classes: ``{partner id: class before}``
        """
        changed = self
        changed.env["crm.customer.class.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "old_class_id": old_classes[partner.id].id,
                    "new_class_id": partner.customer_class_id.id,
                    "is_automatic": bool(cause),
                    "cause": cause or False,
                }
                for partner in changed
            ]
        )
        if cause:
            changed.sudo()._message_log_batch(
                bodies={
                    partner.id: Markup("<p>%s</p><p>%s</p>")
                    % (
                        self.env._(
                            "Customer class: %(old)s → %(new)s",
                            old=old_classes[partner.id].sudo().display_name
                            or self.env._("none"),
                            new=partner.customer_class_id.sudo().display_name
                            or self.env._("none"),
                        ),
                        cause,
                    )
                    for partner in changed
                }
            )
