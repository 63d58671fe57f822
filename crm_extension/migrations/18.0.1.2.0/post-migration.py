"""Upgrade from 18.0.1.1.x: companies with a parent company are commercial
entities of their own (as Odoo's commercial partner says): they get the name and
VAT keys that 18.0.1.1 left empty."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Partner = env["res.partner"].with_context(active_test=False)
    companies = Partner.search([("is_company", "=", True), ("parent_id", "!=", False)])
    for fname in ("name_key", "name_core_key", "vat_key"):
        env.add_to_compute(Partner._fields[fname], companies)
    Partner.flush_model()
