"""The pure rules of volunteering: hours from check-in and check-out, coins for hours, the numbers the platform
gives, the signed check-in link of a shift's QR code, and the cancellation cutoff."""
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from itsdangerous import URLSafeSerializer

from neighbourhood.volunteering import rules

NINE = datetime(2026, 11, 28, 1, 0)   # 09:00 in Chengdu, as naive UTC
SECRET = "a-secret-key-for-tests"


@pytest.mark.parametrize("served, hours", [
    (timedelta(hours=1, minutes=59, seconds=30), "2.0"),
    (timedelta(minutes=10), "0.2"),
    (timedelta(minutes=3), "0.1"),          # 0.05 h rounds half up
    (timedelta(minutes=2, seconds=59), "0.0"),
    (timedelta(hours=3, minutes=15), "3.3"),  # 3.25 h rounds half up
    (timedelta(0), "0.0"),
    (timedelta(hours=-1), "0.0"),           # a check-out before the check-in never takes hours away
])
def test_hours_are_counted_to_a_tenth_half_up_and_never_negative(served, hours):
    assert rules.hours_between(NINE, NINE + served) == Decimal(hours)


def test_one_hour_is_one_time_coin_to_the_hundredth():
    assert rules.coins_for(Decimal("2.5")) == Decimal("2.50")
    assert rules.coins_for(Decimal("0")) == Decimal("0.00")
    assert str(rules.coins_for(Decimal("3.3"))) == "3.30"


def test_volunteer_numbers_carry_the_year_and_a_six_digit_serial():
    assert rules.volunteer_number(2026, 17) == "LL2026000017"
    assert rules.volunteer_number(2027, 123456) == "LL2027123456"


def test_certificate_numbers_are_random_and_use_only_unmistakable_characters():
    numbers = {rules.certificate_number(2026) for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert re.fullmatch(r"ZY2026-[2-9A-HJKMNP-Z]{8}", number), number


def test_a_check_in_token_round_trips_until_it_expires():
    until = rules.check_in_valid_until(NINE + timedelta(hours=2))
    assert until == NINE + timedelta(hours=4)
    token = rules.check_in_token(SECRET, 42, until)
    assert rules.read_check_in_token(SECRET, token, NINE) == (42, False)
    assert rules.read_check_in_token(SECRET, token, until) == (42, False)
    assert rules.read_check_in_token(SECRET, token, until + timedelta(seconds=1)) == (42, True)


def test_a_forged_or_foreign_check_in_token_reads_as_nothing():
    token = rules.check_in_token(SECRET, 42, NINE)
    assert rules.read_check_in_token("another-key", token, NINE) == (None, False)
    assert rules.read_check_in_token(SECRET, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), NINE) \
        == (None, False)
    assert rules.read_check_in_token(SECRET, "not-a-token", NINE) == (None, False)
    assert rules.read_check_in_token(SECRET, "", NINE) == (None, False)


def test_a_token_signed_for_something_else_is_not_a_check_in_token():
    other_salt = URLSafeSerializer(SECRET, salt="something-else").dumps({"shift": 42, "until": 9999999999})
    assert rules.read_check_in_token(SECRET, other_salt, NINE) == (None, False)
    wrong_shape = URLSafeSerializer(SECRET, salt=rules.CHECK_IN_SALT).dumps({"shift": "42", "until": 9999999999})
    assert rules.read_check_in_token(SECRET, wrong_shape, NINE) == (None, False)
    a_list = URLSafeSerializer(SECRET, salt=rules.CHECK_IN_SALT).dumps([42])
    assert rules.read_check_in_token(SECRET, a_list, NINE) == (None, False)


def test_volunteers_may_cancel_up_to_the_cutoff_and_not_a_second_later():
    starts = NINE + timedelta(days=1)
    assert rules.may_cancel(starts, 12, starts - timedelta(hours=12))
    assert not rules.may_cancel(starts, 12, starts - timedelta(hours=12) + timedelta(seconds=1))
    assert rules.may_cancel(starts, 0, starts)
    assert not rules.may_cancel(starts, 0, starts + timedelta(seconds=1))
