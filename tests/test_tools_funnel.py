"""Arithmetic of the sales funnel and the customer lifecycle (no Odoo needed)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import (
    FUNNEL_PHASES,
    LIFECYCLE_STAGES,
    LOST_PHASE,
    exit_type,
    moved_on,
    next_lifecycle_stage,
    phase_rank,
)
from crm_extension_tools.funnel import CONVERTING_EXITS

PHASES = st.sampled_from(FUNNEL_PHASES)
ANY_PHASE = st.sampled_from((*FUNNEL_PHASES, LOST_PHASE))
EVENTS = st.sampled_from(
    ("opportunity", "deal", "key_customer", "not_key_customer", "dormant")
)
STAGES = st.sampled_from(LIFECYCLE_STAGES)


def test_phases_in_funnel_order():
    assert [phase_rank(phase) for phase in FUNNEL_PHASES] == [0, 1, 2, 3, 4]
    assert phase_rank(LOST_PHASE) == -1
    assert phase_rank(None) == -1


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("potential", "shortlisted", "forward"),
        ("potential", "near_close", "forward"),
        ("tracking", "shortlisted", "backward"),
        ("tracking", "tracking", "same_phase"),
        ("near_close", "won", "won"),
        ("potential", "won", "won"),
        ("tracking", LOST_PHASE, "lost"),
        ("won", LOST_PHASE, "lost"),
        (LOST_PHASE, "tracking", "reopened"),
        (LOST_PHASE, "won", "reopened"),
        ("won", "near_close", "reopened"),
        ("won", "won", "same_phase"),
    ],
)
def test_exit_type(before, after, expected):
    assert exit_type(before, after) == expected


@given(ANY_PHASE, ANY_PHASE)
def test_exit_type_is_total_and_known(before, after):
    kind = exit_type(before, after)
    assert kind in {"forward", "backward", "same_phase", "won", "lost", "reopened"}
    # Converting (what the funnel report counts) means reaching a later phase.
    if kind in CONVERTING_EXITS:
        assert phase_rank(after) > phase_rank(before)


@given(PHASES, PHASES)
def test_moving_forward_and_back_are_opposites(before, after):
    if "won" in (before, after) or before == after:
        return
    assert (exit_type(before, after) == "forward") == (
        exit_type(after, before) == "backward"
    )


@pytest.mark.parametrize(
    ("phase", "following", "expected"),
    [
        ("tracking", ["near_close"], True),
        ("tracking", ["won"], True),
        # Lost, reopened, then won: moved on once.
        ("near_close", [LOST_PHASE, "near_close", "won"], True),
        ("tracking", [LOST_PHASE, "tracking"], False),
        # Back, then forward again past the phase.
        ("tracking", ["shortlisted", "tracking", "near_close"], True),
        ("tracking", ["shortlisted", "tracking"], False),
        ("won", ["won", "near_close"], False),
        ("potential", [], False),
    ],
)
def test_moved_on(phase, following, expected):
    assert moved_on(phase, following) is expected


@given(ANY_PHASE, ANY_PHASE)
def test_a_converting_exit_moves_on(before, after):
    # A stay ending forward or won has moved on, whatever follows.
    if exit_type(before, after) in CONVERTING_EXITS:
        assert moved_on(before, [after, LOST_PHASE])


@pytest.mark.parametrize(
    ("current", "event", "expected"),
    [
        ("target", "opportunity", "intention"),
        (None, "opportunity", "intention"),
        ("deal", "opportunity", "deal"),
        ("dormant", "opportunity", "dormant"),
        ("target", "deal", "deal"),
        ("intention", "deal", "deal"),
        ("dormant", "deal", "deal"),
        ("vip", "deal", "vip"),
        ("deal", "key_customer", "vip"),
        ("intention", "key_customer", "intention"),
        ("vip", "not_key_customer", "deal"),
        ("deal", "dormant", "dormant"),
        ("vip", "dormant", "dormant"),
        ("intention", "dormant", "intention"),
    ],
)
def test_lifecycle_events(current, event, expected):
    assert next_lifecycle_stage(current, event) == expected


@given(STAGES, EVENTS)
def test_lifecycle_events_are_idempotent(current, event):
    once = next_lifecycle_stage(current, event)
    assert once in LIFECYCLE_STAGES
    assert next_lifecycle_stage(once, event) == once


@given(STAGES)
def test_a_deal_never_falls_back_to_target(current):
    for event in ("opportunity", "deal", "key_customer", "not_key_customer"):
        after = next_lifecycle_stage(current, event)
        if current != "target":
            assert after != "target"


def test_unknown_lifecycle_event():
    with pytest.raises(ValueError):
        next_lifecycle_stage("target", "birthday")
