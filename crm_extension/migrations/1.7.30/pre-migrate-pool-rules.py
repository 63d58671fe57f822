"""Upgrade from 1.7.29 and before: a salesperson does not delete a customer
of the shared pool they registered.

A customer whose protection lapsed without a deal returns to the shared pool,
for any salesperson to claim; its registrant could still delete it (the rules
let them delete what they registered while nobody owns it), and so take it
from everybody. (An internal user outside sales no longer edits a customer
of the pool they registered either: a salesperson still edits what they
registered.) Record rules are data that administrators may adapt
(``noupdate``): an update never rewrites them, so the changed one is removed
here and created again from the data file.
"""

from odoo import SUPERUSER_ID, api

CHANGED_RULES = [
    "crm_extension.res_partner_rule_internal_user",
    "crm_extension.res_partner_rule_salesman_unlink",
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in CHANGED_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
