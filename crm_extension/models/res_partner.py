from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import missing_required_fields

RATING_SELECTION = [("a", "A"), ("b", "B"), ("c", "C")]

# Writing these fields needs more than the right to edit the partner.
CREDIT_RATING_GROUPS = (
    "sales_team.group_sale_manager",
    "account.group_account_invoice",
)
OWNERSHIP_GROUPS = ("sales_team.group_sale_manager",)
OWNERSHIP_FIELDS = ("registered_by_id", "registered_date")

# A change to one of these can make a partner fall under another template.
CLASS_TRIGGER_FIELDS = frozenset(
    {"customer_class_id", "parent_id", "is_company", "company_type", "type"}
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Customer classification
    customer_class_id = fields.Many2one(
        "crm.customer.class",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    customer_main_class_id = fields.Many2one(
        related="customer_class_id.main_class_id",
        string="Main Class",
        store=True,
        index="btree_not_null",
    )
    importance = fields.Selection(
        RATING_SELECTION,
        tracking=True,
        help="A: key customer, B: regular customer, C: occasional customer.",
    )
    credit_rating = fields.Selection(
        RATING_SELECTION,
        tracking=True,
        help="Set by sales administrators and accountants only.",
    )
    can_edit_credit_rating = fields.Boolean(compute="_compute_can_edit_restricted")
    can_edit_ownership = fields.Boolean(compute="_compute_can_edit_restricted")
    source_id = fields.Many2one(
        "utm.source",
        index="btree_not_null",
        ondelete="set null",
        help="How this customer found us.",
    )
    sales_mode = fields.Selection(
        [
            ("wholesale", "Channel wholesale"),
            ("chain_retail", "Chain retail"),
            ("project", "Project"),
        ],
    )
    store_count = fields.Integer(string="Number of Stores")
    capital_currency_id = fields.Many2one(
        "res.currency",
        default=lambda self: self.env.company.currency_id,
    )
    registered_capital = fields.Monetary(currency_field="capital_currency_id")
    cooperation_date = fields.Date(help="Date the cooperation with us started.")
    main_products = fields.Text()

    # Ownership
    registered_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        index="btree_not_null",
        copy=False,
        help="Who registered this customer. Only sales administrators can change it.",
    )
    registered_date = fields.Datetime(
        default=fields.Datetime.now,
        copy=False,
        help="When this customer was registered.",
    )

    # Contact person profile
    contact_role_id = fields.Many2one(
        "crm.contact.role",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")]
    )
    birthday = fields.Date()
    hobbies = fields.Char()
    hometown = fields.Char()
    wechat = fields.Char(string="WeChat")
    qq = fields.Char(string="QQ")
    id_number = fields.Char(
        string="ID Number",
        groups="sales_team.group_sale_manager",
        copy=False,
        help="Identity card number, visible to sales administrators only.",
    )

    @api.depends_context("uid")
    def _compute_can_edit_restricted(self):
        user = self.env.user
        can_rate = any(user.has_group(group) for group in CREDIT_RATING_GROUPS)
        can_own = any(user.has_group(group) for group in OWNERSHIP_GROUPS)
        for partner in self:
            partner.can_edit_credit_rating = can_rate
            partner.can_edit_ownership = can_own

    # ------------------------------------------------------------------
    # Restricted fields
    # ------------------------------------------------------------------

    def _check_restricted_values(self, vals, creating=False):
        """Refuse changes to restricted fields by users without the right group.

        ``self`` holds the partners being written (empty when creating).
        """
        if self.env.su:
            return
        user = self.env.user
        if "credit_rating" in vals and (
            vals["credit_rating"] if creating else self._changes(vals, "credit_rating")
        ):
            if not any(user.has_group(group) for group in CREDIT_RATING_GROUPS):
                raise AccessError(
                    self.env._(
                        "Only sales administrators and accountants can set the "
                        "credit rating of a customer."
                    )
                )
        if creating:
            changed = vals.get("registered_by_id") not in (
                None,
                False,
                user.id,
            ) or bool(vals.get("registered_date"))
        else:
            changed = any(self._changes(vals, fname) for fname in OWNERSHIP_FIELDS)
        if changed and not any(user.has_group(group) for group in OWNERSHIP_GROUPS):
            raise AccessError(
                self.env._(
                    "Only sales administrators can change who registered a customer "
                    "and when."
                )
            )

    def _changes(self, vals, fname):
        """Whether writing ``vals`` changes ``fname`` on any partner of ``self``."""
        if fname not in vals:
            return False
        field = self._fields[fname]
        new_value = field.convert_to_cache(vals[fname], self)
        return any(
            field.convert_to_cache(partner[fname], partner) != new_value
            for partner in self
        )

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
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_restricted_values(vals, creating=True)
        partners = super().create(vals_list)
        partners._check_class_required_fields()
        return partners

    def write(self, vals):
        self._check_restricted_values(vals)
        if vals and vals.keys() <= {"credit_rating"} and not self.env.su:
            # Accountants may set the credit rating of customers they can only
            # read: the rating is theirs to give (checked above), the rest of
            # the customer is not.
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        res = super().write(vals)
        if self._class_check_needed(vals):
            self._check_class_required_fields()
        return res
