""""Me too": one each, taken back, the author's own need, other compounds, htmx and plain forms."""
from sqlalchemy import func, select

from neighbourhood.needs.models import NeedStatus, NeedSupport
from tests import factories
from tests.accounts.helpers import english
from tests.needs.helpers import shown


def counted(session, need):
    session.expire_all()
    rows = session.scalar(select(func.count()).select_from(NeedSupport).where(NeedSupport.need_id == need.id))
    return need.me_too_count, rows


def test_a_neighbour_says_me_too_and_takes_it_back_without_javascript(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"])
    session.commit()
    client = english(client_as("owner"))
    response = client.post(f"/needs/{need.id}/me-too")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/needs/{need.id}#me-too")
    body = shown(client.get(f"/needs/{need.id}"))
    assert "Counted: you have this problem too." in body and "1 resident has this problem too" in body
    assert counted(session, need) == (1, 1)
    client.post(f"/needs/{need.id}/me-too")
    assert "You already said \"me too\"" in shown(client.get(f"/needs/{need.id}"))
    assert counted(session, need) == (1, 1)
    client.post(f"/needs/{need.id}/me-too/withdraw")
    assert "Your \"me too\" is taken back." in shown(client.get(f"/needs/{need.id}"))
    assert counted(session, need) == (0, 0)


def test_htmx_swaps_the_button_and_count(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"])
    session.commit()
    response = english(client_as("owner")).post(f"/needs/{need.id}/me-too", headers={"HX-Request": "true"})
    body = shown(response)
    assert response.status_code == 200 and body.lstrip().startswith('<div class="me-too" id="me-too">')
    assert "1 resident has this problem too" in body and "Take back my \"me too\"" in body and "<html" not in body


def test_the_author_and_other_compounds_cannot(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"])
    session.commit()
    assert client_as("resident").post(f"/needs/{need.id}/me-too").status_code == 403
    assert client_as("other_council").post(f"/needs/{need.id}/me-too").status_code == 403
    assert client_as("unverified").post(f"/needs/{need.id}/me-too").status_code == 403
    assert "Your own need counts for you already" in shown(english(client_as("resident")).get(f"/needs/{need.id}"))
    assert counted(session, need) == (0, 0)


def test_settled_and_hidden_needs_take_no_more(session, world, client_as):
    from neighbourhood.db import utcnow

    settled = factories.need(session, world.compound, world.users["resident"], status=NeedStatus.RESOLVED)
    hidden = factories.need(session, world.compound, world.users["resident"], hidden_at=utcnow(),
                            hidden_reason="abuse")
    session.commit()
    client = english(client_as("owner"))
    response = client.post(f"/needs/{settled.id}/me-too", headers={"HX-Request": "true"})
    assert "no longer takes \"me too\"" in shown(response)
    client.post(f"/needs/{hidden.id}/me-too")
    assert counted(session, settled) == (0, 0) and counted(session, hidden) == (0, 0)


def test_me_too_still_counts_while_referred_or_escalated(session, world, client_as):
    need = factories.need(session, world.compound, world.users["resident"], status=NeedStatus.ESCALATED)
    session.commit()
    client_as("owner").post(f"/needs/{need.id}/me-too")
    assert counted(session, need) == (1, 1)
