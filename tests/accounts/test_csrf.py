"""CSRF on every form and htmx request: a token in the form, or in the X-CSRFToken header htmx sends."""
import pytest

from neighbourhood.accounts.models import MembershipStatus
from tests import factories
from tests.accounts.helpers import csrf_token, text


# --- CSRF -------------------------------------------------------------------------------------------

@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_a_post_without_token_is_refused(client, world):
    response = client.post("/login", data={"phone": world.users["resident"].phone,
                                           "password": factories.PASSWORD})
    assert response.status_code == 400 and "<h1>" in text(response)
    assert client.get("/me").status_code == 302


def test_a_forged_token_is_refused(client, world):
    csrf_token(client, "/login")
    response = client.post("/login", data={"phone": world.users["resident"].phone,
                                           "password": factories.PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


def test_a_token_from_another_browser_is_refused(app, client, world):
    attacker = app.test_client()
    token = csrf_token(attacker, "/login")
    csrf_token(client, "/login")  # the victim has a session of their own
    response = client.post("/login", data={"phone": world.users["resident"].phone,
                                           "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_the_token_as_a_form_field_is_accepted(client, world):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"phone": world.users["resident"].phone,
                                           "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and client.get("/me").status_code == 200


def test_the_token_in_the_x_csrftoken_header_is_accepted_as_htmx_sends_it(client, world):
    token = csrf_token(client, "/login")
    wrong = client.post("/login", data={"phone": world.users["resident"].phone, "password": "x" * 9},
                        headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert wrong.status_code == 200
    right = client.post("/login",
                        data={"phone": world.users["resident"].phone, "password": factories.PASSWORD},
                        headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert right.status_code == 302


def test_every_page_gives_htmx_the_token(client):
    html = text(client.get("/login"))
    assert "hx-headers='{\"X-CSRFToken\": \"" in html


def test_sign_out_needs_the_token(client_as):
    client = client_as("resident")
    assert client.post("/logout").status_code == 400
    assert client.get("/me").status_code == 200
    token = csrf_token(client, "/me")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/me").status_code == 302


def test_an_htmx_approval_needs_the_token(app, session, world, client_as):
    membership = factories.membership(session, world.users["unverified"], world.free_household,
                                      status=MembershipStatus.PENDING)
    session.commit()
    council = client_as("council")
    url = f"/memberships/{membership.id}/approve"
    assert council.post(url, headers={"HX-Request": "true"}).status_code == 400
    session.refresh(membership)
    assert membership.status is MembershipStatus.PENDING
    token = csrf_token(council, f"/compounds/{world.compound.id}/memberships")
    response = council.post(url, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    session.refresh(membership)
    assert membership.status is MembershipStatus.VERIFIED
