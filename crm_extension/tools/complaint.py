"""Service-level arithmetic of complaints: working-hour deadlines and status."""

from datetime import timedelta

SLA_ON_TRACK = "on_track"
SLA_AT_RISK = "at_risk"
SLA_BREACHED = "breached"
SLA_MET = "met"
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


def sla_status(
    now,
    received,
    response_deadline,
    resolution_deadline,
    first_response=None,
    resolved=None,
    at_risk_ratio=75.0,
):
    """Service-level status of a complaint at ``now``.

    - ``met``: resolved in time (and answered in time);
    - ``breached``: resolved late, answered late, or a deadline passed;
    - ``at_risk``: open and past ``at_risk_ratio`` % of the time to a deadline;
    - ``on_track``: otherwise. A complaint without deadlines is on track until
      resolved, then met.
    """
    answered = first_response or resolved
    if resolved:
        late = (resolution_deadline and resolved > resolution_deadline) or (
            response_deadline and answered and answered > response_deadline
        )
        return SLA_BREACHED if late else SLA_MET
    if resolution_deadline and now > resolution_deadline:
        return SLA_BREACHED
    if response_deadline and not answered and now > response_deadline:
        return SLA_BREACHED
    if response_deadline and answered and answered > response_deadline:
        return SLA_BREACHED
    ratio = max(0.0, min(at_risk_ratio, 100.0)) / 100.0
    for deadline, done in ((resolution_deadline, False), (response_deadline, answered)):
        if deadline and not done and now >= received + (deadline - received) * ratio:
            return SLA_AT_RISK
    return SLA_ON_TRACK


def escalation_due(status, escalated_level):
    """The escalation level to act on now, or 0 when nothing is due.

    Each level (at risk, breached) is acted on once per complaint.
    """
    level = ESCALATION_LEVELS.get(status, 0)
    return level if level > (escalated_level or 0) else 0
