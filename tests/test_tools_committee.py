"""Rules of an opportunity's buying committee (no Odoo needed)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import committee_flags, primary_count

STANCES = st.sampled_from(["support", "neutral", "oppose"])
LINES = st.fixed_dictionaries(
    {
        "is_decision_maker": st.booleans(),
        "is_opponent": st.booleans(),
        "stance": STANCES,
        "is_primary": st.booleans(),
    }
)
COMMITTEES = st.lists(LINES, max_size=12)


def line(decides=False, opposes_by_role=False, stance="neutral", primary=False):
    return {
        "is_decision_maker": decides,
        "is_opponent": opposes_by_role,
        "stance": stance,
        "is_primary": primary,
    }


def test_empty_committee():
    assert committee_flags([]) == (False, False)
    assert primary_count([]) == 0


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([line()], (False, False)),
        ([line(stance="support")], (False, False)),
        ([line(decides=True)], (True, False)),
        ([line(opposes_by_role=True)], (False, True)),
        ([line(stance="oppose")], (False, True)),
        # A decision maker who opposes the deal is both.
        ([line(decides=True, stance="oppose")], (True, True)),
        # An opponent role that supports us personally still counts as opponent.
        ([line(opposes_by_role=True, stance="support")], (False, True)),
        ([line(), line(decides=True), line(stance="support")], (True, False)),
    ],
)
def test_flags_examples(lines, expected):
    assert committee_flags(lines) == expected


def test_lines_may_omit_keys():
    assert committee_flags([{}]) == (False, False)
    assert committee_flags([{"stance": "oppose"}]) == (False, True)
    assert committee_flags([{"is_decision_maker": 1}]) == (True, False)
    assert primary_count([{}, {"is_primary": True}]) == 1


def test_flags_accept_any_iterable_once():
    lines = iter([line(decides=True), line(stance="oppose")])
    assert committee_flags(lines) == (True, True)


@given(COMMITTEES)
def test_flags_are_booleans(lines):
    has_decision_maker, has_opponent = committee_flags(lines)
    assert isinstance(has_decision_maker, bool)
    assert isinstance(has_opponent, bool)


@given(COMMITTEES)
def test_flags_match_their_definition(lines):
    assert committee_flags(lines) == (
        any(item["is_decision_maker"] for item in lines),
        any(item["is_opponent"] or item["stance"] == "oppose" for item in lines),
    )


@given(COMMITTEES, st.booleans(), st.booleans())
def test_an_oppose_stance_always_makes_an_opponent(lines, decides, by_role):
    opponent = line(decides=decides, opposes_by_role=by_role, stance="oppose")
    for position in range(len(lines) + 1):
        committee = lines[:position] + [opponent] + lines[position:]
        assert committee_flags(committee)[1] is True


@given(COMMITTEES, COMMITTEES)
def test_adding_lines_never_turns_a_flag_off(lines, more):
    before = committee_flags(lines)
    after = committee_flags(lines + more)
    for flag_before, flag_after in zip(before, after, strict=True):
        assert flag_after or not flag_before


@given(COMMITTEES)
def test_order_of_lines_does_not_matter(lines):
    assert committee_flags(lines) == committee_flags(list(reversed(lines)))
    assert primary_count(lines) == primary_count(list(reversed(lines)))


@given(COMMITTEES)
def test_without_opposition_there_is_no_opponent(lines):
    calm = [dict(item, is_opponent=False, stance="support") for item in lines]
    assert committee_flags(calm)[1] is False


@given(COMMITTEES)
def test_primary_count_counts_primary_lines(lines):
    count = primary_count(lines)
    assert count == len([item for item in lines if item["is_primary"]])
    assert 0 <= count <= len(lines)


@given(COMMITTEES, LINES)
def test_primary_count_grows_by_one_with_a_primary_line(lines, extra):
    extra = dict(extra, is_primary=True)
    assert primary_count(lines + [extra]) == primary_count(lines) + 1
