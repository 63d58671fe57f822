"""Service-level arithmetic of complaints: working-hour deadlines, pauses and
status."""

from bisect import bisect_right
from datetime import timedelta

SLA_ON_TRACK = "on_track"
SLA_AT_RISK = "at_risk"
SLA_BREACHED = "breached"
SLA_MET = "met"
SLA_PAUSED = "paused"
# What the escalation job acts on, once each.
ESCALATION_LEVELS = {SLA_AT_RISK: 1, SLA_BREACHED: 2}


def plan_working_hours(intervals, start, hours):
    """The moment ``hours`` working hours after ``start``.

    ``intervals`` are the working intervals ``(begin, end)`` in chronological
    order (datetimes of one kind: all naive or all aware). Time before ``start``
    does not count. Returns ``None`` when the intervals end too early.
    """
    remaining = timedelta(hours=hours)
    if remaining <= timedelta(0):
        return start
    for begin, end in intervals:
        if end <= start:
            continue
        begin = max(begin, start)
        available = end - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    return None


def exclude_periods(intervals, periods):
    """The working ``intervals`` without the time of ``periods``.

    Both are ``(begin, end)`` pairs of datetimes of one kind; ``intervals`` in
    chronological order, ``periods`` in any order and possibly overlapping.
    Planning over the result (:func:`plan_working_hours`) does not count the
    working time spent in the periods: a pause of the service-level clock moves
    a deadline out by the working hours it lasted before that deadline.
    """
    cuts = sorted((begin, end) for begin, end in periods if end > begin)
    if not cuts:
        return list(intervals)
    result = []
    first = 0  # cuts ending before an interval cannot touch the next ones
    for begin, end in intervals:
        while first < len(cuts) and cuts[first][1] <= begin:
            first += 1
        current = begin
        for cut_begin, cut_end in cuts[first:]:
            if cut_begin >= end:
                break
            if cut_begin > current:
                result.append((current, cut_begin))
            current = max(current, cut_end)
            if current >= end:
                break
        if current < end:
            result.append((current, end))
    return result


class WorkingTime:
    """The working time of chronological intervals, summed in O(log n).

    ``WorkingTime(intervals).hours(start, end)`` is the number of working hours
    between two moments: what a pause of the service-level clock lasted, what
    a complaint took to be resolved, counted in a calendar's working hours.
    """

    def __init__(self, intervals):
        self.begins = []
        self.ends = []
        self.totals = [timedelta(0)]  # working time before each interval
        for begin, end in intervals:
            if end <= begin:
                continue
            self.begins.append(begin)
            self.ends.append(end)
            self.totals.append(self.totals[-1] + (end - begin))

    def until(self, moment):
        """Working time from the first interval to ``moment``."""
        index = bisect_right(self.begins, moment)  # intervals begun by then
        if not index:
            return timedelta(0)
        last = index - 1
        return self.totals[last] + min(moment, self.ends[last]) - self.begins[last]

    def hours(self, start, end):
        """Working hours between ``start`` and ``end`` (0 when end <= start)."""
        if end <= start:
            return 0.0
        return (self.until(end) - self.until(start)).total_seconds() / 3600.0


def sla_status(
    now,
    received,
    response_deadline,
    resolution_deadline,
    first_response=None,
    resolved=None,
    response_at_risk=None,
    resolution_at_risk=None,
    paused_since=None,
    closed=None,
):
    """Service-level status of a complaint at ``now``.

    - ``met``: resolved (or closed) in time (and answered in time);
    - ``breached``: resolved (or closed) late, answered late, or a deadline
      passed;
    - ``paused``: open, and its clock stopped at ``paused_since`` (the customer
      has the ball) before it was breached; a breach is never paused away;
    - ``at_risk``: open and past the at-risk moment of a deadline not met yet
      (``response_at_risk``, ``resolution_at_risk``: the share of the working
      time to the deadline the service level allows, planned on its calendar
      as the deadlines are);
    - ``on_track``: otherwise. A complaint without deadlines is on track until
      resolved or closed, then met.

    A complaint closed without being resolved (``closed``: when) is judged at
    its closing as a resolution is: its status is final, met or breached,
    never at risk or on track for ever.

    The deadlines are those of the clock's working time so far: pauses that
    ended move them out (:func:`exclude_periods`), the current one does not yet.
    """
    finished = resolved or closed
    if paused_since and not finished:
        # Its status when the clock stopped, with what was answered by then.
        at_pause = sla_status(
            paused_since,
            received,
            response_deadline,
            resolution_deadline,
            first_response=(
                first_response
                if first_response and first_response <= paused_since
                else None
            ),
            response_at_risk=response_at_risk,
            resolution_at_risk=resolution_at_risk,
        )
        return SLA_BREACHED if at_pause == SLA_BREACHED else SLA_PAUSED
    answered = first_response or finished
    if finished:
        late = (resolution_deadline and finished > resolution_deadline) or (
            response_deadline and answered and answered > response_deadline
        )
        return SLA_BREACHED if late else SLA_MET
    if resolution_deadline and now > resolution_deadline:
        return SLA_BREACHED
    if response_deadline and not answered and now > response_deadline:
        return SLA_BREACHED
    if response_deadline and answered and answered > response_deadline:
        return SLA_BREACHED
    for at_risk, done in ((resolution_at_risk, False), (response_at_risk, answered)):
        if at_risk and not done and now >= at_risk:
            return SLA_AT_RISK
    return SLA_ON_TRACK


def first_readers(candidates, readable):
    """The first candidate of each document who may read it.

    :param candidates: ``{document: [user, ...]}``, the users in order of
        preference (a user listed twice counts once)
    :param readable: ``readable(user, documents)``, the set of ``documents``
        the user may read. It is asked once per user at most, about every
        document the user is a candidate for, and only about users who come
        first among the candidates left for a document: the users before them
        may not read it.
    :return: ``{document: user}``, for the documents one of whose candidates
        may read them
    """
    pending = {
        document: list(dict.fromkeys(user for user in users if user))
        for document, users in candidates.items()
    }
    pending = {document: users for document, users in pending.items() if users}
    documents_of = {}
    for document, users in pending.items():
        for user in users:
            documents_of.setdefault(user, set()).add(document)
    readers = {}
    chosen = {}
    while pending:
        for user in sorted({users[0] for users in pending.values()} - readers.keys()):
            readers[user] = set(readable(user, documents_of[user]))
        left = {}
        for document, users in pending.items():
            if document in readers[users[0]]:
                chosen[document] = users[0]
            elif len(users) > 1:
                left[document] = users[1:]
        pending = left
    return chosen


def escalation_due(status, escalated_level):
    """The escalation level to act on now, or 0 when nothing is due.

    Each level (at risk, breached) is acted on once per complaint.
    """
    level = ESCALATION_LEVELS.get(status, 0)
    return level if level > (escalated_level or 0) else 0
