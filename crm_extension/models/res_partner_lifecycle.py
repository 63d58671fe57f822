"""Customer lifecycle (target → intention → deal → VIP, dormant), kept
current by business events; contacts follow their company."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import LIFECYCLE_STAGES, next_lifecycle_stage
from .crm_guarded_field_mixin import INTERNAL
from .ir_cron import exclusive_job

KEY_CUSTOMER_IMPORTANCE = "a"
# A customer's lifecycle, which Odoo copies onto its contacts.
LIFECYCLE_FIELDS = ("lifecycle_stage", "last_deal_date")
# How far along each stage is: a customer that takes another's business (a
# merge, a contact given a company) keeps the further of the two.
LIFECYCLE_RANK = {"target": 0, "intention": 1, "dormant": 2, "deal": 3, "vip": 3}
LIFECYCLE_SELECTION = list(
    zip(
        LIFECYCLE_STAGES,
        # (Labels of their own: "Target" and "VIP" name other things too, a
        # transfer's target and a customer class.)
        ["Target Customer", "Intention", "Deal", "VIP Customer", "Dormant"],
        strict=True,
    )
)


def lifecycle_sql(env, today, customer_ids=None):
    """SQL of the lifecycle customers have by their documents: rows ``(id,
    lifecycle_stage, last_deal_date)`` of commercial partners.

    The stage the events of :func:`tools.next_lifecycle_stage` give a
    customer, worked out from what it has: its last deal is its last
    confirmed order or posted customer invoice not credited in full
    (``account.move._crm_deal_domain``); with one, it is dormant when
    that is older than its company allows on ``today`` (the rule of
    :meth:`ResPartner._cron_mark_dormant`), else VIP when a key customer,
    else a deal; without one, an intention with an open opportunity (active
    and not won: ``crm.lead._lifecycle_open_domain``, as the events read
    it), else a target. The installation gives every customer its lifecycle with it, and
    a customer whose deal is undone gets it again
    (:meth:`ResPartner._lifecycle_from_documents`).

    :param customer_ids: the commercial partners to work out (their documents
        read through the indexes of their partners); ``None`` for all of
        those that have a deal or an opportunity (the others are targets)
    """
    main_company = env.ref("base.main_company", raise_if_not_found=False)
    # The invoices that are deals (account.move's one definition).
    Move = env["account.move"].sudo()
    invoices = Move._search([*Move._crm_deal_domain(), ("invoice_date", "!=", False)])
    Lead = env["crm.lead"].sudo().with_context(active_test=False)
    open_leads = Lead._search(Lead._lifecycle_open_domain())
    if customer_ids is None:
        members = SQL("res_partner")
        of_members = SQL()
        customers = SQL("SELECT id FROM deals UNION SELECT id FROM opportunities")
    else:
        customer_ids = list(customer_ids)
        members = SQL(
            "(SELECT id, commercial_partner_id FROM res_partner "
            "WHERE commercial_partner_id = ANY(%s))",
            customer_ids,
        )
        of_members = SQL("AND partner_id IN (SELECT id FROM %s m)", members)
        invoices.add_where(
            SQL(
                "%s IN (SELECT id FROM %s m)",
                SQL.identifier(invoices.table, "partner_id"),
                members,
            )
        )
        customers = SQL("SELECT unnest(%s::int[]) AS id", customer_ids)
    return SQL(
        """
        WITH deals AS (
            SELECT m.commercial_partner_id AS id, MAX(d.day) AS day
              FROM (
                  SELECT partner_id, date_order::date AS day
                    FROM sale_order
                   WHERE state = 'sale' %(of_members)s
                  UNION ALL
                  %(invoices)s
              ) d
              JOIN %(members)s m ON m.id = d.partner_id
             GROUP BY m.commercial_partner_id
        ),
        opportunities AS (
            SELECT DISTINCT m.commercial_partner_id AS id
              FROM %(open_leads)s l
              JOIN %(members)s m ON m.id = l.partner_id
        )
        SELECT c.id,
               CASE
                   WHEN deals.day IS NULL AND opportunities.id IS NULL
                   THEN 'target'
                   WHEN deals.day IS NULL THEN 'intention'
                   WHEN company.crm_dormant_days > 0
                        AND deals.day <= %(today)s::date - company.crm_dormant_days
                   THEN 'dormant'
                   WHEN customer.importance = %(key)s THEN 'vip'
                   ELSE 'deal'
               END AS lifecycle_stage,
               deals.day AS last_deal_date
          FROM (%(customers)s) c
          JOIN res_partner customer ON customer.id = c.id
          JOIN res_company company
            ON company.id = COALESCE(customer.company_id, %(main_company)s)
          LEFT JOIN deals ON deals.id = c.id
          LEFT JOIN opportunities ON opportunities.id = c.id
        """,
        members=members,
        of_members=of_members,
        invoices=invoices.subselect(
            SQL.identifier(invoices.table, "partner_id"),
            SQL.identifier(invoices.table, "invoice_date"),
        ),
        open_leads=open_leads.subselect(SQL.identifier(open_leads.table, "partner_id")),
        customers=customers,
        today=today,
        key=KEY_CUSTOMER_IMPORTANCE,
        main_company=(main_company or env.company).id,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo copies the commercial fields of a company onto its contacts.
    _crm_synced_fields = LIFECYCLE_FIELDS

    lifecycle_stage = fields.Selection(
        LIFECYCLE_SELECTION,
        default="target",
        required=True,
        index=True,
        copy=False,
        tracking=True,
        help="Target customer: no opportunity yet. Intention: an opportunity was "
        "opened. Deal: an order was confirmed or an invoice posted (not credited "
        "in full). VIP customer: "
        "a key customer (importance A) with a deal. Dormant: a customer with a "
        "deal who stopped buying.",
        groups=INTERNAL,
    )

    last_deal_date = fields.Date(
        readonly=True,
        copy=False,
        help="Date of the last confirmed order or posted invoice not credited in full.",
        groups=INTERNAL,
    )

    @api.model
    def _get_guarded_fields(self):
        return {
            **super()._get_guarded_fields(),
            "lifecycle_stage": (),
            "last_deal_date": (),
        }

    @api.model
    def _commercial_fields(self):
        return [*super()._commercial_fields(), *LIFECYCLE_FIELDS]

    def _lifecycle_event(self, event, date=None):
        """Move these customers' lifecycle after a business event.

        See :func:`tools.next_lifecycle_stage` for the events. ``date`` is the
        date of a deal. Writes only the customers whose stage or date change,
        grouped by value (a handful of writes for any number of customers).
        """
        changes = {}
        today = fields.Date.context_today(self)
        for partner in self.commercial_partner_id:
            stage = next_lifecycle_stage(partner.lifecycle_stage, event)
            if event == "deal" and partner.importance == KEY_CUSTOMER_IMPORTANCE:
                stage = next_lifecycle_stage(stage, "key_customer")
            if event == "deal" and partner._crm_is_dormant_on(
                max(filter(None, (date, partner.last_deal_date)), default=None), today
            ):
                # A deal already older than the company allows (an invoice of
                # last year posted now) leaves a customer dormant, as the
                # nightly job would make it.
                stage = next_lifecycle_stage(stage, "dormant")
            vals = {}
            if stage != partner.lifecycle_stage:
                vals["lifecycle_stage"] = stage
            if date and (not partner.last_deal_date or partner.last_deal_date < date):
                vals["last_deal_date"] = date
            if vals:
                key = tuple(sorted(vals.items()))
                changes[key] = changes.get(key, self.browse()) | partner
        for key, partners in changes.items():
            # The lifecycle is the system's to keep, whoever caused the event
            # (at the end of a partner operation when one is checked).
            partners._crm_system_write(dict(key))

    def _lifecycle_from_documents(self, only_further=False):
        """Work the lifecycle of these customers out again from the documents
        they have (:func:`lifecycle_sql`), after a deal was undone: an invoice
        reset to draft or cancelled, or credited in full by a credit note
        posted (a deal again when that credit note is reset to draft or
        cancelled), a confirmed order cancelled. Events only
        move a customer on; a customer whose only deal is gone goes back to
        an intention or a target, one whose last deal went to an earlier
        one. One query for any number of customers, then one write per new
        value, of the customers that change only."""
        customers = self.commercial_partner_id
        if not customers:
            return
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lifecycle.id, lifecycle.lifecycle_stage,
                       lifecycle.last_deal_date
                  FROM (%s) lifecycle
                  JOIN res_partner p ON p.id = lifecycle.id
                 WHERE (p.lifecycle_stage, p.last_deal_date) IS DISTINCT FROM
                       (lifecycle.lifecycle_stage, lifecycle.last_deal_date)
                """,
                lifecycle_sql(self.env, fields.Date.context_today(self), customers.ids),
            )
        )
        changes = defaultdict(list)
        for partner_id, stage, date in rows:
            if only_further:
                # (Its business grew: nothing it had is taken away.)
                partner = self.browse(partner_id)
                current = partner.lifecycle_stage
                if LIFECYCLE_RANK[stage] <= LIFECYCLE_RANK[current]:
                    stage = current
                date = max(filter(None, (date, partner.last_deal_date)), default=None)
                if (stage, date or False) == (current, partner.last_deal_date):
                    continue
            changes[stage, date].append(partner_id)
        for (stage, date), partner_ids in changes.items():
            # The lifecycle is the system's to keep, whoever undid the deal.
            self.browse(partner_ids)._crm_system_write(
                {"lifecycle_stage": stage, "last_deal_date": date}
            )

    @api.model
    def _lifecycle_from_documents_of(
        self, partner_ids, batch_size=10000, only_further=False
    ):
        """:meth:`_lifecycle_from_documents` of the customers ``partner_ids``,
        archived ones included, a batch at a time (the upgrades' repairs):
        the cache is emptied after each batch."""
        Partner = self.with_context(active_test=False)
        for start in range(0, len(partner_ids), batch_size):
            Partner.browse(
                partner_ids[start : start + batch_size]
            )._lifecycle_from_documents(only_further=only_further)
            self.env.invalidate_all()

    def _crm_dormant_cutoff(self, today):
        """The last day of a deal that leaves this customer dormant on
        ``today``: its company's number of days before (a shared customer
        follows the main company's), ``None`` when the company sets none.
        The rule of :meth:`_cron_mark_dormant` and of :func:`lifecycle_sql`."""
        self.ensure_one()
        company = self.company_id or self.env.ref(
            "base.main_company", raise_if_not_found=False
        )
        days = (company or self.env.company).sudo().crm_dormant_days
        return today - timedelta(days=days) if days > 0 else None

    def _crm_is_dormant_on(self, last_deal_date, today):
        """Whether a customer whose last deal is ``last_deal_date`` is dormant
        on ``today`` (:meth:`_crm_dormant_cutoff`)."""
        cutoff = self._crm_dormant_cutoff(today) if last_deal_date else None
        return bool(cutoff and last_deal_date <= cutoff)

    @api.model
    @exclusive_job
    def _cron_mark_dormant(self, batch_size=1000):
        """Customers with a deal who stopped buying become dormant.

        Each company sets its number of days. Batched, with progress.
        """
        cron = self.env["ir.cron"]
        main_company = self.env.ref("base.main_company", raise_if_not_found=False)
        main_company = main_company or self.env.company
        today = fields.Date.context_today(self)
        companies = (
            self.env["res.company"].sudo().search([("crm_dormant_days", ">", 0)])
        )
        marked = 0
        for company in companies:
            # The shared customers follow the main company's setting.
            in_company = [("company_id", "=", company.id)]
            if company == main_company:
                in_company = ["|", ("company_id", "=", False), *in_company]
            while True:
                partners = self.search(
                    [
                        ("lifecycle_stage", "in", ("deal", "vip")),
                        "|",
                        ("is_company", "=", True),
                        ("parent_id", "=", False),
                        (
                            "last_deal_date",
                            "<=",
                            today - timedelta(days=company.crm_dormant_days),
                        ),
                        *in_company,
                    ],
                    order="id",
                    limit=batch_size,
                )
                if not partners:
                    break
                partners._lifecycle_event("dormant")
                marked += len(partners)
                if cron._crm_batch_done(marked, len(partners), batch_size):
                    break
        return marked

    def _crm_note_lifecycle_entity(self, vals, operation):
        """A step before each write of the partner operation
        (res_partner_checks): the commercial entity of partners given a
        company, detached from one or made one (see
        :meth:`_crm_lifecycle_of_moved_partners`)."""
        if "parent_id" in vals or "is_company" in vals:
            operation.remember(self, ["commercial_partner_id"])

    def _crm_lifecycle_of_moved_partners(self, operation):
        """A step of the partner operation (res_partner_checks): a partner
        that moved to another commercial entity takes its orders and
        invoices along, and Odoo copies the new entity's lifecycle onto it.
        The company it joined takes its business (a deal, an intention: the
        further of its own and its documents'); the one it left, and a
        partner that is its own customer now, have what their own documents
        give them, as when a deal is undone. The system's to keep, whoever
        moves the partner."""
        entities = operation.before.get("commercial_partner_id")
        if not entities:
            return
        moved = self.filtered(
            lambda partner: (
                partner.id in entities
                and entities[partner.id] != partner.commercial_partner_id
            )
        )
        if not moved:
            return
        joined = moved.commercial_partner_id
        left = (
            self.browse(
                [entities[partner.id].id for partner in moved if entities[partner.id]]
            ).exists()
            - joined
            - moved
        )
        # (A contact detached, or made a company, is its own customer now:
        # the stage it holds was its former company's.)
        own = joined & moved
        (joined - own).sudo()._lifecycle_from_documents(only_further=True)
        (own | left).sudo()._lifecycle_from_documents()

    def _crm_lifecycle_of_importance(self, operation):
        """A step of the partner operation (res_partner_checks): a customer
        given the key importance (or no longer) moves in its lifecycle. The
        lifecycle is the system's to keep, whoever sets the importance."""
        set_importance = self.filtered(
            lambda partner: (
                partner == partner.commercial_partner_id
                and partner.id not in operation.created
                and "importance" in operation.written.get(partner.id, ())
            )
        )
        key = set_importance.filtered(
            lambda partner: partner.importance == KEY_CUSTOMER_IMPORTANCE
        )
        key._lifecycle_event("key_customer")
        (set_importance - key)._lifecycle_event("not_key_customer")
