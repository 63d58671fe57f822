"""The addon's numeric settings (system parameters) and their bounds.

One table for the check made when a setting is saved (settings form or system
parameters) and for the code that reads it back, which never fails on a value
saved before the check existed: it falls back on the default, within bounds.
"""

from itertools import pairwise

# key: (lowest, highest, default)
INT_SETTINGS = {
    "crm_extension.protection_days": (0, 3650, 0),
    "crm_extension.birthday_days_ahead": (0, 60, 7),
    "crm_extension.complaint_follow_up_days": (0, 365, 3),
    "crm_extension.repeated_complaints": (1, 1000, 3),
}
# Days without a purchase before a customer is dormant (a company setting).
DORMANT_DAYS_BOUNDS = (0, 3650)
# Days during which a merge of customers can be undone (a company setting).
MERGE_UNDO_DAYS_BOUNDS = (1, 3650)
# How a company scores its customers (company settings, see
# tools.value.RfmThresholds): customers from which scores rank, days since the
# last invoice, invoices and revenue (no highest) of the thresholds.
RFM_RANKED_FROM_BOUNDS = (1, 10_000_000)
RFM_DAYS_BOUNDS = (0, 3650)
RFM_INVOICES_BOUNDS = (1, 100_000)
RFM_REVENUE_BOUNDS = (0, None)


def parse_int_setting(key, raw):
    """The value of setting ``key`` stored as ``raw`` (a string, or ``None``):
    an int within the setting's bounds, the default when ``raw`` is empty or no
    integer, the nearest bound when it is out of them."""
    low, high, default = INT_SETTINGS[key]
    try:
        value = int(str(raw).strip()) if raw not in (None, False, "") else default
    except ValueError:
        return default
    return min(max(value, low), high)


def int_setting_error(key, raw):
    """``None`` when ``raw`` may be saved for setting ``key``, else
    ``(lowest, highest)`` for the error message."""
    if key not in INT_SETTINGS or raw in (None, False, ""):
        return None
    low, high, _default = INT_SETTINGS[key]
    try:
        value = int(str(raw).strip())
    except ValueError:
        return low, high
    return None if low <= value <= high else (low, high)


def thresholds_problem(values, bounds):
    """``None`` when ``values`` (a ladder of thresholds) may be saved: each
    within ``bounds`` (lowest, highest or ``None``) and greater than the one
    before; else ``"bounds"`` or ``"order"``, what is wrong."""
    low, high = bounds
    if any(value < low or (high is not None and value > high) for value in values):
        return "bounds"
    if any(after <= before for before, after in pairwise(values)):
        return "order"
    return None
