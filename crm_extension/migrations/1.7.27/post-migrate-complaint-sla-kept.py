"""Upgrade from 1.7.26 and before: the complaints resolved, closed or
breached keep their service level.

1.7.27 keeps the service level, deadlines and status of a finished complaint
(an edit of its service level, severity or category no longer moves them)
and of a complaint that breached (it stays breached), flagging them
``sla_kept``. The complaints that are finished or breached when the addon is
upgraded are flagged here, in one statement: they keep what they have now.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE crm_complaint
           SET sla_kept = TRUE
         WHERE is_resolved OR is_closed OR sla_status = 'breached'
        """
    )
