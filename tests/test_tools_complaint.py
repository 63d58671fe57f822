"""Service-level arithmetic of complaints (no Odoo needed)."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import (
    WorkingTime,
    escalation_due,
    exclude_periods,
    first_readers,
    plan_working_hours,
    sla_status,
)


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


# 75 % of the working time to each deadline (the hours of a day, here).
AT_RISK = {
    "response_at_risk": datetime(2026, 3, 9, 8, 45),
    "resolution_at_risk": datetime(2026, 3, 9, 14, 0),
}


def status_at(hour, minute=0, **kwargs):
    return sla_status(
        datetime(2026, 3, 9, hour, minute),
        RECEIVED,
        RESPONSE,
        RESOLUTION,
        **AT_RISK,
        **kwargs,
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


def test_closed_unresolved_is_final():
    """A complaint closed (or rejected) without a resolution is judged at its
    closing: met or breached, never at risk or on track for ever."""
    answered = {"first_response": datetime(2026, 3, 9, 8, 30)}
    # Closed at 14:30, past its at-risk moment, before its deadline: met,
    # whenever it is asked.
    for hour in (15, 18, 23):
        assert status_at(hour, closed=datetime(2026, 3, 9, 14, 30), **answered) == (
            "met"
        )
    assert status_at(18, closed=datetime(2026, 3, 9, 16, 30), **answered) == (
        "breached"
    )
    # Closed unanswered after the response deadline: late.
    assert status_at(18, closed=datetime(2026, 3, 9, 10, 0)) == "breached"
    # Closed while waiting for the customer: the pause is over.
    assert (
        status_at(
            18,
            closed=datetime(2026, 3, 9, 12, 0),
            paused_since=datetime(2026, 3, 9, 11, 0),
            **answered,
        )
        == "met"
    )
    assert sla_status(
        datetime(2026, 3, 9, 12), RECEIVED, None, None, closed=RECEIVED
    ) == ("met")


def test_at_risk_counts_working_hours():
    """At risk after the share of the working time to the deadline: planned
    on the calendar, as the deadline is, not on the clock. Received Friday
    15:00 with 8 working hours to resolve (due Monday 15:00), at risk after 6
    of them: Monday 12:00, not Sunday night."""
    friday = datetime(2026, 3, 6, 15, 0)
    deadline = plan_working_hours(INTERVALS, friday, 8)
    at_risk = plan_working_hours(INTERVALS, friday, 8 * 0.75)
    assert (deadline, at_risk) == (
        datetime(2026, 3, 9, 15, 0),
        datetime(2026, 3, 9, 12, 0),
    )
    answered = {"first_response": datetime(2026, 3, 6, 15, 30)}
    for now, status in (
        (datetime(2026, 3, 8, 22, 0), "on_track"),
        (datetime(2026, 3, 9, 11, 59), "on_track"),
        (datetime(2026, 3, 9, 12, 0), "at_risk"),
        (datetime(2026, 3, 9, 15, 1), "breached"),
    ):
        assert (
            sla_status(
                now,
                friday,
                None,
                deadline,
                resolution_at_risk=at_risk,
                **answered,
            )
            == status
        )


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
    before = sla_status(now, RECEIVED, RESPONSE, RESOLUTION, **AT_RISK, **answered)
    after = sla_status(later, RECEIVED, RESPONSE, RESOLUTION, **AT_RISK, **answered)
    assert rank[after] >= rank[before]


def test_escalation_once_per_level():
    assert escalation_due("on_track", 0) == 0
    assert escalation_due("at_risk", 0) == 1
    assert escalation_due("at_risk", 1) == 0
    assert escalation_due("breached", 1) == 2
    assert escalation_due("breached", 0) == 2
    assert escalation_due("breached", 2) == 0
    assert escalation_due("met", 0) == 0


# Pauses of the service-level clock ------------------------------------------


def brute_force_hours(intervals, start, end):
    return (
        sum(
            (
                (min(stop, end) - max(begin, start))
                for begin, stop in intervals
                if stop > start and begin < end
            ),
            timedelta(0),
        ).total_seconds()
        / 3600.0
    )


def test_working_time_between_two_moments():
    working = WorkingTime(INTERVALS)
    # Friday 16:00 to Monday 9:00: one hour on Friday, one on Monday.
    assert working.hours(datetime(2026, 3, 6, 16), datetime(2026, 3, 9, 9)) == 2.0
    # Over lunch, outside working hours, backwards.
    assert working.hours(datetime(2026, 3, 3, 11), datetime(2026, 3, 3, 14)) == 2.0
    assert working.hours(datetime(2026, 3, 7, 9), datetime(2026, 3, 7, 18)) == 0.0
    assert working.hours(datetime(2026, 3, 3, 14), datetime(2026, 3, 3, 11)) == 0.0
    assert WorkingTime([]).hours(datetime(2026, 3, 3), datetime(2026, 3, 4)) == 0.0


@given(
    st.integers(min_value=0, max_value=30 * 24 * 4),
    st.integers(min_value=0, max_value=10 * 24 * 4),
)
def test_working_time_counts_as_the_intervals(start_quarters, length_quarters):
    start = datetime(2026, 3, 1) + timedelta(minutes=15 * start_quarters)
    end = start + timedelta(minutes=15 * length_quarters)
    assert WorkingTime(INTERVALS).hours(start, end) == brute_force_hours(
        INTERVALS, start, end
    )


def test_a_pause_moves_the_deadline_by_its_working_hours():
    monday = datetime(2026, 3, 9, 8, 0)
    assert plan_working_hours(INTERVALS, monday, 8) == datetime(2026, 3, 9, 17, 0)
    # Waiting for the customer from Monday 10:00 to Tuesday 11:00: 8 working
    # hours (Monday 10-12, 13-17, Tuesday 8-11 minus... = 2 + 4 + 3 = 9).
    pause = (datetime(2026, 3, 9, 10, 0), datetime(2026, 3, 10, 11, 0))
    paused = WorkingTime(INTERVALS).hours(*pause)
    assert paused == 9.0
    planned = plan_working_hours(exclude_periods(INTERVALS, [pause]), monday, 8)
    assert planned == plan_working_hours(INTERVALS, monday, 8 + paused)
    assert planned == datetime(2026, 3, 11, 9, 0)
    # A pause after the deadline does not move it, one on a weekend neither.
    late = (datetime(2026, 3, 9, 17, 30), datetime(2026, 3, 10, 12, 0))
    weekend = (datetime(2026, 3, 7, 9, 0), datetime(2026, 3, 8, 18, 0))
    assert plan_working_hours(
        exclude_periods(INTERVALS, [late, weekend]), monday, 8
    ) == datetime(2026, 3, 9, 17, 0)


def test_exclude_overlapping_and_unordered_periods():
    day = office_hours(datetime(2026, 3, 9), 1)  # Monday 8-12, 13-17
    periods = [
        (datetime(2026, 3, 9, 15), datetime(2026, 3, 9, 16)),
        (datetime(2026, 3, 9, 9), datetime(2026, 3, 9, 11)),
        (datetime(2026, 3, 9, 10), datetime(2026, 3, 9, 14)),
        (datetime(2026, 3, 9, 16), datetime(2026, 3, 9, 16)),  # empty
    ]
    assert exclude_periods(day, periods) == [
        (datetime(2026, 3, 9, 8), datetime(2026, 3, 9, 9)),
        (datetime(2026, 3, 9, 14), datetime(2026, 3, 9, 15)),
        (datetime(2026, 3, 9, 16), datetime(2026, 3, 9, 17)),
    ]
    assert exclude_periods(day, []) == day


quarter_hours = st.integers(min_value=0, max_value=20 * 24 * 4)


@given(
    quarter_hours,
    st.integers(min_value=1, max_value=80),
    st.lists(st.tuples(quarter_hours, quarter_hours), max_size=4),
)
def test_paused_time_is_never_counted(start_quarters, hours, raw_periods):
    origin = datetime(2026, 3, 2)
    start = origin + timedelta(minutes=15 * start_quarters)
    periods = [
        (
            origin + timedelta(minutes=15 * min(a, b)),
            origin + timedelta(minutes=15 * max(a, b)),
        )
        for a, b in raw_periods
    ]
    remaining = exclude_periods(INTERVALS, periods)
    deadline = plan_working_hours(remaining, start, hours)
    # The clock counts exactly the working hours outside the pauses ...
    assert brute_force_hours(remaining, start, deadline) == hours
    # ... none inside them ...
    for begin, end in periods:
        assert brute_force_hours(remaining, begin, end) == 0
    # ... and a pause never brings a deadline forward.
    assert deadline >= plan_working_hours(INTERVALS, start, hours)


@given(quarter_hours, st.integers(min_value=1, max_value=40), quarter_hours)
def test_one_pause_before_the_deadline_adds_its_working_hours(
    start_quarters, hours, length_quarters
):
    start = datetime(2026, 3, 2) + timedelta(minutes=15 * start_quarters)
    deadline = plan_working_hours(INTERVALS, start, hours)
    # A pause starting halfway between receipt and the deadline.
    pause_start = start + (deadline - start) / 2
    pause = (pause_start, pause_start + timedelta(minutes=15 * length_quarters))
    paused = WorkingTime(INTERVALS).hours(*pause)
    assert plan_working_hours(
        exclude_periods(INTERVALS, [pause]), start, hours
    ) == plan_working_hours(INTERVALS, start, hours + paused)


def test_paused_status():
    at = datetime(2026, 3, 9, 18, 0)  # long after both deadlines
    answered = {"first_response": datetime(2026, 3, 9, 8, 30)}
    # Waiting for the customer since 8:45: nothing was late then.
    paused = {"paused_since": datetime(2026, 3, 9, 8, 45)}
    assert status_at(18, **paused) == "paused"
    assert status_at(18, **answered, **paused) == "paused"
    # Past 75 % of the response time when the clock stopped: paused all the same.
    assert status_at(18, paused_since=datetime(2026, 3, 9, 8, 50)) == "paused"
    # Unanswered past the response deadline, then paused: a breach stays.
    assert status_at(18, paused_since=datetime(2026, 3, 9, 9, 30)) == "breached"
    # ... even when the answer came during the pause.
    late_answer = {"first_response": datetime(2026, 3, 9, 10, 0)}
    assert (
        status_at(18, paused_since=datetime(2026, 3, 9, 9, 30), **late_answer)
        == "breached"
    )
    # An answer during a pause that began in time is no late answer.
    assert (
        status_at(18, paused_since=datetime(2026, 3, 9, 8, 45), **late_answer)
        == "paused"
    )
    # Past the resolution deadline, then paused.
    assert status_at(18, paused_since=datetime(2026, 3, 9, 16, 30), **answered) == (
        "breached"
    )
    # Resolved: the pause is over.
    resolved = {"resolved": datetime(2026, 3, 9, 12, 0), **answered}
    assert sla_status(at, RECEIVED, RESPONSE, RESOLUTION, **resolved) == "met"


@given(st.integers(min_value=0, max_value=48 * 60), st.integers(0, 48 * 60))
def test_a_paused_complaint_stays_as_it_was_when_paused(pause_minutes, later):
    paused_since = RECEIVED + timedelta(minutes=pause_minutes)
    answered = datetime(2026, 3, 9, 8, 30)
    before = sla_status(
        paused_since, RECEIVED, RESPONSE, RESOLUTION, first_response=answered
    )
    now = paused_since + timedelta(minutes=later)
    during = sla_status(
        now,
        RECEIVED,
        RESPONSE,
        RESOLUTION,
        first_response=answered if answered <= paused_since else None,
        paused_since=paused_since,
    )
    assert during == ("breached" if before == "breached" else "paused")


def test_first_readers_skip_who_may_not_read():
    """Each document goes to its first candidate who may read it; each user is
    asked once, only when they come first for a document."""
    may_read = {"lead": {1}, "handler": {1, 2}, "creator": {2, 3}, "nobody": set()}
    asked = []

    def readable(user, documents):
        asked.append((user, frozenset(documents)))
        return may_read[user] & documents

    chosen = first_readers(
        {
            1: ["lead", "handler"],
            2: ["lead", "handler", "handler", "creator"],
            3: [None, "nobody", "creator"],
            4: ["nobody"],
            5: [],
        },
        readable,
    )
    assert chosen == {1: "lead", 2: "handler", 3: "creator"}
    users = [user for user, _documents in asked]
    assert (
        sorted(users) == sorted(set(users)) == ["creator", "handler", "lead", "nobody"]
    )
    assert dict(asked)["handler"] == {1, 2}


def test_first_readers_ask_nobody_not_needed():
    asked = []

    def readable(user, documents):
        asked.append(user)
        return documents

    assert first_readers({1: ["a", "b"], 2: ["a", "c"]}, readable) == {1: "a", 2: "a"}
    assert asked == ["a"]
