"""Customer value rules (no Odoo needed)."""

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date
from itertools import pairwise, product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_extension_tools import (
    CHURN_REASONS,
    CHURN_RISKS,
    RFM_DEFAULTS,
    RFM_SEGMENTS,
    SEGMENT_RISKS,
    abc_class,
    birthday_due,
    churn_assessment,
    customer_standing,
    next_birthday,
    rank_score,
    rfm_scores,
    rfm_segment,
    threshold_scores,
)
from crm_extension_tools.settings import (
    RFM_DAYS_BOUNDS,
    RFM_REVENUE_BOUNDS,
    thresholds_problem,
)

SCORES = st.integers(min_value=1, max_value=5)
POPULATIONS = (1, 2, 5, 12, 10_000)


def ranked(figures):
    """Rank scores of ``figures``, each counted against the others as the job's
    staging statement counts them (customers with a lower, with a higher
    figure)."""
    ordered = sorted(figures)
    return [
        rank_score(
            bisect_left(ordered, figure), len(ordered) - bisect_right(ordered, figure)
        )
        for figure in figures
    ]


def risk_level(risk):
    return CHURN_RISKS.index(risk)


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


@pytest.mark.parametrize("population", POPULATIONS)
def test_rank_scores_use_the_whole_range_at_every_size(population):
    scores = ranked([17 * index % 10_007 for index in range(population)])
    counts = Counter(scores)
    expected = {
        1: {3: 1},  # nobody to compare with
        2: {1: 1, 5: 1},
        5: {1: 1, 2: 1, 3: 1, 4: 1, 5: 1},
        12: {1: 3, 2: 2, 3: 2, 4: 2, 5: 3},
        10_000: {1: 2000, 2: 2000, 3: 2000, 4: 2000, 5: 2000},  # quintiles
    }[population]
    assert dict(counts) == expected


@given(st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=60))
def test_rank_scores_follow_the_figures(figures):
    scores = ranked(figures)
    by_figure = dict(zip(figures, scores, strict=True))
    # Equal figures score the same, a higher figure never scores less.
    assert all(
        by_figure[figure] == score
        for figure, score in zip(figures, scores, strict=True)
    )
    ordered = sorted(by_figure)
    assert all(by_figure[a] <= by_figure[b] for a, b in pairwise(ordered))
    assert all(1 <= score <= 5 for score in scores)
    if len(by_figure) > 1:
        # The lowest figure scores 1, the highest 5, whatever the population.
        assert by_figure[ordered[0]] == 1 and by_figure[ordered[-1]] == 5
    else:
        assert set(scores) == {3}
    if len(by_figure) == len(figures) >= 5:
        assert set(scores) == {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("figures", "scores"),
    [
        ((0, 0), (5, 1, 1)),
        ((30, 1), (5, 1, 1)),
        ((31, 2), (4, 2, 1)),
        ((90, 3), (4, 2, 1)),
        ((91, 4), (3, 3, 1)),
        ((180, 5), (3, 3, 1)),
        ((181, 6), (2, 4, 1)),
        ((365, 11), (2, 4, 1)),
        ((366, 12), (1, 5, 1)),
        ((3000, 0), (1, 1, 1)),
    ],
)
def test_threshold_scores_of_recency_and_frequency(figures, scores):
    assert threshold_scores(*figures, 0, RFM_DEFAULTS) == scores


@pytest.mark.parametrize(
    ("revenue", "score"),
    [
        (-500, 1),
        (0, 1),
        (999.99, 1),
        (1000, 2),
        (4999.99, 2),
        (5000, 3),
        (20000, 4),
        (49999.99, 4),
        (50000, 5),
        (10**9, 5),
    ],
)
def test_threshold_scores_of_revenue(revenue, score):
    assert threshold_scores(0, 12, revenue, RFM_DEFAULTS)[2] == score


@given(
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=-1e6, max_value=1e7, allow_nan=False),
)
def test_better_figures_never_score_less(days, invoices, revenue):
    scores = threshold_scores(days, invoices, revenue, RFM_DEFAULTS)
    assert all(1 <= score <= 5 for score in scores)
    better = threshold_scores(
        max(days - 7, 0), invoices + 1, revenue + 100, RFM_DEFAULTS
    )
    assert all(b >= s for b, s in zip(better, scores, strict=True))


def test_small_populations_score_by_the_thresholds():
    # The demo: of two customers, one invoiced two days ago, the other
    # within the last month; ranked, the other would be "hibernating" or "lost".
    thresholds = RFM_DEFAULTS._replace(ranked_from=100)
    recent = rfm_scores((2, 1, 6000.0), ((1, 0), (0, 0), (1, 0)), 2, thresholds)
    older = rfm_scores((20, 1, 800.0), ((0, 1), (0, 0), (0, 1)), 2, thresholds)
    assert recent == (5, 1, 3) and older == (5, 1, 1)
    assert rfm_segment(*recent) == "potential" and rfm_segment(*older) == "new"
    # From ranked_from customers on, they rank against each other.
    ranking = thresholds._replace(ranked_from=2)
    assert rfm_scores((20, 1, 800.0), ((0, 1), (0, 0), (0, 1)), 2, ranking) == (1, 3, 1)


@pytest.mark.parametrize(
    ("scores", "risk"), list(product(product(range(1, 6), repeat=3), CHURN_RISKS))
)
def test_segment_and_churn_risk_agree_for_every_combination(scores, risk):
    reasons = () if risk in ("none", "low") else ("late",)
    segment, shown, why = customer_standing(scores, risk, reasons)
    lowest, highest = SEGMENT_RISKS[segment]
    assert risk_level(lowest) <= risk_level(shown) <= risk_level(highest)
    if segment in ("champions", "loyal", "potential", "new"):
        assert shown != "high"
    if segment in ("at_risk", "hibernating", "lost"):
        assert shown not in ("none", "low")
    if segment == "lost":
        assert shown == "high"
    # The churn assessment is never played down: a higher risk than the
    # segment allows moves the segment; a lower one is raised, for a reason.
    assert risk_level(shown) >= risk_level(risk)
    if shown == risk:
        assert why == reasons
    else:
        assert why == (*reasons, "recency") and scores[0] <= 2
    if segment != rfm_segment(*scores):
        assert risk == "high" and segment in ("at_risk", "needs_attention")


@given(
    st.tuples(SCORES, SCORES, SCORES),
    st.integers(min_value=0, max_value=1500),
    st.integers(min_value=0, max_value=60),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.integers(min_value=0, max_value=6),
)
def test_every_shown_risk_has_its_reasons(
    scores, days, invoices, recent, previous, complaints
):
    risk, reasons = churn_assessment(days, invoices, recent, previous, complaints)
    segment, shown, why = customer_standing(scores, risk, reasons)
    lowest, highest = SEGMENT_RISKS[segment]
    assert risk_level(lowest) <= risk_level(shown) <= risk_level(highest)
    assert set(why) <= set(CHURN_REASONS)
    assert bool(why) == (shown in ("medium", "high"))


def test_mapping_covers_every_segment():
    assert set(SEGMENT_RISKS) == set(RFM_SEGMENTS)
    assert all(
        risk_level(low) <= risk_level(high) for low, high in SEGMENT_RISKS.values()
    )


def test_thresholds_are_checked():
    assert thresholds_problem(RFM_DEFAULTS.recency_days, RFM_DAYS_BOUNDS) is None
    assert thresholds_problem(RFM_DEFAULTS.revenue, RFM_REVENUE_BOUNDS) is None
    assert thresholds_problem((30, 90, 90, 365), RFM_DAYS_BOUNDS) == "order"
    assert thresholds_problem((90, 30, 180, 365), RFM_DAYS_BOUNDS) == "order"
    assert thresholds_problem((30, 90, 180, 5000), RFM_DAYS_BOUNDS) == "bounds"
    assert thresholds_problem((-1, 5, 10, 20), RFM_REVENUE_BOUNDS) == "bounds"
    assert thresholds_problem((0, 5, 10, 10**12), RFM_REVENUE_BOUNDS) is None


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
