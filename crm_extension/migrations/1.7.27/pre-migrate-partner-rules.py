"""Upgrade from 1.7.26 and before: a salesperson deletes only the customers
they own, or registered while nobody owns them.

The rule letting salespeople edit the customers they own or registered let
them delete these too: the registrant of a customer a sales administrator
had given another salesperson could delete it (its opportunities left
without a customer). Deleting has a rule of its own now. Record rules are
data that administrators may adapt (``noupdate``): an update never rewrites
them, so the changed one is removed here and created again from the data
file.
"""

from odoo import SUPERUSER_ID, api

CHANGED_RULES = ["crm_extension.res_partner_rule_salesman"]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in CHANGED_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
