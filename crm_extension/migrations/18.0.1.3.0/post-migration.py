"""Upgrade from 18.0.1.2.x: *Waiting for Customer* pauses the service level.

The shipped stages are data that administrators may adapt (``noupdate``): an
update does not set the new flag on them. It is set here on the shipped
*Waiting for Customer* stage, as a fresh installation has it; the complaints
waiting there now stop their clock from now on (the stage's write opens their
pauses).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    stage = env.ref("crm_extension.complaint_stage_waiting", raise_if_not_found=False)
    if stage and not stage.pauses_sla and not (stage.is_resolved or stage.is_closed):
        stage.pauses_sla = True
