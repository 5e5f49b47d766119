"""The convenor's pages: drafting (and what a bad draft looks like), options, scheduling, opening, extending once,
closing (never early for statutory ballots), the roll, paper ballots with their photos, voids, the run-off and a
ballot called by the council — and that each page's query count does not grow with its rows."""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import flask_babel
import pytest
from flask import g, render_template
from flask_login import login_user
from sqlalchemy import func, select

from neighbourhood.db import utcnow
from neighbourhood.media.models import Photo
from neighbourhood.proposals.models import ProposalStatus
from neighbourhood.voting import services
from neighbourhood.voting.models import (
    Ballot, BallotStatus, Channel, Elector, ElectorateKind, Participation, Secrecy,
)
from tests import factories
from tests.accounts.helpers import english, form_errors as _form_errors, page, text as _text
from tests.voting.helpers import KEYS, draft, opened

BEIJING = ZoneInfo("Asia/Shanghai")
CEILING = 12
TITLE = "东门还是西门加装快递柜"


def text(response) -> str:
    """The page as read: entities decoded (an apostrophe comes back as &#39;)."""
    return html.unescape(_text(response))


def form_errors(response) -> str:
    return html.unescape(_form_errors(response))


def soon(**delta) -> datetime:
    """A time from now, naive UTC to the minute (what a datetime-local input can say)."""
    return (utcnow() + timedelta(**delta)).replace(second=0, microsecond=0)


def local(value: datetime) -> str:
    """What the convenor types: Beijing time, as a datetime-local input sends it."""
    return value.replace(tzinfo=timezone.utc).astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


def draft_form(**overrides) -> dict:
    data = {"title": TITLE, "description": "议事会提交居民投票。", "method": "single", "electorate": "residents",
            "secrecy": "secret", "results_visibility": "after_close", "opens_at": "",
            "closes_at": local(soon(days=5)), "pass_rule": "cast", "seats": "1"}
    data.update(overrides)
    return data


def latest(session) -> Ballot | None:
    session.expire_all()
    return session.scalar(select(Ballot).order_by(Ballot.id.desc()))


def ballot_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Ballot))


def goes_to(response, path: str) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(path)


def render_actions(app, ballot, user) -> str:
    """The managers' buttons as the ballot page includes them, for this user."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        flask_babel.refresh()
        login_user(user)
        try:
            return render_template("voting/manage/_actions.html", ballot=ballot)
        finally:
            g.pop("_login_user", None)
            flask_babel.refresh()


def photo_upload(data: bytes | None = None):
    return (io.BytesIO(factories.jpeg_bytes() if data is None else data), "signed-form.jpg")


def measure(count_queries, client, path):
    client.get(path)  # warm up
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements), text(response)


# --- drafting through opening, extending and closing ---------------------------------------------------------

def test_draft_options_open_extend_once_and_close_through_the_pages(app, session, world, client_as):
    client = english(client_as("council"))
    closes = soon(days=5)
    response = client.post(f"/ballots/new?compound={world.compound.id}", data=draft_form(closes_at=local(closes)))
    ballot = latest(session)
    assert goes_to(response, f"/ballots/{ballot.id}/edit#options")
    assert ballot.status is BallotStatus.DRAFT and ballot.method == "single"
    assert ballot.closes_at == closes, "typed in Beijing time, stored as UTC"
    assert page(client.get(f"/ballots/{ballot.id}/edit")).values["closes_at"] == local(closes)

    for label in ("东门", "西门", "南门"):
        assert goes_to(client.post(f"/ballots/{ballot.id}/options", data={"label": label}),
                       f"/ballots/{ballot.id}/edit#options")
    south = next(o for o in latest(session).options if o.label == "南门")
    assert goes_to(client.post(f"/ballots/{ballot.id}/options/{south.id}/remove"), f"/ballots/{ballot.id}/edit#options")
    twice = client.post(f"/ballots/{ballot.id}/options", data={"label": "东门"})
    assert twice.status_code == 200 and "already an option with this name" in text(twice)
    body = text(client.get(f"/ballots/{ballot.id}/edit"))
    assert "东门" in body and "西门" in body and "南门" not in body

    confirm = text(client.get(f"/ballots/{ballot.id}/open"))
    assert "4 electors" in confirm and "Open now and notify the voters" in confirm
    assert goes_to(client.post(f"/ballots/{ballot.id}/open"), f"/ballots/{ballot.id}")
    ballot = latest(session)
    assert ballot.status is BallotStatus.OPEN and ballot.roll_size == 4 and len(ballot.roll_hash) == 64
    assert goes_to(client.get(f"/ballots/{ballot.id}/edit"), f"/ballots/{ballot.id}"), "no edits once open"

    earlier = client.post(f"/ballots/{ballot.id}/extend", data={"until": local(closes - timedelta(hours=1)),
                                                                "notice": "延长。"})
    assert earlier.status_code == 200 and "after the current closing time" in text(earlier)
    later = closes + timedelta(days=2)
    assert goes_to(client.post(f"/ballots/{ballot.id}/extend",
                               data={"until": local(later), "notice": "春节假期，延长两天。"}), f"/ballots/{ballot.id}")
    ballot = latest(session)
    assert ballot.closes_at == later and ballot.original_closes_at == closes
    assert ballot.extension_notice == "春节假期，延长两天。"
    second = client.post(f"/ballots/{ballot.id}/extend",
                         data={"until": local(later + timedelta(days=1)), "notice": "再延长一天。"})
    assert second.status_code == 200 and "can be extended only once" in text(second)
    assert latest(session).closes_at == later
    assert "/extend" not in render_actions(app, latest(session), world.users["council"])

    assert "Close and count now" in text(client.get(f"/ballots/{ballot.id}/close"))
    assert goes_to(client.post(f"/ballots/{ballot.id}/close"), f"/ballots/{ballot.id}")
    ballot = latest(session)
    assert ballot.status is BallotStatus.CLOSED and ballot.result_signature


def test_the_managers_buttons_follow_the_status(app, session, world):
    council = world.users["council"]
    ballot = draft(session, world.compound, council, opens_at=soon(days=1), closes_at=soon(days=6))
    session.commit()
    buttons = render_actions(app, ballot, council)
    for path in ("/edit", "/open", "/schedule", "/cancel"):
        assert f"/ballots/{ballot.id}{path}" in buttons
    assert render_actions(app, ballot, world.users["resident"]).strip() == ""
    services.open_ballot(session, ballot=ballot, by=council)
    session.commit()
    buttons = render_actions(app, ballot, council)
    assert all(f"/ballots/{ballot.id}{p}" in buttons for p in ("/roll", "/extend", "/close"))
    assert "/cancel" not in buttons and "/edit" not in buttons
    supervisor = render_actions(app, ballot, world.users["supervisor"])
    assert "/roll" in supervisor and "/close" not in supervisor


def test_schedule_return_to_draft_and_cancel_with_a_reason(app, session, world, client_as):
    client = english(client_as("council"))
    ballot = draft(session, world.compound, world.users["council"], opens_at=None)
    session.commit()
    refused = client.post(f"/ballots/{ballot.id}/schedule")
    assert refused.status_code == 200 and "Set an opening time in the future" in form_errors(refused)
    assert latest(session).status is BallotStatus.DRAFT

    opens = soon(days=1)
    client.post(f"/ballots/{ballot.id}/edit", data=draft_form(method="yes_no", opens_at=local(opens),
                                                             closes_at=local(opens + timedelta(days=3))))
    assert latest(session).opens_at == opens
    assert goes_to(client.post(f"/ballots/{ballot.id}/schedule"), f"/ballots/{ballot.id}")
    assert latest(session).status is BallotStatus.SCHEDULED
    assert goes_to(client.post(f"/ballots/{ballot.id}/unschedule"), f"/ballots/{ballot.id}")
    assert latest(session).status is BallotStatus.DRAFT

    no_reason = client.post(f"/ballots/{ballot.id}/cancel", data={"reason": " "})
    assert no_reason.status_code == 200 and "Give a reason." in text(no_reason)
    assert latest(session).status is BallotStatus.DRAFT
    assert goes_to(client.post(f"/ballots/{ballot.id}/cancel", data={"reason": "议题已由物业解决。"}),
                   f"/ballots/{ballot.id}")
    ballot = latest(session)
    assert ballot.status is BallotStatus.CANCELLED and ballot.cancel_reason == "议题已由物业解决。"


@pytest.mark.parametrize("role, overrides, message", [
    ("council", {"opens_at": local(soon(days=2)), "closes_at": local(soon(days=1))},
     "The closing time must be after the opening time."),
    ("council", {"closes_at": local(soon(minutes=30))}, "A ballot stays open for at least an hour."),
    ("station", {"method": "statutory", "statutory_item": "3", "electorate": "residents"},
     "Statutory owners' decisions are voted by the owners' roll."),
    ("council", {"method": "budget", "budget": ""}, "Set the budget in yuan."),
], ids=["closes-before-opening", "too-short", "statutory-residents", "budget-without-amount"])
def test_a_bad_draft_comes_back_filled_in_with_the_reason(app, session, world, client_as, role, overrides,
                                                          message):
    client = english(client_as(role))
    posted = draft_form(**overrides)
    response = client.post(f"/ballots/new?compound={world.compound.id}", data=posted)
    assert response.status_code == 200 and message in text(response)
    values = page(response).values
    assert values["title"] == TITLE and values["method"] == posted["method"]
    assert values["closes_at"] == posted["closes_at"] and values["electorate"] == posted["electorate"]
    assert ballot_count(session) == 0


def test_statutory_ballots_are_for_the_convener_and_station_and_never_close_early(app, session, world, client_as):
    council, station = english(client_as("council")), english(client_as("station"))
    new = f"/ballots/new?compound={world.compound.id}"
    assert 'value="statutory"' not in text(council.get(new))
    refused = council.post(new, data=draft_form(method="statutory", statutory_item="8", electorate="owners"))
    assert refused.status_code == 200 and ballot_count(session) == 0

    response = station.post(new, data=draft_form(method="statutory", statutory_item="8", electorate="owners",
                                                 secrecy="public"))
    ballot = latest(session)
    assert goes_to(response, f"/ballots/{ballot.id}"), "no options to list: straight to the ballot"
    assert ballot.statutory_item == 8 and ballot.matter == "major"
    assert council.get(f"/ballots/{ballot.id}/edit").status_code == 403
    assert goes_to(station.post(f"/ballots/{ballot.id}/open"), f"/ballots/{ballot.id}")

    buttons = render_actions(app, latest(session), world.users["station"])
    assert f"/ballots/{ballot.id}/extend" in buttons and f"/ballots/{ballot.id}/close" not in buttons
    assert "cannot close early" in buttons
    page_ = text(station.get(f"/ballots/{ballot.id}/close"))
    assert "cannot close early" in page_ and "Close and count now" not in page_
    response = station.post(f"/ballots/{ballot.id}/close")
    assert response.status_code == 200 and "cannot close early" in text(response)
    assert latest(session).status is BallotStatus.OPEN
    assert "cannot close early" in text(station.get(f"/ballots/{ballot.id}/extend"))


def test_due_ballots_open_and_close_before_a_page_renders(app, session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"])
    ballot.closes_at = soon(minutes=-5)
    session.commit()
    client = english(client_as("council"))
    assert goes_to(client.get(f"/ballots/{ballot.id}/extend"), f"/ballots/{ballot.id}")
    assert latest(session).status is BallotStatus.CLOSED


def post_forms_without_token(body: str) -> list[str]:
    """The actions of POST forms on a page that carry no CSRF token."""
    found = re.findall(r'<form method="post"[^>]*action="([^"]*)"[^>]*>(.*?)</form>', body, re.S)
    return [action for action, inner in found if 'name="csrf_token"' not in inner]


@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_every_form_carries_its_csrf_token(app, session, world, client_as, app_overrides):
    station = world.users["station"]
    a_draft = draft(session, world.compound, station, method="single", options=["甲", "乙"], opens_at=soon(days=1))
    factories.verified_resident(session, app.config, world.compound)
    ballot = opened(session, world.compound, station, electorate=ElectorateKind.HOUSEHOLDS)
    voted = services.cast(session, ballot=ballot, user=world.users["owner"], choice="yes", keys=KEYS).participation
    waiting = next(e for e, p in services.roll_of(session, ballot) if p is None)
    session.commit()
    client = english(client_as("station"))
    paths = [f"/ballots/new?compound={world.compound.id}", f"/ballots/{a_draft.id}/edit",
             f"/ballots/{a_draft.id}/open", f"/ballots/{a_draft.id}/cancel", f"/ballots/{ballot.id}/extend",
             f"/ballots/{ballot.id}/close", f"/ballots/{ballot.id}/roll", f"/ballots/{ballot.id}/paper/{waiting.id}"]
    for path in paths:
        body = text(client.get(path))
        assert '<form method="post"' in body and post_forms_without_token(body) == [], path
    roll = text(client.get(f"/ballots/{ballot.id}/roll"))
    assert f"/participations/{voted.id}/void" in roll
    token = page(client.get(f"/ballots/{a_draft.id}/open")).values["csrf_token"]
    assert client.post(f"/ballots/{a_draft.id}/open").status_code == 400
    assert goes_to(client.post(f"/ballots/{a_draft.id}/open", data={"csrf_token": token}), f"/ballots/{a_draft.id}")


# --- a ballot the council called ------------------------------------------------------------------------------

def test_a_council_decision_prefills_the_draft_and_opening_it_marks_the_decision(app, session, world, client_as):
    decision = factories.ballot_decision(session, world.compound, world.users["council"], title="加装电梯")
    session.commit()
    client = english(client_as("council"))
    offered = text(client.get(f"/ballots/new?compound={world.compound.id}"))
    assert f"decision={decision.id}" in offered and "加装电梯" in offered

    form = client.get(f"/ballots/new?decision={decision.id}")
    values = page(form).values
    assert values["title"] == "加装电梯" and values["method"] == "yes_no"
    assert values["description"].strip() == decision.proposal.body
    response = client.post(f"/ballots/new?decision={decision.id}",
                           data=draft_form(title=values["title"], description=values["description"], method="yes_no"))
    ballot = latest(session)
    assert goes_to(response, f"/ballots/{ballot.id}")
    assert ballot.decision_id == decision.id and ballot.proposal_id == decision.proposal_id
    assert decision.ballot_id is None, "set when the ballot opens"

    assert goes_to(client.post(f"/ballots/{ballot.id}/open"), f"/ballots/{ballot.id}")
    session.expire_all()
    assert decision.ballot_id == ballot.id and not decision.awaits_ballot
    again = client.get(f"/ballots/new?decision={decision.id}")
    assert goes_to(again, f"/ballots/new?compound={world.compound.id}")
    assert f"decision={decision.id}" not in text(client.get(f"/ballots/new?compound={world.compound.id}"))
    assert decision.proposal.status is ProposalStatus.TO_BALLOT


# --- the roll, paper ballots, voids ---------------------------------------------------------------------------------

@pytest.fixture
def owners_ballot(session, world):
    """An open statutory ballot: the owner's unit (王先生 votes online) and an unclaimed one (paper only)."""
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=5,
                    electorate=ElectorateKind.OWNERS, secrecy=Secrecy.PUBLIC)
    session.commit()
    return ballot


def elector_of(session, ballot, household) -> Elector:
    return session.scalar(select(Elector).where(Elector.ballot_id == ballot.id,
                                                Elector.key == f"h:{household.id}"))


def participations(session, ballot) -> list[Participation]:
    session.expire_all()
    return list(session.scalars(select(Participation).where(Participation.ballot_id == ballot.id)
                                .order_by(Participation.id)))


def test_a_paper_ballot_needs_its_photo_and_is_shown_as_such(app, session, world, client_as, owners_ballot):
    station = english(client_as("station"))
    ballot = owners_ballot
    elector = elector_of(session, ballot, world.household)
    roll = text(station.get(f"/ballots/{ballot.id}/roll"))
    assert roll.count('class="row elector') == 2 and f"/ballots/{ballot.id}/paper/{elector.id}" in roll
    path = f"/ballots/{ballot.id}/paper/{elector.id}"
    form = text(station.get(path))
    assert 'name="photo"' in form and "3栋2单元501" in form

    no_photo = station.post(path, data={"choice": "agree", "channel": "paper"})
    assert no_photo.status_code == 200 and "Add a photo of the signed form" in form_errors(no_photo)
    bad_photo = station.post(path, data={"choice": "agree", "channel": "paper", "photo": photo_upload(b"not a jpeg")})
    assert bad_photo.status_code == 200 and "not a photo we can read" in form_errors(bad_photo)
    no_choice = station.post(path, data={"channel": "paper", "photo": photo_upload()})
    assert no_choice.status_code == 200 and "agree, disagree or abstain" in form_errors(no_choice)
    assert participations(session, ballot) == []
    assert session.scalar(select(func.count()).select_from(Photo)) == 0

    response = station.post(path, data={"choice": "agree", "channel": "paper", "photo": photo_upload()})
    assert goes_to(response, f"/ballots/{ballot.id}/roll#elector-{elector.id}")
    [paper] = participations(session, ballot)
    assert paper.channel is Channel.PAPER and paper.recorded_by_id == world.users["station"].id
    photo = session.scalar(select(Photo).where(Photo.subject_type == "ballot_paper", Photo.subject_id == paper.id))
    assert photo is not None
    roll = text(station.get(f"/ballots/{ballot.id}/roll"))
    assert "Paper ballot" in roll and f"/media/{photo.token}.jpg" in roll and "Keyed in by 周社工" in roll
    assert "Voted: 1" in roll and "Not yet: 1" in roll
    with pytest.raises(services.AlreadyVoted):
        services.cast(session, ballot=ballot, user=world.users["owner"], choice="disagree", keys=KEYS)
    session.rollback()

    second = text(station.get(path))
    assert "A ballot already stands for this elector" in second and 'name="photo"' not in second
    again = station.post(path, data={"choice": "disagree", "channel": "paper", "photo": photo_upload()})
    assert again.status_code == 200 and "first recorded ballot stands" in text(again)
    assert len(participations(session, ballot)) == 1


def test_a_ballot_set_aside_with_a_reason_can_be_recorded_again(app, session, world, client_as, owners_ballot):
    station = english(client_as("station"))
    ballot = owners_ballot
    elector = elector_of(session, ballot, world.free_household)
    path = f"/ballots/{ballot.id}/paper/{elector.id}"
    station.post(path, data={"choice": "disagree", "channel": "paper", "photo": photo_upload()})
    [first] = participations(session, ballot)

    void = f"/ballots/{ballot.id}/participations/{first.id}/void"
    no_reason = station.post(void, data={"reason": ""})
    assert no_reason.status_code == 200 and "Give a reason." in text(no_reason)
    assert participations(session, ballot)[0].is_standing
    assert goes_to(station.post(void, data={"reason": "签名与业主登记不符"}),
                   f"/ballots/{ballot.id}/roll#elector-{elector.id}")
    [first] = participations(session, ballot)
    assert not first.is_standing and first.void_reason == "签名与业主登记不符"
    row = text(station.get(f"/ballots/{ballot.id}/roll?q=502"))
    assert row.count('class="row elector') == 1 and "Not voted yet" in row and path in row

    unnamed = station.post(path, data={"choice": "agree", "channel": "proxy", "photo": photo_upload()})
    assert unnamed.status_code == 200 and "Name the person holding the written proxy" in text(unnamed)
    assert goes_to(station.post(path, data={"choice": "agree", "channel": "proxy", "proxy_name": "刘建国",
                                            "photo": photo_upload()}),
                   f"/ballots/{ballot.id}/roll#elector-{elector.id}")
    first, second = participations(session, ballot)
    assert second.is_standing and second.channel is Channel.PROXY and second.proxy_name == "刘建国"
    assert "Proxy holder: 刘建国" in text(station.get(f"/ballots/{ballot.id}/roll"))


def test_the_roll_filters_by_unit_and_names_who_voted_online(app, session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS)
    services.cast(session, ballot=ballot, user=world.users["owner"], choice="yes", keys=KEYS)
    session.commit()
    body = text(english(client_as("supervisor")).get(f"/ballots/{ballot.id}/roll?q=501"))
    assert body.count('class="row elector') == 1 and "Voted online" in body and "Cast by 王先生" in body
    assert "/paper/" not in body and "/void" not in body, "supervisors read the roll, they do not record"
    nobody = text(english(client_as("council")).get(f"/ballots/{ballot.id}/roll?q=9栋"))
    assert "Nobody on the roll matches" in nobody


# --- the run-off ------------------------------------------------------------------------------------------------

def test_an_election_with_an_unfilled_seat_goes_to_a_run_off(app, session, world, client_as):
    council = world.users["council"]
    ballot = opened(session, world.compound, council, method="election", seats=2, options=["甲", "乙", "丙", "丁"])
    for role, choice in (("resident", ["o1", "o2"]), ("owner", ["o1", "o2"]), ("council", ["o1", "o3"]),
                         ("supervisor", ["o3", "o4"])):
        services.cast(session, ballot=ballot, user=world.users[role], choice=choice, keys=KEYS)
    services.close_early(session, ballot=ballot, by=council, keys=KEYS)
    session.commit()
    assert f"/ballots/{ballot.id}/runoff" in render_actions(app, ballot, council)

    client = english(client_as("council"))
    form = text(client.get(f"/ballots/{ballot.id}/runoff"))
    assert "1 seat was not filled" in form and "乙" in form and "丙" in form and "丁" not in form
    closes = soon(days=4)
    response = client.post(f"/ballots/{ballot.id}/runoff", data={"closes_at": local(closes)})
    runoff = latest(session)
    assert goes_to(response, f"/ballots/{runoff.id}")
    assert runoff.runoff_of_id == ballot.id and runoff.status is BallotStatus.DRAFT and runoff.seats == 1
    assert [o.label for o in runoff.options] == ["乙", "丙"] and runoff.closes_at == closes

    plain = opened(session, world.compound, council)
    services.close_early(session, ballot=plain, by=council, keys=KEYS)
    session.commit()
    assert goes_to(client.get(f"/ballots/{plain.id}/runoff"), f"/ballots/{plain.id}")


# --- query counts ---------------------------------------------------------------------------------------------

def test_roll_page_queries_do_not_grow_with_the_roll(app, session, world, client_as, count_queries):
    station = world.users["station"]

    def households_ballot(extra: int, paper: int):
        for n in range(extra):
            factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{n}")
        ballot = opened(session, world.compound, station, electorate=ElectorateKind.HOUSEHOLDS)
        services.cast(session, ballot=ballot, user=world.users["owner"], choice="yes", keys=KEYS)
        waiting = [e for e, p in services.roll_of(session, ballot) if p is None][:paper]
        for elector in waiting:
            made = services.record_paper(session, ballot=ballot, by=station, elector=elector, choice="no",
                                         keys=KEYS).participation
            factories.photo(session, app.config, world.compound, subject_type="ballot_paper", subject_id=made.id,
                            uploader=station)
        session.commit()
        return ballot

    client = english(client_as("station"))
    small = households_ballot(1, 1)
    with_two, body = measure(count_queries, client, f"/ballots/{small.id}/roll")
    assert body.count('class="row elector') == 2 and body.count("Photo of the signed form") == 1
    large = households_ballot(4, 3)
    with_six, body = measure(count_queries, client, f"/ballots/{large.id}/roll")
    assert body.count('class="row elector') == 6 and body.count("Photo of the signed form") == 3
    assert with_six == with_two <= CEILING


def test_form_queries_do_not_grow_with_decisions_options_or_the_roll(app, session, world, client_as,
                                                                     count_queries):
    council = world.users["council"]
    client = english(client_as("council"))
    new = f"/ballots/new?compound={world.compound.id}"

    for n in range(2):
        factories.ballot_decision(session, world.compound, council, title=f"议题{n}")
    session.commit()
    new_two, body = measure(count_queries, client, new)
    assert "2 council decisions are waiting" in body
    for n in range(2, 6):
        factories.ballot_decision(session, world.compound, council, title=f"议题{n}")
    session.commit()
    new_six, body = measure(count_queries, client, new)
    assert "6 council decisions are waiting" in body
    assert new_six == new_two <= CEILING

    two = draft(session, world.compound, council, method="single", options=["甲", "乙"])
    six = draft(session, world.compound, council, method="single", options=["甲", "乙", "丙", "丁", "戊", "己"])
    session.commit()
    edit_two, body = measure(count_queries, client, f"/ballots/{two.id}/edit")
    assert body.count('class="row option"') == 2
    edit_six, body = measure(count_queries, client, f"/ballots/{six.id}/edit")
    assert body.count('class="row option"') == 6
    assert edit_six == edit_two <= CEILING
    open_two, body = measure(count_queries, client, f"/ballots/{two.id}/open")
    assert "4 electors" in body
    services.open_ballot(session, ballot=two, by=council)
    for n in range(4):
        factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{n}")
    session.commit()
    open_six, body = measure(count_queries, client, f"/ballots/{six.id}/open")
    assert "8 electors" in body
    assert open_six == open_two <= CEILING
    services.open_ballot(session, ballot=six, by=council)
    session.commit()
    assert two.roll_size == 4 and six.roll_size == 8
    papers = []
    for ballot in (two, six):
        elector = next(e for e, p in services.roll_of(session, ballot) if p is None)
        papers.append(measure(count_queries, client, f"/ballots/{ballot.id}/paper/{elector.id}")[0])
    assert papers[0] == papers[1] <= CEILING
