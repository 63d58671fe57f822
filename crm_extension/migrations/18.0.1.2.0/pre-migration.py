"""Upgrade from 18.0.1.1.x: record rules whose domain changed.

Record rules are data that administrators may adapt (``noupdate``): an update
never rewrites them. The rules below changed meaning (a salesperson with all
documents edits the customers, no longer the companies' own partners and the
users' partners): they are removed here and created again from the data file.
"""

from odoo import SUPERUSER_ID, api

CHANGED_RULES = ["crm_extension.res_partner_rule_salesman_all_leads"]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in CHANGED_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
