"""Rules of an opportunity's buying committee."""


def committee_flags(lines):
    """Return ``(has_decision_maker, has_opponent)`` for committee lines.

    Each line is a mapping with the keys ``is_decision_maker`` (its role decides),
    ``is_opponent`` (its role is an opponent role) and ``stance`` (``support``,
    ``neutral`` or ``oppose``). A member counts as an opponent when the role says so
    or when the member's stance is ``oppose``, whatever the role.
    """
    has_decision_maker = False
    has_opponent = False
    for line in lines:
        if line.get("is_decision_maker"):
            has_decision_maker = True
        if line.get("is_opponent") or line.get("stance") == "oppose":
            has_opponent = True
    return has_decision_maker, has_opponent


def primary_count(lines):
    """Number of committee lines marked as the primary contact."""
    return sum(1 for line in lines if line.get("is_primary"))
