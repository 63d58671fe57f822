from collections.abc import Collection

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

from .. import compat
from .crm_guarded_field_mixin import SALES_ADMIN

# Field types a required-field template may not name: a boolean is never "missing".
UNSUPPORTED_REQUIRED_TYPES = ("boolean",)
# The operators of a search by name that find a class by its full path too.
PATH_OPERATORS = ("=", "=like", "=ilike", "like", "ilike")
# The groups of a field every salesperson is in ("" for a field of no group):
# a class may require such fields only.
EVERY_SALESPERSON = {"", "base.group_user", "sales_team.group_sale_salesman"}


class CrmCustomerClass(models.Model):
    """A class of customers (客户主类 and its sub-classes).

    Classes form a tree: the roots are the main classes (Individual retail,
    Supplier, ...), their children the classes a customer is put in. A class
    defines which partner fields its customers and their contact persons must
    have filled in.
    """

    _name = "crm.customer.class"
    _description = "Customer Class"
    _parent_store = True
    _order = "sequence, id"
    # A sub-class is of its parent's company (or of a branch of it), or the
    # parent is shared: whoever reads a class reads its parent's name.
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Short unique code, used in imports and reports.")
    parent_id = fields.Many2one(
        "crm.customer.class",
        string="Parent Class",
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.customer.class", "parent_id", string="Sub-classes")
    main_class_id = fields.Many2one(
        "crm.customer.class",
        compute="_compute_main_class_id",
        store=True,
        index=True,
        recursive=True,
        help="The root of this class's tree.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(
        string="Definition",
        translate=True,
        help="The standard a customer must meet to belong to this class.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_customer_class_required_field_rel",
        "class_id",
        "field_id",
        string="Required Customer Fields",
        groups=SALES_ADMIN,
        domain=[
            ("model", "=", "res.partner"),
            ("store", "=", True),
            ("ttype", "not in", UNSUPPORTED_REQUIRED_TYPES),
        ],
        help="Fields every customer of this class must have filled in.",
    )
    contact_required_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_customer_class_contact_required_field_rel",
        "class_id",
        "field_id",
        string="Required Contact Fields",
        groups=SALES_ADMIN,
        domain=[
            ("model", "=", "res.partner"),
            ("store", "=", True),
            ("ttype", "not in", UNSUPPORTED_REQUIRED_TYPES),
        ],
        help="Fields every contact person of a customer of this class must have "
        "filled in.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the class between companies.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    # Upgrade rules (customer value analytics)
    auto_assign = fields.Boolean(
        string="Assign Automatically",
        help="Customers of the same main class move to this class when they qualify "
        "(the highest class they qualify for wins).",
    )
    min_revenue = fields.Float(
        string="Minimum Revenue (12 months)",
        help="Invoiced minus refunded over the last 12 months, in the class's "
        "currency.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Currency of the minimum revenue: the revenue a customer has in each "
        "company is converted into it, at the day's rate, before it is compared.",
    )
    min_invoice_count = fields.Integer(string="Minimum Invoices (12 months)")
    allow_downgrade = fields.Boolean(
        help="Customers of this class who no longer qualify for it move down to the "
        "highest class they qualify for.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        # A shared class: the currency of the company that creates it.
        for customer_class in self:
            customer_class.currency_id = (
                customer_class.company_id or customer_class.env.company
            ).currency_id

    @api.depends("parent_id.main_class_id")
    def _compute_main_class_id(self):
        for customer_class in self:
            customer_class.main_class_id = (
                customer_class.parent_id.main_class_id or customer_class
            )

    @api.depends("name", "parent_id.name")
    def _compute_display_name(self):
        for customer_class in self:
            names = []
            current = customer_class
            while current:
                names.append(current.name or "")
                current = current.parent_id
            customer_class.display_name = " / ".join(reversed(names))

    @api.model
    def _search_display_name(self, operator, value):
        """A class is found by its name, its code, or its full path as its
        display name reads it ("Partner / Store counter", what an export
        writes), in the user's language or in English: an exported file
        imports back, and a path typed finds its class."""
        domain = super()._search_display_name(operator, value)
        if operator == "in" and isinstance(value, Collection):
            # (19.0 gives "=" as "in" with a set.)
            operator, paths = "=", list(value)
        elif operator in PATH_OPERATORS:
            paths = [value]
        else:
            return domain
        paths = [path for path in paths if isinstance(path, str) and "/" in path]
        if not paths:
            return domain
        ids = {
            class_id for path in paths for class_id in self._ids_by_path(operator, path)
        }
        return compat.domain_or([domain, [("id", "in", sorted(ids))]])

    @api.model
    def _ids_by_path(self, operator, value):
        """The ids of the classes whose full path matches ``value`` by
        ``operator`` (one of ``PATH_OPERATORS``; blanks around the slashes do
        not count, nor does the case for ``ilike``). The classes are few: their
        paths are compared in memory."""

        def normal(path):
            path = " / ".join(part.strip() for part in path.split("/"))
            return path.casefold() if operator in ("ilike", "=ilike") else path

        wanted = normal(value)
        classes = self.search_fetch([], ["name", "parent_id"])
        found = set()
        for lang in {self.env.lang or "en_US", "en_US"}:
            for customer_class in classes.with_context(lang=lang):
                path = normal(customer_class.display_name)
                if path == wanted if operator.startswith("=") else wanted in path:
                    found.add(customer_class.id)
        return sorted(found)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_partner_count(self):
        # The customers of the class the reader may read.
        counts = dict(
            self.env["res.partner"]._read_group(
                [("customer_class_id", "in", self.ids)],
                ["customer_class_id"],
                ["__count"],
            )
        )
        for customer_class in self:
            customer_class.partner_count = counts.get(customer_class, 0)

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("A customer class cannot be its own ancestor.")
            )

    def _overlapping_companies_domain(self):
        """The classes this class overlaps, as a domain on their company: a
        class of a company overlaps that company's and the shared ones; a
        shared class, those of every company."""
        self.ensure_one()
        if not self.company_id:
            return []
        return [("company_id", "in", [self.company_id.id, False])]

    @api.constrains("code", "company_id")
    def _check_code_unique(self):
        # As the system: a shared class overlaps the classes of companies the
        # user does not see.
        for customer_class in self.filtered("code"):
            duplicate = (
                self.sudo()
                .with_context(active_test=False)
                .search_count(
                    [
                        ("id", "!=", customer_class.id),
                        ("code", "=", customer_class.code),
                        *customer_class._overlapping_companies_domain(),
                    ],
                    limit=1,
                )
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "The code %(code)s is already used by another customer class.",
                        code=customer_class.code,
                    )
                )

    @api.constrains("name", "parent_id", "company_id")
    def _check_name_unique(self):
        # Sibling classes must not overlap: two classes of the same name under the
        # same parent would split the same customers in two.
        # (As the system, as the codes: see _check_code_unique.)
        for customer_class in self:
            siblings = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("id", "!=", customer_class.id),
                        ("parent_id", "=", customer_class.parent_id.id),
                        *customer_class._overlapping_companies_domain(),
                    ]
                )
            )
            if customer_class.name in siblings.mapped("name"):
                raise ValidationError(
                    self.env._(
                        "A customer class named %(name)s already exists at this level.",
                        name=customer_class.name,
                    )
                )

    @api.constrains("company_id")
    def _check_company_of_users(self):
        """Odoo checks a class's own parent when its company changes, not
        the sub-classes and customers that have it: a class given to a
        company keeps the classes and customers of other companies (or
        shared) off it, as their own company checks would. Counted as the
        system, named by number only (they may be another company's)."""
        for customer_class in self.filtered("company_id"):
            company = customer_class.company_id
            family = (
                self.env["res.company"]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "child_of", company.id)])
            )
            outside = [
                "|",
                ("company_id", "=", False),
                ("company_id", "not in", family.ids),
            ]
            sub_classes = (
                self.sudo()
                .with_context(active_test=False)
                .search_count([("parent_id", "=", customer_class.id), *outside])
            )
            if sub_classes:
                raise ValidationError(
                    self.env._(
                        "The customer class %(klass)s cannot become a class of "
                        "%(company)s: %(count)s of its sub-classes are shared or "
                        "of other companies.",
                        klass=customer_class.display_name,
                        company=company.name,
                        count=sub_classes,
                    )
                )
            customers = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("customer_class_id", "=", customer_class.id), *outside])
            )
            if customers:
                raise ValidationError(
                    self.env._(
                        "The customer class %(klass)s cannot become a class of "
                        "%(company)s: customers of other companies, or shared "
                        "between companies, have it (%(count)s).",
                        klass=customer_class.display_name,
                        company=company.name,
                        count=customers,
                    )
                )

    @api.constrains("required_field_ids", "contact_required_field_ids")
    def _check_required_fields(self):
        for customer_class in self:
            fields_ = (
                customer_class.required_field_ids
                | customer_class.contact_required_field_ids
            )
            wrong = fields_.filtered(
                lambda f: (
                    f.model != "res.partner"
                    or not f.store
                    or f.ttype in UNSUPPORTED_REQUIRED_TYPES
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "These fields cannot be required by a customer class: "
                        "%(fields)s. Choose stored contact fields that are not "
                        "checkboxes.",
                        fields=self.env._(", ").join(wrong.mapped("field_description")),
                    )
                )
            kept = fields_.filtered(lambda f: not self._readable_by_salespeople(f))
            if kept:
                raise ValidationError(
                    self.env._(
                        "These fields are kept to some users: the salespeople who "
                        "register customers could neither see nor fill them in, a "
                        "customer class cannot require them: %(fields)s.",
                        fields=self.env._(", ").join(kept.mapped("field_description")),
                    )
                )
            guarded = fields_.filtered(lambda f: not self._set_by_salespeople(f))
            if guarded:
                raise ValidationError(
                    self.env._(
                        "Salespeople cannot fill in these fields (only some roles "
                        "or the system set them), a customer class cannot require "
                        "them: %(fields)s.",
                        fields=self.env._(", ").join(
                            guarded.mapped("field_description")
                        ),
                    )
                )

    @api.model
    def _readable_by_salespeople(self, field):
        """Whether every salesperson reads the partner field ``field`` (an
        ``ir.model.fields``)."""
        partner_field = self.env["res.partner"]._fields.get(field.name)
        groups = (partner_field.groups or "") if partner_field else ""
        return set(groups.split(",")) <= EVERY_SALESPERSON

    @api.model
    def _set_by_salespeople(self, field):
        """Whether every salesperson may set the partner field ``field`` (an
        ``ir.model.fields``): not a field the addon guards for some roles or
        keeps for the system (``_get_guarded_fields`` of res.partner)."""
        writers = self.env["res.partner"]._get_guarded_fields().get(field.name)
        return writers is None or bool(set(writers) & EVERY_SALESPERSON)

    @api.model_create_multi
    def create(self, vals_list):
        classes = super().create(vals_list)
        self.env.registry.clear_cache()
        return classes

    def write(self, vals):
        res = super().write(vals)
        if {"required_field_ids", "contact_required_field_ids", "active"} & vals.keys():
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    @api.model
    @tools.ormcache()
    def _get_required_field_names(self):
        """Names of all partner fields some class requires (cached).

        A partner write that touches none of these, nor the class or the parent,
        cannot break a template: the write path skips the check entirely.
        """
        # (One query: the fields of every class, archived ones included.)
        required = (
            self.env["ir.model.fields"]
            .sudo()
            .search_fetch(
                [
                    (
                        "id",
                        "in",
                        SQL(
                            "(SELECT field_id FROM %s UNION SELECT field_id FROM %s)",
                            SQL.identifier(self._fields["required_field_ids"].relation),
                            SQL.identifier(
                                self._fields["contact_required_field_ids"].relation
                            ),
                        ),
                    )
                ],
                ["name"],
            )
        )
        return frozenset(required.mapped("name"))

    def _rule_cause(self, currency):
        """Why the class rule moved customers into this class, in the language
        of its environment: the conditions of the class (none of zero) with
        its minimum revenue in ``currency``."""
        self.ensure_one()
        revenue = self.min_revenue > 0 and format_amount(
            self.env, self.min_revenue, currency
        )
        count = self.min_invoice_count > 0 and self.min_invoice_count
        name = self.display_name
        if revenue and count:
            return self.env._(
                "Class rule of “%(klass)s”: revenue of 12 months at least "
                "%(revenue)s and at least %(count)s invoices.",
                klass=name,
                revenue=revenue,
                count=count,
            )
        if revenue:
            return self.env._(
                "Class rule of “%(klass)s”: revenue of 12 months at least %(revenue)s.",
                klass=name,
                revenue=revenue,
            )
        if count:
            return self.env._(
                "Class rule of “%(klass)s”: at least %(count)s invoices in 12 months.",
                klass=name,
                count=count,
            )
        return self.env._(
            "Class rule of “%(klass)s”: no minimum revenue or invoices.", klass=name
        )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.res_partner_action_customer"
        )
        action["domain"] = [("customer_class_id", "child_of", self.id)]
        action["context"] = {"default_customer_class_id": self.id}
        return action
