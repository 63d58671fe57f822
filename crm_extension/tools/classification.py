"""Rules of the customer classification (required-field templates)."""


def is_value_set(value):
    """Tell whether a field value counts as filled in for a required-field template.

    ``False``, ``None``, empty strings (also white space only), empty collections and
    zero count as missing: a template that requires the registered capital or the
    number of stores wants a real figure, not Odoo's default ``0``.
    """
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (int, float)):
        return value != 0
    try:
        return len(value) > 0
    except TypeError:
        return bool(value)


def missing_required_fields(values, required):
    """Return the names in ``required`` whose value in ``values`` is not set.

    ``values`` maps field names to values: a dict, or anything indexable by field
    name such as an Odoo record (a name it does not hold counts as missing);
    ``required`` is an iterable of field names. The result keeps the order of
    ``required`` and lists each name once.
    """
    missing = []
    seen = set()
    for name in required:
        if name in seen:
            continue
        seen.add(name)
        try:
            value = values[name]
        except KeyError:
            value = None
        if not is_value_set(value):
            missing.append(name)
    return missing
