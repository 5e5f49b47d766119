"""Voting through the ballot page: every method's form, the receipt shown once, changing a vote, households,
several electors, who is not on the roll and why, and refusals that keep the voter's choice."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.voting import services
from neighbourhood.voting.models import Channel, Elector, ElectorateKind, Participation, Secrecy, Vote
from tests import factories
from tests.accounts.helpers import Page, english
from tests.proposals.helpers import shown
from tests.voting.helpers import KEYS, opened

RECEIPT = re.compile(r'<p class="receipt-code">([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</p>')


def votes(session, ballot):
    return list(session.scalars(select(Vote.choice).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True))))


def checked(html: str, name: str) -> list[str]:
    """The values of the ticked boxes / radios named `name`."""
    return re.findall(rf'<input type="(?:checkbox|radio)" name="{name}" value="([^"]+)"[^>]*checked', html)


def test_a_vote_cast_on_the_page_gives_a_receipt_shown_once_and_kept_on_my_receipts(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"])
    session.commit()
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "Cast my vote" in page and 'name="choice" value="yes"' in page

    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ballots/{ballot.id}#receipt")
    page = shown(client.get(f"/ballots/{ballot.id}"))
    [code] = RECEIPT.findall(page)
    assert "Keep this code" in page and "only time it is shown" in page and 'href="/me/receipts"' in page
    assert "Thank you: your vote is recorded." in page and "You voted on" in page
    assert votes(session, ballot) == ["yes"]

    again = shown(client.get(f"/ballots/{ballot.id}"))
    assert code not in again and "receipt-code" not in again
    mine = shown(client.get("/me/receipts"))
    assert code in mine and ballot.title in mine and "Online" in mine
    assert "Counted when the ballot closes" in mine


def form_for(method: str, keys: list[str]) -> tuple[dict, object]:
    """What a voter ticks for each method, and the choice the ballot box should then hold."""
    return {
        "single": ({"choice": keys[1]}, keys[1]),
        "multiple": ({"choice": [keys[0], keys[2]]}, [keys[0], keys[2]]),
        "approval": ({"choice": [keys[2], keys[0]]}, [keys[0], keys[2]]),
        "election": ({"choice": [keys[1]]}, [keys[1]]),
        "budget": ({"choice": [keys[0], keys[1]]}, [keys[0], keys[1]]),
        "ranked": ({f"rank-{keys[0]}": "2", f"rank-{keys[1]}": "", f"rank-{keys[2]}": "1"}, [keys[2], keys[0]]),
        "score": ({f"score-{keys[0]}": "5", f"score-{keys[1]}": "0", f"score-{keys[2]}": "3"},
                  {keys[0]: 5, keys[1]: 0, keys[2]: 3}),
    }[method]


PROJECTS = [("加装楼道感应灯", "30000"), ("儿童游乐区地面翻新", "50000"), ("老年活动室空调", "40000")]


@pytest.mark.parametrize("method", ["single", "multiple", "approval", "election", "budget", "ranked", "score"])
def test_every_method_with_options_can_be_voted_through_its_form(session, world, client_as, method):
    extra = {"budget": {"budget": Decimal("100000"), "min_spend_percent": 50}, "election": {"seats": 2},
             "multiple": {"max_choices": 2}, "approval": {"max_choices": 2}}.get(method, {})
    options = PROJECTS if method == "budget" else ["甲", "乙", "丙"]
    ballot = opened(session, world.compound, world.users["council"], method=method, options=options, **extra)
    session.commit()
    keys = [o.key for o in ballot.options]
    client = english(client_as("resident"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert 'id="choice-fields"' in page
    if method == "budget":
        assert "¥100,000.00" in page and "¥30,000.00" in page and "¥50,000.00" in page
        assert "Choose projects worth at least 50% of the budget." in page
    if method == "ranked":
        assert f'<select id="rank-{keys[0]}" name="rank-{keys[0]}">' in page and '<option value="3">' in page
    if method == "score":
        assert all(f'name="score-{keys[0]}" value="{n}"' in page for n in range(6))
    data, stored = form_for(method, keys)
    response = client.post(f"/ballots/{ballot.id}/vote", data=data)
    assert response.status_code == 302, shown(response)
    assert votes(session, ballot) == [stored]


@pytest.mark.parametrize("answer", ["agree", "disagree", "abstain"])
def test_an_owner_votes_on_a_statutory_decision(session, world, client_as, answer):
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=8,
                    electorate=ElectorateKind.OWNERS)
    session.commit()
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert all(f'value="{a}"' in page for a in ("agree", "disagree", "abstain")) and "The owner's vote" in page
    assert client.post(f"/ballots/{ballot.id}/vote", data={"choice": answer}).status_code == 302
    assert session.scalars(select(Vote.weight).where(Vote.ballot_id == ballot.id)).all() == [Decimal("89.50")]
    assert votes(session, ballot) == [answer]


def test_a_refused_choice_comes_back_with_the_message_and_the_ticks_kept(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], method="multiple", max_choices=2,
                    options=["甲", "乙", "丙"])
    session.commit()
    keys = [o.key for o in ballot.options]
    client = english(client_as("owner"))
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": keys})
    assert response.status_code == 200
    page = shown(response)
    assert "Choose at most 2 of the options; you chose 3." in page and 'class="form-errors"' in page
    assert checked(page, "choice") == keys
    assert votes(session, ballot) == [] and "receipt-code" not in page

    response = client.post(f"/ballots/{ballot.id}/vote", data={})
    assert response.status_code == 200 and "Choose at least one option." in shown(response)


def test_a_refused_ranking_and_budget_keep_what_was_entered(session, world, client_as):
    ranked = opened(session, world.compound, world.users["council"], method="ranked", options=["甲", "乙", "丙"])
    budget = opened(session, world.compound, world.users["council"], method="budget", budget=Decimal("60000"),
                    options=PROJECTS)
    session.commit()
    client = english(client_as("owner"))
    r = [o.key for o in ranked.options]
    response = client.post(f"/ballots/{ranked.id}/vote", data={f"rank-{r[0]}": "1", f"rank-{r[1]}": "1"})
    page = Page(shown(response))
    assert response.status_code == 200 and "Give each rank to one option only." in shown(response)
    assert page.values[f"rank-{r[0]}"] == "1" and page.values[f"rank-{r[1]}"] == "1"
    assert not page.values.get(f"rank-{r[2]}")

    b = [o.key for o in budget.options]
    response = client.post(f"/ballots/{budget.id}/vote", data={"choice": [b[0], b[1]]})
    page = shown(response)
    assert response.status_code == 200 and "cost 80,000 yuan, more than the budget of 60,000 yuan" in page
    assert checked(page, "choice") == [b[0], b[1]]
    assert votes(session, ranked) == [] and votes(session, budget) == []


def test_changing_a_secret_vote_shows_change_my_vote_and_a_new_receipt(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    session.commit()
    client = english(client_as("owner"))
    client.post(f"/ballots/{ballot.id}/vote", data={"choice": "no"})
    [first] = RECEIPT.findall(shown(client.get(f"/ballots/{ballot.id}")))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "Change my vote" in page and "You can change your vote until the ballot closes" in page
    assert client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"}).status_code == 302
    page = shown(client.get(f"/ballots/{ballot.id}"))
    [second] = RECEIPT.findall(page)
    assert second != first and "Your new receipt code" in page and "Your earlier code no longer counts." in page
    assert "Your vote is changed" in page and "You changed your vote on" in page
    assert votes(session, ballot) == ["yes"]
    mine = shown(client.get("/me/receipts"))
    assert second in mine and first not in mine


def test_an_anonymous_vote_cannot_be_changed(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.ANONYMOUS)
    session.commit()
    client = english(client_as("owner"))
    client.post(f"/ballots/{ballot.id}/vote", data={"choice": "no"})
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "In an anonymous ballot a vote cannot be changed." in page and 'action="/ballots/' not in page
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    assert response.status_code == 200 and "cannot be changed" in shown(response)
    assert votes(session, ballot) == ["no"]


def test_a_household_member_is_told_who_voted_for_the_household(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS)
    session.commit()
    assert english(client_as("resident")).post(f"/ballots/{ballot.id}/vote", data={"choice": "no"}).status_code == 302
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "Your household 3栋2单元501 has already voted: 3栋 李阿姨 voted on" in page
    assert "Only the member who voted can change it." in page and "Cast my vote" not in page
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    page = shown(response)
    assert response.status_code == 200 and "Only the member who voted can change it" in page
    assert votes(session, ballot) == ["no"]
    # The member who voted for the household finds the receipt; the other one is told whose it is.
    assert "another member" in shown(client.get("/me/receipts"))


def test_a_member_of_two_households_chooses_which_one_they_vote_for(app, session, world, client_as):
    owner = world.users["owner"]
    factories.membership(session, owner, world.free_household)
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS)
    session.commit()
    electors = {e.household_id: e.id for e in session.scalars(select(Elector).where(Elector.ballot_id == ballot.id))}
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert '<select id="elector" name="elector">' in page and "3栋2单元502" in page
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    assert response.status_code == 200 and "Choose which household you are voting for." in shown(response)
    assert checked(shown(response), "choice") == ["yes"]
    for household, choice in ((world.free_household, "no"), (world.household, "yes")):
        response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": choice,
                                                                   "elector": electors[household.id]})
        assert response.status_code == 302
    assert sorted(votes(session, ballot)) == ["no", "yes"]
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert page.count("You voted on") == 2


def test_who_is_not_on_the_roll_is_told_why(app, session, world, client_as):
    residents = opened(session, world.compound, world.users["council"])
    owners = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=5,
                    electorate=ElectorateKind.OWNERS)
    late = factories.verified_resident(session, app.config, world.compound, display_name="新邻居")
    late.memberships[0].decided_at = utcnow() + timedelta(minutes=1)
    session.commit()

    page = shown(english(client_as("unverified")).get(f"/ballots/{residents.id}"))
    assert "only verified residents of 玉林北路小区 vote" in page and "Cast my vote" not in page
    page = shown(english(client_as("resident")).get(f"/ballots/{owners.id}"))
    assert "this is an owners' decision, and only owners on the register vote" in page
    assert "Cast my vote" not in page
    from tests.conftest import sign_in
    client = app.test_client()
    sign_in(app, client, late)
    page = shown(english(client).get(f"/ballots/{residents.id}"))
    assert "it was frozen when the ballot opened" in page and "verified after that" in page
    response = english(client).post(f"/ballots/{residents.id}/vote", data={"choice": "yes"})
    assert response.status_code == 200 and "not on this ballot's roll" in shown(response)
    assert votes(session, residents) == []


def test_posting_to_a_ballot_that_is_not_open_changes_nothing(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"])
    services.close_early(session, ballot=ballot, by=world.users["council"], keys=KEYS)
    session.commit()
    client = english(client_as("owner"))
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    assert response.status_code == 302
    assert "This ballot is not open for voting." in shown(client.get(response.headers["Location"]))
    assert votes(session, ballot) == []


def test_a_ballot_past_its_closing_time_closes_before_the_vote_is_taken(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"])
    ballot.closes_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = english(client_as("owner")).post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"})
    assert response.status_code == 302
    session.refresh(ballot)
    assert ballot.is_closed and ballot.result_signature and votes(session, ballot) == []


def test_a_paper_ballot_recorded_for_an_owner_shows_on_their_page_and_receipts(session, world, client_as):
    ballot = opened(session, world.compound, world.users["station"], method="statutory", statutory_item=4,
                    electorate=ElectorateKind.OWNERS)
    elector = session.scalar(select(Elector).where(Elector.ballot_id == ballot.id,
                                                   Elector.household_id == world.household.id))
    services.record_paper(session, ballot=ballot, by=world.users["station"], elector=elector, choice="agree",
                          keys=KEYS, channel=Channel.PROXY, proxy_name="王小明")
    session.commit()
    client = english(client_as("owner"))
    page = shown(client.get(f"/ballots/{ballot.id}"))
    assert "王小明 voted for 3栋2单元501 with a written proxy, recorded by the convenor" in page
    assert "It stands unless the convenor sets it aside." in page and "Cast my vote" not in page
    mine = shown(client.get("/me/receipts"))
    assert "Written proxy, recorded by the convenor" in mine and "proxy: 王小明" in mine
    participation = session.scalar(select(Participation).where(Participation.ballot_id == ballot.id))
    assert KEYS.unseal(participation.receipt_sealed) in mine


def test_a_set_aside_ballot_says_why_on_my_receipts(session, world, client_as):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.PUBLIC)
    done = services.cast(session, ballot=ballot, user=world.users["owner"], choice="yes", keys=KEYS)
    services.void(session, ballot=ballot, participation=done.participation, by=world.users["council"],
                  reason="同一户重复投票", keys=KEYS)
    session.commit()
    mine = shown(english(client_as("owner")).get("/me/receipts"))
    assert "Set aside" in mine and "同一户重复投票" in mine and done.receipt in mine
    # Set aside, the elector may vote again.
    assert "Cast my vote" in shown(english(client_as("owner")).get(f"/ballots/{ballot.id}"))



@pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}])
def test_the_vote_form_carries_its_csrf_token(session, world, client_as, app_overrides):
    ballot = opened(session, world.compound, world.users["council"])
    session.commit()
    client = english(client_as("owner"))
    assert client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes"}).status_code == 400
    assert votes(session, ballot) == []
    token = Page(shown(client.get(f"/ballots/{ballot.id}"))).values["csrf_token"]
    response = client.post(f"/ballots/{ballot.id}/vote", data={"choice": "yes", "csrf_token": token})
    assert response.status_code == 302 and votes(session, ballot) == ["yes"]
