"""Customer value rules (no Odoo needed)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import (
    RFM_SEGMENTS,
    abc_class,
    birthday_due,
    churn_assessment,
    next_birthday,
    rfm_segment,
)

SCORES = st.integers(min_value=1, max_value=5)


@given(SCORES, SCORES, SCORES)
def test_every_score_has_a_segment(recency, frequency, monetary):
    assert rfm_segment(recency, frequency, monetary) in RFM_SEGMENTS


@pytest.mark.parametrize(
    ("scores", "segment"),
    [
        ((5, 5, 5), "champions"),
        ((4, 3, 3), "loyal"),
        ((5, 1, 1), "new"),
        ((3, 1, 2), "needs_attention"),
        ((1, 5, 5), "at_risk"),
        ((2, 1, 1), "hibernating"),
        ((1, 1, 1), "lost"),
    ],
)
def test_segments(scores, segment):
    assert rfm_segment(*scores) == segment


@given(SCORES, SCORES, SCORES)
def test_more_recent_is_never_worse_than_lost(recency, frequency, monetary):
    if recency >= 3:
        assert rfm_segment(recency, frequency, monetary) not in ("lost", "hibernating")


def test_pareto_classes():
    assert [abc_class(share) for share in (0, 50, 79.9, 80, 94.9, 95, 99)] == [
        "a",
        "a",
        "a",
        "b",
        "b",
        "c",
        "c",
    ]


def test_churn():
    assert churn_assessment(None, 0, 0, 0, 0) == ("none", ())
    assert churn_assessment(10, 12, 100, 100, 0) == ("low", ())
    assert churn_assessment(90, 12, 100, 100, 0) == ("medium", ("late",))
    assert churn_assessment(400, 0, 0, 0, 0) == ("high", ("late",))
    assert churn_assessment(10, 6, 10, 100, 3) == (
        "high",
        ("revenue_drop", "complaints"),
    )


@given(
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=10),
)
def test_more_complaints_never_lower_the_risk(days, invoices, complaints):
    order = ["none", "low", "medium", "high"]
    fewer = churn_assessment(days, invoices, 100, 100, complaints)[0]
    more = churn_assessment(days, invoices, 100, 100, complaints + 1)[0]
    assert order.index(more) >= order.index(fewer)


def test_birthdays():
    today = date(2026, 6, 30)
    assert next_birthday(date(1980, 7, 3), today) == date(2026, 7, 3)
    assert next_birthday(date(1980, 6, 1), today) == date(2027, 6, 1)
    assert next_birthday(date(1984, 2, 29), date(2027, 1, 1)) == date(2027, 2, 28)
    assert birthday_due(date(1980, 7, 3), today, 7, None) == date(2026, 7, 3)
    assert birthday_due(date(1980, 7, 3), today, 7, 2026) is None
    assert birthday_due(date(1980, 7, 20), today, 7, None) is None
    assert birthday_due(None, today, 7, None) is None
