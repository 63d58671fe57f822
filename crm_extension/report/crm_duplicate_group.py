from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..models.crm_duplicate_rule import (
    ALL_KEY_COLUMNS,
    CUSTOMER_SQL,
    KEY_COLUMNS,
    NOT_CUSTOMER_IDS_SQL,
    OTHER_COLUMNS,
    key_columns,
)

# See CrmDuplicateGroup.init.
SERIAL_FUNCTION = "crm_extension_serial"


def key_values_sql(column, values):
    """The rows ``(id, value, company_id)`` of the partners holding one of
    ``values`` (a list, or the ``SQL`` of one value) as a value of the key of
    ``column``, in each of its columns (``key_columns``)."""
    return SQL(" UNION ALL ").join(
        SQL(
            "SELECT id, %s AS value, company_id FROM res_partner WHERE %s = %s",
            SQL.identifier(other),
            SQL.identifier(other),
            values if isinstance(values, SQL) else SQL("ANY(%s)", values),
        )
        for other in key_columns(column)
    )


def group_counts_sql(key, column):
    """The rows ``(key, key_value, company_id, partner_count)`` of the groups
    of the key of ``column``: the values two customers or more of a company
    (or two shared ones) hold, from the index of the column alone, in its
    order. A key customers may hold two values of (``OTHER_COLUMNS``): the
    values a customer holds as its second one (few) are counted apart, each
    by a probe of the indexes of both columns."""
    other = OTHER_COLUMNS.get(column)
    groups = SQL(
        "SELECT %s::varchar AS key, %s AS key_value, company_id, "
        "count(*) AS partner_count FROM res_partner WHERE %s IS NOT NULL "
        "GROUP BY %s, company_id HAVING count(*) > 1",
        key,
        SQL.identifier(column),
        SQL.identifier(column),
        SQL.identifier(column),
    )
    if not other:
        return groups
    # (NOT IN a hashed set of the few second values, never NULL.)
    return SQL(
        """
        %(groups)s
           AND %(column)s NOT IN (
               SELECT %(other)s FROM res_partner WHERE %(other)s IS NOT NULL)
        UNION ALL
        SELECT %(key)s::varchar, m.value, m.company_id, m.partner_count
          FROM (SELECT DISTINCT %(other)s AS value FROM res_partner
                 WHERE %(other)s IS NOT NULL) s
         CROSS JOIN LATERAL (
             SELECT value, company_id, count(*) AS partner_count
               FROM (%(probe)s) p
              GROUP BY value, company_id HAVING count(*) > 1
         ) m
        """,
        groups=groups,
        key=key,
        column=SQL.identifier(column),
        other=SQL.identifier(other),
        probe=key_values_sql(column, SQL("s.value")),
    )


class CrmDuplicateGroup(models.Model):
    """Suspected duplicate groups: customers sharing a normalised match key.

    A SQL view over the indexed key columns of res_partner; listing every group
    is an aggregate over those btree indexes, not a comparison of partners,
    less the partners that are no customers (the companies' own partners and
    their contacts, internal users': the rule of the duplicate rules,
    ``CUSTOMER_SQL``), which are few: they are no duplicate candidates.
    Archived customers are included: they still hold the key (the rules count
    them by default). A group whose customers were all registered beside each
    other by approved exceptions (a franchisee beside its franchisor) is
    "approved": it is listed apart, with who approved it and why, and is not
    proposed for merging; a third customer sharing the key makes it a group to
    review again.
    """

    _name = "crm.duplicate.group"
    _description = "Suspected Duplicate Group"
    _auto = False
    _order = "partner_count desc, key, key_value"
    _rec_name = "key_value"
    # Searching the view first writes the keys still pending in the ORM.
    _depends = {
        "res.partner": [*ALL_KEY_COLUMNS, "company_id", "commercial_partner_id"],
        "res.users": ["partner_id", "share"],
        "res.company": ["partner_id"],
        "crm.duplicate.exception": ["state", "partner_id", "matched_partner_id"],
    }

    key = fields.Selection(
        [
            ("vat", "VAT / company registry"),
            ("name", "Name"),
            ("email", "Email"),
            ("phone", "Phone"),
        ],
        readonly=True,
    )
    key_value = fields.Char(string="Shared Value", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_count = fields.Integer(string="Customers", readonly=True)
    state = fields.Selection(
        [("to_review", "To Review"), ("approved", "Approved as Different")],
        string="Status",
        readonly=True,
    )
    exception_ids = fields.Many2many(
        "crm.duplicate.exception",
        string="Approved Exceptions",
        compute="_compute_exception_ids",
    )
    approval = fields.Char(
        compute="_compute_exception_ids",
        help="Who approved these customers as different ones, when and why.",
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers in Group", compute="_compute_partner_ids"
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_partner_ids(self):
        """The customers of the displayed groups only: one indexed lookup per key
        kind, never a scan (the partners that are no customers left out)."""
        Partner = self.env["res.partner"]
        by_key = {}
        for group in self:
            by_key.setdefault(group.key, set()).add(group.key_value)
        members = {}
        Partner.flush_model([*ALL_KEY_COLUMNS, "company_id", "commercial_partner_id"])
        self.env["res.users"].flush_model(["partner_id", "share"])
        for key, values in by_key.items():
            rows = self.env.execute_query(
                SQL(
                    "SELECT v.value, v.company_id, array_agg(v.id ORDER BY v.id) "
                    "FROM (%s) v JOIN res_partner p ON p.id = v.id WHERE %s "
                    "GROUP BY 1, 2",
                    key_values_sql(KEY_COLUMNS[key], sorted(values)),
                    SQL(CUSTOMER_SQL),
                )
            )
            for value, company_id, ids in rows:
                members[key, value, company_id] = ids
        for group in self:
            group.partner_ids = Partner.browse(
                members.get((group.key, group.key_value, group.company_id.id or None))
                or []
            )._filtered_access("read")

    @api.depends("partner_ids")
    @api.depends_context("uid", "allowed_company_ids", "lang", "tz")
    def _compute_exception_ids(self):
        for group in self:
            exceptions = (
                group.partner_ids._crm_approved_pairs_within()
                .with_env(self.env)
                ._filtered_access("read")
            )
            group.exception_ids = exceptions
            group.approval = self.env._("; ").join(
                self.env._(
                    "%(partner)s approved by %(approver)s on %(date)s: %(reason)s",
                    partner=exception.partner_id.display_name,
                    approver=exception.approved_by_id.name,
                    # (The day in the reader's time zone and language.)
                    date=format_date(
                        self.env,
                        fields.Datetime.context_timestamp(
                            self, exception.decision_date
                        ),
                    ),
                    reason=exception.reason,
                )
                for exception in exceptions
            )

    def init(self):
        # Only keys, companies and counts: PostgreSQL answers from the key
        # columns' partial btree indexes on (key, company) alone (see
        # res.partner's init), without comparing partners; the partners that
        # are no customers are counted apart, through the indexes of the
        # companies' partners' contacts and of the users (NOT_CUSTOMER_IDS_SQL),
        # and taken off. A group is one company's (or the shared partners'): a
        # sales administrator sees the groups of their companies.
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Read by one process: a query of a key's groups leaves the other keys'
        # passes out by a filter PostgreSQL evaluates only when they run, after
        # it has started the parallel workers of each (tens of milliseconds,
        # for nothing). A function declared PARALLEL UNSAFE (and IMMUTABLE, so
        # that it is folded away) keeps every query of the view serial.
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE FUNCTION %s() RETURNS boolean LANGUAGE sql "
                "IMMUTABLE PARALLEL UNSAFE AS 'SELECT true'",
                SQL.identifier(SERIAL_FUNCTION),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW crm_duplicate_group AS (
                    WITH approved AS (
                        -- Per key, the customers registered by an approved
                        -- exception beside a customer holding the same key
                        -- (only as many rows as approved exceptions).
                        SELECT k.key, k.value, p.company_id,
                               count(DISTINCT p.id) AS excepted
                          FROM crm_duplicate_exception e
                          JOIN res_partner p ON p.id = e.partner_id
                          JOIN res_partner m ON m.id = e.matched_partner_id
                         CROSS JOIN LATERAL (VALUES %s) AS k(key, value, other)
                         WHERE e.state = 'approved'
                           AND k.value = k.other
                           AND p.company_id IS NOT DISTINCT FROM m.company_id
                         GROUP BY 1, 2, 3
                    ),
                    not_customers AS (
                        -- Per key, the partners holding it that are no
                        -- customers (few: the companies' own partners and
                        -- their contacts, internal users'), which the counts
                        -- of the indexes include and the groups leave out.
                        SELECT k.key, k.value, p.company_id,
                               count(*) AS not_customer_count
                          FROM res_partner p
                         CROSS JOIN LATERAL (VALUES %s) AS k(key, value)
                         WHERE p.id IN (%s) AND k.value IS NOT NULL
                         GROUP BY 1, 2, 3
                    )
                    SELECT abs(hashtext(g.key || ':' || g.key_value || ':'
                                        || COALESCE(g.company_id, 0))) AS id,
                           g.key, g.key_value, g.company_id,
                           g.partner_count - COALESCE(n.not_customer_count, 0)
                               AS partner_count,
                           CASE WHEN g.partner_count
                                     - COALESCE(n.not_customer_count, 0)
                                     - COALESCE(a.excepted, 0) > 1
                                THEN 'to_review' ELSE 'approved' END AS state
                      FROM (%s) g
                      LEFT JOIN not_customers n
                        ON n.key = g.key AND n.value = g.key_value
                       AND n.company_id IS NOT DISTINCT FROM g.company_id
                      LEFT JOIN approved a
                        ON a.key = g.key AND a.value = g.key_value
                       AND a.company_id IS NOT DISTINCT FROM g.company_id
                     WHERE g.partner_count - COALESCE(n.not_customer_count, 0) > 1
                       AND %s()
                )
                """,
                SQL(", ").join(
                    SQL(
                        "(%s::varchar, p.%s, m.%s)",
                        key,
                        SQL.identifier(own),
                        SQL.identifier(other),
                    )
                    for key, column in KEY_COLUMNS.items()
                    for own in key_columns(column)
                    for other in key_columns(column)
                ),
                SQL(", ").join(
                    SQL("(%s::varchar, p.%s)", key, SQL.identifier(own))
                    for key, column in KEY_COLUMNS.items()
                    for own in key_columns(column)
                ),
                SQL(NOT_CUSTOMER_IDS_SQL),
                SQL(" UNION ALL ").join(
                    group_counts_sql(key, column) for key, column in KEY_COLUMNS.items()
                ),
                SQL.identifier(SERIAL_FUNCTION),
            )
        )

    def action_merge(self):
        """Open Odoo's merge wizard with (up to three of) the group's customers."""
        self.ensure_one()
        partners = self.partner_ids._crm_merge_candidates()[:3]
        if len(partners) < 2:
            raise UserError(
                self.env._(
                    "Nothing to merge here: no two customers of this group that you "
                    "may see and that are not approved as different customers."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Customers"),
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": "res.partner",
                "active_ids": partners.ids,
                "active_id": partners[:1].id,
            },
        }

    def action_merge_with_undo(self):
        """Merge the selected groups (any number of customers each), with a
        trail and an undo (crm.partner.merge)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Customers"),
            "res_model": "crm.partner.merge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "active_id": self[:1].id,
            },
        }

    def action_open_partners(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.key_value,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", self.partner_ids.ids)],
        }
