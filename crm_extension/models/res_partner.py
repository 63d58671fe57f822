"""What every concern of crm_extension on res.partner shares: who is a customer,
the fields guarded per role, and the hooks by which each concern checks a
create or write once, on its final state (see res_partner_checks.py).

The concerns, each in its own file: classification, profile (contact persons),
ownership (registration, protection, pool), duplicate (match keys and rules),
lifecycle, value (analytics) and complaint (service history).
"""

from collections import defaultdict

from odoo import api, models, tools

from ..tools.server_flags import CREATING_STAFF_PARTNERS


class PartnerChecks:
    """The partners one create or write touched, Odoo's nested writes included,
    with what was written to each: the rules check them once, when Odoo has
    finished (address and commercial fields synced from the company).

    It travels in the context of the operation as an object a client's context
    cannot hold, so no request can pretend to be inside another operation.
    """

    KEY = "crm_extension_partner_checks"

    def __init__(self):
        self.created = set()
        self.written = defaultdict(set)
        # The duplicate rules' state before the operation: {partner id: keys},
        # None for partners to check whatever their keys (see
        # res_partner_duplicate).
        self.duplicate_keys = {}

    @classmethod
    def current(cls, env):
        checks = env.context.get(cls.KEY)
        return checks if isinstance(checks, cls) else None

    def context(self):
        return {self.KEY: self}

    def add_written(self, partners, fnames):
        for partner_id in partners.ids:
            self.written[partner_id].update(fnames)

    def partner_ids(self):
        return sorted(self.created | self.written.keys())


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.guarded.field.mixin"]

    # ------------------------------------------------------------------
    # Hooks of the concerns (each extends them and calls super())
    # ------------------------------------------------------------------

    @api.model
    def _crm_before_operation(self):
        """Prepare an outermost create or write (before Odoo makes it)."""

    def _crm_before_write(self, vals, checks):
        """Note in ``checks`` what a concern needs of these partners' state
        before ``vals`` is written (nested writes of Odoo included)."""

    def _crm_check_final_state(self, checks):
        """Apply a concern's rules to these partners, once, after the create or
        write described by ``checks`` and all the writes Odoo made on the way."""

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

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
