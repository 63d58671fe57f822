"""Pure business rules of crm_extension.

Nothing in this package imports ``odoo``: the rules are plain functions so that they
can be tested on any machine (see the repository's ``tests/`` folder) and reused by
the models.
"""

from .classification import is_value_set, missing_required_fields
from .committee import committee_flags, primary_count
from .complaint import (
    SLA_BREACHED,
    SLA_PAUSED,
    WorkingTime,
    escalation_due,
    exclude_periods,
    first_readers,
    plan_working_hours,
    sla_status,
)
from .funnel import (
    FUNNEL_PHASES,
    LIFECYCLE_STAGES,
    LOST_PHASE,
    WON_PHASE,
    exit_type,
    moved_on,
    next_lifecycle_stage,
    phase_rank,
)
from .value import (
    ABC_SHARES,
    CHURN_REASONS,
    CHURN_RISKS,
    RFM_DEFAULTS,
    RFM_SEGMENTS,
    SEGMENT_RISKS,
    RfmThresholds,
    abc_class,
    birthday_due,
    churn_assessment,
    class_rank,
    customer_standing,
    next_birthday,
    rank_score,
    rfm_scores,
    rfm_segment,
    threshold_scores,
)
from .normalize import (
    is_valid_uscc,
    normalize_name,
    normalize_name_core,
    normalize_phone_digits,
    normalize_vat,
    to_e164,
)

__all__ = [
    "ABC_SHARES",
    "CHURN_REASONS",
    "CHURN_RISKS",
    "RFM_DEFAULTS",
    "RFM_SEGMENTS",
    "SEGMENT_RISKS",
    "RfmThresholds",
    "abc_class",
    "birthday_due",
    "churn_assessment",
    "class_rank",
    "customer_standing",
    "next_birthday",
    "rank_score",
    "rfm_scores",
    "rfm_segment",
    "threshold_scores",
    "FUNNEL_PHASES",
    "LIFECYCLE_STAGES",
    "LOST_PHASE",
    "WON_PHASE",
    "exit_type",
    "moved_on",
    "next_lifecycle_stage",
    "phase_rank",
    "plan_working_hours",
    "committee_flags",
    "escalation_due",
    "exclude_periods",
    "first_readers",
    "SLA_BREACHED",
    "SLA_PAUSED",
    "WorkingTime",
    "is_valid_uscc",
    "is_value_set",
    "missing_required_fields",
    "normalize_name",
    "normalize_name_core",
    "normalize_phone_digits",
    "normalize_vat",
    "primary_count",
    "sla_status",
    "to_e164",
]
