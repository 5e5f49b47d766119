"""The registry service: registering (by an operator, by the station), the profile and operator links, every
certification decision allowed and refused with its required fields, the operators told, and the yearly income
report (one per year, replaced; returned within income; exact money only)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import Role
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.enterprises import registry
from neighbourhood.enterprises.models import EnterpriseOperator, EnterpriseStatus, IncomeReport
from neighbourhood.notifications.models import Notification
from tests import factories
from tests.enterprises.helpers import NEAR, enterprise as make_enterprise

S = EnterpriseStatus


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def decided_notices(session, user) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.kind == "enterprise.decided")))


def operator_ids(session, enterprise) -> set[int]:
    return set(session.scalars(select(EnterpriseOperator.user_id)
                               .where(EnterpriseOperator.enterprise_id == enterprise.id)))


def certify(session, world, found, **changes):
    values = {"certificate_number": "成社企认字2024第018号", "owning_committee": "玉林社区居民委员会",
              "committed_return_percent": 60, "note": ""}
    values.update(changes)
    return registry.certify(session, enterprise=found, by=world.users["station"], **values)


# --- registering ---------------------------------------------------------------------------------------------------

def test_an_operator_registers_and_runs_their_enterprise(session, world):
    operator = world.users["enterprise"]
    made = registry.register(session, compound=world.compound, by=operator, name="  玉林邻里食堂 ",
                             description="为老人提供午餐。", contact_phone="028-85551234",
                             latitude="30.6403", longitude=Decimal("104.0529"))
    assert made.status is S.PENDING and made.name == "玉林邻里食堂" and not made.on_circle
    assert made.community_id == world.community.id and made.registered_by_id == operator.id
    assert made.latitude == Decimal("30.640300") and made.longitude == Decimal("104.052900")
    assert operator_ids(session, made) == {operator.id}
    assert "enterprise.registered" in actions(session)


def test_station_staff_register_for_an_operator_then_link_them(app, session, world):
    station, operator = world.users["station"], world.users["enterprise"]
    made = registry.register(session, compound=world.compound, by=station, name="芳邻家政")
    assert operator_ids(session, made) == set() and made.latitude is None
    registry.add_operator(session, enterprise=made, by=station, user=operator)
    assert operator_ids(session, made) == {operator.id}
    with pytest.raises(DomainError):
        registry.add_operator(session, enterprise=made, by=station, user=operator)
    # Only a holder of the operator role in the enterprise's own compound.
    with pytest.raises(DomainError):
        registry.add_operator(session, enterprise=made, by=station, user=world.users["resident"])
    elsewhere = factories.user(session, app.config, display_name="别处社企")
    factories.role(session, elsewhere, Role.ENTERPRISE_OPERATOR, compound_obj=world.other_compound)
    with pytest.raises(DomainError):
        registry.add_operator(session, enterprise=made, by=station, user=elsewhere)
    assert actions(session).count("enterprise.operator_added") == 1


@pytest.mark.parametrize("lat, lon", [("30.6", None), (None, "104.05"), ("91", "104"), ("30", "181"), ("x", "1")])
def test_coordinates_come_in_pairs_on_the_globe(session, world, lat, lon):
    with pytest.raises(DomainError):
        registry.register(session, compound=world.compound, by=world.users["enterprise"], name="食堂",
                          latitude=lat, longitude=lon)


def test_a_name_is_required_and_fields_keep_their_length(session, world):
    with pytest.raises(DomainError):
        registry.register(session, compound=world.compound, by=world.users["enterprise"], name="   ")
    with pytest.raises(DomainError):
        registry.register(session, compound=world.compound, by=world.users["enterprise"], name="食堂",
                          contact_phone="1" * 21)


def test_updating_the_profile_names_what_changed(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    by = world.users["enterprise"]
    changed = registry.update_profile(session, enterprise=found, by=by, name=found.name, opening_hours="每天 9:00–20:00",
                                      latitude=None, longitude=None)
    assert changed == ["opening_hours", "latitude", "longitude"] and found.latitude is None
    assert registry.update_profile(session, enterprise=found, by=by, name=found.name) == []
    with pytest.raises(DomainError):
        registry.update_profile(session, enterprise=found, by=by, latitude=NEAR[0])
    with pytest.raises(TypeError):
        registry.update_profile(session, enterprise=found, by=by, status="certified")
    assert actions(session).count("enterprise.updated") == 1


# --- the station's decisions ---------------------------------------------------------------------------------------

ALLOWED = [(S.PENDING, "certify"), (S.LISTED, "certify"), (S.SUSPENDED, "certify"),
           (S.PENDING, "list"), (S.CERTIFIED, "list"), (S.SUSPENDED, "list"),
           (S.PENDING, "suspend"), (S.CERTIFIED, "suspend"), (S.LISTED, "suspend")]
REFUSED = [(S.CERTIFIED, "certify"), (S.LISTED, "list"), (S.SUSPENDED, "suspend")]
RESULT = {"certify": S.CERTIFIED, "list": S.LISTED, "suspend": S.SUSPENDED}


def decide(session, world, found, decision):
    station = world.users["station"]
    if decision == "certify":
        return certify(session, world, found)
    if decision == "list":
        return registry.list_as_provider(session, enterprise=found, by=station, note="撤销认定：未按承诺返还")
    return registry.suspend(session, enterprise=found, by=station, reason="食品安全检查未通过")


@pytest.mark.parametrize("start, decision", ALLOWED)
def test_every_allowed_decision_is_recorded_and_told(session, world, start, decision):
    operator = world.users["enterprise"]
    found = make_enterprise(session, world.compound, operator, status=start)
    decide(session, world, found, decision)
    assert found.status is RESULT[decision] and found.decided_by_id == world.users["station"].id
    assert found.decided_at is not None
    assert actions(session)[-1] == f"enterprise.{RESULT[decision].value}"
    [notice] = decided_notices(session, operator)
    assert notice.params == {"enterprise": found.name, "status": RESULT[decision].value}
    assert notice.url == f"/enterprises/{found.id}"
    # The station is not told of its own decision.
    assert decided_notices(session, world.users["station"]) == []


@pytest.mark.parametrize("start, decision", REFUSED)
def test_a_repeated_decision_is_refused(session, world, start, decision):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=start)
    with pytest.raises(DomainError):
        decide(session, world, found, decision)
    assert found.status is start and decided_notices(session, world.users["enterprise"]) == []


def test_certification_keeps_its_facts_and_listing_clears_them(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=S.PENDING)
    certify(session, world, found, note=" 材料齐全 ")
    assert (found.certificate_number, found.owning_committee, found.committed_return_percent,
            found.decision_note) == ("成社企认字2024第018号", "玉林社区居民委员会", 60, "材料齐全")
    with pytest.raises(DomainError):   # taking a certification away needs a reason
        registry.list_as_provider(session, enterprise=found, by=world.users["station"], note=" ")
    registry.list_as_provider(session, enterprise=found, by=world.users["station"], note="未按承诺返还收益")
    assert (found.certificate_number, found.owning_committee, found.committed_return_percent) == ("", "", None)


@pytest.mark.parametrize("changes", [
    {"certificate_number": " "}, {"owning_committee": ""}, {"certificate_number": "号" * 61},
    {"committed_return_percent": 0}, {"committed_return_percent": 101}, {"committed_return_percent": None},
    {"committed_return_percent": True}, {"committed_return_percent": 50.0}, {"note": "长" * 501},
])
def test_certification_needs_its_facts(session, world, changes):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=S.PENDING)
    with pytest.raises(DomainError):
        certify(session, world, found, **changes)
    assert found.status is S.PENDING


@pytest.mark.parametrize("percent", [1, 100])
def test_the_committed_return_may_be_any_share_up_to_all(session, world, percent):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=S.PENDING)
    certify(session, world, found, committed_return_percent=percent)
    assert found.committed_return_percent == percent


def test_a_suspension_needs_a_reason(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    with pytest.raises(DomainError):
        registry.suspend(session, enterprise=found, by=world.users["station"], reason="  ")
    assert found.status is S.CERTIFIED


def test_every_operator_is_told(app, session, world):
    first = world.users["enterprise"]
    found = make_enterprise(session, world.compound, first, status=S.PENDING)
    second = factories.user(session, app.config, display_name="第二位")
    factories.role(session, second, Role.ENTERPRISE_OPERATOR, compound_obj=world.compound)
    registry.add_operator(session, enterprise=found, by=world.users["station"], user=second)
    certify(session, world, found)
    assert len(decided_notices(session, first)) == len(decided_notices(session, second)) == 1


# --- the income report ---------------------------------------------------------------------------------------------

def report(session, world, found, **changes):
    values = {"year": 2024, "income": Decimal("120000.00"), "returned": Decimal("30000.50"),
              "how_returned": "为80岁以上老人免费午餐"}
    values.update(changes)
    return registry.report_income(session, enterprise=found, by=world.users["enterprise"],
                                  now=datetime(2025, 3, 1), **values)


def test_a_second_report_for_a_year_replaces_the_figures(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    first = report(session, world, found)
    assert registry.returned_percent(first) == Decimal("25.0")
    again = report(session, world, found, income="100000", returned="100000", how_returned="")
    assert again.id == first.id and again.income == Decimal("100000.00") and again.how_returned == ""
    assert registry.returned_percent(again) == Decimal("100.0")
    assert session.scalar(select(func.count(IncomeReport.id))) == 1
    assert actions(session)[-2:] == ["enterprise.income_reported", "enterprise.income_replaced"]
    other_year = report(session, world, found, year=2023, income=Decimal("0"), returned=Decimal("0"))
    assert registry.returned_percent(other_year) is None


@pytest.mark.parametrize("changes", [
    {"returned": Decimal("120000.01")}, {"income": Decimal("-1")}, {"returned": Decimal("-0.01")},
    {"income": Decimal("1.001")}, {"income": "abc"}, {"income": Decimal("NaN")},
    {"year": 2026}, {"year": 1999}, {"year": "2024"}, {"how_returned": "字" * 501},
])
def test_bad_reports_are_refused(session, world, changes):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    with pytest.raises(DomainError):
        report(session, world, found, **changes)
    assert session.scalar(select(func.count(IncomeReport.id))) == 0


def test_money_is_never_a_float(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    with pytest.raises(TypeError):
        report(session, world, found, income=120000.0)


def test_the_current_year_may_be_reported(session, world):
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    assert report(session, world, found, year=2025).year == 2025
