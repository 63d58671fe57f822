from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, format_datetime

from odoo.addons.phone_validation.tools import phone_validation

from ..tools import (
    LIFECYCLE_STAGES,
    birthday_due,
    missing_required_fields,
    next_lifecycle_stage,
)
from ..tools.normalize import (
    is_placeholder_email,
    is_valid_uscc,
    name_match_key,
    normalize_name_core,
    normalize_phone_digits,
    normalize_vat,
    to_e164,
)
from ..tools.server_flags import CREATING_STAFF_PARTNERS, MERGING_PARTNERS
from ..tools.settings import parse_int_setting
from .crm_customer_value import (
    ABC_SELECTION,
    CHURN_SELECTION,
    RFM_SEGMENT_SELECTION,
)
from .crm_duplicate_rule import CUSTOMER_SQL

# The customer fields are the company's own knowledge: portal users, who read
# their own partner and its contacts, read none of them.
INTERNAL = "base.group_user"
RATING_SELECTION = [("a", "A"), ("b", "B"), ("c", "C")]
KEY_CUSTOMER_IMPORTANCE = "a"
LIFECYCLE_SELECTION = list(
    zip(
        LIFECYCLE_STAGES,
        ["Target", "Intention", "Deal", "VIP", "Dormant"],
        strict=True,
    )
)


def phone_match_key(number, country_code, calling_code):
    """E.164 form of ``number`` for the phone duplicate key.

    Odoo's ``phone_validation`` formats it when the ``phonenumbers`` library is
    installed; the plain rule of :func:`to_e164` covers the rest.
    """
    if not normalize_phone_digits(number):
        return ""  # too short, or filler such as "000000"
    if getattr(phone_validation, "phonenumbers", None):
        formatted = phone_validation.phone_format(
            number,
            country_code or None,
            calling_code or None,
            force_format="E164",
            raise_exception=False,
        )
        if formatted and formatted.startswith("+") and formatted[1:].isdigit():
            return formatted
    return to_e164(number, calling_code)


def email_match_key(email):
    """The e-mail match key: Odoo's ``email_normalize``, ``''`` for filler such
    as "none@none.com"."""
    key = email_normalize(email or "") or ""
    return "" if is_placeholder_email(key) else key


def name_match_keys(name):
    """``(name key, name core key)`` of a name, both ``''`` for a placeholder."""
    key = name_match_key(name)
    return key, normalize_name_core(name) if key else ""


def partner_match_keys(
    name, parent_id, vat, company_registry, email, number, country_code, calling_code
):
    """The duplicate match keys of a partner, ``{field name: key or ''}``.

    One definition for the ORM's compute, the install hook's set-based fill and
    the leads' match rows. Contacts share the VAT of their company and are no
    customers of their own: only commercial entities carry name and VAT keys.
    Placeholders typed where a value is unknown ("N/A", "0", "-") are no keys.
    """
    commercial = not parent_id
    name_key, name_core_key = name_match_keys(name) if commercial else ("", "")
    return {
        "name_key": name_key,
        "name_core_key": name_core_key,
        "vat_key": (normalize_vat(vat) or normalize_vat(company_registry))
        if commercial
        else "",
        "email_key": email_match_key(email),
        "phone_key": phone_match_key(number, country_code, calling_code),
    }


# Who may write the partner fields that the views show read-only to the others
# (see crm.guarded.field.mixin); () means nobody: the system keeps them.
SALES_ADMIN = ("sales_team.group_sale_manager",)
CREDIT_RATING_GROUPS = (*SALES_ADMIN, "account.group_account_invoice")
GUARDED_FIELDS = {
    "credit_rating": CREDIT_RATING_GROUPS,
    # Ownership
    "registered_by_id": SALES_ADMIN,
    "registered_date": SALES_ADMIN,
    "protection_end_date": SALES_ADMIN,
    "in_pool": SALES_ADMIN,
    "duplicate_state": SALES_ADMIN,
    "duplicate_partner_ids": SALES_ADMIN,
    "customer_class_locked": SALES_ADMIN,
    # Kept by the system
    "lifecycle_stage": (),
    "last_deal_date": (),
    "birthday_reminded_year": (),
    "name_key": (),
    "name_core_key": (),
    "vat_key": (),
    "email_key": (),
    "phone_key": (),
}

# Fields the match keys of the duplicate rules are made of, and fields that decide
# whether a rule applies: a write touching none of them cannot create a duplicate.
DUPLICATE_TRIGGER_FIELDS = frozenset(
    {
        "name",
        "vat",
        "company_registry",
        "email",
        "phone",
        "mobile",
        "is_company",
        "company_type",
        "parent_id",
        "active",
        "company_id",
        "country_id",
    }
)
MATCH_KEY_FIELDS = ("name_key", "name_core_key", "vat_key", "email_key", "phone_key")
# Trigger fields only the keys of commercial entities are made of (see
# partner_match_keys): writing them on a contact cannot change its keys, as
# when Odoo copies its company's VAT to every new contact.
COMMERCIAL_KEY_FIELDS = frozenset({"name", "vat", "company_registry"})

# A change to one of these can make a partner fall under another template.
CLASS_TRIGGER_FIELDS = frozenset(
    {"customer_class_id", "parent_id", "is_company", "company_type", "type"}
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.guarded.field.mixin"]

    _crm_guarded_fields = GUARDED_FIELDS
    # Odoo copies the commercial fields of a company onto its contacts.
    _crm_synced_fields = ("lifecycle_stage", "last_deal_date")

    # Customer classification
    customer_class_id = fields.Many2one(
        "crm.customer.class",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        groups=INTERNAL,
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
        compute="_compute_can_edit_restricted", groups=INTERNAL
    )
    can_edit_ownership = fields.Boolean(
        compute="_compute_can_edit_restricted", groups=INTERNAL
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

    # Ownership
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

    # Duplicate protection: normalised match keys, btree-indexed. (Similarity rules
    # search the distinct name cores through the trigram index of
    # crm.duplicate.name.core.)
    name_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups=INTERNAL,
    )
    name_core_key = fields.Char(
        string="Name Core",
        compute="_compute_match_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The name without places and generic business words (集团, 科技, "
        "Trading ...): rules matching similar names compare it.",
        groups=INTERNAL,
    )
    vat_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups=INTERNAL,
    )
    email_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        groups=INTERNAL,
    )
    phone_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Mobile, else phone, in E.164 form with the partner's or company's "
        "country.",
        groups=INTERNAL,
    )
    duplicate_state = fields.Selection(
        [
            ("suspect", "To review"),
            ("reported", "Reported"),
            ("cleared", "Not a duplicate"),
        ],
        string="Duplicate Review",
        index="btree_not_null",
        copy=False,
        tracking=True,
        groups=INTERNAL,
    )
    duplicate_partner_ids = fields.Many2many(
        "res.partner",
        "crm_partner_duplicate_rel",
        "partner_id",
        "duplicate_id",
        string="Suspected Duplicates",
        copy=False,
        groups=INTERNAL,
    )
    readable_duplicate_ids = fields.Many2many(
        "res.partner",
        string="Suspected Duplicates Shown",
        compute="_compute_readable_duplicate_ids",
        groups=INTERNAL,
        help="The suspected duplicates the current user may read.",
    )
    duplicate_match_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_match_ids",
        help="Customers matching this one by a duplicate rule, shown while editing.",
        groups=INTERNAL,
    )

    # Ownership: protection period and shared pool (first registrant protected)
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

    # Contact person profile
    contact_role_id = fields.Many2one(
        "crm.contact.role",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        groups=INTERNAL,
    )
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
        groups=INTERNAL,
    )
    birthday = fields.Date(groups=INTERNAL)
    hobbies = fields.Char(groups=INTERNAL)
    hometown = fields.Char(groups=INTERNAL)
    wechat = fields.Char(string="WeChat", groups=INTERNAL)
    qq = fields.Char(string="QQ", groups=INTERNAL)
    id_number = fields.Char(
        string="ID Number",
        groups="sales_team.group_sale_manager",
        copy=False,
        help="Identity card number, visible to sales administrators only.",
    )

    # Customer lifecycle, kept current by business events
    lifecycle_stage = fields.Selection(
        LIFECYCLE_SELECTION,
        default="target",
        required=True,
        index=True,
        copy=False,
        tracking=True,
        help="Target: no opportunity yet. Intention: an opportunity was opened. "
        "Deal: an order was confirmed or an invoice posted. VIP: a key customer "
        "(importance A) with a deal. Dormant: a customer with a deal who stopped "
        "buying.",
        groups=INTERNAL,
    )
    last_deal_date = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the last confirmed order or posted invoice.",
        groups=INTERNAL,
    )

    # Customer value analytics
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
    customer_value_ids = fields.One2many(
        "crm.customer.value",
        "partner_id",
        string="Customer Values",
        groups=INTERNAL,
    )
    revenue_12m = fields.Monetary(
        string="Revenue (12 months)",
        compute="_compute_customer_value",
        currency_field="value_currency_id",
        groups=INTERNAL,
    )
    value_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )
    invoice_count_12m = fields.Integer(
        string="Invoices (12 months)",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )
    last_invoice_date = fields.Date(compute="_compute_customer_value", groups=INTERNAL)
    rfm_segment = fields.Selection(
        RFM_SEGMENT_SELECTION,
        string="RFM Segment",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )
    abc_class = fields.Selection(
        ABC_SELECTION,
        string="ABC Class",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )
    churn_risk = fields.Selection(
        CHURN_SELECTION, compute="_compute_customer_value", groups=INTERNAL
    )
    churn_reason = fields.Char(compute="_compute_customer_value", groups=INTERNAL)
    current_value_id = fields.Many2one(
        "crm.customer.value",
        compute="_compute_customer_value",
        groups=INTERNAL,
    )
    birthday_reminded_year = fields.Integer(
        copy=False,
        readonly=True,
        help="Year of the last birthday the salesperson was reminded of.",
        groups=INTERNAL,
    )

    # Customer service history
    complaint_ids = fields.One2many(
        "crm.complaint", "partner_id", string="Complaints", groups=INTERNAL
    )
    complaint_count = fields.Integer(
        compute="_compute_complaint_count", groups=INTERNAL
    )

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
    def _compute_can_edit_restricted(self):
        user = self.env.user
        can_rate = any(user.has_group(group) for group in CREDIT_RATING_GROUPS)
        can_own = any(user.has_group(group) for group in SALES_ADMIN)
        for partner in self:
            partner.can_edit_credit_rating = can_rate
            partner.can_edit_ownership = can_own

    @api.depends(
        "name",
        "parent_id",
        "vat",
        "company_registry",
        "email",
        "phone",
        "mobile",
        "country_id",
        "company_id",
    )
    def _compute_match_keys(self):
        for partner in self:
            country = (
                partner.country_id
                or (partner.company_id or self.env.company).country_id
            )
            keys = partner_match_keys(
                partner.name,
                partner.parent_id,
                partner.vat,
                partner.company_registry,
                partner.email,
                partner.mobile or partner.phone,
                country.code,
                country.phone_code,
            )
            for fname in MATCH_KEY_FIELDS:
                partner[fname] = keys[fname] or False

    @api.depends(
        "name",
        "vat",
        "company_registry",
        "email",
        "phone",
        "mobile",
        "is_company",
        "parent_id",
    )
    @api.depends_context("uid")
    def _compute_duplicate_match_ids(self):
        """The matches the current user may read (others are left out: the form
        would fail to show them)."""
        matches = self.env["crm.duplicate.rule"]._find_matches(self._crm_customers())
        for partner in self:
            ids = {match["id"] for _rule, match in matches.get(partner, [])}
            partner.duplicate_match_ids = self.browse(sorted(ids))._filtered_access(
                "read"
            )[:10]

    @api.depends("duplicate_partner_ids")
    @api.depends_context("uid")
    def _compute_readable_duplicate_ids(self):
        for partner in self:
            partner.readable_duplicate_ids = (
                partner.sudo().duplicate_partner_ids.with_env(self.env)
            )._filtered_access("read")

    @api.constrains("vat", "country_id", "parent_id")
    def _check_uscc(self):
        for partner in self.filtered(lambda p: p.vat and not p.parent_id):
            country = (
                partner.country_id
                or (partner.company_id or self.env.company).country_id
            )
            code = normalize_vat(partner.vat)
            if country.code == "CN" and len(code) == 18 and not is_valid_uscc(code):
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid unified social credit code "
                        "(统一社会信用代码): check its characters and its last digit.",
                        code=partner.vat,
                    )
                )

    def _duplicate_row(self, partner):
        """The partner as the duplicate rules see it (keys and scope)."""
        return {
            "id": partner.id if isinstance(partner.id, int) else False,
            "name": partner.name,
            "name_key": partner.name_key,
            "name_core_key": partner.name_core_key,
            "vat_key": partner.vat_key,
            "email_key": partner.email_key,
            "phone_key": partner.phone_key,
            "is_company": partner.is_company,
            "active": partner.active,
            "company_id": partner.company_id.id,
            "commercial_partner_id": partner.commercial_partner_id.id or False,
            "parent_id": partner.parent_id.id,
            "user_id": partner.user_id.id,
            "registered_by_id": partner.registered_by_id.id,
            "registered_date": partner.registered_date,
            # Only customers are checked (see _crm_customers).
            "is_customer": True,
        }

    # ------------------------------------------------------------------
    # Required-field templates
    # ------------------------------------------------------------------

    def _get_class_required_fields(self):
        """Return ``{partner: (customer class, [field names])}`` to enforce.

        A customer follows its own class's customer template; a contact person of a
        company follows the contact template of the company's class.
        """
        result = {}
        for partner in self:
            names = []
            classes = self.env["crm.customer.class"]
            # The templates are configuration: read them whatever the user's rights.
            own_class = partner.customer_class_id.sudo()
            if own_class:
                classes |= own_class
                names += own_class.required_field_ids.mapped("name")
            company_class = partner.commercial_partner_id.customer_class_id.sudo()
            if (
                partner.parent_id
                and not partner.is_company
                and partner.type == "contact"
                and company_class
            ):
                classes |= company_class
                names += company_class.contact_required_field_ids.mapped("name")
            names = [name for name in names if name in partner._fields]
            if names:
                result[partner] = (classes, names)
        return result

    def _filter_class_template(self, customer_class):
        """The partners of ``self`` that meet the customer template of
        ``customer_class`` (the template a customer's own class applies).

        The stored column fields of the template are read in one query, whatever
        the number of partners; other fields (several values, computed) through
        the ORM.
        """
        names = [
            name
            for name in customer_class.sudo().required_field_ids.mapped("name")
            if name in self._fields
        ]
        if not names or not self:
            return self
        columns = [
            name
            for name in names
            if self._fields[name].store
            and self._fields[name].column_type
            and not self._fields[name].translate
        ]
        others = [name for name in names if name not in columns]
        missing = set()
        if columns:
            self.flush_model(columns)
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s FROM res_partner WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    self.ids,
                )
            )
            missing.update(
                partner_id
                for partner_id, *values in self.env.cr.fetchall()
                if missing_required_fields(
                    dict(zip(columns, values, strict=True)), columns
                )
            )
        if others:
            missing.update(
                partner.id
                for partner in self
                if partner.id not in missing
                and missing_required_fields(partner, others)
            )
        return self.browse([pid for pid in self.ids if pid not in missing])

    def _check_class_required_fields(self):
        """Raise one error naming, per partner, every field its class still needs."""
        messages = []
        for partner, (classes, names) in self._get_class_required_fields().items():
            missing = missing_required_fields(partner, names)
            if not missing:
                continue
            labels = [
                self._fields[name]._description_string(self.env) for name in missing
            ]
            messages.append(
                self.env._(
                    "%(partner)s (%(classes)s) is missing: %(fields)s",
                    partner=partner.display_name or partner.name or "",
                    classes=", ".join(
                        classes.with_env(self.env).mapped("display_name")
                    ),
                    fields=", ".join(labels),
                )
            )
        if messages:
            raise ValidationError(
                self.env._(
                    "The customer class requires more information.\n%(details)s",
                    details="\n".join(messages),
                )
            )

    def _class_check_needed(self, vals):
        trigger = (
            CLASS_TRIGGER_FIELDS
            | self.env["crm.customer.class"]._get_required_field_names()
        )
        return bool(trigger & vals.keys())

    # ------------------------------------------------------------------
    # Duplicate rules
    # ------------------------------------------------------------------

    def _check_duplicates(self, old_keys=None, new=False):
        """Apply the duplicate rules to ``self`` after a create or write.

        :param old_keys: ``{partner id: (keys before the write)}``; a partner whose
            keys did not change is not checked again (customers registered twice
            before the addon stay editable).
        """
        Rule = self.env["crm.duplicate.rule"]
        if MERGING_PARTNERS.is_raised(self.env.context) or not Rule._get_active_rules():
            return
        partners = self
        if old_keys is not None:
            partners = self.filtered(
                lambda p: old_keys.get(p.id) != tuple(p[f] for f in MATCH_KEY_FIELDS)
            )
        partners = partners._crm_customers(new=new)
        if not partners:
            return
        # Serialise concurrent registrations of the keys a block rule protects.
        lock_values = set()
        for rule in Rule._get_active_rules():
            if rule["action"] == "block" and rule["match"] == "exact":
                lock_values.update(
                    f"{rule['key']}:{value}"
                    for value in partners.mapped(rule["column"])
                    if value
                )
        matches = Rule._find_matches(partners, lock_keys=lock_values)
        blocked = []
        to_flag = {}
        for partner, found in matches.items():
            for rule, match in found:
                if rule["action"] == "block":
                    blocked.append((partner, rule, match))
                else:
                    to_flag.setdefault(partner, set()).add(match["id"])
        if blocked:
            raise ValidationError(self._duplicate_block_message(blocked))
        for partner, match_ids in to_flag.items():
            if partner.duplicate_state == "cleared":
                continue
            # The review flag is the system's to set, whoever registers.
            partner.sudo().write(
                {
                    "duplicate_state": "suspect",
                    "duplicate_partner_ids": [
                        fields.Command.link(match_id)
                        for match_id in match_ids
                        if isinstance(match_id, int)
                    ],
                }
            )

    def _duplicate_block_message(self, blocked):
        """The error of a refused registration. It names the existing customer,
        its salesperson and registrant only when the user may read that customer
        (the match itself is found whatever the user's rights); otherwise it says
        that a customer the user cannot see holds the key."""
        readable = set(
            self.browse({match["id"] for _p, _r, match in blocked})
            ._filtered_access("read")
            .ids
        )
        users = self.env["res.users"].sudo()
        lines = []
        for partner, rule, match in blocked[:5]:
            if match["id"] not in readable:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. A customer you cannot see is already "
                        "registered with it; ask a sales administrator.",
                        partner=partner.display_name or partner.name,
                        rule=rule["name"],
                    )
                )
                continue
            lines.append(
                self.env._(
                    "%(partner)s: %(rule)s. %(existing)s is already registered "
                    "(salesperson: %(salesperson)s; registered by %(registrant)s on "
                    "%(date)s).",
                    partner=partner.display_name or partner.name,
                    rule=rule["name"],
                    existing=self.browse(match["id"]).display_name,
                    salesperson=users.browse(match["user_id"]).name
                    or self.env._("none"),
                    registrant=users.browse(match["registered_by_id"]).name
                    or self.env._("unknown"),
                    date=format_datetime(self.env, match["registered_date"])
                    if match["registered_date"]
                    else self.env._("unknown date"),
                )
            )
        return self.env._(
            "This customer is already registered.\n%(details)s",
            details="\n".join(lines),
        )

    @api.model
    @tools.ormcache()
    def _crm_company_partner_ids(self):
        """The partners of the companies (cached: read on every registration;
        res.company clears the cache when a company or its partner changes)."""
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        return frozenset(companies.search([]).partner_id.ids)

    def _crm_customers(self, new=False):
        """The partners of ``self`` that are customers.

        Not customers: the companies' own partners and their contacts, and the
        partners of internal users (archived ones too). They are no duplicate
        candidates, never go to the shared pool and cannot be claimed. Partners
        that Odoo is creating for a new user or company are not checked either
        (see ``res.users`` and ``res.company``). The SQL form of the same rule,
        for candidates, is ``CUSTOMER_SQL`` of ``crm.duplicate.rule``.

        :param new: the partners were just created, outside the creation of a
            user: no user has them yet.
        """
        if not self:
            return self
        if CREATING_STAFF_PARTNERS.is_raised(self.env.context):
            return self.browse()
        excluded = self._crm_company_partner_ids()
        saved = [pid for pid in self.ids if isinstance(pid, int)]
        staff = set()
        if saved and not new:
            self.env["res.users"].flush_model(["partner_id", "share"])
            self.env.cr.execute(
                "SELECT partner_id FROM res_users "
                "WHERE partner_id = ANY(%s) AND share IS NOT TRUE",
                [saved],
            )
            staff = {row[0] for row in self.env.cr.fetchall()}
        return self.filtered(
            lambda partner: (
                partner.commercial_partner_id.id not in excluded
                and partner.id not in staff
            )
        )

    def _list_name_cores(self):
        """List the name cores of these partners for the similarity rules."""
        rules = self.env["crm.duplicate.rule"]._get_active_rules()
        if any(rule["match"] == "similar" for rule in rules):
            self.env["crm.duplicate.name.core"]._add(
                {core for core in self.mapped("name_core_key") if core}
            )

    def _duplicate_keys_snapshot(self, vals):
        """The match keys before a write of the partners it may give other keys,
        ``{partner id: keys}``, or ``None`` when nothing is to check."""
        triggers = DUPLICATE_TRIGGER_FIELDS & vals.keys()
        if (
            not triggers
            or MERGING_PARTNERS.is_raised(self.env.context)
            or not self.env["crm.duplicate.rule"]._get_active_rules()
        ):
            return None
        partners = self
        if triggers <= COMMERCIAL_KEY_FIELDS:
            # Not even read: the keys of new contacts are computed at once, for
            # the whole batch, rather than one by one as Odoo syncs each one.
            partners = self.filtered(lambda p: not p.parent_id)
        return {p.id: tuple(p[f] for f in MATCH_KEY_FIELDS) for p in partners}

    # ------------------------------------------------------------------
    # Ownership
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # Customer value
    # ------------------------------------------------------------------

    @api.depends_context("company")
    def _compute_customer_value(self):
        """The figures of the current company, for the customer's company."""
        Value = self.env["crm.customer.value"]
        values = {}
        if Value.has_access("read"):
            values = {
                value.partner_id.id: value
                for value in Value.search(
                    [
                        ("partner_id", "in", self.commercial_partner_id.ids),
                        ("company_id", "=", self.env.company.id),
                    ]
                )
            }
        for partner in self:
            value = values.get(partner.commercial_partner_id.id, Value)
            partner.current_value_id = value
            partner.revenue_12m = value.revenue_12m
            partner.value_currency_id = (
                value.currency_id or self.env.company.currency_id
            )
            partner.invoice_count_12m = value.invoice_count_12m
            partner.last_invoice_date = value.last_invoice_date
            partner.rfm_segment = value.rfm_segment
            partner.abc_class = value.abc_class
            partner.churn_risk = value.churn_risk
            partner.churn_reason = value.churn_reason

    def _log_class_changes(self, old_classes):
        """Record each class change made through the ORM: by hand. (The class
        rules record theirs with their own cause, see crm.customer.value; no
        context of a caller can claim a rule's cause.)"""
        rows = [
            {
                "partner_id": partner.id,
                "old_class_id": old_classes.get(partner.id, False),
                "new_class_id": partner.customer_class_id.id,
                "is_automatic": False,
                "reason": self.env._("Changed by hand"),
            }
            for partner in self
            if old_classes.get(partner.id, False) != partner.customer_class_id.id
        ]
        if rows:
            self.env["crm.customer.class.history"].sudo().create(rows)

    @api.model
    def _cron_birthday_reminders(self, days_ahead=None):
        """One activity per contact birthday and year, ``days_ahead`` days before,
        for the salesperson of the contact's company (or of the contact)."""
        if days_ahead is None:
            key = "crm_extension.birthday_days_ahead"
            days_ahead = parse_int_setting(
                key, self.env["ir.config_parameter"].sudo().get_param(key)
            )
        today = fields.Date.context_today(self)
        days = [today + timedelta(days=offset) for offset in range(days_ahead + 1)]
        month_days = sorted({day.month * 100 + day.day for day in days})
        if 228 in month_days:
            month_days.append(229)
        self.flush_model(["birthday", "birthday_reminded_year", "user_id"])
        self.env.cr.execute(
            """
            SELECT p.id, p.birthday, p.birthday_reminded_year,
                   COALESCE(cp.user_id, p.user_id), p.name
              FROM res_partner p
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE p.birthday IS NOT NULL AND p.active
               AND (EXTRACT(MONTH FROM p.birthday) * 100
                    + EXTRACT(DAY FROM p.birthday))::int = ANY(%s)
               AND COALESCE(cp.user_id, p.user_id) IS NOT NULL
            """,
            [month_days],
        )
        due = []
        for partner_id, birthday, reminded, user_id, name in self.env.cr.fetchall():
            day = birthday_due(birthday, today, days_ahead, reminded)
            if day:
                due.append((partner_id, user_id, day, name))
        if not due:
            return 0
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": partner_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user_id,
                    "date_deadline": day,
                    "summary": self.env._(
                        "Birthday of %(name)s on %(date)s",
                        name=name,
                        date=fields.Date.to_string(day),
                    ),
                }
                for partner_id, user_id, day, name in due
            ]
        )
        self.env.cr.execute(
            """
            UPDATE res_partner p SET birthday_reminded_year = v.year
              FROM unnest(%s::int[], %s::int[]) AS v(id, year)
             WHERE p.id = v.id
            """,
            [[row[0] for row in due], [row[2].year for row in due]],
        )
        self.invalidate_model(["birthday_reminded_year"])
        return len(due)

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------

    def _compute_complaint_count(self):
        counts = self._get_complaint_counts()
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id.id, 0)

    def _get_complaint_counts(self, date_from=None):
        """Complaints per commercial partner: ``{commercial partner id: count}``.

        Counts the complaints of the customer and of its contacts, received since
        ``date_from`` when given, whoever may read them (the figure feeds the
        customer's analytics). One grouped query for any number of partners.
        """
        domain = [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        if date_from:
            domain.append(("date_received", ">=", date_from))
        return {
            partner.id: count
            for partner, count in self.env["crm.complaint"]
            .sudo()
            ._read_group(domain, ["commercial_partner_id"], ["__count"])
        }

    def action_view_complaints(self):
        self.ensure_one()
        return self.env["crm.complaint"]._action_view(
            [("commercial_partner_id", "=", self.commercial_partner_id.id)],
            {"default_partner_id": self.id},
        )

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------

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
            # The lifecycle is the system's to keep, whoever caused the event.
            partners.sudo().write(dict(key))

    @api.model
    def _cron_mark_dormant(self, batch_size=1000):
        """Customers with a deal who stopped buying become dormant.

        Each company sets its number of days. Batched, with progress.
        """
        cron = self.env["ir.cron"]
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        marked = 0
        while True:
            self.flush_model(["lifecycle_stage", "last_deal_date", "company_id"])
            self.env["res.company"].flush_model(["crm_dormant_days"])
            self.env.cr.execute(
                """
                SELECT p.id
                  FROM res_partner p
                  JOIN res_company c ON c.id = COALESCE(p.company_id, %s)
                 WHERE p.lifecycle_stage IN ('deal', 'vip')
                   AND p.id = p.commercial_partner_id
                   AND c.crm_dormant_days > 0
                   AND p.last_deal_date <= %s::date - c.crm_dormant_days
                 ORDER BY p.id
                 LIMIT %s
                """,
                [
                    main_company.id if main_company else self.env.company.id,
                    fields.Date.context_today(self),
                    batch_size,
                ],
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            self.browse(ids)._lifecycle_event("dormant")
            marked += len(ids)
            if cron._crm_batch_done(marked, len(ids), batch_size):
                break
        return marked

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarded_values(vals_list, creating=True)
        partners = super(ResPartner, self._without_guarded_defaults()).create(vals_list)
        partners._check_class_required_fields()
        partners._list_name_cores()
        partners._check_duplicates(new=True)
        return partners

    def write(self, vals):
        if not MERGING_PARTNERS.is_raised(self.env.context):
            # (A merge copies the values of the absorbed customers: none typed.)
            self._check_guarded_values([vals])
        if vals and vals.keys() <= {"credit_rating"} and not self.env.su:
            # Accountants may set the credit rating of customers they can only
            # read: the rating is theirs to give (checked above), the rest of
            # the customer is not.
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        if "user_id" in vals:
            self._check_protection(vals["user_id"])
        old_keys = self._duplicate_keys_snapshot(vals)
        old_classes = (
            {partner.id: partner.customer_class_id.id for partner in self}
            if "customer_class_id" in vals
            else None
        )
        res = super().write(vals)
        if old_classes is not None:
            self._log_class_changes(old_classes)
        if "importance" in vals:
            # The lifecycle is the system's to keep, whoever sets the importance.
            self.filtered(
                lambda partner: partner == partner.commercial_partner_id
            ).sudo()._lifecycle_event(
                "key_customer"
                if vals["importance"] == KEY_CUSTOMER_IMPORTANCE
                else "not_key_customer"
            )
        if "name" in vals or "parent_id" in vals:
            self._list_name_cores()
        if self._class_check_needed(vals):
            self._check_class_required_fields()
        if old_keys is not None and not (
            vals.keys() == {"active"} and not vals["active"]
        ):
            # (Archiving alone cannot register anybody twice.)
            partners = self.browse(list(old_keys))
            if vals.get("active") or "is_company" in vals or "company_id" in vals:
                # The same keys may now fall under other rules: check them all.
                old_keys = None
            partners._check_duplicates(old_keys)
        return res

    def init(self):
        res = super().init()
        # Similarity rules search the distinct name cores (crm.duplicate.name.core)
        # through a trigram index: the names need none.
        self.env.cr.execute("DROP INDEX IF EXISTS res_partner_name_key_trgm_idx")
        self.env["crm.duplicate.name.core"]._fill_if_empty()
        return res
