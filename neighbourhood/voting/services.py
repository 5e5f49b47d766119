"""Ballot verbs: draft, schedule, open (freezing the roll), cast, record paper ballots, void, extend, close
(count, hash, sign), remind, and the reads the pages need.

Services take the session, the acting user and, where receipts or signatures are involved, the `BallotKeys`
derived from the app's secret; they flush but never commit."""
from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.accounts.services import with_public_names
from neighbourhood.audit import services as audit
from neighbourhood.council.models import Decision
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.media.services import register_private
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound
from neighbourhood.proposals.models import Proposal, ProposalStatus
from neighbourhood.voting import methods, roll as rolls
from neighbourhood.voting.integrity import BallotKeys, canonical, new_receipt, sha256_hex
from neighbourhood.voting.permissions import can_view_roll
from neighbourhood.voting.models import (
    Ballot, BallotOption, BallotStatus, Channel, Elector, ElectorateKind, ElectorVoter, Participation,
    ResultsVisibility, Secrecy, Vote,
)

REMIND_BEFORE = timedelta(hours=24)
FEN = Decimal("0.01")
MIN_OPEN = timedelta(hours=1)
MAX_OPEN = timedelta(days=90)
TITLE_MAX = 120
OPTION_MAX = 30


# The photo of a signed paper ballot or written proxy (subject id: the participation).
PAPER_PHOTO = "ballot_paper"


def may_see_paper_photo(user, participation_id: int) -> bool:
    """Whoever may see the roll, and the owner it was cast for."""
    participation = db.session.get(Participation, participation_id)
    if participation is None or not getattr(user, "is_authenticated", False):
        return False
    if can_view_roll(user, participation.ballot):
        return True
    return db.session.scalar(select(ElectorVoter.id).where(
        ElectorVoter.elector_id == participation.elector_id, ElectorVoter.user_id == user.id)) is not None


register_private(PAPER_PHOTO, may_see_paper_photo)


def ballot_url(ballot: Ballot) -> str:
    return f"/ballots/{ballot.id}"


# --- drafting ----------------------------------------------------------------------------------------------

@dataclass
class BallotInput:
    """Everything the convenor sets when drafting; checked whole by `check_draft`."""
    title: str
    description: str
    method: str
    electorate: ElectorateKind
    secrecy: Secrecy
    results_visibility: ResultsVisibility
    opens_at: datetime | None
    closes_at: datetime
    statutory_item: int | None = None
    max_choices: int | None = None
    seats: int = 1
    pass_rule: str = "cast"
    quorum_percent: int | None = None
    budget: Decimal | None = None
    min_spend_percent: int | None = None


def check_draft(data: BallotInput, *, now: datetime) -> None:
    """Refuse a setup that cannot make a fair ballot, with a message the convenor understands."""
    if data.method not in methods.METHODS:
        raise DomainError(_l("Choose a voting method."))
    if not data.title.strip():
        raise DomainError(_l("Give the ballot a title."))
    statutory = data.method == "statutory"
    if statutory and data.statutory_item not in range(1, 10):
        raise DomainError(_l("Choose the Civil Code Art. 278 item this decision falls under."))
    if statutory and data.electorate is not ElectorateKind.OWNERS:
        raise DomainError(_l("Statutory owners' decisions are voted by the owners' roll."))
    starts = data.opens_at or now
    if data.closes_at - starts < MIN_OPEN:
        raise DomainError(_l("A ballot stays open for at least an hour."))
    if data.closes_at - starts > MAX_OPEN:
        raise DomainError(_l("A ballot stays open for at most 90 days."))
    if data.quorum_percent is not None and not 0 < data.quorum_percent <= 100:
        raise DomainError(_l("The quorum is a share between 1 and 100 per cent."))
    if data.min_spend_percent is not None and not 0 < data.min_spend_percent <= 100:
        raise DomainError(_l("The minimum spend is a share between 1 and 100 per cent."))


def draft_ballot(session: Session, *, compound: Compound, by: User, data: BallotInput, now: datetime | None = None,
                 decision: Decision | None = None) -> Ballot:
    now = now or utcnow()
    check_draft(data, now=now)
    ballot = Ballot(compound_id=compound.id, community_id=compound.community_id, created_by=by,
                    compound=compound, **_fields(data))
    if decision is not None:
        if not decision.awaits_ballot or decision.compound_id != compound.id:
            raise DomainError(_l("This council decision is not waiting for a ballot."))
        ballot.decision_id = decision.id
        ballot.proposal_id = decision.proposal_id
    session.add(ballot)
    session.flush()
    audit.record(session, actor=by, action="ballot.drafted", subject=ballot, compound_id=compound.id,
                 community_id=compound.community_id, data={"method": ballot.method, "title": ballot.title})
    return ballot


def _fields(data: BallotInput) -> dict:
    return {
        "title": data.title.strip()[:TITLE_MAX], "description": data.description.strip(), "method": data.method,
        "electorate": data.electorate, "secrecy": data.secrecy, "results_visibility": data.results_visibility,
        "opens_at": data.opens_at, "closes_at": data.closes_at,
        "statutory_item": data.statutory_item if data.method == "statutory" else None,
        "max_choices": data.max_choices, "seats": data.seats or 1, "pass_rule": data.pass_rule,
        "quorum_percent": data.quorum_percent,
        # Fen precision now, so the signed record reads the same whether closed before or after a reload.
        "budget": data.budget.quantize(FEN) if data.budget is not None else None,
        "min_spend_percent": data.min_spend_percent,
    }


def edit_ballot(session: Session, *, ballot: Ballot, by: User, data: BallotInput, now: datetime | None = None) -> None:
    if not ballot.is_editable:
        raise DomainError(_l("Only a draft can be changed: return it to draft first."))
    check_draft(data, now=now or utcnow())
    for name, value in _fields(data).items():
        setattr(ballot, name, value)


def add_option(session: Session, *, ballot: Ballot, by: User, label: str, description: str = "",
               cost: Decimal | None = None, proposal_id: int | None = None) -> BallotOption:
    if not ballot.is_editable:
        raise DomainError(_l("Only a draft's options can be changed."))
    if not ballot.tally_method().has_options:
        raise DomainError(_l("This method has fixed answers; it takes no options."))
    label = label.strip()
    if not label:
        raise DomainError(_l("Name the option."))
    if len(ballot.options) >= OPTION_MAX:
        raise DomainError(_l("A ballot has at most %(n)s options.", n=OPTION_MAX))
    if any(o.label == label for o in ballot.options):
        raise DomainError(_l("There is already an option with this name."))
    if ballot.method == "budget" and (cost is None or cost < 0):
        raise DomainError(_l("Give the project's cost in yuan."))
    position = max((o.position for o in ballot.options), default=0) + 1
    option = BallotOption(ballot=ballot, compound_id=ballot.compound_id, key=f"o{position}", label=label[:120],
                          description=description.strip(), position=position, proposal_id=proposal_id,
                          cost=cost.quantize(FEN) if cost is not None else None)
    session.add(option)
    session.flush()
    return option


def remove_option(session: Session, *, ballot: Ballot, option: BallotOption, by: User) -> None:
    if not ballot.is_editable or option.ballot_id != ballot.id:
        raise DomainError(_l("Only a draft's options can be changed."))
    ballot.options.remove(option)
    session.flush()


@contextmanager
def _as_refusal():
    """A move the ballot's state no longer allows (two convenors clicking at once) is refused in words."""
    try:
        yield
    except IllegalTransition as error:
        raise DomainError(_l("This ballot has changed since the page was loaded: reload it and try again.")) \
            from error


def _check_ready(ballot: Ballot) -> None:
    try:
        ballot.tally_method().check_setup(ballot.setup())
    except methods.InvalidSetup as refusal:
        raise DomainError(str(refusal)) from refusal


def schedule(session: Session, *, ballot: Ballot, by: User, now: datetime | None = None) -> None:
    """Fix the setup and announce the ballot as upcoming; it opens by itself at its opening time."""
    now = now or utcnow()
    _check_ready(ballot)
    if ballot.opens_at is None or ballot.opens_at <= now:
        raise DomainError(_l("Set an opening time in the future to schedule, or open the ballot now."))
    with _as_refusal():
        ballot.schedule()
    audit.record(session, actor=by, action="ballot.scheduled", subject=ballot, compound_id=ballot.compound_id,
                 community_id=ballot.community_id, data={"opens_at": ballot.opens_at.isoformat()})


def unschedule(session: Session, *, ballot: Ballot, by: User) -> None:
    with _as_refusal():
        ballot.unschedule()
    audit.record(session, actor=by, action="ballot.unscheduled", subject=ballot,
                 compound_id=ballot.compound_id, community_id=ballot.community_id)


def cancel(session: Session, *, ballot: Ballot, by: User, reason: str, now: datetime | None = None) -> None:
    if not reason.strip():
        raise DomainError(_l("Say why the ballot is cancelled."))
    with _as_refusal():
        ballot.cancel(at=now or utcnow(), reason=reason)
    audit.record(session, actor=by, action="ballot.cancelled", subject=ballot, compound_id=ballot.compound_id,
                 community_id=ballot.community_id, data={"reason": ballot.cancel_reason})


# --- opening: the roll is frozen -----------------------------------------------------------------------------

def open_ballot(session: Session, *, ballot: Ballot, by: User | None, now: datetime | None = None) -> int:
    """Open now: freeze the roll from the register as it stands, publish its hash, tell the voters.
    Returns the roll's size."""
    now = now or utcnow()
    _check_ready(ballot)
    if ballot.closes_at - now < MIN_OPEN:
        raise DomainError(_l("The closing time is less than an hour away: move it later first."))
    entries = rolls.build(session, ballot.compound_id, ballot.electorate)
    if not entries:
        raise DomainError(_l("Nobody is on this roll yet: verify residents (or households' owners) first."))
    if ballot.is_statutory:
        unmeasured = [e.label for e in entries if e.area <= 0]
        if unmeasured:
            raise DomainError(_l("These units have no area on the register, so an owners' decision cannot "
                                 "count them: %(units)s", units="、".join(unmeasured[:10])))
    decision = session.get(Decision, ballot.decision_id) if ballot.decision_id else None
    if decision is not None and not decision.awaits_ballot:
        raise DomainError(_l("The council decision behind this ballot was returned or already balloted."))
    with _as_refusal():
        ballot.open(at=now)
    session.flush()
    _freeze(session, ballot, entries)
    ballot.roll_size = len(entries)
    ballot.roll_area = sum((e.area for e in entries), Decimal(0))
    ballot.roll_hash = rolls.roll_hash(ballot.id, ballot.electorate, entries)
    if decision is not None:
        decision.ballot_id = ballot.id
    audit.record(session, actor=by, action="ballot.opened", subject=ballot, compound_id=ballot.compound_id,
                 community_id=ballot.community_id,
                 data={"roll_hash": ballot.roll_hash, "roll_size": ballot.roll_size,
                       "roll_area": str(ballot.roll_area), "closes_at": ballot.closes_at.isoformat()})
    voters = session.scalars(select(User).join(ElectorVoter, ElectorVoter.user_id == User.id)
                             .where(ElectorVoter.ballot_id == ballot.id))
    notify(session, recipients=voters, kind="ballot.opened", url=ballot_url(ballot),
           params={"title": ballot.title}, compound_id=ballot.compound_id, actor=by)
    return len(entries)


def _freeze(session: Session, ballot: Ballot, entries: list[rolls.RollEntry]) -> None:
    electors = [Elector(ballot_id=ballot.id, compound_id=ballot.compound_id, key=e.key, user_id=e.user_id,
                        household_id=e.household_id, label=e.label[:400], area=e.area, unit_count=e.unit_count)
                for e in entries]
    session.add_all(electors)
    session.flush()
    session.add_all([ElectorVoter(ballot_id=ballot.id, elector_id=elector.id, user_id=user_id)
                     for elector, entry in zip(electors, entries) for user_id in entry.voters])
    session.flush()


# --- casting -----------------------------------------------------------------------------------------------

class AlreadyVoted(DomainError):
    pass


@dataclass
class Standing:
    """What a user sees about their own part in a ballot."""
    electors: list[Elector] = field(default_factory=list)
    participations: dict[int, Participation] = field(default_factory=dict)   # elector id → standing ballot

    @property
    def on_roll(self) -> bool:
        return bool(self.electors)

    def participation(self, elector: Elector) -> Participation | None:
        return self.participations.get(elector.id)

    @property
    def waiting(self) -> list[Elector]:
        return [e for e in self.electors if e.id not in self.participations]


def standing_of(session: Session, ballot: Ballot, user) -> Standing:
    """The electors this user may vote for, and their standing ballots, in two queries."""
    if not getattr(user, "is_authenticated", False) or ballot.opened_at is None:
        return Standing()
    electors = list(session.scalars(
        select(Elector).join(ElectorVoter, ElectorVoter.elector_id == Elector.id)
        .where(ElectorVoter.ballot_id == ballot.id, ElectorVoter.user_id == user.id).order_by(Elector.id)))
    if not electors:
        return Standing()
    # Who voted for the user's household is named (3栋 王女士): load what public_name() reads with them.
    standing = session.scalars(with_public_names(
        select(Participation).where(Participation.ballot_id == ballot.id, Participation.voided_at.is_(None),
                                    Participation.elector_id.in_([e.id for e in electors]))
        .options(selectinload(Participation.recorded_by)), Participation.user))
    return Standing(electors=electors, participations={p.elector_id: p for p in standing})


@dataclass
class CastResult:
    receipt: str
    changed: bool
    participation: Participation


def cast(session: Session, *, ballot: Ballot, user: User, choice, keys: BallotKeys, elector_id: int | None = None,
         now: datetime | None = None) -> CastResult:
    """Cast (or, where the ballot allows it, change) the user's ballot for one elector on the frozen roll."""
    now = now or utcnow()
    _check_taking_votes(ballot, now)
    standing = standing_of(session, ballot, user)
    if not standing.on_roll:
        raise DomainError(_l("You are not on this ballot's roll. The roll was frozen when the ballot opened; "
                             "residents verified later vote in the next ballot."))
    elector = _pick_elector(standing, elector_id)
    choice = _valid_choice(ballot, choice)
    existing = standing.participation(elector)
    if existing is not None:
        return _change(session, ballot=ballot, participation=existing, user=user, choice=choice, keys=keys,
                       now=now)
    receipt = new_receipt()
    participation = Participation(ballot_id=ballot.id, compound_id=ballot.compound_id, elector_id=elector.id,
                                  user_id=user.id, channel=Channel.ONLINE, cast_at=now,
                                  receipt_sealed=keys.seal(receipt))
    _insert_once(session, ballot, participation, elector, choice, receipt, keys)
    return CastResult(receipt=receipt, changed=False, participation=participation)


def _check_taking_votes(ballot: Ballot, now: datetime) -> None:
    if ballot.status is not BallotStatus.OPEN:
        raise DomainError(_l("This ballot is not open for voting."))
    if now >= ballot.closes_at:
        raise DomainError(_l("This ballot closed at %(time)s.", time=ballot.closes_at.strftime("%Y-%m-%d %H:%M")))


def _pick_elector(standing: Standing, elector_id: int | None) -> Elector:
    if elector_id is None and len(standing.electors) == 1:
        return standing.electors[0]
    for elector in standing.electors:
        if elector.id == elector_id:
            return elector
    raise DomainError(_l("Choose which household you are voting for."))


def _valid_choice(ballot: Ballot, choice):
    try:
        return ballot.tally_method().validate(ballot.setup(), choice)
    except methods.InvalidChoice as refusal:
        raise DomainError(str(refusal)) from refusal


def _insert_once(session: Session, ballot: Ballot, participation: Participation, elector: Elector, choice,
                 receipt: str, keys: BallotKeys) -> None:
    """The partial unique index on standing participations decides between parallel casts for one elector:
    the loser's transaction is rolled back whole, so no vote is stored without its participation."""
    session.add(participation)
    session.add(_vote(ballot, elector, choice, receipt, keys))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise AlreadyVoted(_l("A ballot has already been cast for you or your household.")) from None


def _vote(ballot: Ballot, elector: Elector, choice, receipt: str, keys: BallotKeys) -> Vote:
    public = ballot.secrecy is Secrecy.PUBLIC
    return Vote(id=secrets.token_hex(16), ballot_id=ballot.id, choice=choice,
                weight=elector.area if ballot.is_statutory else Decimal(1), receipt=receipt,
                elector_id=elector.id if public else None,
                link=None if public else keys.link(ballot.id, elector.id))


def _find_vote(ballot: Ballot, elector_id: int, keys: BallotKeys):
    if ballot.secrecy is Secrecy.PUBLIC:
        return Vote.elector_id == elector_id
    return Vote.link == keys.link(ballot.id, elector_id)


def _change(session: Session, *, ballot: Ballot, participation: Participation, user: User, choice,
            keys: BallotKeys, now: datetime) -> CastResult:
    if participation.channel is not Channel.ONLINE:
        raise AlreadyVoted(_l("A paper ballot was recorded for you on %(date)s. It stands unless the "
                              "convenor voids it.", date=participation.cast_at.strftime("%Y-%m-%d")))
    if participation.user_id != user.id:
        raise AlreadyVoted(_l("Your household has already voted. Only the member who voted can change it."))
    if not ballot.allows_changes:
        raise AlreadyVoted(_l("You have already voted, and votes in an anonymous ballot cannot be changed."))
    receipt = new_receipt()
    changed = session.execute(
        update(Vote).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True),
                           _find_vote(ballot, participation.elector_id, keys))
        .values(choice=choice, receipt=receipt).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise DomainError(_l("Your earlier ballot could not be found to change. Ask the convenor."))
    participation.changed_at = now
    participation.receipt_sealed = keys.seal(receipt)
    return CastResult(receipt=receipt, changed=True, participation=participation)


# --- paper ballots, proxies and voids ------------------------------------------------------------------------

def record_paper(session: Session, *, ballot: Ballot, by: User, elector: Elector, choice, keys: BallotKeys,
                 channel: Channel = Channel.PAPER, proxy_name: str = "", now: datetime | None = None) -> CastResult:
    """The convenor keys in a signed paper ballot or a written proxy's vote; the photo is attached by the caller
    to the returned participation. If the elector already voted, the first recorded ballot stands."""
    now = now or utcnow()
    _check_taking_votes(ballot, now)
    if elector.ballot_id != ballot.id:
        raise DomainError(_l("This elector is not on this ballot's roll."))
    if channel is Channel.PROXY and not proxy_name.strip():
        raise DomainError(_l("Name the person holding the written proxy."))
    choice = _valid_choice(ballot, choice)
    standing = session.scalar(select(Participation).where(
        Participation.ballot_id == ballot.id, Participation.elector_id == elector.id,
        Participation.voided_at.is_(None)))
    if standing is not None:
        raise AlreadyVoted(_l("A ballot already stands for %(who)s (cast %(date)s). The first recorded ballot "
                              "stands unless you void it with a reason.", who=elector.label or elector.key,
                              date=standing.cast_at.strftime("%Y-%m-%d %H:%M")))
    receipt = new_receipt()
    participation = Participation(ballot_id=ballot.id, compound_id=ballot.compound_id, elector_id=elector.id,
                                  user_id=None, channel=channel, recorded_by_id=by.id, cast_at=now,
                                  proxy_name=proxy_name.strip()[:40], receipt_sealed=keys.seal(receipt))
    _insert_once(session, ballot, participation, elector, choice, receipt, keys)
    audit.record(session, actor=by, action="ballot.paper_recorded", subject=participation,
                 compound_id=ballot.compound_id, community_id=ballot.community_id,
                 data={"ballot": ballot.id, "elector": elector.key, "channel": str(channel),
                       "proxy": participation.proxy_name})
    owners = session.scalars(select(User).join(ElectorVoter, ElectorVoter.user_id == User.id)
                             .where(ElectorVoter.elector_id == elector.id))
    notify(session, recipients=owners, kind="ballot.paper_recorded", url="/me/receipts",
           params={"title": ballot.title}, compound_id=ballot.compound_id, actor=by)
    return CastResult(receipt=receipt, changed=False, participation=participation)


def void(session: Session, *, ballot: Ballot, participation: Participation, by: User, reason: str,
         keys: BallotKeys, now: datetime | None = None) -> None:
    """Set a standing ballot aside (e.g. a paper ballot when the owner's own online vote should stand), with
    a reason on record; the elector may then vote again."""
    now = now or utcnow()
    _check_taking_votes(ballot, now)
    if participation.ballot_id != ballot.id or not participation.is_standing:
        raise DomainError(_l("This ballot has already been set aside."))
    if not reason.strip():
        raise DomainError(_l("Say why this ballot is set aside."))
    session.execute(update(Vote).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True),
                                       _find_vote(ballot, participation.elector_id, keys))
                    .values(counted=False, link=None).execution_options(synchronize_session=False))
    participation.voided_at = now
    participation.voided_by_id = by.id
    participation.void_reason = reason.strip()
    audit.record(session, actor=by, action="ballot.voided", subject=participation,
                 compound_id=ballot.compound_id, community_id=ballot.community_id,
                 data={"ballot": ballot.id, "elector": participation.elector.key, "reason": participation.void_reason})
    if participation.user is not None:
        notify(session, recipients=[participation.user], kind="ballot.voided", url=ballot_url(ballot),
               params={"title": ballot.title, "reason": participation.void_reason},
               compound_id=ballot.compound_id, actor=by)


# --- extending and closing -------------------------------------------------------------------------------------

def extend(session: Session, *, ballot: Ballot, by: User, until: datetime, notice: str,
           now: datetime | None = None) -> None:
    now = now or utcnow()
    if not ballot.is_open:
        raise DomainError(_l("Only an open ballot can be extended."))
    if not notice.strip():
        raise DomainError(_l("An extension needs a public notice saying why."))
    if until <= ballot.closes_at:
        raise DomainError(_l("The new closing time must be later than the current one."))
    if until - now < MIN_OPEN:
        raise DomainError(_l("Extend by at least an hour from now."))
    if until - ballot.opened_at > MAX_OPEN:
        raise DomainError(_l("A ballot stays open for at most 90 days."))
    if ballot.was_extended:
        raise DomainError(_l("A ballot's closing time can be extended only once."))
    ballot.extend(until=until, notice=notice)
    ballot.reminded_at = None
    audit.record(session, actor=by, action="ballot.extended", subject=ballot, compound_id=ballot.compound_id,
                 community_id=ballot.community_id,
                 data={"from": ballot.original_closes_at.isoformat(), "to": until.isoformat(),
                       "notice": ballot.extension_notice})
    notify(session, recipients=_voters(session, ballot), kind="ballot.extended", url=ballot_url(ballot),
           params={"title": ballot.title, "until": until.isoformat()},
           compound_id=ballot.compound_id, actor=by)


def _voters(session: Session, ballot: Ballot, *, not_voted: bool = False):
    query = select(User).join(ElectorVoter, ElectorVoter.user_id == User.id).where(
        ElectorVoter.ballot_id == ballot.id)
    if not_voted:
        voted = select(Participation.elector_id).where(Participation.ballot_id == ballot.id,
                                                      Participation.voided_at.is_(None))
        query = query.where(ElectorVoter.elector_id.not_in(voted))
    return session.scalars(query.distinct())


# Other domains settle what a ballot decided for them (a project's implementer) in the closing transaction,
# without the voting engine knowing about them: each hook gets (session, ballot, result, now).
CLOSE_HOOKS: list[Callable[[Session, Ballot, methods.Result, datetime], None]] = []


def on_close(hook: Callable[[Session, Ballot, methods.Result, datetime], None]):
    CLOSE_HOOKS.append(hook)
    return hook


def close_ballot(session: Session, *, ballot: Ballot, keys: BallotKeys, by: User | None = None,
                 now: datetime | None = None, early: bool = False) -> methods.Result:
    """Count, publish the counted receipts, hash, sign and record the result; settle the proposal behind it."""
    now = now or utcnow()
    if early and now >= ballot.closes_at:
        early = False
    with _as_refusal():
        ballot.close(at=now, early=early)
    votes = list(session.execute(
        select(Vote.receipt, Vote.choice, Vote.weight).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True))
        .order_by(Vote.receipt)))
    setup = ballot.setup()
    result = ballot.tally_method().tally(
        setup, [methods.Cast(v.choice, v.weight) for v in votes],
        methods.Electorate(size=ballot.roll_size or 0, area=ballot.roll_area or Decimal(0)))
    ballot.result = result.to_json()
    ballot.ballots_hash = sha256_hex([{"receipt": v.receipt, "choice": v.choice, "weight": str(v.weight)}
                                      for v in votes])
    record = {
        "ballot": ballot.id, "compound": ballot.compound_id, "title": ballot.title, "method": ballot.method,
        "electorate": str(ballot.electorate), "opened_at": ballot.opened_at.isoformat(),
        "closed_at": now.isoformat(), "roll_hash": ballot.roll_hash, "roll_size": ballot.roll_size,
        "roll_area": str(Decimal(ballot.roll_area or 0).quantize(FEN)), "counted": len(votes), "ballots_hash": ballot.ballots_hash,
        "result": ballot.result,
    }
    ballot.result_record = canonical(record).decode()
    ballot.result_signature = keys.sign(ballot.result_record)
    audit.record(session, actor=by, action="ballot.closed", subject=ballot, compound_id=ballot.compound_id,
                 community_id=ballot.community_id,
                 data={"early": early, "roll_hash": ballot.roll_hash, "ballots_hash": ballot.ballots_hash,
                       "counted": len(votes), "result": ballot.result, "signature": ballot.result_signature})
    _settle_proposal(session, ballot, result, now)
    for hook in CLOSE_HOOKS:
        hook(session, ballot, result, now)
    notify(session, recipients=_voters(session, ballot), kind="ballot.closed", url=ballot_url(ballot),
           params={"title": ballot.title}, compound_id=ballot.compound_id, actor=by)
    return result


def _settle_proposal(session: Session, ballot: Ballot, result: methods.Result, now: datetime) -> None:
    """A yes/no (or owners') ballot on a proposal adopts or rejects it."""
    if ballot.proposal_id is None or result.passed is None:
        return
    proposal = session.get(Proposal, ballot.proposal_id)
    if proposal is None or proposal.status is not ProposalStatus.TO_BALLOT:
        return
    proposal.settle_by_ballot(passed=bool(result.passed), at=now)


def close_early(session: Session, *, ballot: Ballot, by: User, keys: BallotKeys, now: datetime | None = None):
    if ballot.is_statutory:
        raise DomainError(_l("A statutory owners' ballot cannot close early: it stays open until its "
                             "announced time."))
    return close_ballot(session, ballot=ballot, keys=keys, by=by, now=now, early=True)


def process_due(session: Session, *, keys: BallotKeys, now: datetime | None = None,
                compound_id: int | None = None) -> dict[str, int]:
    """Open scheduled ballots whose time has come, close those past their closing time, and remind those who
    have not voted 24 hours before close. Run by `flask voting process-due` and before ballot pages render."""
    now = now or utcnow()
    scope = [Ballot.compound_id == compound_id] if compound_id is not None else []
    due = list(session.scalars(select(Ballot).where(
        *scope,
        or_(and_(Ballot.status == BallotStatus.SCHEDULED, Ballot.opens_at <= now),
            and_(Ballot.status == BallotStatus.OPEN, Ballot.closes_at <= now + REMIND_BEFORE)))
        .order_by(Ballot.id)))
    done = Counter()
    for ballot in due:
        if ballot.status is BallotStatus.SCHEDULED:
            try:
                open_ballot(session, ballot=ballot, by=None, now=now)
                done["opened"] += 1
            except DomainError:
                ballot.unschedule()
                done["returned_to_draft"] += 1
        elif ballot.closes_at <= now:
            close_ballot(session, ballot=ballot, keys=keys, now=now)
            done["closed"] += 1
        elif ballot.reminded_at is None:
            notify(session, recipients=_voters(session, ballot, not_voted=True), kind="ballot.reminder",
                   url=ballot_url(ballot), params={"title": ballot.title,
                                                   "time": ballot.closes_at.isoformat()},
                   compound_id=ballot.compound_id)
            ballot.reminded_at = now
            done["reminded"] += 1
    return dict(done)


# --- reading ---------------------------------------------------------------------------------------------------

@dataclass
class BallotLists:
    open: list[Ballot]
    upcoming: list[Ballot]
    closed: list[Ballot]
    drafts: list[Ballot]


def ballots_of(session: Session, compound: Compound, *, include_drafts: bool, closed_limit: int = 20) -> BallotLists:
    statuses = [BallotStatus.OPEN, BallotStatus.SCHEDULED]
    if include_drafts:
        statuses.append(BallotStatus.DRAFT)
    current = list(session.scalars(select(Ballot).where(Ballot.compound_id == compound.id,
                                                        Ballot.status.in_(statuses)).order_by(Ballot.closes_at)))
    closed = list(session.scalars(select(Ballot).where(Ballot.compound_id == compound.id,
                                                       Ballot.status == BallotStatus.CLOSED)
                                  .order_by(Ballot.closed_at.desc()).limit(closed_limit)))
    return BallotLists(open=[b for b in current if b.status is BallotStatus.OPEN],
                       upcoming=[b for b in current if b.status is BallotStatus.SCHEDULED],
                       closed=closed, drafts=[b for b in current if b.status is BallotStatus.DRAFT])


def load_ballot(session: Session, ballot_id: int) -> Ballot | None:
    """The ballot with its compound and options, in one query."""
    return session.execute(select(Ballot).where(Ballot.id == ballot_id)
                           .options(joinedload(Ballot.compound), joinedload(Ballot.options))
                           ).unique().scalar_one_or_none()


def voted_counts(session: Session, ballots: list[Ballot]) -> dict[int, int]:
    """Electors who have a standing ballot, per ballot, in one query."""
    ids = [b.id for b in ballots if b.opened_at is not None]
    if not ids:
        return {}
    rows = session.execute(
        select(Participation.ballot_id, func.count(Participation.id))
        .where(Participation.ballot_id.in_(ids), Participation.voided_at.is_(None))
        .group_by(Participation.ballot_id))
    return dict(rows.all())


def my_part(session: Session, user, ballots: list[Ballot]) -> dict[int, bool]:
    """For open ballots the user is on the roll of: whether a ballot stands for them (or all their electors)."""
    if not ballots or not getattr(user, "is_authenticated", False):
        return {}
    rows = session.execute(
        select(ElectorVoter.ballot_id, Participation.id)
        .outerjoin(Participation, and_(Participation.elector_id == ElectorVoter.elector_id,
                                       Participation.voided_at.is_(None)))
        .where(ElectorVoter.user_id == user.id, ElectorVoter.ballot_id.in_([b.id for b in ballots])))
    part: dict[int, bool] = {}
    for ballot_id, participation_id in rows:
        part[ballot_id] = part.get(ballot_id, True) and participation_id is not None
    return part


def load_options(session: Session, ballots: list[Ballot]) -> None:
    """Every listed ballot's options in one query (results name their winners by option label)."""
    if not ballots:
        return
    found: dict[int, list[BallotOption]] = {b.id: [] for b in ballots}
    for option in session.scalars(select(BallotOption).where(BallotOption.ballot_id.in_(found))
                                  .order_by(BallotOption.ballot_id, BallotOption.position)):
        found[option.ballot_id].append(option)
    for ballot in ballots:
        set_committed_value(ballot, "options", found[ballot.id])


@dataclass
class Turnout:
    """The running public count (city e-voting rules): electors who voted and, for owners, their area."""
    voted: int
    roll_size: int
    voted_area: Decimal
    roll_area: Decimal


def turnout(session: Session, ballot: Ballot) -> Turnout:
    row = session.execute(
        select(func.count(Participation.id), func.coalesce(func.sum(Elector.area), 0))
        .join(Elector, Elector.id == Participation.elector_id)
        .where(Participation.ballot_id == ballot.id, Participation.voided_at.is_(None))).one()
    return Turnout(voted=row[0], roll_size=ballot.roll_size or 0, voted_area=Decimal(row[1]),
                   roll_area=ballot.roll_area or Decimal(0))


def live_result(session: Session, ballot: Ballot) -> methods.Result | None:
    """The count so far, only for ballots whose results were chosen to be live before opening."""
    if ballot.is_closed:
        return methods.Result.from_json(ballot.result)
    if not ballot.results_public:
        return None
    votes = session.execute(select(Vote.choice, Vote.weight).where(Vote.ballot_id == ballot.id,
                                                                   Vote.counted.is_(True))).all()
    return ballot.tally_method().tally(
        ballot.setup(), [methods.Cast(v.choice, v.weight) for v in votes],
        methods.Electorate(size=ballot.roll_size or 0, area=ballot.roll_area or Decimal(0)))


@dataclass
class PublishedBallot:
    receipt: str
    choice: object | None          # None in secret ballots
    weight: Decimal | None         # public ballots only
    voter: str | None = None       # public ballots: the elector's label


def counted_ballots(session: Session, ballot: Ballot) -> list[PublishedBallot]:
    """After close: every counted receipt, with its choice unless the ballot was secret, and the elector in
    public ballots."""
    if not ballot.is_closed:
        return []
    query = select(Vote.receipt, Vote.choice, Vote.weight, Elector.label, Elector.key) \
        .outerjoin(Elector, Elector.id == Vote.elector_id) \
        .where(Vote.ballot_id == ballot.id, Vote.counted.is_(True)).order_by(Vote.receipt)
    secret = ballot.secrecy is Secrecy.SECRET
    public = ballot.secrecy is Secrecy.PUBLIC
    # An owner's area beside a choice could name them: weights are published only where names are.
    return [PublishedBallot(receipt=row.receipt, choice=None if secret else row.choice,
                            weight=row.weight if public else None,
                            voter=(row.label or row.key) if ballot.secrecy is Secrecy.PUBLIC else None)
            for row in session.execute(query)]


def verify_counted(session: Session, ballot: Ballot) -> bool:
    """Recompute the hash over the counted ballots and compare it with the one signed at close."""
    votes = session.execute(select(Vote.receipt, Vote.choice, Vote.weight).where(
        Vote.ballot_id == ballot.id, Vote.counted.is_(True)).order_by(Vote.receipt)).all()
    return sha256_hex([{"receipt": v.receipt, "choice": v.choice, "weight": str(v.weight)} for v in votes]) \
        == ballot.ballots_hash


@dataclass
class MyReceipt:
    ballot: Ballot
    participation: Participation
    receipt: str | None
    counted: bool | None           # None until the ballot closes


def my_receipts(session: Session, user: User, keys: BallotKeys) -> list[MyReceipt]:
    """Every ballot cast by or for this user (paper ballots and proxies included), newest first."""
    rows = session.scalars(
        select(Participation)
        .join(ElectorVoter, and_(ElectorVoter.elector_id == Participation.elector_id,
                                 ElectorVoter.user_id == user.id))
        .options(selectinload(Participation.ballot), selectinload(Participation.recorded_by),
                 selectinload(Participation.user), selectinload(Participation.elector))
        .order_by(Participation.cast_at.desc(), Participation.id.desc()))
    found = []
    for participation in rows:
        mine = participation.user_id == user.id or participation.channel is not Channel.ONLINE
        receipt = keys.unseal(participation.receipt_sealed) if mine else None
        counted = None
        if participation.ballot.is_closed:
            counted = participation.is_standing
        found.append(MyReceipt(participation.ballot, participation, receipt, counted))
    return found


def export_participations(session: Session, user: User, keys: BallotKeys) -> list[dict]:
    """For the user's data export: every ballot cast by or for them, with its receipt (never the choice of a
    ballot whose choices are kept apart)."""
    return [{
        "ballot": mine.ballot.title, "ballot_id": mine.ballot.id, "cast_at": mine.participation.cast_at.isoformat(),
        "channel": str(mine.participation.channel), "receipt": mine.receipt,
        "counted": mine.counted, "set_aside_reason": mine.participation.void_reason or None,
    } for mine in my_receipts(session, user, keys)]


def roll_of(session: Session, ballot: Ballot) -> list[tuple[Elector, Participation | None]]:
    """The frozen roll with who has voted (for the convenor keying in paper ballots), in two queries."""
    electors = list(session.scalars(select(Elector).where(Elector.ballot_id == ballot.id).order_by(Elector.key)))
    standing = {p.elector_id: p for p in session.scalars(
        select(Participation).where(Participation.ballot_id == ballot.id, Participation.voided_at.is_(None)))}
    return [(elector, standing.get(elector.id)) for elector in electors]


def ballot_for_proposal(session: Session, proposal: Proposal) -> Ballot | None:
    """The announced ballot deciding a proposal the council put to a vote (no query for other proposals)."""
    if proposal.status not in (ProposalStatus.TO_BALLOT, ProposalStatus.ADOPTED, ProposalStatus.REJECTED):
        return None
    return session.scalar(select(Ballot).where(
        Ballot.proposal_id == proposal.id,
        Ballot.status.in_([BallotStatus.SCHEDULED, BallotStatus.OPEN, BallotStatus.CLOSED]))
        .order_by(Ballot.id.desc()).limit(1))


def decisions_awaiting_ballot(session: Session, compound: Compound) -> list[Decision]:
    return list(session.scalars(
        select(Decision).where(Decision.compound_id == compound.id, Decision.outcome == ProposalStatus.TO_BALLOT,
                               Decision.ballot_id.is_(None), Decision.returned_at.is_(None))
        .options(selectinload(Decision.proposal)).order_by(Decision.id)))


@dataclass
class OpenBallot:
    ballot: Ballot
    on_roll: bool
    voted: bool


def open_ballots(session: Session, compound: Compound, user, *, limit: int) -> list[OpenBallot]:
    """The open ballots closing soonest, with whether the user is on each roll and has voted, in one query."""
    user_id = user.id if getattr(user, "is_authenticated", False) else None
    mine = select(ElectorVoter.id).where(ElectorVoter.ballot_id == Ballot.id, ElectorVoter.user_id == user_id)
    voted = select(Participation.id).join(ElectorVoter, ElectorVoter.elector_id == Participation.elector_id) \
        .where(ElectorVoter.ballot_id == Ballot.id, ElectorVoter.user_id == user_id,
               Participation.voided_at.is_(None))
    rows = session.execute(
        select(Ballot, mine.exists(), voted.exists())
        .where(Ballot.compound_id == compound.id, Ballot.status == BallotStatus.OPEN)
        .order_by(Ballot.closes_at).limit(limit))
    return [OpenBallot(ballot, bool(on_roll), bool(has_voted)) for ballot, on_roll, has_voted in rows]


def runoff(session: Session, *, ballot: Ballot, by: User, closes_at: datetime, now: datetime | None = None) -> Ballot:
    """A council election with unfilled seats: a new draft with the unfilled seats and the run-off candidates."""
    now = now or utcnow()
    if not ballot.is_closed or ballot.method != "election":
        raise DomainError(_l("Only a closed council election can go to a run-off."))
    if session.scalar(select(Ballot.id).where(Ballot.runoff_of_id == ballot.id,
                                              Ballot.status != BallotStatus.CANCELLED)) is not None:
        raise DomainError(_l("This election already has a run-off."))
    result = methods.Result.from_json(ballot.result)
    candidates = result.figures.get("runoff_candidates") or []
    if result.unfilled_seats < 1 or not candidates:
        raise DomainError(_l("Every seat was filled: there is nothing to run off."))
    labels = {o.key: o for o in ballot.options}
    data = BallotInput(
        title=str(_l("Run-off: %(title)s", title=ballot.title))[:TITLE_MAX], description=ballot.description,
        method="election", electorate=ballot.electorate, secrecy=ballot.secrecy,
        results_visibility=ballot.results_visibility, opens_at=None, closes_at=closes_at,
        seats=result.unfilled_seats)
    new = draft_ballot(session, compound=ballot.compound, by=by, data=data, now=now)
    new.runoff_of_id = ballot.id
    for key in candidates:
        add_option(session, ballot=new, by=by, label=labels[key].label, description=labels[key].description)
    return new

