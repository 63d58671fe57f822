"""Rules of the required-field templates of customer classes (no Odoo needed)."""

import sys
from collections import OrderedDict

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_extension_tools import classification, is_value_set, missing_required_fields

FIELD_NAMES = st.sampled_from(
    ["name", "phone", "email", "vat", "store_count", "registered_capital", "website"]
)
SET_VALUES = st.one_of(
    st.text(min_size=1).filter(lambda s: s.strip()),
    st.integers().filter(lambda n: n != 0),
    st.floats(allow_nan=False).filter(lambda x: x != 0),
    st.lists(st.integers(), min_size=1),
    st.just(True),
)
UNSET_VALUES = st.one_of(
    st.none(),
    st.just(False),
    st.just(0),
    st.just(0.0),
    st.text(alphabet=" \t\n\r\u3000", max_size=5),
    st.just([]),
    st.just(()),
    st.just({}),
)
ANY_VALUES = st.one_of(SET_VALUES, UNSET_VALUES)


class Record:
    """Indexable by field name like an Odoo record; an unknown name is a KeyError."""

    def __init__(self, values):
        self._values = dict(values)

    def __getitem__(self, name):
        return self._values[name]


def test_tools_load_without_odoo():
    assert classification.__name__ == "crm_extension_tools.classification"
    assert "odoo" not in sys.modules
    assert "crm_extension" not in sys.modules


@pytest.mark.parametrize(
    "value",
    [None, False, "", "   ", "\t\n", "\u3000", 0, 0.0, [], (), {}, set(), frozenset()],
)
def test_unset_values(value):
    assert is_value_set(value) is False


@pytest.mark.parametrize(
    "value",
    ["x", " x ", "张", 1, -1, 0.5, 12_000_000, [0], ("a",), {"k": None}, True],
)
def test_set_values(value):
    assert is_value_set(value) is True


def test_object_without_length_uses_truthiness():
    class Empty:
        def __bool__(self):
            return False

    class Filled:
        pass

    assert is_value_set(Empty()) is False
    assert is_value_set(Filled()) is True


def test_missing_fields_listed_in_required_order():
    values = {"name": "Huaxing", "phone": "", "email": None, "vat": "9144"}
    assert missing_required_fields(values, ["email", "vat", "phone", "website"]) == [
        "email",
        "phone",
        "website",
    ]


def test_duplicate_required_names_reported_once():
    assert missing_required_fields({}, ["phone", "email", "phone"]) == [
        "phone",
        "email",
    ]


def test_record_like_mapping_missing_name_counts_as_missing():
    record = Record({"name": "Anna", "phone": "+49 89 1234"})
    assert missing_required_fields(record, ["phone", "mobile"]) == ["mobile"]


def test_nothing_required_nothing_missing():
    assert missing_required_fields({"name": ""}, []) == []


def test_required_may_be_any_iterable():
    values = {"phone": "1"}
    assert missing_required_fields(values, iter(["phone", "email"])) == ["email"]
    assert missing_required_fields(values, ("email",)) == ["email"]


@given(st.dictionaries(FIELD_NAMES, ANY_VALUES), st.lists(FIELD_NAMES))
def test_missing_is_ordered_unique_subset_of_required(values, required):
    missing = missing_required_fields(values, required)
    assert len(missing) == len(set(missing))
    assert set(missing) <= set(required)
    # Same relative order as the first occurrence of each name in `required`.
    first_seen = list(OrderedDict.fromkeys(required))
    assert missing == [name for name in first_seen if name in missing]


@given(st.dictionaries(FIELD_NAMES, ANY_VALUES), st.lists(FIELD_NAMES))
def test_a_name_is_missing_exactly_when_its_value_is_not_set(values, required):
    missing = set(missing_required_fields(values, required))
    for name in required:
        assert (name in missing) == (not is_value_set(values.get(name)))


@given(st.dictionaries(FIELD_NAMES, SET_VALUES), st.lists(FIELD_NAMES))
def test_all_values_set_means_nothing_missing(values, required):
    required = [name for name in required if name in values]
    assert missing_required_fields(values, required) == []


@given(st.dictionaries(FIELD_NAMES, ANY_VALUES), st.lists(FIELD_NAMES, min_size=1))
def test_names_absent_from_the_mapping_are_missing(values, required):
    absent = [name for name in required if name not in values]
    assume(absent)
    missing = missing_required_fields(Record(values), required)
    assert set(absent) <= set(missing)


@given(
    st.dictionaries(FIELD_NAMES, ANY_VALUES),
    st.lists(FIELD_NAMES),
    FIELD_NAMES,
    SET_VALUES,
)
def test_filling_a_field_never_adds_missing_fields(values, required, name, value):
    before = missing_required_fields(values, required)
    after = missing_required_fields({**values, name: value}, required)
    assert name not in after
    assert set(after) <= set(before)
    assert after == [field for field in before if field != name]
