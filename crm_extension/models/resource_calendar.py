import pytz

from odoo import models

from ..tools import WorkingTime


class ResourceCalendar(models.Model):
    """The working time of the complaints' service levels, stated once: their
    deadlines, their pauses and the hours they took to resolve are all
    counted in the working intervals Odoo's calendar gives (its leaves
    included)."""

    _inherit = "resource.calendar"

    def _crm_work_spans(self, start, end):
        """The working time between ``start`` and ``end`` (naive UTC), as naive
        UTC ``(begin, end)`` pairs."""
        self.ensure_one()
        intervals = self._work_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(end)
        )[False]
        return [
            (
                begin.astimezone(pytz.utc).replace(tzinfo=None),
                stop.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for begin, stop, _meta in intervals
        ]

    def _crm_working_hours(self, periods):
        """The working hours of each ``(start, end)`` of ``periods`` (naive
        UTC), the calendar's intervals fetched once for all of them; without a
        calendar (an empty ``self``), every hour counts."""
        if not periods:
            return []
        if not self:
            return [(end - start).total_seconds() / 3600.0 for start, end in periods]
        working = WorkingTime(
            self._crm_work_spans(
                min(start for start, _end in periods),
                max(end for _start, end in periods),
            )
        )
        return [working.hours(start, end) for start, end in periods]
