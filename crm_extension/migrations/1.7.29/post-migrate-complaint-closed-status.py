"""Upgrade from 1.7.28 and before: the complaints closed without resolution
get their final service-level status.

1.7.29 judges a complaint closed (or rejected) without resolution at its
closing, as a resolution is: met or breached (``tools.sla_status``). Before,
it kept the status it had when it was closed, *on track* or *at risk*, for
ever (the At Risk filter listed it). Those complaints get here the status the
addon gives them now (``crm.complaint._sla_status_at``), in one UPDATE
without chatter message (the job's writer, ``bulk.update_columns``): the
status they should have had when they were closed, not a change of today.

(The moments a complaint is at risk, ``response_at_risk`` and
``resolution_at_risk``, are new stored fields: Odoo computes them for every
complaint when it adds their columns.)
"""

from odoo import SUPERUSER_ID, api

from odoo.addons.crm_extension import bulk


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    complaints = env["crm.complaint"].search(
        [
            ("is_closed", "=", True),
            ("date_resolved", "=", False),
            ("date_closed", "!=", False),
            ("sla_status", "not in", ("met", "breached")),
        ]
    )
    statuses = {
        complaint.id: complaint._sla_status_at(complaint.date_closed)
        for complaint in complaints
    }
    # (Fields computed from the status: those of resolved complaints only.)
    bulk.update_columns(complaints, {"sla_status": statuses}, log_access=False)
