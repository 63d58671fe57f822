"""Customer value rules: RFM segments, ABC classes, churn risk, class upgrades."""

from datetime import date, timedelta

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
CHURN_REASONS = (CHURN_LATE, CHURN_DROP, CHURN_COMPLAINTS)


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
