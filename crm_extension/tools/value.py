"""Customer value rules: RFM scores and segments, ABC classes, churn risk and
how segment and churn risk agree, class upgrades."""

from datetime import date, timedelta
from typing import NamedTuple

RFM_SEGMENTS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "needs_attention",
    "at_risk",
    "hibernating",
    "lost",
)
ABC_SHARES = (("a", 80.0), ("b", 95.0))  # cumulative revenue share: A 80 %, B 15 %
CHURN_LATE = "late"
CHURN_DROP = "revenue_drop"
CHURN_COMPLAINTS = "complaints"
CHURN_RECENCY = "recency"
CHURN_REASONS = (CHURN_LATE, CHURN_DROP, CHURN_COMPLAINTS, CHURN_RECENCY)
CHURN_RISKS = ("none", "low", "medium", "high")

# The churn risks a segment goes with: (lowest, highest). A segment of recent
# customers (recency 3 or more) is never at high risk but "needs attention";
# a segment of customers who bought long ago (recency 1 or 2) is never at no
# or low risk; a lost customer is at high risk.
SEGMENT_RISKS = {
    "champions": ("none", "medium"),
    "loyal": ("none", "medium"),
    "potential": ("none", "medium"),
    "new": ("none", "medium"),
    "needs_attention": ("none", "high"),
    "at_risk": ("medium", "high"),
    "hibernating": ("medium", "high"),
    "lost": ("high", "high"),
}


class RfmThresholds(NamedTuple):
    """How a company scores its customers (ascending tuples of four)."""

    # From this many customers on, scores rank the customers against each
    # other (rank_score); below, the thresholds decide (threshold_scores).
    ranked_from: int
    # At most this many days since the last invoice: recency 5, 4, 3, 2 (else 1).
    recency_days: tuple
    # At least this many invoices in 12 months: frequency 2, 3, 4, 5 (else 1).
    invoices: tuple
    # At least this revenue in 12 months: monetary 2, 3, 4, 5 (else 1).
    revenue: tuple


RFM_DEFAULTS = RfmThresholds(
    ranked_from=100,
    recency_days=(30, 90, 180, 365),
    invoices=(2, 4, 6, 12),
    revenue=(1000.0, 5000.0, 20000.0, 50000.0),
)


def rank_score(below, above):
    """Score 1–5 of a customer's figure against the other customers': ``below``
    of them have a lower figure, ``above`` a higher one (those with the same
    figure count in neither).

    The share of the customers with another figure that have a lower one, in
    fifths: below 20 % scores 1, from 80 % on 5. The lowest figure always
    scores 1 and the highest 5, whatever the number of customers; with distinct
    figures, five customers or more use every score and many customers score
    in quintiles. Equal figures score the same; when every customer has the
    same figure (or there is one customer), nothing ranks it: 3.
    """
    others = below + above
    if not others:
        return 3
    return min(5, 1 + 5 * below // others)


def threshold_scores(days_since_last, invoice_count, revenue, thresholds):
    """RFM scores 1–5 from a company's absolute thresholds (see
    :class:`RfmThresholds`)."""
    recency = 5 - sum(days_since_last > days for days in thresholds.recency_days)
    frequency = 1 + sum(invoice_count >= count for count in thresholds.invoices)
    monetary = 1 + sum(revenue >= amount for amount in thresholds.revenue)
    return recency, frequency, monetary


def rfm_scores(figures, ranks, population, thresholds):
    """Recency, frequency and monetary scores (1 worst … 5 best) of a customer.

    ``figures``: days since its last invoice, invoices and revenue of 12
    months; ``ranks``: ``(below, above)`` for the date of its last invoice, its
    invoices and its revenue (see :func:`rank_score`); ``population``: the
    company's customers. Ranked from ``thresholds.ranked_from`` customers on,
    by the company's thresholds below: among a handful of customers, the last
    one to buy may well have bought yesterday.
    """
    if population >= thresholds.ranked_from:
        return tuple(rank_score(below, above) for below, above in ranks)
    return threshold_scores(*figures, thresholds)


def rfm_segment(recency, frequency, monetary):
    """Segment of a customer from its RFM scores (1 worst … 5 best each).

    The usual RFM grid, on recency and the mean of frequency and monetary value.
    """
    value = (frequency + monetary) / 2.0
    if recency >= 4:
        if value >= 4:
            return "champions"
        if value >= 3:
            return "loyal"
        return "potential" if value >= 2 else "new"
    if recency == 3:
        return "loyal" if value >= 3 else "needs_attention"
    if value >= 3:
        return "at_risk"
    return "hibernating" if recency == 2 else "lost"


def customer_standing(scores, risk, reasons):
    """Segment, churn risk and reasons of a customer, which agree
    (:data:`SEGMENT_RISKS`).

    ``scores``: its RFM scores; ``risk`` and ``reasons``: its churn assessment
    (:func:`churn_assessment`). The segment is the RFM grid's
    (:func:`rfm_segment`), but a recent customer at high churn risk (revenue
    halved and repeated complaints, say) is *at risk* when it is worth as
    much as a loyal customer, else *needs attention*; a customer who bought
    long ago is at least at the lowest risk of its segment, for its low
    recency (reason ``recency``).
    """
    segment = rfm_segment(*scores)
    lowest, highest = SEGMENT_RISKS[segment]
    level = CHURN_RISKS.index(risk)
    if level > CHURN_RISKS.index(highest):
        value = (scores[1] + scores[2]) / 2.0
        segment = "at_risk" if value >= 3 else "needs_attention"
    elif level < CHURN_RISKS.index(lowest):
        risk = lowest
        reasons = (*reasons, CHURN_RECENCY)
    return segment, risk, tuple(reasons)


def abc_class(share_before):
    """ABC class of a customer from the cumulative revenue share (in %) of the
    customers ranked before it (Pareto 80/15/5)."""
    for klass, limit in ABC_SHARES:
        if share_before < limit:
            return klass
    return "c"


def churn_assessment(
    days_since_last,
    invoice_count,
    revenue_recent,
    revenue_previous,
    complaint_count,
    repeated_complaints=3,
    period_days=365,
):
    """Churn risk (``none``, ``low``, ``medium``, ``high``) and its reasons.

    - ``late``: no invoice for more than twice the customer's usual interval
      between invoices (the period divided by its invoices), at least 60 days,
      or none at all during the period;
    - ``revenue_drop``: the last half-period's revenue fell below half of the
      half-period before;
    - ``complaints``: at least ``repeated_complaints`` complaints in the period.

    A customer without any invoice has no churn risk to assess (``none``).
    """
    if days_since_last is None:
        return "none", ()
    reasons = []
    if invoice_count:
        late = days_since_last > max(2 * period_days / invoice_count, 60)
    else:
        # Invoiced before, but not during the period.
        late = days_since_last > period_days
    if late:
        reasons.append(CHURN_LATE)
    if revenue_previous > 0 and revenue_recent < revenue_previous / 2:
        reasons.append(CHURN_DROP)
    if complaint_count >= repeated_complaints:
        reasons.append(CHURN_COMPLAINTS)
    risk = ("low", "medium", "high", "high")[len(reasons)]
    if CHURN_LATE in reasons and days_since_last > period_days:
        risk = "high"
    return risk, tuple(reasons)


def class_rank(klass):
    """Order of classes for upgrades and downgrades."""
    return (klass["min_revenue"] or 0, klass["min_invoice_count"] or 0)


def next_birthday(birthday, today):
    """The next date (today included) the birthday falls on; 29 February is
    celebrated on 28 February in common years."""
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")


def birthday_due(birthday, today, days_ahead, reminded_year):
    """The birthday to remind of now, or ``None``: within ``days_ahead`` days and
    not reminded yet for that year."""
    if not birthday:
        return None
    day = next_birthday(birthday, today)
    if day - today > timedelta(days=days_ahead):
        return None
    if reminded_year and reminded_year >= day.year:
        return None
    return day
