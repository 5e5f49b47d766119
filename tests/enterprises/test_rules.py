"""The rules of the 15-minute circle with no database: distances from stored coordinates, minutes on foot, the
square the database narrows to, coordinates worth storing, and until when a resident may cancel."""
import math
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from neighbourhood.enterprises import rules
from neighbourhood.enterprises.models import BookingStatus
from tests.enterprises.helpers import FAR, HOME, NEAR


def test_a_point_0_0036_degrees_of_latitude_north_is_about_400_m_away():
    assert 398 <= rules.distance_m(*HOME, *NEAR) <= 402
    assert rules.distance_m(*NEAR, *HOME) == rules.distance_m(*HOME, *NEAR)


def test_the_far_point_is_about_2_km_away_and_a_point_is_0_m_from_itself():
    assert 1995 <= rules.distance_m(*HOME, *FAR) <= 2010
    assert rules.distance_m(*HOME, *HOME) == 0


def test_a_degree_of_longitude_shrinks_with_latitude():
    """At Chengdu's latitude (about 30.6°) a degree east is cos(30.6°) of a degree north."""
    north = rules.distance_m(HOME[0], HOME[1], HOME[0] + Decimal("0.01"), HOME[1])
    east = rules.distance_m(HOME[0], HOME[1], HOME[0], HOME[1] + Decimal("0.01"))
    assert east == pytest.approx(north * math.cos(math.radians(30.6367)), rel=0.01)


def test_distance_takes_strings_floats_and_decimals_alike():
    assert rules.distance_m("30.6367", "104.0529", 30.6403, 104.0529) == rules.distance_m(*HOME, *NEAR)


@pytest.mark.parametrize("metres, minutes", [(0, 1), (1, 1), (66, 1), (67, 2), (400, 6), (1000, 15), (1001, 16),
                                             (2000, 30)])
def test_walking_minutes_count_1_km_as_15_minutes_rounded_up(metres, minutes):
    assert rules.walking_minutes(metres) == minutes


def test_the_circle_is_one_kilometre():
    assert rules.CIRCLE_M == 1000
    assert rules.walking_minutes(rules.CIRCLE_M) == 15


def _point_at(lat, lon, metres, bearing_degrees):
    """The point `metres` from (lat, lon) in a direction, on a sphere of the rules' radius."""
    lat1, lon1, bearing = math.radians(float(lat)), math.radians(float(lon)), math.radians(bearing_degrees)
    angle = metres / rules.EARTH_RADIUS_M
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing))
    lon2 = lon1 + math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(lat1),
                             math.cos(angle) - math.sin(lat1) * math.sin(lat2))
    return math.degrees(lat2), math.degrees(lon2)


@pytest.mark.parametrize("centre", [HOME, (Decimal("0"), Decimal("0")), (Decimal("60.0"), Decimal("25.0")),
                                    (Decimal("-33.9"), Decimal("151.2"))])
@pytest.mark.parametrize("metres", [300, 1000, 2500])
def test_the_bounding_box_holds_every_point_of_the_circle(centre, metres):
    low_lat, high_lat, low_lon, high_lon = rules.bounding_box(*centre, metres)
    assert low_lat < centre[0] < high_lat and low_lon < centre[1] < high_lon
    for bearing in range(0, 360, 15):
        lat, lon = _point_at(*centre, metres, bearing)
        assert rules.distance_m(*centre, lat, lon) == pytest.approx(metres, abs=1)
        assert low_lat <= Decimal(str(lat)) <= high_lat and low_lon <= Decimal(str(lon)) <= high_lon, bearing


def test_the_bounding_box_is_not_much_larger_than_the_circle():
    low_lat, high_lat, low_lon, high_lon = rules.bounding_box(*HOME, 1000)
    assert 1000 <= rules.distance_m(HOME[0], HOME[1], high_lat, HOME[1]) <= 1010
    assert 1000 <= rules.distance_m(HOME[0], HOME[1], HOME[0], low_lon) <= 1010


def test_the_bounding_box_is_in_stored_precision():
    for value in rules.bounding_box(*HOME, 1000):
        assert isinstance(value, Decimal) and value == value.quantize(Decimal("0.000001"))


@pytest.mark.parametrize("lat, lon", [(30.6367, 104.0529), ("30.6367", "104.0529"), (90, 180), (-90, -180), (0, 0),
                                      (Decimal("30.636700"), Decimal("104.052900"))])
def test_coordinates_on_the_globe_are_valid(lat, lon):
    assert rules.valid_coordinates(lat, lon)


@pytest.mark.parametrize("lat, lon", [(90.01, 0), (-90.5, 0), (0, 180.1), (0, -181), (None, 104), (30, None),
                                      ("north", "104"), ("", "")])
def test_other_coordinates_are_not(lat, lon):
    assert not rules.valid_coordinates(lat, lon)


STARTS = datetime(2025, 5, 10, 11, 30)


def test_a_request_can_be_withdrawn_until_it_is_answered_even_after_its_slot():
    assert rules.resident_may_cancel(BookingStatus.REQUESTED, STARTS, STARTS + timedelta(days=1))
    assert rules.resident_may_cancel(BookingStatus.REQUESTED, None, STARTS)


@pytest.mark.parametrize("before, allowed", [(timedelta(days=1), True), (timedelta(hours=2, seconds=1), True),
                                             (timedelta(hours=2), True), (timedelta(hours=2) - timedelta(seconds=1),
                                                                          False),
                                             (timedelta(minutes=30), False), (timedelta(0), False),
                                             (-timedelta(hours=1), False)])
def test_an_accepted_booking_is_cancelled_here_until_two_hours_before_its_slot(before, allowed):
    assert rules.resident_may_cancel(BookingStatus.ACCEPTED, STARTS, STARTS - before) is allowed


def test_an_accepted_inquiry_without_a_slot_can_always_be_cancelled():
    assert rules.resident_may_cancel(BookingStatus.ACCEPTED, None, STARTS)


@pytest.mark.parametrize("status", [BookingStatus.DECLINED, BookingStatus.COMPLETED, BookingStatus.CANCELLED])
def test_a_settled_booking_cannot_be_cancelled(status):
    assert not rules.resident_may_cancel(status, STARTS, STARTS - timedelta(days=3))
    assert not rules.resident_may_cancel(status, None, STARTS)


def test_only_open_bookings_move_on():
    assert set(rules.OPEN) == set(rules.NEXT_BY_ENTERPRISE) == set(rules.NEXT_BY_RESIDENT)
    assert rules.NEXT_BY_RESIDENT[BookingStatus.REQUESTED] == {BookingStatus.CANCELLED}
    assert BookingStatus.COMPLETED in rules.NEXT_BY_ENTERPRISE[BookingStatus.ACCEPTED]
    assert BookingStatus.COMPLETED not in rules.NEXT_BY_ENTERPRISE[BookingStatus.REQUESTED]
