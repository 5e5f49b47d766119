"""The time bank: 1 confirmed volunteer hour = 1 time coin. Coins move by confirmed service, by transfer to a
member of one's own household, and by paying a neighbour for a service offered for coins.

A balance lives in one CoinAccount row beside the CoinEntry history. Debits are conditional UPDATEs (balance >=
amount) and a CHECK forbids a negative balance, so parallel spends never overdraw. Every movement is in the audit
chain. This is the platform's own ledger, never an official 证明."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound
from neighbourhood.volunteering import rules
from neighbourhood.volunteering.models import CoinAccount, CoinEntry, CoinMovement, Signup, TimeBankOffer

NOT_ENOUGH = _l("Not enough time coins for this.")
ZERO = Decimal("0.00")
AMOUNT_MAX = Decimal("1000")
NOTE_MAX = 200


def parse_amount(value) -> Decimal:
    """A positive amount of coins to the hundredth, at most 1,000 in one movement."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Give the amount as a number of time coins, e.g. 2 or 1.5.")) from None
    if not amount.is_finite() or not ZERO < amount <= AMOUNT_MAX or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_l("Give an amount above 0 and at most %(max)s, to the hundredth.", max=AMOUNT_MAX))
    return amount.quantize(Decimal("0.01"))


def balance_of(session: Session, user: User) -> Decimal:
    return session.scalar(select(CoinAccount.balance).where(CoinAccount.user_id == user.id)) or ZERO


def history(session: Session, user: User, limit: int = 50) -> list[CoinEntry]:
    return list(session.scalars(select(CoinEntry).where(CoinEntry.user_id == user.id)
                                .order_by(CoinEntry.occurred_at.desc(), CoinEntry.id.desc()).limit(limit)))


def _ensure_account(session: Session, user_id: int) -> None:
    if session.get(CoinAccount, user_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(CoinAccount(user_id=user_id, balance=ZERO))
            session.flush()
    except IntegrityError:   # made by a parallel movement a moment ago
        pass


def _credit(session: Session, user_id: int, amount: Decimal) -> None:
    _ensure_account(session, user_id)
    session.execute(update(CoinAccount).where(CoinAccount.user_id == user_id)
                    .values(balance=CoinAccount.balance + amount).execution_options(synchronize_session=False))


def _debit(session: Session, user_id: int, amount: Decimal) -> None:
    """Take coins only if the balance covers them, in one statement, else refuse with nothing changed."""
    taken = session.execute(update(CoinAccount).where(CoinAccount.user_id == user_id, CoinAccount.balance >= amount)
                            .values(balance=CoinAccount.balance - amount)
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise DomainError(NOT_ENOUGH)


def _entry(session: Session, *, user_id: int, compound_id: int, community_id: int, movement: CoinMovement,
           amount: Decimal, by, counterparty_id: int | None = None, signup_id: int | None = None,
           offer_id: int | None = None, note: str = "") -> CoinEntry:
    entry = CoinEntry(user_id=user_id, compound_id=compound_id, community_id=community_id, movement=movement,
                      amount=amount, counterparty_id=counterparty_id, signup_id=signup_id, offer_id=offer_id,
                      note=note)
    session.add(entry)
    session.flush()
    audit.record(session, actor=by, action=f"timebank.{movement.value}", subject=entry, compound_id=compound_id,
                 community_id=community_id,
                 data={"user": user_id, "amount": str(amount), "counterparty": counterparty_id,
                       "signup": signup_id, "offer": offer_id})
    return entry


def settle_service(session: Session, *, signup: Signup, by) -> Decimal:
    """Bring the coins credited for a confirmed service in line with its hours: the first confirmation earns them,
    a later adjustment credits or takes back the difference (refused if the volunteer has spent them)."""
    owed = rules.coins_for(signup.credited_hours or ZERO)
    difference = owed - (signup.coins_credited or ZERO)
    if difference == 0:
        return ZERO
    first = signup.coins_credited == 0 and difference > 0
    if difference > 0:
        _credit(session, signup.user_id, difference)
    else:
        try:
            _debit(session, signup.user_id, -difference)
        except DomainError:
            raise DomainError(_l("The volunteer has already spent these time coins: the hours cannot be lowered "
                                 "below what they spent.")) from None
    signup.coins_credited = owed
    _entry(session, user_id=signup.user_id, compound_id=signup.compound_id, community_id=signup.community_id,
           movement=CoinMovement.EARNED if first else CoinMovement.CORRECTED, amount=difference, by=by,
           signup_id=signup.id, note=signup.activity.title[:NOTE_MAX])
    return difference


def household_members(session: Session, user: User) -> list[User]:
    """Verified members of the user's own verified households, the user excluded: whom they may give coins to."""
    mine = aliased(HouseholdMembership)
    theirs = aliased(HouseholdMembership)
    return list(session.scalars(
        select(User).join(theirs, theirs.user_id == User.id)
        .where(theirs.status == MembershipStatus.VERIFIED, User.id != user.id, User.deleted_at.is_(None),
               exists().where(and_(mine.household_id == theirs.household_id, mine.user_id == user.id,
                                   mine.status == MembershipStatus.VERIFIED)))
        .distinct().order_by(User.id)))


def _shared_compound(user: User, other: User) -> int | None:
    households = {m.household_id: m.compound_id for m in user.verified_memberships}
    return next((households[m.household_id] for m in other.verified_memberships if m.household_id in households),
                None)


def transfer(session: Session, *, sender: User, recipient: User, amount, note: str = "") -> CoinEntry:
    """Give coins to a member of one's own household (as 时光汇 lets a family pool its hours)."""
    amount = parse_amount(amount)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Keep the note to %(max)s characters or fewer.", max=NOTE_MAX))
    compound_id = _shared_compound(sender, recipient) if recipient.id != sender.id else None
    if compound_id is None or recipient.is_deleted:
        raise DomainError(_l("Time coins go only to a verified member of your own household."))
    community_id = session.get(Compound, compound_id).community_id
    _debit(session, sender.id, amount)
    _credit(session, recipient.id, amount)
    out = _entry(session, user_id=sender.id, compound_id=compound_id, community_id=community_id,
                 movement=CoinMovement.TRANSFER_OUT, amount=-amount, by=sender, counterparty_id=recipient.id,
                 note=note)
    _entry(session, user_id=recipient.id, compound_id=compound_id, community_id=community_id,
           movement=CoinMovement.TRANSFER_IN, amount=amount, by=sender, counterparty_id=sender.id, note=note)
    notify(session, recipients=[recipient], kind="timebank.received", url="/me/volunteering",
           params={"amount": str(amount)}, compound_id=compound_id, actor=sender)
    return out


# --- services offered for coins ------------------------------------------------------------------------------------

def offer_service(session: Session, *, compound: Compound, by: User, title: str, price, description: str = "") \
        -> TimeBankOffer:
    title = (title or "").strip()
    if not title or len(title) > 80:
        raise DomainError(_l("Give the service a title of up to %(max)s characters.", max=80))
    description = (description or "").strip()
    if len(description) > 1000:
        raise DomainError(_l("Keep the description to %(max)s characters or fewer.", max=1000))
    offer = TimeBankOffer(compound_id=compound.id, community_id=compound.community_id, offered_by_id=by.id,
                          title=title, description=description, price=parse_amount(price), active=True)
    session.add(offer)
    session.flush()
    audit.record(session, actor=by, action="timebank.offered", subject=offer, compound_id=compound.id,
                 community_id=compound.community_id, data={"title": title, "price": str(offer.price)})
    return offer


def withdraw_offer(session: Session, *, offer: TimeBankOffer, by: User) -> None:
    if not offer.active:
        raise DomainError(_l("This offer is withdrawn already."))
    offer.active = False
    audit.record(session, actor=by, action="timebank.offer_withdrawn", subject=offer, compound_id=offer.compound_id,
                 community_id=offer.community_id, data={})


@dataclass(frozen=True)
class Purchase:
    paid: CoinEntry
    received: CoinEntry


def spend(session: Session, *, offer: TimeBankOffer, by: User) -> Purchase:
    """Pay a neighbour's offered service in coins: the buyer's coins go to whoever offered it, who is told."""
    if not offer.active:
        raise DomainError(_l("This offer is withdrawn."))
    if offer.offered_by_id == by.id:
        raise DomainError(_l("This is your own offer."))
    _debit(session, by.id, offer.price)
    _credit(session, offer.offered_by_id, offer.price)
    paid = _entry(session, user_id=by.id, compound_id=offer.compound_id, community_id=offer.community_id,
                  movement=CoinMovement.SPENT, amount=-offer.price, by=by, counterparty_id=offer.offered_by_id,
                  offer_id=offer.id, note=offer.title)
    received = _entry(session, user_id=offer.offered_by_id, compound_id=offer.compound_id,
                      community_id=offer.community_id, movement=CoinMovement.RECEIVED, amount=offer.price, by=by,
                      counterparty_id=by.id, offer_id=offer.id, note=offer.title)
    notify(session, recipients=[offer.offered_by], kind="timebank.paid", url="/me/volunteering",
           params={"title": offer.title, "amount": str(offer.price)}, compound_id=offer.compound_id, actor=by)
    return Purchase(paid, received)


# --- services of the 15-minute circle priced in coins -----------------------------------------------------------------

def pay_service(session: Session, *, user: User, amount: Decimal, compound_id: int, community_id: int,
                note: str = "") -> CoinEntry:
    """Coins for a community service booked in time coins: they leave the resident's balance (refused, with nothing
    changed, when it does not cover them) and go back by refund_service if the booking falls through."""
    _debit(session, user.id, amount)
    return _entry(session, user_id=user.id, compound_id=compound_id, community_id=community_id,
                  movement=CoinMovement.SPENT, amount=-amount, by=user, note=note)


def refund_service(session: Session, *, user: User, amount: Decimal, compound_id: int, community_id: int,
                   note: str = "", by=None) -> CoinEntry:
    _credit(session, user.id, amount)
    return _entry(session, user_id=user.id, compound_id=compound_id, community_id=community_id,
                  movement=CoinMovement.REFUNDED, amount=amount, by=by or user, note=note)
