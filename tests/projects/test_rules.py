"""The fund formula, money to the fen and the masking of private people, with no database."""
from __future__ import annotations

from decimal import Decimal

import pytest

from neighbourhood.projects.rules import CommunityType, annual_fund, fen, mask_person


@pytest.mark.parametrize("kind, residents, expected", [
    (CommunityType.CITY, 0, "100000.00"),
    (CommunityType.CITY, 100, "101500.00"),
    (CommunityType.CITY, 12800, "292000.00"),
    (CommunityType.RURAL, 0, "250000.00"),
    (CommunityType.RURAL, 100, "254000.00"),
    ("rural", 3456, "388240.00"),
    ("city", 3456, "151840.00"),
])
def test_a_city_community_gets_100000_plus_1500_per_100_residents_and_a_rural_one_250000_plus_4000(
        kind, residents, expected):
    assert annual_fund(kind, residents) == Decimal(expected)


@pytest.mark.parametrize("kind, residents, expected", [
    (CommunityType.CITY, 1, "100015.00"),      # ¥15 a resident, not rounded to whole hundreds
    (CommunityType.CITY, 99, "101485.00"),
    (CommunityType.CITY, 101, "101515.00"),
    (CommunityType.RURAL, 1, "250040.00"),     # ¥40 a resident
    (CommunityType.RURAL, 199, "257960.00"),
])
def test_residents_beyond_a_whole_hundred_count_pro_rata(kind, residents, expected):
    assert annual_fund(kind, residents) == Decimal(expected)


def test_the_fund_is_exact_to_the_fen():
    amount = annual_fund(CommunityType.CITY, 777)
    assert amount == Decimal("111655.00") and amount.as_tuple().exponent == -2


@pytest.mark.parametrize("residents", [-1, True, False, 12.0, 12.5, "100", None, Decimal("100")])
def test_the_resident_count_must_be_a_whole_number_of_zero_or_more(residents):
    with pytest.raises(ValueError):
        annual_fund(CommunityType.CITY, residents)


def test_an_unknown_community_type_is_refused():
    with pytest.raises(ValueError):
        annual_fund("suburban", 100)


@pytest.mark.parametrize("amount, expected", [
    ("12.30", "12.30"), ("12.3", "12.30"), ("7", "7.00"), (7, "7.00"), (Decimal("0.01"), "0.01"),
    ("-5.50", "-5.50"), ("1200.00", "1200.00"),
])
def test_money_is_kept_exactly_to_the_fen(amount, expected):
    value = fen(amount)
    assert value == Decimal(expected) and str(value) == expected


@pytest.mark.parametrize("amount", [0.1, 12.0, True])
def test_money_given_as_a_float_or_bool_is_refused(amount):
    with pytest.raises(TypeError):
        fen(amount)


@pytest.mark.parametrize("amount", ["12.345", "0.001", Decimal("1.999"), "NaN", "Infinity", "-Infinity"])
def test_money_with_more_than_two_decimals_or_not_finite_is_refused(amount):
    with pytest.raises(ValueError):
        fen(amount)


@pytest.mark.parametrize("name, shown", [
    ("王秀英", "王**"), ("李明", "李*"), ("王", "王*"), ("Li Wei", "L*****"), ("  张三  ", "张*"),
    ("", ""), ("   ", ""), (None, ""),
])
def test_a_private_person_is_shown_with_only_the_first_character(name, shown):
    assert mask_person(name) == shown
