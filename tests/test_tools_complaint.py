"""Service-level arithmetic of complaints (no Odoo needed)."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import escalation_due, plan_working_hours, sla_status


def office_hours(first_day, days):
    """Monday-to-Friday 8-12 and 13-17 intervals from ``first_day``."""
    intervals = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() < 5:
            for start, end in ((8, 12), (13, 17)):
                intervals.append((day.replace(hour=start), day.replace(hour=end)))
    return intervals


INTERVALS = office_hours(datetime(2026, 3, 2), 60)  # from a Monday


def test_friday_evening_plus_eight_hours_is_monday_evening():
    friday = datetime(2026, 3, 6, 17, 0)
    assert plan_working_hours(INTERVALS, friday, 8) == datetime(2026, 3, 9, 17, 0)
    assert plan_working_hours(INTERVALS, friday, 1) == datetime(2026, 3, 9, 9, 0)


def test_lunch_break_and_partial_interval():
    assert plan_working_hours(INTERVALS, datetime(2026, 3, 3, 11, 0), 2) == datetime(
        2026, 3, 3, 14, 0
    )


def test_zero_hours_and_too_short_calendar():
    start = datetime(2026, 3, 3, 10, 0)
    assert plan_working_hours(INTERVALS, start, 0) == start
    assert plan_working_hours(INTERVALS[:2], start, 100) is None


@given(
    st.integers(min_value=0, max_value=20 * 24 * 4),
    st.integers(min_value=1, max_value=120),
)
def test_deadline_counts_exactly_the_working_hours(quarter_hours, hours):
    start = datetime(2026, 3, 2) + timedelta(minutes=15 * quarter_hours)
    deadline = plan_working_hours(INTERVALS, start, hours)
    worked = sum(
        (
            (min(end, deadline) - max(begin, start))
            for begin, end in INTERVALS
            if end > start and begin < deadline
        ),
        timedelta(0),
    )
    assert worked == timedelta(hours=hours)
    # Monotonic: more hours never end earlier.
    assert plan_working_hours(INTERVALS, start, hours + 1) > deadline


RECEIVED = datetime(2026, 3, 9, 8, 0)
RESPONSE = datetime(2026, 3, 9, 9, 0)
RESOLUTION = datetime(2026, 3, 9, 16, 0)


def status_at(hour, minute=0, **kwargs):
    return sla_status(
        datetime(2026, 3, 9, hour, minute), RECEIVED, RESPONSE, RESOLUTION, **kwargs
    )


def test_status_over_time():
    answered = {"first_response": datetime(2026, 3, 9, 8, 30)}
    assert status_at(8, 10, **answered) == "on_track"
    assert status_at(8, 50) == "at_risk"  # 75 % of the response time passed
    assert status_at(9, 30) == "breached"  # never answered
    assert status_at(12, 0, **answered) == "on_track"
    assert status_at(14, 0, **answered) == "at_risk"
    assert status_at(16, 30, **answered) == "breached"


def test_resolved_met_or_breached():
    answered = {"first_response": datetime(2026, 3, 9, 8, 30)}
    assert status_at(18, resolved=datetime(2026, 3, 9, 15, 0), **answered) == "met"
    assert status_at(18, resolved=datetime(2026, 3, 9, 17, 0), **answered) == "breached"
    # Resolved without an answer before: the resolution is the first response.
    assert status_at(18, resolved=datetime(2026, 3, 9, 8, 45)) == "met"
    assert status_at(18, resolved=datetime(2026, 3, 9, 15, 0)) == "breached"
    late_answer = {
        "first_response": datetime(2026, 3, 9, 10, 0),
        "resolved": datetime(2026, 3, 9, 11, 0),
    }
    assert status_at(18, **late_answer) == "breached"


def test_without_deadlines():
    now = datetime(2026, 3, 9, 12, 0)
    assert sla_status(now, RECEIVED, None, None) == "on_track"
    assert sla_status(now, RECEIVED, None, None, resolved=now) == "met"


@given(st.integers(min_value=0, max_value=48 * 60))
def test_status_never_improves_while_open(minutes):
    answered = {"first_response": datetime(2026, 3, 9, 8, 30)}
    rank = {"on_track": 0, "at_risk": 1, "breached": 2}
    now = RECEIVED + timedelta(minutes=minutes)
    later = now + timedelta(minutes=30)
    before = sla_status(now, RECEIVED, RESPONSE, RESOLUTION, **answered)
    after = sla_status(later, RECEIVED, RESPONSE, RESOLUTION, **answered)
    assert rank[after] >= rank[before]


def test_escalation_once_per_level():
    assert escalation_due("on_track", 0) == 0
    assert escalation_due("at_risk", 0) == 1
    assert escalation_due("at_risk", 1) == 0
    assert escalation_due("breached", 1) == 2
    assert escalation_due("breached", 0) == 2
    assert escalation_due("breached", 2) == 0
    assert escalation_due("met", 0) == 0
