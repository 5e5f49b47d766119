"""Making, editing and withdrawing proposals: the rules a resident notices."""
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.media.models import Photo
from neighbourhood.proposals import services
from neighbourhood.proposals.models import Proposal, ProposalStatus
from tests import factories
from tests.accounts.helpers import english, form_errors, page, request_in
from tests.proposals.helpers import shown as text

GOOD = {"title": "在3栋门口加装路灯", "body": "晚上太黑，**老人**出门不方便。\n\n- 两盏灯\n- 太阳能", "category": "repairs",
        "estimated_cost": "1,200.50"}


def actions(session):
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_a_resident_proposes_with_photos_and_sees_it(client_as, session, world):
    client = english(client_as("resident"))
    data = {**GOOD, "photos": [(io.BytesIO(factories.jpeg_bytes()), "lamp.jpg")]}
    response = client.post("/proposals/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = session.scalar(select(Proposal))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert proposal.status is ProposalStatus.OPEN and proposal.estimated_cost == Decimal("1200.50")
    assert proposal.author_id == world.users["resident"].id and proposal.compound_id == world.compound.id
    assert "proposal.created" in actions(session)
    photo = session.scalar(select(Photo))
    assert (photo.subject_type, photo.subject_id) == ("proposal", proposal.id)
    html = text(client.get(response.headers["Location"]))
    assert "<strong>老人</strong>" in html and "<li>两盏灯</li>" in html
    assert "¥1,200.50" in html and "3栋 李阿姨" in html and 'loading="lazy"' in html
    assert "Gathering support" in html and "Support this proposal" not in html  # not one's own
    assert "counts as yours" in html


def test_bad_input_comes_back_filled_in_and_changes_nothing(client_as, session):
    client = english(client_as("resident"))
    response = client.post("/proposals/new", data={**GOOD, "title": "", "estimated_cost": "-5"})
    assert response.status_code == 200
    values = page(response).values
    assert values["body"].strip().startswith("晚上太黑") and values["category"] == "repairs"
    assert "This field is required." in text(response) and "between 0 and" in text(response)
    response = client.post("/proposals/new", data={**GOOD, "estimated_cost": "12.345"})
    assert "at most two decimals" in text(response)
    response = client.post("/proposals/new", data={**GOOD, "estimated_cost": "NaN"})
    assert response.status_code == 200 and session.scalar(select(Proposal)) is None


def test_a_bad_photo_rolls_everything_back(client_as, session):
    client = english(client_as("resident"))
    data = {**GOOD, "photos": [(io.BytesIO(b"not a photo"), "x.jpg")]}
    response = client.post("/proposals/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "not a photo we can read" in form_errors(response)
    assert page(response).values["title"] == GOOD["title"]
    assert session.scalar(select(Proposal)) is None and session.scalar(select(Photo)) is None
    assert "proposal.created" not in actions(session)


def test_cost_is_optional(client_as, session):
    client = english(client_as("owner"))
    assert client.post("/proposals/new", data={**GOOD, "estimated_cost": ""}).status_code == 302
    proposal = session.scalar(select(Proposal))
    assert proposal.estimated_cost is None
    assert "Not given" in text(client.get(f"/proposals/{proposal.id}"))


def test_only_verified_residents_may_propose(client_as, world):
    assert client_as("unverified").get("/proposals/new").status_code == 403
    assert client_as("station").get("/proposals/new").status_code == 403
    assert client_as("other_council").get(f"/proposals/new?compound={world.compound.id}").status_code == 403
    assert client_as("other_council").get("/proposals/new").status_code == 200  # their own compound


def test_the_author_edits_until_the_first_support(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    client = english(client_as("resident"))
    form = page(client.get(f"/proposals/{proposal.id}/edit")).values
    assert form["title"] == proposal.title and form["category"] == "repairs"
    response = client.post(f"/proposals/{proposal.id}/edit", data={**GOOD, "title": "加装两盏太阳能路灯"})
    assert response.status_code == 302
    session.expire_all()
    assert proposal.title == "加装两盏太阳能路灯" and proposal.updated_at is not None
    assert "proposal.edited" in actions(session)
    assert "edited" in text(client.get(f"/proposals/{proposal.id}"))
    # Someone supports it: no more changes, and the edit button is gone.
    client_as("owner").post(f"/proposals/{proposal.id}/support")
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert client.post(f"/proposals/{proposal.id}/edit", data=GOOD).status_code == 403
    assert f"/proposals/{proposal.id}/edit" not in text(client.get(f"/proposals/{proposal.id}"))


def test_a_support_arriving_during_an_edit_wins(app, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    with request_in(app, "en"):
        services.support(session, proposal=proposal, user=world.users["owner"])
        with pytest.raises(DomainError, match="someone already supports it"):
            services.edit_proposal(session, proposal=proposal, by=world.users["resident"], title="新标题",
                                   body="新的内容新的内容", category="repairs", estimated_cost=None)


def test_others_cannot_edit(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    for role in ("owner", "council", "supervisor", "station"):
        assert client_as(role).get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_withdrawing_needs_a_reason_and_is_shown(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"],
                                  supporters=[world.users["owner"]])
    session.commit()
    client = english(client_as("resident"))
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": "  "})
    assert response.status_code == 200 and "Say why you are withdrawing it" in text(response)
    session.expire_all()
    assert proposal.status is ProposalStatus.OPEN
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": "物业已经答应修了"})
    assert response.status_code == 302
    session.expire_all()
    assert proposal.status is ProposalStatus.WITHDRAWN and proposal.outcome_reason == "物业已经答应修了"
    assert "proposal.withdrawn" in actions(session)
    html = text(english(client_as("owner")).get(f"/proposals/{proposal.id}"))
    assert "Withdrawn by its author" in html and "物业已经答应修了" in html
    assert "Take back my support" not in html
    # Withdrawn is final.
    assert client.post(f"/proposals/{proposal.id}/withdraw", data={"reason": "again"}).status_code == 403


def test_a_qualified_proposal_can_be_withdrawn_but_not_a_decided_one(client_as, session, world):
    qualified = factories.proposal(session, world.compound, world.users["resident"],
                                   status=ProposalStatus.QUALIFIED)
    adopted = factories.proposal(session, world.compound, world.users["resident"], status=ProposalStatus.ADOPTED)
    session.commit()
    client = client_as("resident")
    assert client.post(f"/proposals/{qualified.id}/withdraw", data={"reason": "换个方案"}).status_code == 302
    assert client.post(f"/proposals/{adopted.id}/withdraw", data={"reason": "换个方案"}).status_code == 403
