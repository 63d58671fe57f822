"""Upgrade from 1.7.30 and before: a customer registered online was
registered by nobody of ours.

Until 1.7.31 a partner created by a website visitor or a portal user (a
sign-up, a web shop's checkout, an address of their own) was registered by
that user: "registered by Public user" in the duplicate refusals. Such a
customer is self-registered since (no registrant, read so in the messages).
Their registrant is cleared in one UPDATE; the keys of those whose country
came from their registrant's company are computed again (see rekey_partners,
which writes only the keys that change).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_extension.models.res_partner_duplicate import rekey_partners

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE res_partner p
           SET registered_by_id = NULL
          FROM res_users u
         WHERE u.id = p.registered_by_id
           AND u.share
        RETURNING p.id
        """
    )
    ids = [row[0] for row in cr.fetchall()]
    _logger.info("crm_extension: %s customers registered online", len(ids))
    if ids:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["res.partner"].invalidate_model(["registered_by_id"])
        rekey_partners(env, _logger, SQL("p.id = ANY(%s)", ids))
