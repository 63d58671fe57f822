import itertools
import logging
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.normalize import ANAGRAM_MARK, names_a_company, names_enough_to_compare
from .crm_duplicate_name_core import (
    classes_fit_sql,
    near_similarity_sql,
    neighbour_rows,
)

_logger = logging.getLogger(__name__)

# Match key of each rule kind: the stored, indexed column of res.partner holding it.
KEY_COLUMNS = {
    "vat": "vat_key",
    "name": "name_key",
    "email": "email_key",
    "phone": "phone_key",
}
# The second column of a key a partner may hold two values of: the number of
# the other field of a customer whose VAT and registry hold different numbers
# (see tools.normalize.number_keys), the phone beside the mobile (18.0). A rule
# of the key compares every value of a partner with every value of the others.
OTHER_COLUMNS = {"vat_key": "vat_other_key", "phone_key": "phone_other_key"}


def key_columns(column):
    """The columns holding the values of the key stored in ``column``."""
    return (column, OTHER_COLUMNS[column]) if column in OTHER_COLUMNS else (column,)


# Every stored, indexed column of the keys.
ALL_KEY_COLUMNS = tuple(
    other for column in KEY_COLUMNS.values() for other in key_columns(column)
)

# The match row: what the duplicate rules know of a partner (or of a lead, as a
# customer to be), the one statement of it. The match queries select these
# columns (the match statement: match_function_sql), partners in memory give these
# (res.partner._duplicate_row), and a lead gives the same keys
# (crm.lead._customer_match_row; a test holds them equal). They are flushed
# before the match queries, through Odoo's public API (flush_model, or
# flush_recordset of the partners an operation wrote: see
# res_partner_duplicate), the fields only: the new partners, read from the
# cache, are written once, by Odoo's own flush.
# The stored match keys of res.partner (computed by its _compute_match_keys
# with tools' partner_match_keys).
MATCH_KEY_FIELDS = (
    "name_key",
    "name_core_key",
    "vat_key",
    "vat_other_key",
    "email_key",
    "phone_key",
    "phone_other_key",
)
MATCH_FIELDS = [
    "name",
    *MATCH_KEY_FIELDS,
    "is_company",
    "active",
    "company_id",
    "commercial_partner_id",
    "parent_id",
    "user_id",
    "registered_by_id",
    "registered_date",
]
# Who is no customer: the companies' own partners and their contacts (whose
# commercial entity is one of OWN_PARTNERS_SQL), and the partners of internal
# users, archived ones too (STAFF_PARTNERS_SQL). (The same rule for records in
# memory: res.partner._crm_customers; a test holds them equal.)
OWN_PARTNERS_SQL = "SELECT own.partner_id FROM res_company own"
STAFF_PARTNERS_SQL = (
    "SELECT staff.partner_id FROM res_users staff WHERE staff.share IS NOT TRUE"
)
# Whether the partner ``p`` is a customer (the rule above, per partner).
CUSTOMER_SQL = (
    f"NOT EXISTS ({OWN_PARTNERS_SQL} WHERE own.partner_id = p.commercial_partner_id) "
    f"AND NOT EXISTS ({STAFF_PARTNERS_SQL} AND staff.partner_id = p.id)"
)
# The ids of the partners that are no customers (the rule above, as a set:
# few, found through the indexes of the companies' partners' contacts and of
# the users), for what counts customers among many partners without reading
# each (the duplicate review).
NOT_CUSTOMER_IDS_SQL = (
    "SELECT p.id FROM res_partner p "
    f"WHERE p.commercial_partner_id IN ({OWN_PARTNERS_SQL}) "
    f"UNION {STAFF_PARTNERS_SQL}"
)
# The columns of a match row that tell which near core found it.
NEAR_COLUMNS = ("target_index", "similarity")


# The match statement is a function of the database, created by the rules'
# init(): PostgreSQL plans each of its statements when it first runs one in a
# session and keeps the plan, where the text of one statement would be parsed
# and planned at every call. Odoo's connection pool starts a new session each
# time it lends a connection (psycopg2's reset: DISCARD ALL, which drops every
# kept plan), so a statement is planned once per request (or job) that runs
# it, and its plan is reused for the rest of it: the batches of an import, the
# partners of one create, the leads of one request. Planning the statements
# that read res_partner (and its many indexes) is most of what one
# registration's match costs on a server: each clause and column they carry
# costs at every request, and the rows of the partners found are read by
# statements of their own, which run (and are planned) only when the keys or
# a near core found some: a registration of a new name plans neither. Its
# arguments (all arrays, empty when unused): the keys to lock (see
# _write_keys); the name cores to list with their neighbour keys
# (crm.duplicate.name.core); the exact keys looked up per
# column, the partners left out; the neighbour keys of the name cores looked
# up for the similarity rules, with the index and the core of each, and the
# lowest similarity wanted. It returns match rows (MATCH_FIELDS, is_customer)
# and NEAR_COLUMNS: NULL for the exact keys, else the index of the core found
# near and its similarity.
MATCH_FUNCTION = "crm_extension_match"
MATCH_ARGUMENTS = {
    "lock_keys": "varchar[]",
    "list_cores": "varchar[]",
    "list_keys": "varchar[]",
    "list_owners": "varchar[]",
    **{f"exact_{column}": "varchar[]" for column in KEY_COLUMNS.values()},
    "own_ids": "integer[]",
    "near_keys": "varchar[]",
    "near_indexes": "integer[]",
    "near_cores": "varchar[]",
    "threshold": "real",
}


# The call of the match statement. Its arrays are passed in PostgreSQL's text
# form of an array (array_literal), which one call of array_in reads, rather
# than as psycopg2's ARRAY[...] of one constant per element, which PostgreSQL
# parses and coerces element by element: a batch of 1,000 partners passes some
# 30,000 keys.
MATCH_CALL = "SELECT * FROM {}({})".format(
    MATCH_FUNCTION,
    ", ".join(f"%s::{sql_type}" for sql_type in MATCH_ARGUMENTS.values()),
)


def array_literal(values):
    """PostgreSQL's text form of the one-dimensional array of ``values``
    (strings or integers, never None): every element quoted."""
    values = [str(value) for value in values]
    text = '","'.join(values)
    if "\\" in text or '"' in "".join(values):
        # (Rare: the elements are escaped one by one.)
        text = '","'.join(
            value.replace("\\", "\\\\").replace('"', '\\"') for value in values
        )
    return '{"' + text + '"}' if values else "{}"


# The job listing the cores of registrations committed while a similarity rule
# was activated, and how soon after the activation it runs.
NAME_CORE_JOB = "crm_extension.ir_cron_keep_name_cores_in_order"
LIST_AGAIN_AFTER = timedelta(minutes=10)

# The near cores a similarity rule reads the companies of, per name looked
# up: a trade name that names nothing else (an abbreviation, 恒达) is near
# every trade it is carried in.
NEAR_CORES = 5


def match_function_sql(column_types):
    """``CREATE OR REPLACE FUNCTION`` of the match statement.

    :param column_types: ``{field name: SQL type}`` of ``id`` and
        ``MATCH_FIELDS`` (as res.partner's fields store them)
    """
    row = ", ".join(
        f'p."{fname}"::{column_types[fname]}' for fname in ["id", *MATCH_FIELDS]
    )
    columns = f"{row}, ({CUSTOMER_SQL})"
    # The near cores' companies are customers already (their lookup keeps
    # customers only), read by their match row's columns alone: every clause
    # and column less is less to plan, at every registration (see above).
    near_columns = f"{row}, TRUE"
    near_read = ", ".join(f'p."{fname}"' for fname in ["id", *MATCH_FIELDS])
    exact = " OR ".join(
        f'p."{other}" = ANY(exact_{column})'
        for column in KEY_COLUMNS.values()
        for other in key_columns(column)
    )
    any_exact = " + ".join(
        f"cardinality(exact_{column})" for column in KEY_COLUMNS.values()
    )
    arguments = ", ".join(
        f"{name} {sql_type}" for name, sql_type in MATCH_ARGUMENTS.items()
    )
    similarity = near_similarity_sql("f.core", "f.own_core", "f.anagram")
    classes_fit = classes_fit_sql("n.core", "v.core")
    returns = ", ".join(
        f'"{fname}" {column_types[fname]}' for fname in ["id", *MATCH_FIELDS]
    )
    return f"""
CREATE OR REPLACE FUNCTION {MATCH_FUNCTION}({arguments})
RETURNS TABLE ({returns}, is_customer boolean, target_index integer,
               similarity real)
LANGUAGE plpgsql VOLATILE
-- Each statement planned once per session (an Odoo request): the plans,
-- index probes and lateral joins, are the same whatever the keys.
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
DECLARE
    exact_ids integer[];
    found_indexes integer[];
    found_cores varchar[];
    found_similarities real[];
BEGIN
    IF cardinality(lock_keys) > 0 THEN
        -- Serialises the registrations of a key (see _write_keys). (Not ON
        -- CONFLICT DO NOTHING: it takes no lock on a row already there.)
        INSERT INTO crm_duplicate_key (key)
        SELECT unnest(lock_keys)
        ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key;
    END IF;
    IF {any_exact} > 0 THEN
        -- One btree index lookup per key; the rows of the partners found
        -- read by a second statement, planned only when there are some.
        SELECT array_agg(p.id) INTO exact_ids
          FROM res_partner p
         WHERE ({exact}) AND p.id != ALL(own_ids);
        IF cardinality(exact_ids) > 0 THEN
            RETURN QUERY
            SELECT {columns}, NULL::integer, NULL::real
              FROM res_partner p
             WHERE p.id = ANY(exact_ids);
        END IF;
    END IF;
    IF cardinality(near_keys) > 0 THEN
        -- The cores sharing a neighbour key with a core looked up (one probe
        -- of the index of the keys per key: a lateral join, never a scan)
        -- whose trade names are at least threshold similar by trigrams
        -- (pg_trgm) or the same words in another order (the anagram key, '#'),
        -- in trades that share a class (or one of them says none); the
        -- {NEAR_CORES} nearest cores of each (its own core first, then the most
        -- similar), then the first five of their companies (the index of
        -- name_core_key and id, read in order) by a second statement, planned
        -- only when a core is near: the cores this call lists are listed
        -- after (no customer carries a core before it is listed: see
        -- crm.duplicate.name.core), and a new name finds no core of its own.
        SELECT array_agg(c.idx), array_agg(c.core), array_agg(c.similarity)
          INTO found_indexes, found_cores, found_similarities
          FROM (
              SELECT near.*, row_number() OVER (
                         PARTITION BY near.idx
                         ORDER BY near.own DESC, near.similarity DESC, near.core
                     ) AS rank
                FROM (
                    -- The trigram similarity of each pair of cores in trades
                    -- that fit, once: a pair's classes and similarity are
                    -- the same whatever key found it, and the cheap check of
                    -- the classes comes first (a core of a batch of 1,000
                    -- names meets some 40 others, of which a third fit).
                    SELECT f.idx, f.core, f.core = f.own_core AS own,
                           {similarity} AS similarity
                      FROM (
                          -- Each core found once, by the anagram key ('#':
                          -- similarity 1) when that key found it.
                          SELECT DISTINCT ON (v.idx, n.core) v.idx, n.core,
                                 v.core AS own_core,
                                 left(v.key, 1) = '#' AS anagram
                            FROM unnest(near_keys, near_indexes, near_cores)
                                 AS v(key, idx, core)
                           CROSS JOIN LATERAL (
                               SELECT n.core FROM crm_duplicate_name_neighbour n
                                WHERE n.key = v.key
                           ) n
                           WHERE {classes_fit}
                           ORDER BY v.idx, n.core, 4 DESC
                      ) f
                ) near
               WHERE near.similarity >= threshold
          ) c
         WHERE c.rank <= {NEAR_CORES};
        IF cardinality(found_cores) > 0 THEN
            RETURN QUERY
            SELECT {near_columns}, c.idx, c.similarity
              FROM unnest(found_indexes, found_cores, found_similarities)
                   AS c(idx, core, similarity)
             CROSS JOIN LATERAL (
                 SELECT {near_read} FROM res_partner p
                  WHERE p.name_core_key = c.core
                    AND (p.parent_id IS NULL OR p.is_company)
                    AND p.id != ALL(own_ids)
                    AND {CUSTOMER_SQL}
                  ORDER BY p.id
                  LIMIT 5
             ) p;
        END IF;
    END IF;
    IF cardinality(list_cores) > 0 THEN
        -- After the near cores are looked up: a core listed here is no
        -- customer's yet, and the lookup need not find the keys of the cores
        -- it looks up, as it would once they are listed. Only new cores are
        -- inserted (two transactions listing a known core never wait for each
        -- other), with their keys: no key of a core is listed before its core
        -- (nor left when it is dropped: see crm.duplicate.name.core).
        WITH listed_cores AS (
            INSERT INTO crm_duplicate_name_core (core)
            SELECT v.core FROM unnest(list_cores) AS v(core)
             WHERE NOT EXISTS (SELECT 1 FROM crm_duplicate_name_core c
                                WHERE c.core = v.core)
            ON CONFLICT DO NOTHING
            RETURNING core
        )
        INSERT INTO crm_duplicate_name_neighbour (key, core)
        SELECT n.key, n.core
          FROM unnest(list_keys, list_owners) AS n(key, core)
          JOIN listed_cores ON listed_cores.core = n.core;
    END IF;
END
$function$
"""


def near_arguments(name_core_keys):
    """The arguments ``near_keys``, ``near_indexes`` and ``near_cores`` of the
    match statement that look up the cores near each of ``name_core_keys``
    (their neighbour keys: ``tools.normalize.core_neighbours``)."""
    keys, cores, indexes = neighbour_rows(name_core_keys)
    return {"near_keys": keys, "near_indexes": indexes, "near_cores": cores}


# How similar the similarity rules find pairs of name cores (the names of one
# batch near each other: see CrmDuplicateRule._near_among_targets), by the match
# statement's own expressions: the pairs whose trades fit, with their
# similarity.
NEAR_PAIRS_QUERY = (
    "SELECT t.core, t.other, {similarity} FROM unnest(%s::varchar[], "
    "%s::varchar[], %s::boolean[]) AS t(core, other, anagram) WHERE {fit}"
).format(
    similarity=near_similarity_sql("t.core", "t.other", "t.anagram"),
    fit=classes_fit_sql("t.core", "t.other"),
)


class CrmDuplicateRule(models.Model):
    """When two customers count as the same one, and what to do about it."""

    _name = "crm.duplicate.rule"
    _description = "Duplicate Rule"
    _order = "sequence, id"

    def init(self):
        res = super().init()
        partner_fields = self.env["res.partner"]._fields
        # (Replaced, not only redefined: the columns of its match rows may have
        # changed, which CREATE OR REPLACE cannot change.)
        self.env.cr.execute(
            SQL(
                "DROP FUNCTION IF EXISTS %s(%s)",
                SQL.identifier(MATCH_FUNCTION),
                SQL(", ".join(MATCH_ARGUMENTS.values())),
            )
        )
        self.env.cr.execute(
            match_function_sql(
                {
                    fname: partner_fields[fname].column_type[1]
                    for fname in ["id", *MATCH_FIELDS]
                }
            )
        )
        return res

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
        help="Companies also covers the people registered under a company's name, "
        "ending in a legal form (有限公司, Ltd, GmbH ...), as Odoo creates a customer "
        "typed into a quotation's customer field: a block rule flags such a person "
        "and the company it matches for review, and refuses neither.",
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
        activating one first lists every core, and the job that keeps them in
        order lists, soon after, the cores of the registrations committed
        meanwhile (see ``crm.duplicate.name.core._add_missing``)."""
        if any(rule.active and rule.match == "similar" for rule in self):
            self.env["crm.duplicate.name.core"]._add_all()
            job = self.env.ref(NAME_CORE_JOB, raise_if_not_found=False)
            if job:
                # (The system's job, scheduled whoever activates the rule: it
                # lists cores and grants nothing.)
                job.sudo()._trigger(fields.Datetime.now() + LIST_AGAIN_AFTER)

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
        # (Cached for every caller: the active ones whatever the context of
        # the first says, active_test included.)
        rules = self.sudo().with_context(active_test=True).search([])
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
        if rule["scope"] == "company" and not self._counts_as_company(partner_row):
            return False
        if rule["scope"] == "individual" and partner_row["is_company"]:
            return False
        if not rule["include_archived"] and not partner_row["active"]:
            return False
        # A customer of no company is one of every company: the rule of one
        # company applies to it whichever company its registrant works in
        # (the company switcher, a context a client sends, switches no rule
        # off).
        company = partner_row["company_id"]
        return not (rule["company_id"] and company and company != rule["company_id"])

    @api.model
    def _find_matches(
        self, partners, rules=None, lock_keys=None, flushed=False, list_cores=None
    ):
        """Match ``partners`` against the other customers.

        :param partners: res.partner records (saved, or being edited in a form)
        :param rules: rule dicts (default: all active rules)
        :param lock_keys: keys to lock first (see :meth:`_write_keys`), in the
            statement of the exact match query when there is one
        :param list_cores: name cores to list (see ``crm.duplicate.name.core``),
            by the same statement
        :param flushed: the caller wrote the pending values of ``MATCH_FIELDS``
            of every partner but ``partners`` (whose values come from the cache):
            the match queries need no flush of all partners
        :return: ``{partner: [(rule, match_row), ...]}`` where ``match_row`` is a dict
            of the matching partner's id, keys and owner; matches among
            ``partners`` themselves are included.

        One statement for all partners and rules, which probes btree indexes:
        the exact keys' for the exact rules, the neighbour keys of the name
        cores for the similarity rules; never one query per partner.
        """
        if not partners:
            return {}
        rows = {
            partner: partners._duplicate_row(keys_of)
            for partner, keys_of in zip(partners, partners.sudo(), strict=True)
        }
        return self._match_rows(rows, rules, lock_keys, flushed, list_cores)

    @api.model
    def _match_rows(
        self, rows, rules=None, lock_keys=None, flushed=False, list_cores=None
    ):
        """:meth:`_find_matches` for ``{anything: row dict}`` (leads use it too).

        One statement for all rows and rules: the exact keys looked up in their
        btree indexes, the near name cores of the similarity rules by their
        neighbour keys; the keys to lock (``lock_keys``) and the name cores to
        list (``list_cores``, see :meth:`_key_arguments`) are written
        by the same statement.
        """
        rules = list(self._get_active_rules() if rules is None else rules)
        if not rules or not rows:
            self._write_keys(lock_keys, list_cores)
            return {}
        if not flushed:
            self.env["res.partner"].flush_model(MATCH_FIELDS)
        applicable = {
            partner: [rule for rule in rules if self._rule_applies(rule, row)]
            for partner, row in rows.items()
        }
        own_ids = [row["id"] for row in rows.values() if row["id"]]
        wanted = self._exact_keys(rows, applicable)
        targets = self._similar_targets(rows, applicable)
        arguments = {
            f"exact_{column}": sorted(values) for column, values in wanted.items()
        }
        if targets:
            arguments.update(
                near_arguments([core for _partner, core, _rules in targets]),
                threshold=min(
                    rule["threshold"] for _p, _c, rules in targets for rule in rules
                ),
            )
        if not wanted and not targets:
            self._write_keys(lock_keys, list_cores)
            return {}
        matches = self._match_statement(
            own_ids=own_ids, **self._key_arguments(lock_keys, list_cores), **arguments
        )
        exact = [match for match in matches if match["target_index"] is None]
        candidates = self._exact_candidates(rows, applicable, wanted, exact)
        for match in matches:
            index = match["target_index"]
            if index is None:
                continue
            partner, _core, similar_rules = targets[index]
            for rule in similar_rules:
                if match["similarity"] >= rule["threshold"] - 1e-6:
                    candidates.append((partner, rule, match))
        for index, near in self._near_among_targets(
            rows, targets, arguments.get("threshold", 1.0)
        ).items():
            partner, _core, similar_rules = targets[index]
            for other, similarity in near:
                match = rows[targets[other][0]]
                for rule in similar_rules:
                    if similarity >= rule["threshold"] - 1e-6:
                        candidates.append((partner, rule, match))
        result = {}
        for partner, rule, match in candidates:
            if self._is_duplicate(rows[partner], rule, match):
                result.setdefault(partner, []).append(
                    (self._as_applied(rule, rows[partner], match), match)
                )
        return result

    @api.model
    def _as_applied(self, rule, row, match):
        """``rule`` as it applies to ``row`` and ``match``: a rule of companies
        that compares a person only for a company's name in it (see
        :meth:`_counts_as_company`) flags them for review rather than refusing
        one: Odoo itself creates such persons (a recipient added from an
        e-mail, a portal user), and the company registered after them is no
        duplicate to refuse."""
        if (
            rule["action"] == "block"
            and rule["scope"] == "company"
            and not (row["is_company"] and match["is_company"])
        ):
            return dict(rule, action="warn")
        return rule

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
        if rule["scope"] == "company" and not self._counts_as_company(match):
            return False
        if rule["scope"] == "individual" and match["is_company"]:
            return False
        return rule["include_archived"] or match["active"]

    @api.model
    def _counts_as_company(self, row):
        """Whether the rules of companies compare the partner of ``row``: a
        company, or a person registered under a company's name (a customer's
        name typed into a quotation's customer field is created as a person:
        深圳市华星科技有限公司, "Weber GmbH"; see ``names_a_company``)."""
        return bool(row["is_company"]) or names_a_company(row["name"] or "")

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
    def _exact_keys(self, rows, applicable):
        """``{column: values}``: the exact keys the rows' exact rules look for
        (the match statement looks each up in its btree index)."""
        wanted = {}
        for partner, row in rows.items():
            for rule in applicable[partner]:
                if rule["match"] == "exact":
                    values = self._key_values(row, rule["column"])
                    if values:
                        wanted.setdefault(rule["column"], set()).update(values)
        return wanted

    @api.model
    def _key_values(self, row, column):
        """The values of the key of ``column`` the partner of ``row`` holds
        (two numbers: see ``OTHER_COLUMNS``)."""
        return [row[other] for other in key_columns(column) if row.get(other)]

    @api.model
    def _exact_candidates(self, rows, applicable, wanted, matches):
        """``[(partner, rule, match)]`` of the exact rules, among ``matches``
        and the rows themselves."""
        by_value = {}
        for match in matches + list(rows.values()):
            for column in wanted:
                for value in self._key_values(match, column):
                    by_value.setdefault((column, value), {})[id(match)] = match
        candidates = []
        for partner, row in rows.items():
            for rule in applicable[partner]:
                if rule["match"] != "exact":
                    continue
                found = {}
                for value in self._key_values(row, rule["column"]):
                    found.update(by_value.get((rule["column"], value), {}))
                candidates.extend((partner, rule, match) for match in found.values())
        return candidates

    @api.model
    def _similar_targets(self, rows, applicable):
        """``[(partner, name core, [similarity rules])]``: the cores the
        similarity rules look near cores up for. Similar names are similar
        cores: the names without their places and generic words, which
        thousands of unrelated companies share."""
        if not self.env.registry.has_trigram:
            return []
        targets = []
        for partner, row in rows.items():
            similar = [
                rule for rule in applicable[partner] if rule["match"] == "similar"
            ]
            if (
                similar
                and row["name_core_key"]
                and names_enough_to_compare(row["name_key"])
            ):
                targets.append((partner, row["name_core_key"], similar))
        return targets

    @api.model
    def _near_among_targets(self, rows, targets, threshold):
        """``{target index: [(index of a target near it, similarity)]}``: the
        names of one registration (a batch, an import) near each other, which
        the match statement cannot find (it lists their cores after looking
        cores up, and the new partners' keys are in the cache).

        As the statement finds the registered ones: the cores sharing a
        neighbour key (the same core included), compared by the statement's
        own expressions (the classes of their trades, their similarity) in one
        query, run only when two of them share a key; of each core the
        ``NEAR_CORES`` nearest (its own first, then the most similar), and of
        each of those the first five partners but the target's own.

        :param rows: ``{partner: match row}`` (a row without id, a lead's, is
            nobody's duplicate)
        :param targets: see :meth:`_similar_targets`
        :param threshold: the lowest similarity wanted
        """
        indexes_of = {}
        for index, (partner, core, _rules) in enumerate(targets):
            if rows[partner]["id"]:
                indexes_of.setdefault(core, []).append(index)
        if sum(len(indexes) for indexes in indexes_of.values()) < 2:
            return {}
        pairs = {
            (core, core): False for core, indexes in indexes_of.items() if indexes[1:]
        }
        cores_of = {}
        keys, owners, _indexes = neighbour_rows(list(indexes_of))
        for key, core in zip(keys, owners, strict=True):
            cores_of.setdefault(key, []).append(core)
        for key, cores in cores_of.items():
            anagram = key.startswith(ANAGRAM_MARK)
            for core, other in itertools.permutations(cores, 2):
                pairs[core, other] = pairs.get((core, other), False) or anagram
        if not pairs:
            return {}
        near = {}
        for core, other, similarity in self.env.execute_query(
            SQL(
                NEAR_PAIRS_QUERY,
                [core for core, _other in pairs],
                [other for _core, other in pairs],
                list(pairs.values()),
            )
        ):
            if similarity >= threshold - 1e-6:
                near.setdefault(core, []).append((other != core, -similarity, other))
        found = {}
        for core, others in near.items():
            for _own, similarity, other in sorted(others)[:NEAR_CORES]:
                for index in indexes_of[core]:
                    found.setdefault(index, []).extend(
                        (other_index, -similarity)
                        for other_index in [
                            each for each in indexes_of[other] if each != index
                        ][:5]
                    )
        return found

    @api.model
    def _similar_query(self, name_core_keys, exclude_ids, threshold):
        """``[(index in name_core_keys, match row)]`` of the companies whose name
        core is near (see ``match_function_sql``), five at most per core, the
        most similar first: what a similarity rule finds, on its own."""
        arguments = near_arguments(name_core_keys)
        if not arguments["near_keys"]:
            return []
        rows = self._match_statement(
            own_ids=list(exclude_ids), threshold=threshold, **arguments
        )
        rows.sort(key=lambda row: (row["target_index"], -row["similarity"], row["id"]))
        result, per_core = [], {}
        for row in rows:
            index = row.pop("target_index")
            row.pop("similarity")
            if per_core.get(index, 0) < 5:
                per_core[index] = per_core.get(index, 0) + 1
                result.append((index, row))
        return result

    @api.model
    def _match_statement(self, **arguments):
        """Run the match statement (``match_function_sql``) with ``arguments``
        (the others empty): its match rows, as dicts."""
        return self.env.execute_query_dict(
            SQL(
                MATCH_CALL,
                *(
                    array_literal(arguments.get(name, ()))
                    if sql_type.endswith("[]")
                    else arguments.get(name, 1.0)
                    for name, sql_type in MATCH_ARGUMENTS.items()
                ),
            )
        )

    @api.model
    def _key_arguments(self, lock_keys, list_cores):
        """The arguments of the match statement that lock ``lock_keys`` (see
        :meth:`_write_keys`) and list the name cores ``list_cores``."""
        arguments = {}
        if lock_keys:
            arguments["lock_keys"] = sorted(lock_keys)
        if list_cores:
            keys, owners, _indexes = neighbour_rows(sorted(list_cores))
            arguments.update(
                list_cores=sorted(list_cores), list_keys=keys, list_owners=owners
            )
        return arguments

    @api.model
    def _write_keys(self, lock_keys, list_cores):
        """Lock ``lock_keys`` and list ``list_cores`` when no match query
        does (one statement).

        The locks serialise concurrent registrations of the same blocked keys,
        every time a key is registered: each registration writes the key's row
        of ``crm_duplicate_key``. It inserts the row, or updates it when an
        earlier registration left it there (whether that customer still holds
        the key, was renamed or was deleted). Writing the row waits for any
        other open transaction that wrote it; when that one commits,
        PostgreSQL aborts this one with a serialization failure (the row
        changed after this transaction's snapshot) and Odoo retries the
        request, which then sees the first customer and blocks the second. One
        row per key ever registered: the table needs no cleaning.
        """
        arguments = self._key_arguments(lock_keys, list_cores)
        if arguments:
            self._match_statement(**arguments)
