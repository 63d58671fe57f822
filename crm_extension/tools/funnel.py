"""Arithmetic of the sales funnel and of the customer lifecycle.

The funnel has five phases, in order. A stay in a stage ends in one of a few ways
(``exit_type``); the funnel report counts an opportunity as moved on from a phase
when, after a stay in it, it reached a later phase (:func:`moved_on`). The customer
lifecycle moves only on business events; :func:`next_lifecycle_stage` says where an
event takes it.
"""

FUNNEL_PHASES = ("potential", "shortlisted", "tracking", "near_close", "won")
# The last phase: the funnel ends there (no time to spend, no phase to go on to).
WON_PHASE = FUNNEL_PHASES[-1]
# A lost (or archived) opportunity is kept in its own state in the stage history.
LOST_PHASE = "lost"

EXIT_FORWARD = "forward"
EXIT_BACKWARD = "backward"
EXIT_SAME_PHASE = "same_phase"
EXIT_WON = "won"
EXIT_LOST = "lost"
EXIT_REOPENED = "reopened"
EXIT_TYPES = (
    EXIT_FORWARD,
    EXIT_BACKWARD,
    EXIT_SAME_PHASE,
    EXIT_WON,
    EXIT_LOST,
    EXIT_REOPENED,
)
# The exits that go straight to a later phase.
CONVERTING_EXITS = (EXIT_FORWARD, EXIT_WON)

LIFECYCLE_STAGES = ("target", "intention", "deal", "vip", "dormant")
EVENT_OPPORTUNITY = "opportunity"
EVENT_DEAL = "deal"
EVENT_KEY_CUSTOMER = "key_customer"
EVENT_NOT_KEY_CUSTOMER = "not_key_customer"
EVENT_DORMANT = "dormant"


def phase_rank(phase):
    """Position of a phase in the funnel (0 for potential ... 4 for won).

    Unknown or empty phases rank before the funnel (-1).
    """
    try:
        return FUNNEL_PHASES.index(phase)
    except ValueError:
        return -1


def exit_type(from_phase, to_phase):
    """How a stay in ``from_phase`` ends when the lead moves to ``to_phase``.

    ``to_phase`` is a funnel phase, or :data:`LOST_PHASE` when the lead is lost or
    archived. Leaving the lost state or a won stage is a reopening.
    """
    if to_phase == LOST_PHASE:
        return EXIT_LOST
    if from_phase == LOST_PHASE:
        return EXIT_REOPENED
    if from_phase == "won":
        return EXIT_SAME_PHASE if to_phase == "won" else EXIT_REOPENED
    if to_phase == "won":
        return EXIT_WON
    before, after = phase_rank(from_phase), phase_rank(to_phase)
    if after > before:
        return EXIT_FORWARD
    if after < before:
        return EXIT_BACKWARD
    return EXIT_SAME_PHASE


def moved_on(phase, following_phases):
    """Whether an opportunity moved on from a stay in ``phase``: one of the
    phases of its following stays (``following_phases``, in any order) is later
    in the funnel. Winning is the last phase; the lost state is none (a lost
    opportunity reopened and moved on later still counts)."""
    rank = phase_rank(phase)
    return any(
        phase_rank(after) > rank for after in following_phases if after != LOST_PHASE
    )


def next_lifecycle_stage(current, event):
    """Lifecycle stage of a customer after a business event.

    ``current`` is one of :data:`LIFECYCLE_STAGES` (or empty for a new customer,
    read as ``target``). Events:

    - ``opportunity``: an opportunity is opened; a target shows intention.
    - ``deal``: an order is confirmed or an invoice posted; anybody but a VIP has
      a deal (a dormant customer is back).
    - ``key_customer``: a customer with a deal becomes a key customer: VIP.
    - ``not_key_customer``: a VIP is no longer a key customer: back to deal.
    - ``dormant``: a customer with a deal stopped buying.
    """
    current = current or "target"
    if event == EVENT_OPPORTUNITY:
        return "intention" if current == "target" else current
    if event == EVENT_DEAL:
        return current if current == "vip" else "deal"
    if event == EVENT_KEY_CUSTOMER:
        return "vip" if current in ("deal", "vip") else current
    if event == EVENT_NOT_KEY_CUSTOMER:
        return "deal" if current == "vip" else current
    if event == EVENT_DORMANT:
        return "dormant" if current in ("deal", "vip") else current
    raise ValueError(f"unknown lifecycle event: {event!r}")
