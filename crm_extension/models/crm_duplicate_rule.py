import logging

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.normalize import core_neighbours

_logger = logging.getLogger(__name__)

# Match key of each rule kind: the stored, indexed column of res.partner holding it.
KEY_COLUMNS = {
    "vat": "vat_key",
    "name": "name_key",
    "email": "email_key",
    "phone": "phone_key",
}

# The partner fields the match queries read: flushed before the match queries,
# through Odoo's public API (flush_model, or flush_recordset of the partners an
# operation wrote: see res_partner_duplicate), the fields only: the new
# partners, read from the cache, are written once, by Odoo's own flush.
MATCH_FIELDS = [
    "name",
    "name_key",
    "name_core_key",
    "vat_key",
    "email_key",
    "phone_key",
    "is_company",
    "active",
    "company_id",
    "commercial_partner_id",
    "parent_id",
    "user_id",
    "registered_by_id",
    "registered_date",
]
# Whether the partner ``p`` is a customer: neither one of the companies' own
# partners or their contacts, nor the partner of an internal user. (The same rule
# for records in memory: res.partner._crm_customers; a test holds them equal.)
CUSTOMER_SQL = (
    "NOT EXISTS (SELECT 1 FROM res_company own "
    "WHERE own.partner_id = p.commercial_partner_id) "
    "AND NOT EXISTS (SELECT 1 FROM res_users staff "
    "WHERE staff.partner_id = p.id AND staff.share IS NOT TRUE)"
)
# The companies whose name core is near each of the given cores (see
# CrmDuplicateRule._similar_query): the cores sharing a neighbour key (an index
# probe per key), similar enough by trigram similarity (pg_trgm's similarity())
# or made of the same words in another order (the anagram key), five companies
# at most per core, the most similar first. A plain query: it has no "%" to escape
# but its parameters.
SIMILAR_QUERY = f"""
    SELECT c.idx - 1 AS partner_index, c.similarity, m.*
      FROM (
          SELECT DISTINCT ON (v.idx, n.core) v.idx, n.core,
                 CASE WHEN n.key LIKE '#%%' THEN 1.0
                      ELSE similarity(n.core, v.core) END AS similarity
            FROM unnest(%s::varchar[], %s::int[], %s::varchar[])
                 AS v(key, idx, core)
            JOIN crm_duplicate_name_neighbour n ON n.key = v.key
           WHERE n.key LIKE '#%%' OR similarity(n.core, v.core) >= %s
           ORDER BY v.idx, n.core, 3 DESC
      ) c
      CROSS JOIN LATERAL (
          -- Per core (an index lookup, whatever the table's size).
          SELECT p.id, p.name, p.name_key, p.name_core_key,
                 p.vat_key, p.email_key, p.phone_key, p.is_company,
                 p.active, p.company_id, p.commercial_partner_id,
                 p.parent_id, p.user_id, p.registered_by_id,
                 p.registered_date, TRUE AS is_customer
            FROM res_partner p
           WHERE p.name_core_key = c.core
             AND (p.parent_id IS NULL OR p.is_company)
             AND p.id != ALL(%s)
             AND {CUSTOMER_SQL}
           ORDER BY p.id
           LIMIT 5
      ) m
     ORDER BY c.idx, c.similarity DESC, m.id
"""
MATCH_COLUMNS = SQL(
    "p.id, p.name, p.name_key, p.name_core_key, p.vat_key, p.email_key, p.phone_key, "
    "p.is_company, p.active, p.company_id, p.commercial_partner_id, "
    "p.parent_id, p.user_id, p.registered_by_id, p.registered_date, "
    f"({CUSTOMER_SQL}) AS is_customer"
)


class CrmDuplicateRule(models.Model):
    """When two customers count as the same one, and what to do about it."""

    _name = "crm.duplicate.rule"
    _description = "Duplicate Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    key = fields.Selection(
        [
            ("vat", "VAT / company registry"),
            ("name", "Name"),
            ("email", "Email"),
            ("phone", "Phone"),
        ],
        required=True,
        default="name",
        help="Which normalised key of the customer is compared.",
    )
    match = fields.Selection(
        [("exact", "Exact"), ("similar", "Similar")],
        required=True,
        default="exact",
        help="Similar compares the cores of names (without places and generic "
        "business words) by trigram similarity (PostgreSQL pg_trgm).",
    )
    threshold = fields.Float(
        default=0.6,
        help="Similarity from 0 to 1 from which two names count as the same.",
    )
    partner_scope = fields.Selection(
        [
            ("company", "Companies"),
            ("individual", "Individuals"),
            ("both", "Companies and individuals"),
        ],
        string="Applies To",
        required=True,
        default="both",
    )
    action = fields.Selection(
        [("block", "Block"), ("warn", "Warn")],
        required=True,
        default="warn",
        help="Block refuses the second registration; Warn shows the matches and "
        "flags the customer for review.",
    )
    include_archived = fields.Boolean(
        string="Archived Customers Count",
        default=True,
        help="Archived customers are matched too.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to apply the rule in every company.",
    )

    @api.constrains("match", "key", "threshold")
    def _check_match(self):
        for rule in self:
            if rule.match == "similar" and rule.key != "name":
                raise ValidationError(
                    self.env._("Only names can be matched by similarity.")
                )
            if rule.match == "similar" and not 0.1 <= rule.threshold <= 1:
                raise ValidationError(
                    self.env._("The similarity threshold must be between 0.1 and 1.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        rules._complete_name_cores()
        return rules

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        if vals.keys() & {"active", "match"}:
            self._complete_name_cores()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def _complete_name_cores(self):
        """Partners only list their name cores while a similarity rule is active:
        activating one first lists every core."""
        if any(rule.active and rule.match == "similar" for rule in self):
            self.env["crm.duplicate.name.core"]._add_all()

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _get_active_rules(self):
        """The active rules as plain dicts (cached: read on every partner write).

        No name here: the cache is shared by users of every language; messages
        read the rule's name in the reader's language (:meth:`_rule_names`).
        """
        rules = self.sudo().search([])
        return tuple(
            {
                "id": rule.id,
                "key": rule.key,
                "column": KEY_COLUMNS[rule.key],
                "match": rule.match,
                "threshold": rule.threshold,
                "scope": rule.partner_scope,
                "action": rule.action,
                "include_archived": rule.include_archived,
                "company_id": rule.company_id.id,
            }
            for rule in rules
        )

    @api.model
    def _rule_names(self, rule_ids):
        """``{rule id: name}`` in the language of the current user (rules are
        configuration: every user may name them)."""
        return {
            rule.id: rule.name
            for rule in self.sudo().with_context(active_test=False).browse(rule_ids)
        }

    @api.model
    def _rule_applies(self, rule, partner_row):
        """Whether ``rule`` applies to a partner given as a row dict."""
        if rule["scope"] == "company" and not partner_row["is_company"]:
            return False
        if rule["scope"] == "individual" and partner_row["is_company"]:
            return False
        if not rule["include_archived"] and not partner_row["active"]:
            return False
        if rule["company_id"]:
            company = partner_row["company_id"] or self.env.company.id
            if company != rule["company_id"]:
                return False
        return True

    @api.model
    def _find_matches(self, partners, rules=None, lock_keys=None, flushed=False):
        """Match ``partners`` against the other customers.

        :param partners: res.partner records (saved, or being edited in a form)
        :param rules: rule dicts (default: all active rules)
        :param lock_keys: keys to lock first (see :meth:`_lock_keys`), in the
            statement of the exact match query when there is one
        :param flushed: the caller wrote the pending values of ``MATCH_FIELDS``
            of every partner but ``partners`` (whose values come from the cache):
            the match queries need no flush of all partners
        :return: ``{partner: [(rule, match_row), ...]}`` where ``match_row`` is a dict
            of the matching partner's id, keys and owner; matches among
            ``partners`` themselves are included.

        Exact rules cost one indexed query for all partners and rules; each
        similarity rule one query for all partners (a lateral join on the trigram
        index): never one query per partner.
        """
        if not partners:
            return {}
        rows = {partner: partners._duplicate_row(partner) for partner in partners}
        return self._match_rows(rows, rules, lock_keys, flushed)

    @api.model
    def _match_rows(self, rows, rules=None, lock_keys=None, flushed=False):
        """:meth:`_find_matches` for ``{anything: row dict}`` (leads use it too)."""
        rules = list(self._get_active_rules() if rules is None else rules)
        if not rules or not rows:
            self._lock_keys(lock_keys)
            return {}
        if not flushed:
            self.env["res.partner"].flush_model(MATCH_FIELDS)
        applicable = {
            partner: [rule for rule in rules if self._rule_applies(rule, row)]
            for partner, row in rows.items()
        }
        own_ids = [row["id"] for row in rows.values() if row["id"]]
        candidates = self._exact_candidates(rows, applicable, own_ids, lock_keys)
        candidates += self._similar_candidates(rows, applicable, own_ids)
        result = {}
        for partner, rule, match in candidates:
            if self._is_duplicate(rows[partner], rule, match):
                result.setdefault(partner, []).append((rule, match))
        return result

    @api.model
    def _is_duplicate(self, row, rule, match):
        """Whether ``match`` is a duplicate of ``row`` under ``rule``.

        Only customers are candidates. Company scope: two partners are
        duplicates when some company sees both (one of them is shared, or both
        belong to the same company); a rule of one company only compares partners
        that company sees.
        """
        if not match["id"] or match["id"] == row["id"] or not match["is_customer"]:
            return False
        if not self._in_company_scope(row["company_id"], match["company_id"], rule):
            return False
        if row.get("visible_matches_only") and match["company_id"] not in (
            False,
            None,
            row["company_id"],
        ):
            # A lead names its customer to whoever reads the lead: only
            # customers visible wherever the lead is.
            return False
        if (
            rule["key"] in ("email", "phone")
            and match["commercial_partner_id"]
            and match["commercial_partner_id"] == row["commercial_partner_id"]
        ):
            # A company and its own contacts often share a phone or a mailbox.
            return False
        if rule["scope"] == "company" and not match["is_company"]:
            return False
        if rule["scope"] == "individual" and match["is_company"]:
            return False
        return rule["include_archived"] or match["active"]

    @api.model
    def _in_company_scope(self, company_id, other_company_id, rule):
        if rule["company_id"] and other_company_id not in (
            False,
            None,
            rule["company_id"],
        ):
            return False
        return not company_id or not other_company_id or company_id == other_company_id

    @api.model
    def _exact_candidates(self, rows, applicable, own_ids, lock_keys=None):
        wanted = {}
        for partner, row in rows.items():
            for rule in applicable[partner]:
                if rule["match"] == "exact" and row[rule["column"]]:
                    wanted.setdefault(rule["column"], set()).add(row[rule["column"]])
        if not wanted:
            self._lock_keys(lock_keys)
            return []
        condition = SQL(" OR ").join(
            SQL("p.%s = ANY(%s)", SQL.identifier(column), sorted(values))
            for column, values in sorted(wanted.items())
        )
        by_value = {}
        matches = self._duplicate_query(condition, own_ids, lock_keys)
        for match in matches + list(rows.values()):
            for column in wanted:
                if match[column]:
                    by_value.setdefault((column, match[column]), []).append(match)
        return [
            (partner, rule, match)
            for partner, row in rows.items()
            for rule in applicable[partner]
            if rule["match"] == "exact" and row[rule["column"]]
            for match in by_value.get((rule["column"], row[rule["column"]]), [])
        ]

    @api.model
    def _similar_candidates(self, rows, applicable, own_ids):
        if not self.env.registry.has_trigram:
            return []
        candidates = []
        similar_rules = {
            rule["id"]: rule
            for rules in applicable.values()
            for rule in rules
            if rule["match"] == "similar"
        }
        for rule in similar_rules.values():
            # Similar names are similar cores: the names without their places and
            # generic words, which thousands of unrelated companies share.
            targets = [
                (partner, row["name_core_key"])
                for partner, row in rows.items()
                if rule in applicable[partner]
                and row["name_core_key"]
                and len(row["name_key"] or "") >= 3
            ]
            if not targets:
                continue
            for index, match in self._similar_query(
                [core for _partner, core in targets], own_ids, rule["threshold"]
            ):
                candidates.append((targets[index][0], rule, match))
        return candidates

    @api.model
    def _duplicate_query(self, condition, exclude_ids, lock_keys=None):
        """The partners other than ``exclude_ids`` meeting ``condition``; the
        ``lock_keys`` are locked by the same statement (one round trip)."""
        query = SQL(
            "SELECT %s FROM res_partner p WHERE (%s) AND p.id != ALL(%s)",
            MATCH_COLUMNS,
            condition,
            exclude_ids,
        )
        if lock_keys:
            query = SQL("WITH locked AS (%s) %s", self._lock_keys_sql(lock_keys), query)
        return self.env.execute_query_dict(query)

    @api.model
    def _similar_query(self, name_core_keys, exclude_ids, threshold):
        """``[(index in name_core_keys, match row)]`` of the companies whose name
        core is near (at least ``threshold`` similar by trigrams, or the same
        words in another order), five at most per core, the most similar first.

        The cores near a core share one of its neighbour keys
        (``tools.normalize.core_neighbours``): the cores are found by probing
        the btree index of those keys (``crm.duplicate.name.neighbour``), their
        companies by the btree index of ``name_core_key``; trigram similarity
        is computed for the few cores found only. One statement for all cores,
        whatever the number of customers: no trigram index is searched.
        """
        keys, indexes, cores = [], [], []
        for index, core in enumerate(name_core_keys):
            for key in core_neighbours(core):
                keys.append(key)
                indexes.append(index + 1)
                cores.append(core)
        if not keys:
            return []
        self.env.cr.execute(
            SIMILAR_QUERY, [keys, indexes, cores, float(threshold), exclude_ids]
        )
        rows = self.env.cr.dictfetchall()
        result = []
        per_core = {}
        for row in rows:
            index = row.pop("partner_index")
            row.pop("similarity")
            if per_core.get(index, 0) < 5:
                per_core[index] = per_core.get(index, 0) + 1
                result.append((index, row))
        return result

    @api.model
    def _lock_keys(self, values):
        """Serialise concurrent registrations of the same blocked keys, every
        time a key is registered.

        Each registration writes the key's row of ``crm_duplicate_key``: it
        inserts the row, or updates it when an earlier registration left it
        there (whether that customer still holds the key, was renamed or was
        deleted). Writing the row waits for any other open transaction that wrote
        it; when that one commits, PostgreSQL aborts this one with a serialization
        failure (the row changed after this transaction's snapshot) and Odoo
        retries the request, which then sees the first customer and blocks the
        second. One row per key ever registered: the table needs no cleaning.
        """
        if values:
            self.env.cr.execute(self._lock_keys_sql(values))

    @api.model
    def _lock_keys_sql(self, values):
        # (Not ON CONFLICT DO NOTHING: it takes no lock on a row already there.)
        return SQL(
            "INSERT INTO crm_duplicate_key (key) SELECT unnest(%s::varchar[]) "
            "ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key",
            sorted(values),
        )
