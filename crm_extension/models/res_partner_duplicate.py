"""Duplicate protection (客户验证): the normalised match keys of a partner, the
check of the duplicate rules on every registration, the review flags and the
name cores of the similarity rules."""

import logging
from collections.abc import Collection

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, sql

from odoo.addons.phone_validation.tools import phone_validation

from .. import bulk, compat
from ..tools.normalize import (
    email_text,
    is_placeholder_email,
    is_resident_id,
    is_valid_uscc,
    name_match_key,
    normalize_name_core,
    normalize_phone_digits,
    normalize_vat,
    number_keys,
    phone_without_extension,
    phone_without_last_group,
    script_spellings,
    to_e164,
    vat_search_key,
    without_cn_prefix,
)
from ..tools.primary import require_primary
from ..tools.server_context import (
    MERGING_PARTNERS,
    ImportBlame,
    PartnerOperation,
    PortalRefusal,
)
from .crm_duplicate_rule import (
    ALL_KEY_COLUMNS,
    KEY_COLUMNS,
    MATCH_FIELDS,
    MATCH_KEY_FIELDS,
    key_columns,
)
from .crm_guarded_field_mixin import INTERNAL, SALES_ADMIN

_logger = logging.getLogger(__name__)

# The fields of the website's and portal's address forms that hold each match
# key (a name: see res.partner._crm_form_refusal).
FORM_KEY_FIELDS = {
    "vat": ("vat",),
    "email": ("email",),
    "phone": compat.PHONE_FIELDS,
}


def phone_match_key(number, country_code, calling_code):
    """E.164 form of ``number`` for the phone duplicate key, without the
    extension written after it ("0755-12345678 转 801", "… ext. 801", and
    "0755-12345678-801" when the number is no valid one with its last group:
    :func:`phone_without_extension`, :func:`phone_without_last_group`).

    Odoo's ``phone_validation`` formats it when the ``phonenumbers`` library is
    installed; the plain rule of :func:`to_e164` covers the rest.
    """
    number = phone_without_extension(number)
    if not normalize_phone_digits(number):
        return ""  # too short, or filler such as "000000"
    if getattr(phone_validation, "phonenumbers", None):
        formatted, valid = _phone_e164(number, country_code)
        if not valid:
            shorter, valid = _phone_e164(phone_without_last_group(number), country_code)
            formatted = shorter if valid else formatted
        if formatted:
            return formatted
    return to_e164(number, calling_code)


def _phone_e164(number, country_code):
    """``(E.164 form, valid)`` of ``number`` by Odoo's ``phone_validation``
    (``phonenumbers``): ``("", False)`` when it cannot read it."""
    if not normalize_phone_digits(number):
        return "", False
    try:
        parsed = phone_validation.phone_parse(number, country_code or None)
    except UserError:
        return "", False
    phonenumbers = phone_validation.phonenumbers
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not (formatted.startswith("+") and formatted[1:].isdigit()):
        return "", False
    return formatted, phonenumbers.is_valid_number(parsed)


def email_match_key(email):
    """The e-mail match key: Odoo's ``email_normalize`` of the address as
    typed with a Chinese input method or copied from a chat (＠, ｓａｌｅｓ,
    。, a zero-width space: :func:`email_text`), the first one of a field
    holding several ("sales@…; info@…"), ``''`` for filler such as
    "none@none.com"."""
    key = email_normalize(email_text(email), strict=False) or ""
    return "" if is_placeholder_email(key) else key


def name_match_keys(name):
    """``(name key, name core key)`` of a name, both ``''`` for a placeholder."""
    key = name_match_key(name)
    return key, normalize_name_core(name) if key else ""


def partner_match_keys(
    name,
    parent_id,
    vat,
    company_registry,
    email,
    number,
    country_code,
    calling_code,
    is_company=False,
    other_number=None,
):
    """The duplicate match keys of a partner, ``{field name: key or ''}``.

    One definition for the ORM's compute, the install hook's set-based fill and
    the leads' match rows. Contacts share the VAT of their company and are no
    customers of their own: only commercial entities (a company, or a partner
    without a parent: Odoo's ``commercial_partner_id``) carry name and VAT keys.
    Placeholders typed where a value is unknown ("N/A", "0", "-") are no keys.
    A partner reached at two numbers (``number``, its mobile, and
    ``other_number``, its phone: 18.0) has both as keys, as one holding two
    numbers in its VAT and registry fields.
    Names are folded to one script (traditional and simplified Chinese are one
    key) and VAT / registry numbers compacted with the partner's country (with
    or without the country prefix: one key) by the rules of ``tools.normalize``.
    """
    commercial = bool(is_company or not parent_id)
    name_key, name_core_key = name_match_keys(name) if commercial else ("", "")
    vat_key, vat_other_key = (
        number_keys(vat, company_registry, country_code) if commercial else ("", "")
    )
    phone_key = phone_match_key(number, country_code, calling_code)
    phone_other_key = phone_match_key(other_number, country_code, calling_code)
    return {
        "name_key": name_key,
        "name_core_key": name_core_key,
        "vat_key": vat_key,
        "vat_other_key": vat_other_key,
        "email_key": email_match_key(email),
        "phone_key": phone_key or phone_other_key,
        "phone_other_key": phone_other_key
        if phone_key and phone_other_key != phone_key
        else "",
    }


# Fields the match keys of the duplicate rules are made of, and fields that decide
# whether a rule applies: a write touching none of them cannot create a duplicate.
def match_country(record):
    """The country whose numbering gives a phone (and a VAT number without its
    prefix) its key: the record's own, else its company's, else, for a
    partner the companies share, the company of whoever registered it (or
    created it, for a customer registered online) (one
    key whoever saves the partner, and whoever computes the keys again at an
    upgrade), else (that company without one) the current company's. Partners
    and leads alike; the set-based fill's SQL reads it the same way
    (:func:`match_input_query`)."""
    # (The company's country is read whatever the user may read of the
    # company: a key, shown to nobody; Odoo refuses a company the user may not
    # use with its own error.)
    company = record.company_id.sudo()
    if not company and "registered_by_id" in record._fields:
        # (A customer registered online, by nobody of ours: the company of
        # the user who created it, the website's visitor.)
        registrant = record.sudo().registered_by_id or record.sudo().create_uid
        company = registrant.company_id
    return record.country_id or company.country_id or record.env.company.country_id


def match_input_query(
    default_country,
    after_id,
    limit,
    skip_merged=False,
    condition=None,
    registrant=True,
):
    """The SQL of ``limit`` partners after ``after_id``, in id order, each a row
    of its id and the arguments of :func:`partner_match_keys`, with the country
    of :func:`match_country` (``default_country``: the current company's). The
    set-based fills of the keys (install, upgrade, benchmarks) read it.

    :param skip_merged: leave out the customers merged into another one (they
        hold no keys: see ``crm_merged_into_id``)
    :param condition: an ``SQL`` condition on the partner ``p`` the partners
        read must meet
    :param registrant: the column ``registered_by_id`` exists (not before
        the addon's tables are made, at its install)
    """
    return SQL(
        """
        SELECT p.id, p.name, p.parent_id, p.vat, p.company_registry, p.email,
               %(phone)s,
               COALESCE(c.code, cc.code, rc.code, %(code)s),
               COALESCE(c.phone_code, cc.phone_code, rc.phone_code, %(phone_code)s),
               p.is_company, %(other_phone)s
          FROM res_partner p
          LEFT JOIN res_country c ON c.id = p.country_id
          LEFT JOIN res_company co ON co.id = p.company_id
          LEFT JOIN res_partner cp ON cp.id = co.partner_id
          LEFT JOIN res_country cc ON cc.id = cp.country_id
          LEFT JOIN res_users ru ON p.company_id IS NULL AND ru.id = %(registrant)s
          LEFT JOIN res_company rco ON rco.id = ru.company_id
          LEFT JOIN res_partner rcp ON rcp.id = rco.partner_id
          LEFT JOIN res_country rc ON rc.id = rcp.country_id
         WHERE p.id > %(after)s %(merged)s %(condition)s
         ORDER BY p.id
         LIMIT %(limit)s
        """,
        phone=compat.phone_sql("p"),
        other_phone=compat.other_phone_sql("p"),
        code=default_country.code or None,
        phone_code=default_country.phone_code or None,
        after=after_id,
        registrant=SQL("COALESCE(p.registered_by_id, p.create_uid)")
        if registrant
        else SQL("NULL"),
        merged=SQL("AND p.crm_merged_into_id IS NULL") if skip_merged else SQL(),
        condition=SQL("AND (%s)", condition) if condition else SQL(),
        limit=limit,
    )


def fill_match_keys(env, batch_size=20000, log=None, condition=None):
    """Compute the match keys of every partner set-based, a batch at a time,
    with :func:`partner_match_keys` (what the fields' compute method does for
    one partner): one read and one update per batch, which writes only the
    partners whose keys change. The install fills the keys this way, before
    the ORM would compute them one by one, and so does an upgrade that changes
    the rules of the keys (customers merged into another keep no keys).

    :param log: called with the last partner id of each batch
    :param condition: an ``SQL`` condition on the partner ``p``: only the
        partners meeting it are computed (``match_input_query``)
    :return: the number of partners whose keys changed
    """
    cr = env.cr
    skip_merged = sql.column_exists(cr, "res_partner", "crm_merged_into_id")
    registrant = sql.column_exists(cr, "res_partner", "registered_by_id")
    last_id = 0
    changed = 0
    while True:
        cr.execute(
            match_input_query(
                env.company.country_id,
                last_id,
                batch_size,
                skip_merged,
                condition,
                registrant,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return changed
        last_id = rows[-1][0]
        keys = [partner_match_keys(*partner) for _partner_id, *partner in rows]
        changed += bulk.fill_columns(
            cr,
            "res_partner",
            dict.fromkeys(MATCH_KEY_FIELDS, "varchar"),
            [
                (row[0], *(key[fname] or None for fname in MATCH_KEY_FIELDS))
                for row, key in zip(rows, keys, strict=True)
            ],
            only_changed=True,
        )
        if log:
            log(last_id)


def recompute_match_keys(env, logger, condition=None):
    """An upgrade that changes the rules of the keys: every partner's match keys
    computed again set-based (:func:`fill_match_keys`), its progress logged to
    ``logger``, the cache of the key fields invalidated.

    :param condition: an ``SQL`` condition on the partner ``p``: only the
        partners meeting it (those the change may give other keys) are
        computed again
    :return: the number of partners whose keys changed
    """
    changed = fill_match_keys(
        env,
        condition=condition,
        log=lambda last_id: logger.info(
            "crm_extension: match keys computed again up to partner %s", last_id
        ),
    )
    env["res.partner"].invalidate_model(list(MATCH_KEY_FIELDS))
    logger.info("crm_extension: the match keys of %s partners changed", changed)
    return changed


# An upgrade's condition on the partner ``p``: its name holds a Chinese
# character (tools.normalize._HAS_CJK), one the script and place folds of the
# name keys may change.
CHINESE_NAME = SQL("p.name ~ %s", "[\u2e80-\U0003ffff]")


def rekey_partners(env, logger, condition=None):
    """An upgrade that changes the rules of the names' keys or cores: every
    partner's keys computed again (:func:`recompute_match_keys`; ``condition``:
    only those of the partners meeting it), the cores nobody carries any more
    forgotten and the new ones listed, as the activation of a similarity rule
    lists them.

    :return: the number of partners whose keys changed
    """
    changed = recompute_match_keys(env, logger, condition)
    env["crm.duplicate.name.core"]._drop_unused()
    env["crm.duplicate.rule"].search([("match", "=", "similar")])._complete_name_cores()
    return changed


# The operators of a name search that look for what was typed (a name, a part
# of it), which the search also looks for in the other spellings.
SPELLING_OPERATORS = ("ilike", "like", "=ilike", "=like", "=")
# The operators of a name search that look for a name as it is typed, which
# the search also looks for by its name key.
NAME_KEY_OPERATORS = ("ilike", "like")


class InvalidCreditCode(ValidationError):
    """A Chinese customer's VAT or registry number of 18 characters that is no
    valid unified social credit code; ``fields`` the partner's fields holding
    it (a form marks them: the portal's address form)."""

    def __init__(self, message, fields=()):
        super().__init__(message)
        self.fields = tuple(fields)


class DuplicateBlocked(ValidationError):
    """A registration refused by a block rule. ``request`` holds what a request
    for an exception would need: the default values of its form, or ``None``
    when the user cannot ask for one (the existing customer is not readable).
    ``keys`` are the keys of the rules that refused it (``vat``, ``name``,
    ``email``, ``phone``), ``rule_ids`` the rules and ``partner_ids`` the
    refused partners: a form shows them on its fields (the portal's address
    form)."""

    def __init__(self, message, request=None, keys=(), rule_ids=(), partner_ids=()):
        super().__init__(message)
        self.request = request
        self.keys = tuple(keys)
        self.rule_ids = tuple(rule_ids)
        self.partner_ids = tuple(partner_ids)


class DuplicateBlockedInForm(UserError):
    """A refused registration in the form, with a button to ask for an
    exception: the web client shows it as Odoo's RedirectWarning (the addon
    registers its dialog for this name: static/src/duplicate_blocked_dialog.js).
    Its arguments are RedirectWarning's: message, action, button text, context.
    A user error, logged as such (a RedirectWarning is logged as a server error).
    """

    def __init__(self, message, action, button_text, additional_context):
        Exception.__init__(self, message, action, button_text, additional_context)


# The partner fields the match keys are made of (see partner_match_keys and
# match_country): the one statement of them, for the keys' compute, the form's
# matches and the writes that may register someone twice.
MATCH_KEY_INPUTS = (
    "name",
    "parent_id",
    "is_company",
    "vat",
    "company_registry",
    "email",
    *compat.PHONE_FIELDS,
    "country_id",
    "company_id",
)
# And the fields that decide whether a rule applies: a write touching none of
# them cannot create a duplicate.
DUPLICATE_TRIGGER_FIELDS = frozenset({*MATCH_KEY_INPUTS, "company_type", "active"})
# Trigger fields only the keys of commercial entities are made of (see
# partner_match_keys): writing them on a contact cannot change its keys, as
# when Odoo copies its company's VAT to every new contact.
COMMERCIAL_KEY_FIELDS = frozenset({"name", "vat", "company_registry"})
# The keys a contact is compared by only with the customers of other companies
# (see crm.duplicate.rule._is_duplicate): moved to another company, it is
# compared by them again, its keys before the move noted as this mark.
CONTACT_KEY_FIELDS = frozenset(
    column for key in ("email", "phone") for column in key_columns(KEY_COLUMNS[key])
)
MOVED = object()
# What the duplicate rules compare of a partner before and after a write
# (see _check_duplicates): its keys, and what decides which customers and
# rules it meets (a match row's values).
SNAPSHOT_FIELDS = (
    *MATCH_KEY_FIELDS,
    "active",
    "is_company",
    "company_id",
    "commercial_partner_id",
)


def company_number_left(contact, fname, made_company, parent):
    """Whether ``contact`` (as before a write) leaves its number ``fname``
    with its company: a contact (no company) holding it as its commercial
    entity's copy, which it leaves (``made_company``, or given the parent
    ``parent`` of another entity; ``None``: its parent is kept)."""
    entity = contact.commercial_partner_id
    return bool(
        not contact.is_company
        and entity != contact
        and contact[fname]
        and contact[fname] == entity[fname]
        and (
            made_company
            or (parent is not None and parent.commercial_partner_id != entity)
        )
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    name_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
        copy=False,
        groups=INTERNAL,
    )

    name_core_key = fields.Char(
        string="Name Core",
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the id: see init()
        copy=False,
        help="The name without places and generic business words (集团, 科技, "
        "Trading ...): rules matching similar names compare it.",
        groups=INTERNAL,
    )

    vat_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
        copy=False,
        groups=INTERNAL,
    )

    phone_other_key = fields.Char(
        string="Other Phone Key",
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
        copy=False,
        help="The key of the phone number of a customer reached at a mobile "
        "number too: rules of phone numbers compare both.",
        groups=INTERNAL,
    )

    vat_other_key = fields.Char(
        string="Other Number Key",
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
        copy=False,
        help="The key of the second number of a customer holding two different "
        "ones in its VAT and company registry fields: rules of VAT and registry "
        "numbers compare both.",
        groups=INTERNAL,
    )

    email_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
        copy=False,
        groups=INTERNAL,
    )

    phone_key = fields.Char(
        compute="_compute_match_keys",
        store=True,
        index=False,  # with the company: see init()
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

    duplicate_exception_id = fields.Many2one(
        "crm.duplicate.exception",
        string="Registered by Exception",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=INTERNAL,
        help="The approved exception to a block rule this customer was registered "
        "with: who approved it, when and why.",
    )
    readable_duplicate_ids = fields.Many2many(
        "res.partner",
        string="Suspected Duplicates Shown",
        compute="_compute_readable_duplicate_ids",
        groups=INTERNAL,
        help="The suspected duplicates the current user may read.",
    )

    crm_merged_into_id = fields.Many2one(
        "res.partner",
        string="Merged Into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="This customer was merged into that one (and archived): it holds no "
        "keys; undoing the merge brings it back.",
        groups=INTERNAL,
    )
    duplicate_match_ids = fields.Many2many(
        "res.partner",
        string="Possible Duplicates",
        compute="_compute_duplicate_match_ids",
        help="Customers matching this one by a duplicate rule, shown while editing.",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "duplicate_state": (SALES_ADMIN,),
            "duplicate_partner_ids": (SALES_ADMIN,),
            "duplicate_exception_id": (),
            "crm_merged_into_id": (),
            **dict.fromkeys(MATCH_KEY_FIELDS, ()),
        }

    @api.depends(*MATCH_KEY_INPUTS, "crm_merged_into_id", "registered_by_id")
    def _compute_match_keys(self):
        for partner in self:
            if partner.crm_merged_into_id:
                # Merged into another customer, which holds the keys now.
                for fname in MATCH_KEY_FIELDS:
                    partner[fname] = False
                continue
            country = match_country(partner)
            keys = partner_match_keys(
                partner.name,
                partner.parent_id,
                partner.vat,
                partner.company_registry,
                partner.email,
                compat.phone_of(partner),
                country.code,
                country.phone_code,
                partner.is_company,
                compat.other_phone_of(partner),
            )
            for fname in MATCH_KEY_FIELDS:
                partner[fname] = keys[fname] or False

    @api.depends(*MATCH_KEY_INPUTS)
    @api.depends_context("uid")
    def _compute_duplicate_match_ids(self):
        """The matches the current user may read (others are left out: the form
        would fail to show them)."""
        customers = self._crm_customers()
        # (An approved pair is no warning between the two.)
        matches = customers._without_approved_exceptions(
            self.env["crm.duplicate.rule"]._find_matches(customers)
        )
        for partner in self:
            ids = {match["id"] for _rule, match in matches.get(partner, [])}
            partner.duplicate_match_ids = self.browse(sorted(ids))._filtered_access(
                "read"
            )[:10]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided_exceptions(self):
        """The decisions on exceptions about a customer (the approved
        registration's who, when and why; a refusal) are not deleted with it,
        which the database would do (``ondelete='cascade'``) past their own
        rule (crm.duplicate.exception's ``_unlink_except_decided``). A merge
        moves them to the surviving customer first."""
        if self.env.su or MERGING_PARTNERS.is_raised(self.env.context):
            return
        decided = (
            self.env["crm.duplicate.exception"]
            .sudo()
            .search(
                [
                    ("matched_partner_id", "in", self.ids),
                    ("state", "!=", "requested"),
                ]
            )
        )
        if decided:
            concerned = self & decided.matched_partner_id
            raise UserError(
                self.env._(
                    "%(partners)s cannot be deleted: exceptions to the duplicate "
                    "rules were decided about them, and the decisions are the "
                    "trail of those registrations. Archive instead of deleting.",
                    partners=self.env._(", ").join(
                        concerned.with_env(self.env).mapped("display_name")
                    ),
                )
            )

    @api.depends("duplicate_partner_ids")
    @api.depends_context("uid")
    def _compute_readable_duplicate_ids(self):
        for partner in self:
            # (Customers merged into another are no suspects any more.)
            partner.readable_duplicate_ids = (
                partner.sudo()
                .duplicate_partner_ids.filtered(lambda p: not p.crm_merged_into_id)
                .with_env(self.env)
            )._filtered_access("read")

    @api.model
    def _search_display_name(self, operator, value):
        """Odoo's search of customers by name (the search box of the
        customers, their many2one fields: quotations, invoices, leads), which
        also finds a name written in the other script ("華星" finds
        深圳市华星科技有限公司, "华星" a customer registered in traditional
        characters) and, for internal users, a VAT or registry number typed
        with its country prefix and separators ("CN 9144 0300 MA5F XT4K 6G"
        finds the customer registered with 91440300MA5FXT4K6G): whoever looks
        a customer up before registering it finds the one the duplicate rules
        would refuse it for, also when typed as they would refuse it
        (another legal form, a place with its suffix or without)."""
        domain = super()._search_display_name(operator, value)
        if (
            operator == "in"
            and isinstance(value, Collection)
            and not isinstance(value, str)
        ):
            # Odoo 19 looks an exact name up as "in" one name (an import's
            # many2one column): the other script's spelling is that name too.
            names = list(value)
            if len(names) == 1 and isinstance(names[0], str):
                operator, value = "=", names[0]
        if operator not in SPELLING_OPERATORS or not isinstance(value, str):
            return domain
        # The other spellings of a name: in the names only (e-mails,
        # references and numbers are not written in Chinese).
        domains = [domain] + [
            [("complete_name", operator, spelling)]
            for spelling in script_spellings(value)
        ]
        internal = self.env.user.has_group(INTERNAL)  # (the keys are theirs)
        vat_key = vat_search_key(value)
        if vat_key and internal:
            domains.extend(
                [(column, "=", vat_key)] for column in key_columns("vat_key")
            )
        name_key = name_match_key(value) if operator in NAME_KEY_OPERATORS else ""
        if name_key and internal:
            # The registered name written another way, as the block rule of
            # names reads it ("珠海华星科技" or "广东省珠海市华星科技有限公司" for
            # 珠海市华星科技有限公司): one probe of the key's index. Not for an
            # exact name ("=", an import's column): that one is the name.
            domains.append([("name_key", "=", name_key)])
        return compat.domain_or(domains) if len(domains) > 1 else domain

    @api.constrains("vat", "company_registry", "country_id", "parent_id", "is_company")
    def _check_uscc(self):
        """A Chinese customer's VAT or registry number of 18 characters (with
        or without its country prefix) is a credit code: a valid one. (Not
        an individual customer's resident identity number, its Tax ID.)"""
        for partner in self.filtered(lambda p: p.is_company or not p.parent_id):
            if match_country(partner).code != "CN":
                continue
            for fname in ("vat", "company_registry"):
                number = partner[fname]
                code = without_cn_prefix(normalize_vat(number))
                if (
                    len(code) == 18
                    and not is_valid_uscc(code)
                    and (partner.is_company or not is_resident_id(code))
                ):
                    raise InvalidCreditCode(
                        self.env._(
                            "%(code)s is not a valid unified social credit code "
                            "(统一社会信用代码): check its characters and its last "
                            "digit.",
                            code=number,
                        ),
                        fields=[fname],
                    )

    def _duplicate_row(self, partner):
        """The partner as the duplicate rules see it: its match row
        (``MATCH_FIELDS``: keys, scope and owner)."""
        # (The keys are the system's, whoever registers: read without a check
        # of each field's groups.)
        record = partner.sudo()
        row = {
            fname: (
                record[fname].id
                if record._fields[fname].type == "many2one"
                else record[fname]
            )
            for fname in MATCH_FIELDS
        }
        # (In a form, the partner being edited is a new record of its origin:
        # never its own duplicate.) Only customers are checked (_crm_customers).
        return dict(row, id=partner._origin.id or False, is_customer=True)

    # ------------------------------------------------------------------
    # Steps of the partner operation (see res_partner_checks)
    # ------------------------------------------------------------------

    @api.model
    def _crm_flush_match_fields(self):
        """Before an operation: what earlier operations left pending is written
        now, before Odoo creates or writes anything, so that the match queries
        at its end flush only what the operation changed."""
        if self.env["crm.duplicate.rule"]._get_active_rules():
            self.flush_model(MATCH_FIELDS)

    def _crm_check_unarchive(self, vals):
        """A merged customer comes back only with the undo of its merge."""
        if vals.get("active") and not MERGING_PARTNERS.is_raised(self.env.context):
            merged = self.sudo().filtered("crm_merged_into_id")
            if merged:
                raise UserError(
                    self.env._(
                        "%(partner)s was merged into %(survivor)s: undo the merge "
                        "to bring it back.",
                        partner=merged[0].display_name,
                        survivor=merged[0].crm_merged_into_id.display_name,
                    )
                )
        return self

    def _crm_leave_company_numbers(self, vals, operation):
        """A step of the partner operation, on the values of each of its
        writes, before Odoo writes them (res_partner_checks; the caller's, and
        those of a company's contacts list given an existing contact): a
        contact leaving its company (detached from it, moved to another, made
        a company of its own) leaves the company's VAT
        and registry numbers, which Odoo copied to it as the company's
        (commercial fields), with the company: they are no numbers of the
        person's. Kept, they would make it a second customer of the company's
        numbers (a duplicate the rules refuse, naming the company it left),
        and Odoo would give them to a new company without numbers of its own.
        A number the caller writes, or one of the contact's own (another than
        its company's), stays."""
        leaving = vals.keys() & {"parent_id", "is_company", "company_type"}
        if not leaving or not self:
            return
        numbers = [fname for fname in ("vat", "company_registry") if fname not in vals]
        if not numbers:
            return
        if "is_company" in vals:
            made_company = bool(vals["is_company"])
        elif "company_type" in vals:
            made_company = vals["company_type"] == "company"
        else:
            made_company = None
        parent = (
            self.browse(vals["parent_id"] or ()).sudo() if "parent_id" in vals else None
        )
        # (The numbers are read whatever the user may read of the company:
        # the contact shows them as its own.)
        contacts = self.sudo()
        for fname in numbers:
            if all(
                company_number_left(partner, fname, made_company, parent)
                for partner in contacts
            ):
                vals[fname] = False

    @api.onchange("parent_id", "is_company")
    def _onchange_leave_company_numbers(self):
        """The form shows it before saving (and its duplicate hints leave the
        company the numbers were copied from): see
        :meth:`_crm_leave_company_numbers`."""
        origin = self._origin.sudo()
        if not origin:
            return
        made_company = self.is_company and not origin.is_company
        parent = self.parent_id._origin
        parent = parent.sudo() if parent != origin.parent_id else None
        for fname in ("vat", "company_registry"):
            if self[fname] == origin[fname] and company_number_left(
                origin, fname, made_company, parent
            ):
                self[fname] = False

    def _crm_note_duplicate_keys(self, vals, operation):
        """The match keys before the operation of the partners this write may
        give other keys (new partners are checked whatever their keys)."""
        if vals.keys() == {"active"} and not vals["active"]:
            return  # archiving alone cannot register anybody twice
        written = self.filtered(lambda partner: partner.id not in operation.created)
        old_keys = written._duplicate_keys_snapshot(vals)
        if old_keys is None:
            return
        for partner_id, keys in old_keys.items():
            # The keys (and the scope) before the operation, not before a
            # nested write: what the final state is compared with
            # (_check_duplicates).
            operation.duplicate_keys.setdefault(partner_id, keys)
        if "parent_id" in vals:
            # A contact shares its company's mailbox and phone unflagged (see
            # crm.duplicate.rule._is_duplicate): moved to another company, its
            # e-mail and phone are compared as if they were new. (Its company
            # written again as it is, as an import updating a file's rows
            # does, is no move.)
            moved = written.filtered(
                lambda partner: partner.parent_id.id != (vals["parent_id"] or False)
            )
            for partner_id in old_keys.keys() & set(moved.ids):
                before = operation.duplicate_keys[partner_id]
                operation.duplicate_keys[partner_id] = tuple(
                    MOVED if fname in CONTACT_KEY_FIELDS else key
                    for fname, key in zip(SNAPSHOT_FIELDS, before, strict=True)
                )

    def _crm_check_duplicate_rules(self, operation):
        """The duplicate rules, on the partners created or given other keys;
        the name cores of new and renamed partners listed for the rules
        matching similar names (by the statement that matches, when one
        does)."""
        if operation.refusals is not None:
            # A batch of an import: the partners it creates are rows of the
            # file (see _refusals), not those it updates.
            blame = ImportBlame.current(self.env)
            if blame is not None:
                blame.created.update(operation.created)
        to_check = self.filtered(
            lambda partner: (
                partner.id in operation.created
                or partner.id in operation.duplicate_keys
            )
        )
        matching = bool(to_check and self.env["crm.duplicate.rule"]._get_active_rules())
        cores = self.filtered(
            lambda partner: (
                partner.id in operation.created
                or {"name", "parent_id"} & operation.written.get(partner.id, set())
            )
        )._list_name_cores(defer=matching)
        if not matching:
            return
        # The existing partners this operation changed (and the contacts Odoo
        # moved with them) are written before the match queries read them; the
        # new ones are read from the cache and written once, with all their
        # fields, by Odoo's own flush. (The checked partners themselves are left
        # out of the queries.)
        existing = self.browse(set(operation.written) - operation.created)
        ((existing - to_check) | existing.child_ids).flush_recordset(MATCH_FIELDS)
        to_check._check_duplicates(
            # A partner this operation created is new whatever its keys were
            # when Odoo wrote it during its creation (the inverse of
            # company_type writes is_company, as the form saves both).
            old_keys={
                partner_id: keys
                for partner_id, keys in operation.duplicate_keys.items()
                if partner_id not in operation.created
            },
            new=operation.created.issuperset(self.ids) and not operation.staff,
            flushed=True,
            list_cores=cores,
            operation=operation,
        )

    def _check_duplicates(
        self, old_keys=None, new=False, flushed=False, list_cores=None, operation=None
    ):
        """Apply the duplicate rules to ``self`` after a create or write.

        :param old_keys: ``{partner id: keys before}`` (``SNAPSHOT_FIELDS``);
            a partner whose keys and scope did not change is not checked again,
            and a block rule checks it only when a key that rule protects
            changed: customers registered twice before the addon (or by an
            approved exception) stay editable, whatever else is written (an
            import writing its columns again as they are). A partner brought
            back from the archive, or given another company (other customers
            see it), is checked by every rule; one made a company or a person,
            by the rules of companies or individuals too. A partner missing
            from it, or ``None``, is checked by every rule.
        :param new: all of ``self`` was just created (see ``_crm_customers``)
        :param flushed: see ``crm.duplicate.rule._find_matches``
        :param list_cores: name cores to list (see ``_list_name_cores``), by
            the statement that matches
        :param operation: the partner operation checked (its approved
            exception, the refusals an import notes)
        """
        require_primary(self.env.cr, "customer registration")
        Rule = self.env["crm.duplicate.rule"]
        if MERGING_PARTNERS.is_raised(self.env.context) or not Rule._get_active_rules():
            Rule._write_keys(None, list_cores)
            return
        old_keys = old_keys or {}
        changed = {}  # {partner: the key fields that changed, None for all}
        rows = {}  # {partner: its match row}, read once
        for partner in self:
            row = rows[partner] = self._duplicate_row(partner)
            change = self._duplicate_change(old_keys.get(partner.id), row)
            if change is None or change:
                changed[partner] = change
        partners = self.browse([partner.id for partner in changed])._crm_customers(
            new=new
        )
        if not partners:
            Rule._write_keys(None, list_cores)
            return

        def protects(rule, partner):
            """Whether ``rule`` may block ``partner``: its key changed."""
            keys = changed[partner]
            if keys is None:
                return True
            if "is_company" in keys and rule["scope"] != "both":
                # Made a company or a person: the rules of companies (or of
                # individuals) apply to its keys as they did not before.
                return True
            if rule["match"] == "similar":
                return "name_core_key" in keys
            return bool(keys.intersection(key_columns(rule["column"])))

        matches = partners._without_approved_exceptions(
            Rule._match_rows(
                {partner: rows[partner] for partner in partners},
                lock_keys=partners._block_lock_keys(protects, rows),
                flushed=flushed,
                list_cores=list_cores,
            ),
            approving=operation and operation.approved_exception,
        )
        blocked = []
        to_flag = {}
        for partner, found in matches.items():
            for rule, match in found:
                if rule["action"] == "block":
                    if protects(rule, partner):
                        blocked.append((partner, rule, match))
                else:
                    to_flag.setdefault(partner, set()).add(match["id"])
        if blocked:
            refusals = operation and operation.refusals
            if refusals is None:
                raise DuplicateBlocked(
                    # (A match that this request registers or gives its keys
                    # is rolled back with it: registered by nobody.)
                    self._duplicate_block_message(
                        blocked, in_request={partner.id for partner in changed}
                    ),
                    self._exception_request(blocked),
                    keys=sorted({rule["key"] for _p, rule, _m in blocked}),
                    rule_ids=sorted({rule["id"] for _p, rule, _m in blocked}),
                    partner_ids=sorted({partner.id for partner, _r, _m in blocked}),
                )
            # An import: each refused row is reported (see _load_records).
            operation.refuse(self._refusals(blocked))
        self._flag_suspects(to_flag, new=new)

    @api.model
    def _duplicate_change(self, before, row):
        """What a write changed of a partner for the duplicate rules: the
        ``SNAPSHOT_FIELDS`` whose values differ between ``before`` and its
        match row ``row`` (none: nothing to check), or ``None`` for a partner
        every rule checks (new, brought back from the archive, or given
        another company: other customers see it)."""
        if before is None:
            return None
        after = tuple(row[fname] for fname in SNAPSHOT_FIELDS)
        change = {
            fname
            for fname, old, new in zip(SNAPSHOT_FIELDS, before, after, strict=True)
            if old != new
        }
        if "company_id" in change or ("active" in change and row["active"]):
            return None
        if "commercial_partner_id" in change:
            # A customer of its own now (a contact made a company), or
            # another's contact: the mailbox and phone it shared with its
            # commercial entity are compared as new (see
            # crm.duplicate.rule._is_duplicate).
            change |= CONTACT_KEY_FIELDS
        return change

    def _block_lock_keys(self, protects, rows):
        """The keys of these partners a block rule protects, to lock (see
        ``crm.duplicate.rule._write_keys``): concurrent registrations of one
        key are serialised.

        :param protects: ``protects(rule, partner)``: whether ``rule`` may
            block ``partner``
        :param rows: ``{partner: match row}`` (``_duplicate_row``)
        """
        lock_keys = set()
        for rule in self.env["crm.duplicate.rule"]._get_active_rules():
            if rule["action"] == "block" and rule["match"] == "exact":
                for partner in self:
                    if protects(rule, partner):
                        row = rows[partner]
                        lock_keys.update(
                            f"{rule['key']}:{row[column]}"
                            for column in key_columns(rule["column"])
                            if row[column]
                        )
        return lock_keys

    def _flag_suspects(self, to_flag, new=False):
        """Flag the partners a warn rule matched for review.

        The review flag is the system's to set, whoever registers: one write of
        the flag for all of them, one statement for the links to what they
        matched (rows of the addon's own relation table
        ``crm_partner_duplicate_rel``, as the many2many's write would insert
        them; its cache is invalidated), whatever the number of partners. The
        change is tracked in the chatter of existing customers; new ones are
        registered with it, as with any value they are created with (Odoo
        tracks no values at creation).

        A customer reviewed as no duplicate ("Not a duplicate") stays so for
        the partners it was reviewed beside (its links), not for another one
        it matches later: that one flags it again. (Its links are read only
        for such customers, in one statement: new partners have none.)

        :param to_flag: ``{partner: ids of the partners it matched}``
        :param new: all of them were just created
        """
        cleared = [
            partner.id
            for partner in to_flag
            if partner.duplicate_state == "cleared" and isinstance(partner.id, int)
        ]
        reviewed = {}
        if cleared:
            self.flush_model(["duplicate_partner_ids"])
            for partner_id, duplicate_id in self.env.execute_query(
                SQL(
                    "SELECT partner_id, duplicate_id FROM crm_partner_duplicate_rel "
                    "WHERE partner_id = ANY(%s)",
                    cleared,
                )
            ):
                reviewed.setdefault(partner_id, set()).add(duplicate_id)
        flagged = {
            partner: match_ids
            for partner, match_ids in to_flag.items()
            if partner.duplicate_state != "cleared"
            or set(match_ids) - reviewed.get(partner.id, set()) - {partner.id}
        }
        if not flagged:
            return
        partners = self.browse([partner.id for partner in flagged])
        partners.filtered(
            lambda partner: partner.duplicate_state != "suspect"
        ).sudo().with_context(mail_notrack=new).write({"duplicate_state": "suspect"})
        links = sorted(
            {
                (partner.id, match_id)
                for partner, match_ids in flagged.items()
                for match_id in match_ids
                if isinstance(match_id, int) and match_id != partner.id
            }
        )
        if links:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO crm_partner_duplicate_rel (partner_id, duplicate_id) "
                    "SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
                    [partner_id for partner_id, _match in links],
                    [match_id for _partner, match_id in links],
                )
            )
            partners.invalidate_recordset(
                ["duplicate_partner_ids", "readable_duplicate_ids"]
            )

    def _refusals(self, blocked):
        """The error of each refused partner, ``{partner id: message}``, for an
        import that reports every refused row. Two rows of the file that match
        each other are both refused by the rules: the later one is blamed, as
        the same customer as another row of the file (not as one registered
        before: the import is rolled back): the partners its batches created,
        this one's included, are noted (see _crm_check_duplicate_rules)."""
        blame = ImportBlame.current(self.env)
        in_file = blame.created if blame is not None else set()
        refused_ids = {partner.id for partner, _rule, _match in blocked}
        by_partner = {}
        for partner, rule, match in blocked:
            if match["id"] in refused_ids and match["id"] > partner.id:
                continue  # a later row of the file, blamed for it
            by_partner.setdefault(partner, []).append((partner, rule, match))
        return {
            partner.id: self._duplicate_block_message(found, in_file)
            for partner, found in by_partner.items()
        }

    @api.model
    def load(self, fields, data):
        """Odoo's import, reporting each row a block rule refuses, with what
        it matched, and each row missing a field its class requires, with
        its own gaps, and nothing else.

        Odoo creates the rows in batches; when a batch fails, it names the
        batch's first row with the error and tries again row by row: the first
        row of a file was blamed for the duplicate on its second (and for the
        missing fields of every row of the batch), and a file of 10,000 rows
        was checked 10,001 times. Here a batch is checked once, the refused
        rows noted (``_load_records``), and the import rolled back when any
        was, as Odoo rolls it back on any error (test runs and real ones)."""
        return ImportBlame.load(self, super(ResPartner, type(self)).load, fields, data)

    def _load_records(self, data_list, update=False):
        blame = ImportBlame.current(self.env)
        if blame is None:
            return super()._load_records(data_list, update=update)
        # The batch's operations note the partners a block rule or a class
        # template refuses.
        refusals = {}
        batch = PartnerOperation(refusals=refusals)
        records = super(ResPartner, self.with_context(**batch.context()))._load_records(
            data_list, update=update
        )
        if not refusals:
            return records
        row_of = {}
        for data, record in zip(data_list, records, strict=True):
            row_of[record.id] = data["info"]
        for partner in self.browse(sorted(refusals)):
            # A contact created with its row's company is that row's.
            info = (
                row_of.get(partner.id)
                or row_of.get(partner.parent_id.id)
                or data_list[0]["info"]
            )
            blame.messages.append(
                dict(info, type="error", message=refusals[partner.id])
            )
        return records

    def _without_approved_exceptions(self, matches, approving=None):
        """The matches an approved exception does not allow: the customer
        registered with it and the one it matched are not duplicates of each
        other any more (no warning between them), and share the keys they
        shared when it was approved; a block rule refuses one of them taking
        another key of the other.

        :param approving: the id of the exception being approved, for the
            registration it allows (all of it)
        """
        if not matches:
            return matches
        # (In a form, the partner being edited is a new record of its origin.)
        ids = {partner._origin.id for partner in matches if partner._origin.id}
        ids |= {match["id"] for found in matches.values() for _rule, match in found}
        Exception_ = self.env["crm.duplicate.exception"]
        allowed = Exception_._approved_pairs(ids)
        approved = set()
        if approving:
            matched = Exception_.sudo().browse(approving).matched_partner_id.id
            approved = {(partner._origin.id, matched) for partner in matches}

        def allows(pair, rule):
            if pair in approved:
                return True
            kinds = allowed.get(pair)
            return kinds is not None and (
                rule["action"] != "block" or rule["key"] in kinds
            )

        result = {}
        for partner, found in matches.items():
            kept = [
                (rule, match)
                for rule, match in found
                if not allows((partner._origin.id, match["id"]), rule)
            ]
            if kept:
                result[partner] = kept
        return result

    def _exception_request(self, blocked):
        """The default values of a request for an exception to the first block
        of a salesperson's registration, or ``None``."""
        partner, rule, match = blocked[0]
        existing = self.browse(match["id"])
        if not (
            self.env.user.has_group("sales_team.group_sale_salesman")
            and self._crm_readable_by_reader(existing)
        ):
            return None
        return {
            "default_name": partner.name,
            "default_is_company": partner.is_company,
            "default_vat": partner.vat or False,
            "default_company_registry": partner.company_registry or False,
            "default_email": partner.email or False,
            "default_phone": partner.phone or compat.phone_of(partner),
            "default_country_id": partner.country_id.id,
            "default_matched_partner_id": existing.id,
            "default_rule_id": rule["id"],
        }

    @api.readonly
    def onchange(self, values, field_names, fields_spec):
        """The form's onchange reads and writes nothing (its records are new,
        in memory): the duplicate hints shown while typing
        (``duplicate_match_ids``) may be served by Odoo's read replica. The
        registration itself is checked on the primary when it is saved.

        The company a contact is placed under in the form (typed, or the
        form's default) is one the user may read, as when it is saved
        (``_crm_check_parents_readable``): the form shows its name and fills
        in its address and salesperson. A contact's company it has already
        is left as it is."""
        if "parent_id" in values:
            if not self or values["parent_id"] != self.parent_id.id:
                self.browse()._crm_check_parents_readable(
                    [{"parent_id": values["parent_id"]}]
                )
        elif not self:
            self._crm_check_parents_readable([{}])
        return super().onchange(values, field_names, fields_spec)

    def web_save(self, vals, specification, next_id=None):
        """In the form, a refused registration offers to ask for an exception."""
        try:
            return super().web_save(vals, specification, next_id=next_id)
        except DuplicateBlocked as error:
            if not error.request:
                raise
            action = self.env.ref(
                "crm_extension.crm_duplicate_exception_action_request"
            )
            raise DuplicateBlockedInForm(
                error.args[0],
                action.id,
                self.env._("Request an Exception"),
                error.request,
            ) from error

    def _duplicate_block_message(
        self, blocked, in_file=frozenset(), in_request=frozenset()
    ):
        """The error of a refused registration. It names the existing customer,
        its salesperson and registrant only when its reader may read that
        customer by the reader's own rights (the match itself is found whatever
        the rights, and whoever registers: see ``res.partner._crm_reader_env``);
        otherwise it says that a customer the reader cannot see holds the key.
        A customer (portal) or a web visitor is told in a customer's words
        (:meth:`_crm_customer_refusal_message`).

        :param in_file: the partners an import created from its file: one of
            them matched is another row of the file
        :param in_request: the partners the request registers (created or
            given their keys): one of them matched is registered twice by it
        """
        reader_env = self._crm_reader_env()
        if reader_env is not None and reader_env.user.share:
            return self._crm_customer_refusal_message(
                {rule["id"] for _p, rule, _m in blocked}
            )
        matched = self.browse({match["id"] for _p, _r, match in blocked})
        readable = set(self._crm_readable_by_reader(matched).ids)
        # Those the reader sees in another of their companies, and whether
        # the reader is who transfers customers (never told to ask one).
        elsewhere = set()
        if not readable.issuperset(matched.ids):
            elsewhere = set(
                self._crm_readable_by_reader(
                    matched.filtered(lambda partner: partner.id not in readable),
                    all_companies=True,
                ).ids
            )
        reader = (reader_env or self.env).user
        administrator = reader_env is not None and reader.has_group(SALES_ADMIN)
        users = self.env["res.users"].sudo()
        rule_names = self.env["crm.duplicate.rule"]._rule_names(
            {rule["id"] for _p, rule, _m in blocked}
        )
        lines = []
        for partner, rule, match in blocked[:5]:
            if match["id"] in in_file:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. %(existing)s is on another row of "
                        "the file: import each customer once.",
                        partner=partner.display_name or partner.name,
                        rule=rule_names[rule["id"]],
                        existing=match["name"],  # (as the file writes it)
                    )
                )
                continue
            if match["id"] in in_request:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. %(existing)s is also in this "
                        "request: register each customer once.",
                        partner=partner.display_name or partner.name,
                        rule=rule_names[rule["id"]],
                        existing=match["name"],  # (as the request writes it)
                    )
                )
                continue
            if match["id"] in elsewhere:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. A customer of another of your "
                        "companies is already registered with it: select that "
                        "company to see it.",
                        partner=partner.display_name or partner.name,
                        rule=rule_names[rule["id"]],
                    )
                )
                continue
            if match["id"] not in readable and administrator:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. A customer of a company you do not "
                        "have access to is already registered with it.",
                        partner=partner.display_name or partner.name,
                        rule=rule_names[rule["id"]],
                    )
                )
                continue
            if match["id"] not in readable:
                lines.append(
                    self.env._(
                        "%(partner)s: %(rule)s. A customer you cannot see is already "
                        "registered with it; ask a sales administrator.",
                        partner=partner.display_name or partner.name,
                        rule=rule_names[rule["id"]],
                    )
                )
                continue
            lines.append(
                self.env._(
                    "%(partner)s: %(rule)s. %(existing)s is already registered "
                    "(salesperson: %(salesperson)s; %(registration)s).",
                    partner=partner.display_name or partner.name,
                    rule=rule_names[rule["id"]],
                    existing=self.browse(match["id"]).display_name
                    if match["active"]
                    else self.env._(
                        "%(name)s (archived)",
                        name=self.browse(match["id"]).display_name,
                    ),
                    salesperson=users.browse(match["user_id"]).name
                    or self.env._("none"),
                    registration=self._crm_registration(
                        users.browse(match["registered_by_id"]).name,
                        match["registered_date"],
                    ),
                )
            )
        if all(match["id"] in in_file for _p, _r, match in blocked):
            return self.env._(
                "This customer is on more than one row of the file.\n%(details)s",
                details="\n".join(lines),
            )
        if all(match["id"] in in_request for _p, _r, match in blocked):
            return self.env._(
                "This customer is registered more than once in this request.\n"
                "%(details)s",
                details="\n".join(lines),
            )
        return self.env._(
            "This customer is already registered.\n%(details)s",
            details="\n".join(lines),
        )

    @api.model
    def _crm_customer_refusal_message(self, rule_ids):
        """A block rule's refusal as a customer or a web visitor reads it: the
        rules that refused, no customer, no internal role."""
        names = self.env["crm.duplicate.rule"]._rule_names(rule_ids)
        return self.env._(
            "These details are already registered for another customer "
            "(%(rules)s). Please contact us to change them.",
            rules=self.env._("; ").join(names[rule_id] for rule_id in sorted(rule_ids)),
        )

    def _crm_form_refusal(self, error, form_fields):
        """The refusal ``error`` (``DuplicateBlocked``) of a website or portal
        form of ``self`` (the customer whose details it shows) holding
        ``form_fields``, as the form shows it (``PortalRefusal``): the fields
        of the refused keys (a refused name is the company's when the refused
        partner is not ``self``), or else the name (the form marks at least
        one: the shop's checkout takes a refusal without one for a success),
        and the customer's message. A mistyped credit code
        (``InvalidCreditCode``): its field (else the VAT's), and its message,
        which names only the code typed."""
        if isinstance(error, InvalidCreditCode):
            fields = [fname for fname in error.fields if fname in form_fields]
            if not fields and "vat" in form_fields:
                fields = ["vat"]
            return PortalRefusal(fields, error.args[0])
        _logger.info(
            "crm_extension: user %s's details refused on the website by the "
            "duplicate rules %s",
            (self._crm_reader_env() or self.env).uid,
            list(error.rule_ids),
        )
        wanted = []
        for key in error.keys:
            if key == "name":
                own = self.id in error.partner_ids
                wanted.append("name" if own else "company_name")
            else:
                wanted.extend(FORM_KEY_FIELDS.get(key, ()))
        fields = [fname for fname in wanted if fname in form_fields]
        if not fields and "name" in form_fields:
            fields = ["name"]
        return PortalRefusal(
            fields, self._crm_customer_refusal_message(set(error.rule_ids))
        )

    def _list_name_cores(self, defer=False):
        """List the name cores of these partners for the similarity rules
        (none while no similarity rule is active).

        :param defer: return them instead, for the statement of the duplicate
            rules to list (``crm.duplicate.rule._match_rows``)
        :return: the cores to list, when deferred
        """
        rules = self.env["crm.duplicate.rule"]._get_active_rules()
        cores = set()
        if any(rule["match"] == "similar" for rule in rules):
            cores = {core for core in self.mapped("name_core_key") if core}
        if defer:
            return cores
        self.env["crm.duplicate.rule"]._write_keys(None, cores)
        return set()

    def _duplicate_keys_snapshot(self, vals):
        """The match keys (and scope: ``SNAPSHOT_FIELDS``) before a write of
        the partners it may give other keys, ``{partner id: keys}``, or
        ``None`` when nothing is to check."""
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
            partners = self.filtered(lambda p: p.is_company or not p.parent_id)
        return {
            p.id: (
                *(p[f] for f in MATCH_KEY_FIELDS),
                p.active,
                p.is_company,
                p.company_id.id,
                p.commercial_partner_id.id,
            )
            for p in partners
        }

    def init(self):
        res = super().init()
        # The exact keys' btree indexes hold the company after the key: the
        # match queries look a key up (its first column) and the duplicate review
        # counts the partners per key and company from the index alone. They
        # replace the one-column indexes the key fields had before.
        for column in ALL_KEY_COLUMNS:
            sql.drop_index(self.env.cr, f"res_partner__{column}_index", self._table)
            sql.create_index(
                self.env.cr,
                f"res_partner_{column}_company_index",
                self._table,
                [f'"{column}"', '"company_id"'],
                where=f'"{column}" IS NOT NULL',
            )
        # The similarity rules read the first companies of a core, in the order
        # of their ids, along this index: a core that many companies share (a
        # common surname at a million customers) is not read whole and sorted.
        sql.drop_index(self.env.cr, "res_partner__name_core_key_index", self._table)
        sql.create_index(
            self.env.cr,
            "res_partner_name_core_key_id_index",
            self._table,
            ['"name_core_key"', '"id"'],
            where='"name_core_key" IS NOT NULL',
        )
        # Similarity rules look the distinct name cores (crm.duplicate.name.core)
        # up by their neighbour keys: the names need no trigram index.
        self.env.cr.execute("DROP INDEX IF EXISTS res_partner_name_key_trgm_idx")
        self.env["crm.duplicate.name.core"]._fill_if_empty()
        return res
