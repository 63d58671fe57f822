"""Upgrade from 1.7.9 and before: the funnel's record rules follow the
opportunities as they are now.

The stage history and the funnel analysis kept, per stay, the salesperson and
the company the opportunity had when the stay began: a salesperson read the
stays of a deal since given to a colleague (its name and revenue), the new
salesperson none of them, and the users of another company those of a lead
given a company later. Their rules now read the opportunity's current
salesperson and company. Record rules are data that administrators may adapt
(``noupdate``): an update never rewrites them, so the changed ones are removed
here and created again from the data file.
"""

from odoo import SUPERUSER_ID, api

CHANGED_RULES = [
    "crm_extension.crm_lead_stage_history_rule_company",
    "crm_extension.crm_funnel_report_rule_company",
    "crm_extension.crm_funnel_report_rule_salesman",
]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in CHANGED_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.unlink()
