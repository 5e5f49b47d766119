"""The time bank: coins go only to a verified member of one's own household, pay for neighbours' offered services,
never overdraw, read back in order, and every movement is in the audit chain, which still verifies."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import timebank
from neighbourhood.volunteering.models import CoinAccount, CoinEntry, CoinMovement
from tests import factories
from tests.volunteering.helpers import activity, served


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def resident(session, world):
    """李阿姨 with 3 time coins from three confirmed hours."""
    shift = activity(session, world.compound, world.users["council"]).shifts[0]
    served(session, shift, world.users["resident"], world.users["council"], hours=3)
    return world.users["resident"]


@pytest.fixture
def neighbour(app, session, world):
    """A verified resident of the compound in another household."""
    return factories.verified_resident(session, app.config, world.compound, display_name="隔壁刘姐")


def _balances(session, *users):
    return [timebank.balance_of(session, user) for user in users]


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("typed, amount", [("1", "1.00"), (" 2.5 ", "2.50"), ("0.01", "0.01"), ("1000", "1000.00"),
                                           (Decimal("3.10"), "3.10")])
def test_amounts_are_positive_hundredths_up_to_a_thousand(typed, amount):
    assert timebank.parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["0", "-1", "1.234", "abc", "", "NaN", "sNaN", "Infinity", "1001", "1e3000"])
def test_other_amounts_are_refused(typed):
    with pytest.raises(DomainError):
        timebank.parse_amount(typed)


def test_coins_go_to_a_member_of_ones_own_household(session, world, resident):
    owner = world.users["owner"]
    assert {u.id for u in timebank.household_members(session, resident)} == \
        {world.users[n].id for n in ("owner", "council", "supervisor")}

    timebank.transfer(session, sender=resident, recipient=owner, amount="1.5", note="给老王买菜用")

    assert _balances(session, resident, owner) == [Decimal("1.50"), Decimal("1.50")]
    out, received = session.scalars(select(CoinEntry).where(CoinEntry.movement.in_(
        [CoinMovement.TRANSFER_OUT, CoinMovement.TRANSFER_IN])).order_by(CoinEntry.id))
    assert (out.user_id, out.amount, out.counterparty_id, out.note) == (resident.id, Decimal("-1.50"), owner.id,
                                                                        "给老王买菜用")
    assert (received.user_id, received.amount, received.counterparty_id) == (owner.id, Decimal("1.50"), resident.id)
    assert out.compound_id == world.compound.id
    assert _count(session, Notification, Notification.user_id == owner.id, Notification.kind == "timebank.received") \
        == 1


def test_coins_do_not_go_to_oneself_or_outside_the_household(session, world, resident, neighbour):
    for recipient in (resident, neighbour, world.users["other_council"], world.users["unverified"],
                      world.users["station"]):
        with pytest.raises(DomainError, match="own household"):
            timebank.transfer(session, sender=resident, recipient=recipient, amount="1")
    assert _balances(session, resident) == [Decimal("3.00")]
    assert _count(session, CoinEntry, CoinEntry.movement == CoinMovement.TRANSFER_OUT) == 0


def test_a_transfer_needs_the_coins_and_a_short_note(session, world, resident):
    owner = world.users["owner"]
    with pytest.raises(DomainError, match="Not enough time coins"):
        timebank.transfer(session, sender=resident, recipient=owner, amount="3.01")
    with pytest.raises(DomainError, match="200 characters"):
        timebank.transfer(session, sender=resident, recipient=owner, amount="1", note="谢" * 201)
    with pytest.raises(DomainError, match="Not enough time coins"):
        timebank.transfer(session, sender=owner, recipient=resident, amount="1")   # owner never earned any
    assert _balances(session, resident, owner) == [Decimal("3.00"), Decimal("0.00")]
    timebank.transfer(session, sender=resident, recipient=owner, amount="3")
    assert _balances(session, resident, owner) == [Decimal("0.00"), Decimal("3.00")]


def test_paying_for_a_neighbours_service_moves_the_price_and_tells_them(session, world, resident, neighbour):
    offer = timebank.offer_service(session, compound=world.compound, by=neighbour, title="修自行车", price="2",
                                   description="补胎、调刹车，周末在5栋车棚")
    purchase = timebank.spend(session, offer=offer, by=resident)
    assert (purchase.paid.amount, purchase.received.amount) == (Decimal("-2.00"), Decimal("2.00"))
    assert (purchase.paid.movement, purchase.received.movement) == (CoinMovement.SPENT, CoinMovement.RECEIVED)
    assert _balances(session, resident, neighbour) == [Decimal("1.00"), Decimal("2.00")]
    assert _count(session, Notification, Notification.user_id == neighbour.id, Notification.kind == "timebank.paid") \
        == 1
    with pytest.raises(DomainError, match="Not enough time coins"):
        timebank.spend(session, offer=offer, by=resident)
    assert _balances(session, resident, neighbour) == [Decimal("1.00"), Decimal("2.00")]


def test_one_cannot_buy_ones_own_or_a_withdrawn_offer(session, world, resident, neighbour):
    own = timebank.offer_service(session, compound=world.compound, by=resident, title="陪老人聊天", price="1")
    with pytest.raises(DomainError, match="your own offer"):
        timebank.spend(session, offer=own, by=resident)
    offer = timebank.offer_service(session, compound=world.compound, by=neighbour, title="代买菜", price="1")
    timebank.withdraw_offer(session, offer=offer, by=neighbour)
    with pytest.raises(DomainError, match="withdrawn"):
        timebank.spend(session, offer=offer, by=resident)
    with pytest.raises(DomainError, match="withdrawn already"):
        timebank.withdraw_offer(session, offer=offer, by=neighbour)
    assert _balances(session, resident) == [Decimal("3.00")]


@pytest.mark.parametrize("title, price, message", [("", "1", "title"), ("修" * 81, "1", "title"),
                                                   ("修自行车", "0", "above 0"), ("修自行车", "abc", "as a number")])
def test_an_offer_needs_a_title_and_a_price(session, world, neighbour, title, price, message):
    with pytest.raises(DomainError, match=message):
        timebank.offer_service(session, compound=world.compound, by=neighbour, title=title, price=price)


def test_history_reads_newest_first(session, world, resident, neighbour):
    offer = timebank.offer_service(session, compound=world.compound, by=neighbour, title="辅导作业", price="1")
    timebank.spend(session, offer=offer, by=resident)
    timebank.transfer(session, sender=resident, recipient=world.users["owner"], amount="0.5")
    assert [(e.movement, e.amount) for e in timebank.history(session, resident)] == [
        (CoinMovement.TRANSFER_OUT, Decimal("-0.50")), (CoinMovement.SPENT, Decimal("-1.00")),
        (CoinMovement.EARNED, Decimal("3.00"))]
    assert len(timebank.history(session, resident, limit=2)) == 2
    assert timebank.history(session, world.users["admin"]) == []


def test_every_movement_is_in_the_audit_chain_and_balances_are_the_sum_of_entries(session, world, resident,
                                                                                   neighbour):
    offer = timebank.offer_service(session, compound=world.compound, by=neighbour, title="代买菜", price="1")
    timebank.spend(session, offer=offer, by=resident)
    timebank.transfer(session, sender=resident, recipient=world.users["owner"], amount="1")
    session.commit()

    entries = session.scalars(select(CoinEntry)).all()
    audited = {(a.subject_id, a.action) for a in session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("timebank.%"),
                                 AuditEntry.action.not_in(["timebank.offered", "timebank.offer_withdrawn"])))}
    assert audited == {(e.id, f"timebank.{e.movement.value}") for e in entries}
    assert {"timebank.offered"} <= {a.action for a in session.scalars(select(AuditEntry))}
    for account in session.scalars(select(CoinAccount)):
        assert account.balance >= 0
        assert account.balance == sum((e.amount for e in entries if e.user_id == account.user_id), Decimal("0"))
    assert verify_chain(session).ok
