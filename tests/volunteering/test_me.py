"""The volunteer's own page: the profile (a bad phone keeps the form), the five categories of the record with the
right rows in each, cancelling from the page, certificates, time coins and giving them to the household, and a
page whose query count does not grow with the record."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from neighbourhood.db import utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services, timebank
from neighbourhood.volunteering.models import (
    Award, Certificate, CertificateStatus, CoinEntry, Evaluation, Signup, SignupStatus, Training, VolunteerProfile,
)
from tests.accounts.helpers import english
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity, page_text as text, served

CEILING = 12
PAGE = "/me/volunteering"



def section(page: str, section_id: str) -> str:
    """The text of the page's section with this id, so a row is asserted in the category it belongs to."""
    start = page.index(f'id="{section_id}"')
    return page[start:page.index("</section>", start)]


def profile_input(**overrides) -> dict:
    return {"skills": "急救、水电维修", "available_times": "周末上午", "emergency_contact": "李大明",
            "emergency_phone": "138 0013 8000", "on_honour_list": "y", **overrides}


def test_the_profile_is_saved_and_a_bad_phone_keeps_the_form(session, world, client_as):
    client = english(client_as("resident"))
    page = text(client.get(PAGE))
    assert "You get a volunteer number when you first sign up for an activity or save your profile." in page

    failed = client.post(f"{PAGE}/profile", data=profile_input(emergency_phone="12345"))
    page = text(failed)
    assert failed.status_code == 200 and "Nothing was saved" in page and "11-digit mobile number" in page
    assert 'value="急救、水电维修"' in page and 'value="李大明"' in page and 'value="12345"' in page
    assert session.scalar(select(func.count(VolunteerProfile.id))) == 0

    saved = client.post(f"{PAGE}/profile", data=profile_input())
    assert saved.status_code == 302 and saved.headers["Location"].endswith(PAGE)
    profile = session.scalar(select(VolunteerProfile))
    assert profile.user_id == world.users["resident"].id and profile.emergency_phone == "13800138000"
    assert profile.on_honour_list and profile.skills == "急救、水电维修"
    page = text(client.get(PAGE))
    assert f"Your volunteer number is {profile.number}" in page and profile.number in section(page, "profile")
    assert 'value="13800138000"' in page and "You get a volunteer number" not in page

    # Leaving the good-neighbour list: an unticked box is sent as nothing at all.
    unticked = profile_input()
    del unticked["on_honour_list"]
    client.post(f"{PAGE}/profile", data=unticked)
    session.expire_all()
    assert session.scalar(select(VolunteerProfile)).on_honour_list is False


def test_the_emergency_contact_is_not_shown_to_others(session, world, client_as):
    services.update_profile(session, user=world.users["resident"], skills="", available_times="",
                            emergency_contact="李大明", emergency_phone="13800138000", on_honour_list=False)
    session.commit()
    assert "13800138000" not in text(client_as("owner").get(PAGE))
    assert "13800138000" in text(client_as("resident").get(PAGE))


def _record(session, world):
    """The resident's record: one shift to come, two services (one confirmed and evaluated, one waiting for
    confirmation), a training, an award and an issued certificate; the owner serves too."""
    council, resident = world.users["council"], world.users["resident"]
    coming = activity(session, world.compound, council, title="重阳节敬老探访", days_ahead=5)
    upcoming = services.sign_up(session, shift=coming.shifts[0], user=resident)
    done = activity(session, world.compound, council, title="周末楼道清洁", days_ahead=-10)
    confirmed = served(session, done.shifts[0], resident, council, hours=2)
    services.evaluate(session, signup=confirmed, by=council, evaluation=Evaluation.EXCELLENT, note="认真负责，带动邻居")
    waiting = activity(session, world.compound, council, title="垃圾分类宣传", days_ahead=-3)
    unconfirmed = services.sign_up(session, shift=waiting.shifts[0], user=resident,
                                   now=waiting.shifts[0].starts_at - timedelta(days=1))
    services.check_in(session, signup=unconfirmed, by=council, at=waiting.shifts[0].starts_at)
    services.check_out(session, signup=unconfirmed, by=council, at=waiting.shifts[0].starts_at + timedelta(hours=1))
    common = dict(user_id=resident.id, compound_id=world.compound.id, community_id=world.community.id,
                  recorded_by_id=council.id)
    session.add(Training(**common, title="社区急救培训", organiser_name="玉林社区卫生服务中心",
                         held_on=date(2026, 5, 20), hours=Decimal("3.00")))
    session.add(Award(**common, title="优秀志愿者", issuer="玉林社区居委会", awarded_on=date(2026, 6, 1)))
    session.add(Certificate(user_id=resident.id, compound_id=world.compound.id, community_id=world.community.id,
                            status=CertificateStatus.ISSUED, purpose="升学材料", number="ZY2026ABC123",
                            issued_at=utcnow(), hours=Decimal("2.00")))
    session.commit()
    return upcoming, confirmed, unconfirmed


def test_the_five_categories_show_the_right_rows(session, world, client_as):
    upcoming, confirmed, unconfirmed = _record(session, world)
    page = text(english(client_as("resident")).get(PAGE))
    service = section(page, "service")
    assert "重阳节敬老探访" in service and f'action="/volunteering/signups/{upcoming.id}/cancel"' in service
    assert 'name="next" value="/me/volunteering"' in service
    past = section(page, "past-services")
    assert "周末楼道清洁" in past and "2.0 hours" in past and "Confirmed" in past
    assert "垃圾分类宣传" in past and "1.0 hours" in past and "Waiting for the organiser" in past
    assert f'href="/volunteering/{confirmed.activity_id}"' in past
    assert "Confirmed hours: 2.0" in page
    assert "社区急救培训" in section(page, "training") and "3.0 hours" in section(page, "training")
    assert "优秀志愿者" in section(page, "awards") and "玉林社区居委会" in section(page, "awards")
    evaluations = section(page, "evaluations")
    assert "Excellent" in evaluations and "认真负责，带动邻居" in evaluations and "垃圾分类宣传" not in evaluations
    certificates = section(page, "certificates")
    assert "Issued" in certificates and "ZY2026ABC123" in certificates
    certificate_id = session.scalar(select(Certificate.id))
    assert f'href="/volunteering/certificates/{certificate_id}/print"' in certificates
    assert 'action="/me/volunteering/certificates"' in certificates and world.compound.name in certificates
    # Someone else's page shows none of it.
    other = text(english(client_as("owner")).get(PAGE))
    assert "重阳节敬老探访" not in other and "社区急救培训" not in other and "ZY2026ABC123" not in other


def test_a_volunteer_cancels_from_their_page(session, world, client_as):
    upcoming, _confirmed, _unconfirmed = _record(session, world)
    client = english(client_as("resident"))
    response = client.post(f"/volunteering/signups/{upcoming.id}/cancel", data={"next": PAGE})
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    session.expire_all()
    assert session.get(Signup, upcoming.id).status is SignupStatus.CANCELLED
    page = text(client.get(PAGE))
    assert "重阳节敬老探访" not in section(page, "service") and "Cancelled." in page


def test_too_late_to_cancel_is_said_instead_of_a_button(session, world, client_as):
    soon = activity(session, world.compound, world.users["council"], title="明早巡逻", days_ahead=1,
                    cancel_cutoff_hours=48)
    signup = services.sign_up(session, shift=soon.shifts[0], user=world.users["resident"])
    session.commit()
    service = section(text(english(client_as("resident")).get(PAGE)), "service")
    assert "明早巡逻" in service and "Too late to cancel here" in service
    assert f"/volunteering/signups/{signup.id}/cancel" not in service


def test_the_coins_show_balance_and_history(session, world, client_as):
    _record(session, world)
    coins = section(text(english(client_as("resident")).get(PAGE)), "coins")
    assert "Balance: 2.00 time coins" in coins and "Volunteer hours confirmed" in coins
    assert "+2.00" in coins and "周末楼道清洁" in coins
    assert "No movements yet." in section(text(english(client_as("owner")).get(PAGE)), "coins")


def _coin_entries(session) -> int:
    return session.scalar(select(func.count(CoinEntry.id)))


def test_coins_go_to_a_household_member_only(session, world, client_as):
    _record(session, world)
    resident, owner, other = world.users["resident"], world.users["owner"], world.users["other_council"]
    client = english(client_as("resident"))
    coins = section(text(client.get(PAGE)), "coins")
    assert 'action="/me/volunteering/transfer"' in coins and f'value="{owner.id}"' in coins
    assert f'value="{other.id}"' not in coins
    entries = _coin_entries(session)

    refused = client.post(f"{PAGE}/transfer", data={"recipient": other.id, "amount": "1", "note": "给你"})
    page = text(refused)
    assert refused.status_code == 200 and "Time coins go only to a verified member of your own household." in page
    assert 'value="给你"' in page and _coin_entries(session) == entries
    assert timebank.balance_of(session, resident) == Decimal("2.00")

    over = client.post(f"{PAGE}/transfer", data={"recipient": owner.id, "amount": "2.5"})
    assert over.status_code == 200 and "Not enough time coins for this." in text(over)
    bad = client.post(f"{PAGE}/transfer", data={"recipient": owner.id, "amount": "abc"})
    assert bad.status_code == 200 and "Give the amount as a number of time coins" in text(bad)
    assert _coin_entries(session) == entries

    given = client.post(f"{PAGE}/transfer", data={"recipient": owner.id, "amount": "1.5", "note": "买菜用"})
    assert given.status_code == 302
    session.expire_all()
    assert timebank.balance_of(session, resident) == Decimal("0.50")
    assert timebank.balance_of(session, owner) == Decimal("1.50")
    told = session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert told.kind == "timebank.received"
    page = text(client.get(PAGE))
    assert "You gave 1.50 time coins to 3栋 王先生." in page and "-1.50" in section(page, "coins")
    owner_coins = section(text(english(client_as("owner")).get(PAGE)), "coins")
    assert "+1.50" in owner_coins and "From a household member" in owner_coins and "3栋 李阿姨" in owner_coins


def test_no_transfer_form_without_a_household_member(session, world, client_as):
    coins = section(text(english(client_as("other_council")).get(PAGE)), "coins")
    assert "Balance: 0.00 time coins" in coins and "/me/volunteering/transfer" not in coins


def test_the_page_needs_few_queries_however_long_the_record(session, world, client_as, count_queries):
    _record(session, world)
    client = client_as("resident")
    before = measure(count_queries, client, PAGE)
    council, resident, owner = world.users["council"], world.users["resident"], world.users["owner"]
    for index in range(4):
        done = activity(session, world.compound, council, title=f"第{index}次清洁", days_ahead=-20 - index)
        signup = served(session, done.shifts[0], resident, council, hours=1)
        services.evaluate(session, signup=signup, by=council, evaluation=Evaluation.GOOD)
        coming = activity(session, world.compound, council, title=f"第{index}次探访", days_ahead=4 + index)
        services.sign_up(session, shift=coming.shifts[0], user=resident)
        timebank.transfer(session, sender=resident, recipient=owner, amount="0.5")
        session.add(Training(user_id=resident.id, compound_id=world.compound.id, community_id=world.community.id,
                             recorded_by_id=council.id, title=f"培训{index}", organiser_name="社区",
                             held_on=date(2026, 4, index + 1), hours=Decimal("1")))
    session.commit()
    after = measure(count_queries, client, PAGE)
    assert before <= CEILING and after == before
