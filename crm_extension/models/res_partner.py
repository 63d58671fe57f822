"""What every concern of crm_extension on res.partner shares: who is a customer
and the fields guarded per role. The concerns, each in its own file:
classification, profile (contact persons), ownership (registration,
protection, pool), duplicate (match keys and rules), merge, lifecycle, value
(analytics) and complaint (service history). Their rules are steps of the one
create and write of res.partner (res_partner_checks.py).
"""

from contextvars import ContextVar

from odoo import SUPERUSER_ID, api, models, tools
from odoo.http import request

# Within Odoo's import of partners (_load_records_create): it copies the
# commercial fields of a row's company to its contacts.
IMPORTING_PARTNERS = ContextVar("crm_extension_importing_partners", default=False)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.guarded.field.mixin"]

    # ------------------------------------------------------------------
    # Odoo's import of contacts
    # ------------------------------------------------------------------

    def _load_records_create(self, vals_list):
        token = IMPORTING_PARTNERS.set(True)
        try:
            return super()._load_records_create(vals_list)
        finally:
            IMPORTING_PARTNERS.reset(token)

    def _crm_parent_values(self, method, field_names):
        # Odoo's import copies the commercial fields of a row's company to
        # its contacts, written as the system, but reads them as the
        # importing user: a salesperson importing Odoo's contact template (a
        # person "Related" to a company) was refused the company's credit
        # limit, a field only accountants read. The values only go to the
        # contacts, as in a form: read as the system too.
        partners = self.sudo() if IMPORTING_PARTNERS.get() else self
        return getattr(super(ResPartner, partners), method)(field_names)

    def _convert_fields_to_values(self, field_names):
        # 19.0 (compat: 18.0 names it _update_fields_values)
        return self._crm_parent_values("_convert_fields_to_values", field_names)

    def _update_fields_values(self, field_names):
        # 18.0 (compat: 19.0 names it _convert_fields_to_values)
        return self._crm_parent_values("_update_fields_values", field_names)

    # ------------------------------------------------------------------
    # The reader of a refusal
    # ------------------------------------------------------------------

    @api.model
    def _crm_reader_env(self, all_companies=False):
        """The environment of the reader of a refusal, by whose rights it
        names records (a customer, a class), or ``None`` when the reader is
        Odoo's superuser (a job, the shell).

        The reader is the user of the web request, whoever Odoo's code runs
        as on the way (the portal writes a customer's own details with
        ``sudo()``, a website form creates records as Odoo's superuser for an
        anonymous visitor, an approval registers as the requester), else the
        user of the environment; in that user's own companies among those of
        the context.

        :param all_companies: in all of the reader's companies instead (what
            the reader would see by selecting them)
        """
        reader = (request.env.user if request and request.db else None) or (
            self.env.user
        )
        if reader.id == SUPERUSER_ID:
            return None
        allowed = self.env.context.get("allowed_company_ids") or []
        companies = [cid for cid in allowed if cid in reader._get_company_ids()]
        if all_companies:
            companies = list(reader._get_company_ids())
        return self.env(
            user=reader.id,
            su=False,
            context=dict(
                self.env.context,
                allowed_company_ids=companies or reader.company_id.ids,
            ),
        )

    def _crm_readable_by_reader(self, records, all_companies=False):
        """The records of ``records`` the reader of a refusal may read (see
        :meth:`_crm_reader_env`), in their own environment."""
        reader_env = self._crm_reader_env(all_companies=all_companies)
        if reader_env is None:
            return records
        return (
            records.with_env(reader_env)._filtered_access("read").with_env(records.env)
        )

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

    @api.model
    def _crm_customer_domain(self):
        """Who is a customer, as a search domain (the form of the rule
        :meth:`_crm_customers` states for records in memory; a test holds the
        two, and ``CUSTOMER_SQL``, equal)."""
        return [
            (
                "commercial_partner_id",
                "not in",
                sorted(self._crm_company_partner_ids()),
            ),
            (
                "user_ids",
                "not any",
                [("share", "=", False), ("active", "in", (True, False))],
            ),
        ]

    def _crm_customers(self, new=False):
        """The partners of ``self`` that are customers.

        Not customers: the companies' own partners and their contacts, and the
        partners of internal users (archived ones too). They are no duplicate
        candidates, never go to the shared pool and cannot be claimed. The SQL
        form of the same rule, for candidates, is ``CUSTOMER_SQL`` of
        ``crm.duplicate.rule``; a test holds the two equal.

        :param new: the partners were just created by a partner operation that
            creates no user: no user has them yet.
        """
        if not self:
            return self
        excluded = self._crm_company_partner_ids()
        saved = [pid for pid in self.ids if isinstance(pid, int)]
        staff = set()
        if saved and not new:
            users = (
                self.env["res.users"]
                .sudo()
                .with_context(active_test=False)
                .search([("partner_id", "in", saved), ("share", "=", False)])
            )
            staff = set(users.partner_id.ids)
        return self.filtered(
            lambda partner: (
                partner.commercial_partner_id.id not in excluded
                and partner.id not in staff
            )
        )
