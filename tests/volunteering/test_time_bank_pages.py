"""The time bank of a compound: a resident offers a service (a bad price keeps the form), a neighbour pays for it
(the balance moves and whoever offered it is told), one's own offer cannot be bought, too few coins are refused,
withdrawing an offer, who sees which buttons, and a page whose query count does not grow with offers."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import timebank
from neighbourhood.volunteering.models import CoinEntry, TimeBankOffer
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity, served
from tests.volunteering.test_me import CEILING, section, text
from tests.accounts.helpers import english


def page_of(world) -> str:
    return f"/volunteering/time-bank?compound={world.compound.id}"


def offer(session, world, *, by="resident", title="辅导小学数学一小时", price="1.5", compound=None):
    made = timebank.offer_service(session, compound=compound or world.compound, by=world.users[by], title=title,
                                  price=price, description="周末下午，在我家")
    session.commit()
    return made


def earn(session, world, who: str, hours: int = 2) -> None:
    """`who` served an activity of `hours` confirmed hours, so holds that many time coins."""
    done = activity(session, world.compound, world.users["council"], title=f"{who}的服务", days_ahead=-5)
    served(session, done.shifts[0], world.users[who], world.users["council"], hours=hours)
    session.commit()


def test_a_resident_offers_a_service_and_a_bad_price_keeps_the_form(session, world, client_as):
    client = english(client_as("resident"))
    page = text(client.get(page_of(world)))
    assert "No services offered yet." in page and "Offer a service for time coins" in page
    url = f"/volunteering/time-bank/offers?compound={world.compound.id}"

    failed = client.post(url, data={"title": "修自行车", "price": "0", "description": "自带工具"})
    page = text(failed)
    assert failed.status_code == 200 and "Nothing was saved" in page and "Give an amount above 0" in page
    assert 'value="修自行车"' in page and "自带工具" in page and "<details open>" in page
    assert session.scalar(select(func.count(TimeBankOffer.id))) == 0

    done = client.post(url, data={"title": "修自行车", "price": "1", "description": "自带工具"})
    assert done.status_code == 302
    made = session.scalar(select(TimeBankOffer))
    assert made.title == "修自行车" and made.price == Decimal("1.00") and made.compound_id == world.compound.id
    page = text(client.get(page_of(world)))
    assert "Your service is offered." in page and "修自行车" in section(page, "offers")
    assert f"/volunteering/time-bank/offers/{made.id}/withdraw" in page


def test_a_neighbour_pays_and_the_provider_is_told(session, world, client_as):
    made = offer(session, world)
    earn(session, world, "owner", hours=2)
    owner, resident = world.users["owner"], world.users["resident"]
    client = english(client_as("owner"))
    page = text(client.get(page_of(world)))
    assert "Your balance: 2.00 time coins" in page and "Pay 1.50 time coins" in page
    paid = client.post(f"/volunteering/time-bank/offers/{made.id}/spend")
    assert paid.status_code == 302 and paid.headers["Location"].endswith(page_of(world))
    session.expire_all()
    assert timebank.balance_of(session, owner) == Decimal("0.50")
    assert timebank.balance_of(session, resident) == Decimal("1.50")
    told = session.scalar(select(Notification).where(Notification.user_id == resident.id))
    assert told.kind == "timebank.paid" and told.params["title"] == "辅导小学数学一小时"
    page = text(client.get(page_of(world)))
    assert "You paid 1.50 time coins to 3栋 李阿姨 for “辅导小学数学一小时”." in page
    coins = section(text(english(client_as("resident")).get("/me/volunteering")), "coins")
    assert "Paid for my service" in coins and "+1.50" in coins and "3栋 王先生" in coins


def test_too_few_coins_and_ones_own_offer_are_refused(session, world, client_as):
    made = offer(session, world, price="3")
    earn(session, world, "resident", hours=2)
    entries = session.scalar(select(func.count(CoinEntry.id)))

    own = english(client_as("resident"))
    assert "Pay 3.00 time coins" not in text(own.get(page_of(world)))
    response = own.post(f"/volunteering/time-bank/offers/{made.id}/spend")
    assert response.status_code == 302 and "This is your own offer." in text(own.get(page_of(world)))

    poor = english(client_as("owner"))
    poor.post(f"/volunteering/time-bank/offers/{made.id}/spend")
    assert "Not enough time coins for this." in text(poor.get(page_of(world)))
    session.expire_all()
    assert session.scalar(select(func.count(CoinEntry.id))) == entries
    assert timebank.balance_of(session, world.users["resident"]) == Decimal("2.00")


def test_withdrawing_an_offer(session, world, client_as):
    made = offer(session, world)
    assert client_as("owner").post(f"/volunteering/time-bank/offers/{made.id}/withdraw").status_code == 403
    client = english(client_as("resident"))
    assert client.post(f"/volunteering/time-bank/offers/{made.id}/withdraw").status_code == 302
    session.expire_all()
    assert session.get(TimeBankOffer, made.id).active is False
    page = text(client.get(page_of(world)))
    assert "Your offer is withdrawn." in page and "辅导小学数学一小时" not in section(page, "offers")
    earn(session, world, "owner")
    english_owner = english(client_as("owner"))
    english_owner.post(f"/volunteering/time-bank/offers/{made.id}/spend")
    assert "This offer is withdrawn." in text(english_owner.get(page_of(world)))


def test_only_verified_residents_pay_or_offer(session, world, client_as):
    made = offer(session, world)
    for role in ("enterprise", "unverified", "other_council", "station"):
        page = text(english(client_as(role)).get(page_of(world)))
        assert "辅导小学数学一小时" in page, role
        assert "Pay 1.50 time coins" not in page and "Offer a service for time coins" not in page, role
        assert client_as(role).post(f"/volunteering/time-bank/offers/{made.id}/spend").status_code == 403, role
    theirs = offer(session, world, by="other_council", title="代取快递", compound=world.other_compound)
    assert client_as("owner").post(f"/volunteering/time-bank/offers/{theirs.id}/spend").status_code == 403
    assert "代取快递" not in text(client_as("owner").get(page_of(world)))


def test_without_a_compound_the_page_says_how_to_get_one(session, world, client_as):
    page = text(english(client_as("unverified")).get("/volunteering/time-bank"))
    assert "Once your household is verified you will see it here." in page
    assert client_as("resident").get("/volunteering/time-bank?compound=999999").status_code == 404


def test_the_page_needs_few_queries_however_many_offers(session, world, client_as, count_queries):
    offer(session, world)
    client = client_as("owner")
    before = measure(count_queries, client, page_of(world))
    for index, who in enumerate(["council", "supervisor", "resident", "council"]):
        offer(session, world, by=who, title=f"服务{index}")
    after = measure(count_queries, client, page_of(world))
    assert before <= CEILING and after == before
