"""Upgrade from 18.0.1.3.x: the shipped customer sources get their label.

The sources are data that administrators may adapt (``noupdate``): an update
does not write the new ``label`` field on them. It is set here to the source's
name, as a fresh installation has it; the update then loads the label's
translations.
"""

from odoo import SUPERUSER_ID, api

SOURCES = (
    "utm_source_inbound_call",
    "utm_source_outbound_call",
    "utm_source_referral",
    "utm_source_web_inquiry",
    "utm_source_advertising",
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
    for xmlid in SOURCES:
        source = env.ref(f"crm_extension.{xmlid}", raise_if_not_found=False)
        if source and not source.label:
            source.label = source.name
