"""Upgrade from 1.7.30 and before: a class is the customer's, a role a person's.

Until 1.7.31 a contact person or an address of a company could be given a
customer class of its own (over RPC, by an import; the form hides it), and a
company a contact role; the partners' checks refuse both since. Those values
are cleared here in one UPDATE each (``bulk.update_columns``; the stored main
class goes with the class): a contact's own class is written in its class
history with this cause, and noted in its chatter, as a class rule notes its
moves (``_log_class_changes``).
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension import bulk

CAUSE = "Upgrade 1.7.31: a contact's customer class is its company's."


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    Partner = env["res.partner"].with_context(active_test=False)
    contacts = Partner.search([("customer_class_id", "!=", False)]).filtered(
        lambda partner: partner.commercial_partner_id != partner
    )
    if contacts:
        before = {partner.id: partner.customer_class_id for partner in contacts}
        bulk.update_columns(
            contacts,
            {
                "customer_class_id": dict.fromkeys(contacts.ids),
                "customer_main_class_id": dict.fromkeys(contacts.ids),
            },
        )
        contacts.invalidate_recordset(["customer_class_id", "customer_main_class_id"])
        contacts._log_class_changes(before, CAUSE)
    companies = Partner.search(
        [("contact_role_id", "!=", False), ("is_company", "=", True)]
    )
    if companies:
        bulk.update_columns(
            companies, {"contact_role_id": dict.fromkeys(companies.ids)}
        )
        companies.invalidate_recordset(["contact_role_id"])
