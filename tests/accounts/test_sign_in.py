"""Signing in by password or SMS code, device sessions, signing out, password reset, `next`."""
import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import SmsCode, SmsPurpose, UserSession
from neighbourhood.audit.models import AuditEntry
from tests import factories
from tests.accounts.helpers import english, form_errors, page, password_sign_in, send_code, text
from tests.conftest import last_code, sign_in

NEW_PASSWORD = "new-secret-for-owner"


def signed_in(client) -> bool:
    return client.get("/me").status_code == 200


def open_sessions(session, user) -> int:
    return session.scalar(select(func.count(UserSession.id)).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)))


# --- password ---------------------------------------------------------------------------------------

def test_sign_in_with_phone_and_password(client, session, world):
    user = world.users["resident"]
    assert not signed_in(client)
    response = client.post("/login", data={"phone": user.phone, "password": factories.PASSWORD},
                           headers={"User-Agent": "Android 9 WebView"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client)
    device = session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert device.user_agent == "Android 9 WebView" and device.revoked_at is None


def test_the_number_may_be_typed_with_country_code_and_spaces(client, world):
    phone = world.users["resident"].phone
    typed = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    assert password_sign_in(client, typed).status_code == 302 and signed_in(client)


def test_wrong_password_and_unknown_number_get_the_same_answer(client, session, world):
    english(client)
    wrong = password_sign_in(client, world.users["resident"].phone, "nope-nope-1")
    unknown = password_sign_in(client, "13999999999", "nope-nope-1")
    assert wrong.status_code == unknown.status_code == 200
    assert form_errors(wrong) == form_errors(unknown) == "The phone number or password is not correct."
    assert page(unknown).values["phone"] == "13999999999" and not page(unknown).values["password"]
    assert "nope-nope-1" not in text(wrong)
    assert not signed_in(client)
    assert session.scalar(select(func.count(UserSession.id))) == 0


def test_a_password_is_required(client, world):
    english(client)
    response = client.post("/login", data={"phone": world.users["resident"].phone, "password": ""})
    assert "This field is required." in text(response) and "password-error" in page(response).ids
    assert not signed_in(client)


def test_a_deleted_account_cannot_sign_in(app, client, session, world):
    user = world.users["resident"]
    phone = user.phone
    from neighbourhood.accounts import services
    services.delete_account(session, config=app.config, user=user, password=factories.PASSWORD)
    session.commit()
    assert password_sign_in(client, phone).status_code == 200 and not signed_in(client)


# --- SMS code ---------------------------------------------------------------------------------------

def test_sign_in_with_an_sms_code(client, world, sms_outbox):
    phone = world.users["owner"].phone
    send_code(client, "/login/code", phone)
    assert sms_outbox[-1][0] == phone
    response = client.post("/login/code", data={"phone": phone, "code": last_code(sms_outbox, phone)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client)


def test_an_sms_code_signs_in_only_once(app, client, world, sms_outbox):
    english(client)
    phone = world.users["owner"].phone
    send_code(client, "/login/code", phone)
    code = last_code(sms_outbox, phone)
    client.post("/login/code", data={"phone": phone, "code": code})
    again = app.test_client()
    english(again)
    response = again.post("/login/code", data={"phone": phone, "code": code})
    assert "The code has expired or was never sent." in form_errors(response)
    assert not signed_in(again)


def test_a_wrong_sms_code_does_not_sign_in(client, session, world, sms_outbox):
    english(client)
    phone = world.users["owner"].phone
    send_code(client, "/login/code", phone)
    wrong = "000000" if last_code(sms_outbox, phone) != "000000" else "111111"
    response = client.post("/login/code", data={"phone": phone, "code": wrong})
    assert "The code is not correct." in form_errors(response)
    assert page(response).values["phone"] == phone
    assert session.scalar(select(SmsCode.attempts)) == 1
    assert not signed_in(client)


def test_a_code_sent_for_another_purpose_does_not_sign_in(client, world, sms_outbox):
    english(client)
    phone = world.users["owner"].phone
    send_code(client, "/password/reset", phone)
    response = client.post("/login/code", data={"phone": phone, "code": last_code(sms_outbox, phone)})
    assert "The code has expired or was never sent." in form_errors(response)
    assert not signed_in(client)


def test_an_unknown_number_gets_no_sms_but_the_same_answer(client, world, sms_outbox):
    english(client)
    known = send_code(client, "/login/code", world.users["owner"].phone)
    unknown = send_code(client, "/login/code", "13999999999")
    assert [p for p, _ in sms_outbox] == [world.users["owner"].phone]
    assert "a code is on its way" in text(unknown)
    assert page(known).classes >= {"flash-info"} and page(unknown).classes >= {"flash-info"}
    response = client.post("/login/code", data={"phone": "13999999999", "code": "123456"})
    assert "The code has expired or was never sent." in form_errors(response)


# --- one session per sign-in --------------------------------------------------------------------------

def test_sign_in_starts_a_new_session(client, world):
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
        s["_user_id"] = "a-token-an-attacker-knows"
    password_sign_in(client, world.users["resident"].phone)
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["_user_id"] not in ("", None, "a-token-an-attacker-knows")
    assert signed_in(client)


def test_sms_sign_in_starts_a_new_session_too(client, world, sms_outbox):
    phone = world.users["owner"].phone
    send_code(client, "/login/code", phone)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    client.post("/login/code", data={"phone": phone, "code": last_code(sms_outbox, phone)})
    with client.session_transaction() as s:
        assert "planted" not in s and s["_user_id"]


def test_signing_in_again_in_the_same_browser_ends_the_previous_device_session(app, session, client, world):
    password_sign_in(client, world.users["resident"].phone)
    first_cookie = client.get_cookie("session").value
    password_sign_in(client, world.users["owner"].phone)
    assert open_sessions(session, world.users["resident"]) == 0
    replay = app.test_client()
    replay.set_cookie("session", first_cookie)
    assert not signed_in(replay)


# --- signing out ------------------------------------------------------------------------------------

def test_sign_out_really_ends_the_session(app, session, client, world):
    user = world.users["resident"]
    password_sign_in(client, user.phone)
    stolen_cookie = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not signed_in(client)
    assert open_sessions(session, user) == 0
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    response = replay.get("/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_ends_only_this_device(app, session, client, world):
    user = world.users["resident"]
    phone_in_pocket = app.test_client()
    sign_in(app, phone_in_pocket, user)
    password_sign_in(client, user.phone)
    client.post("/logout")
    assert signed_in(phone_in_pocket) and open_sessions(session, user) == 1


def test_sign_out_is_a_post(client, world):
    password_sign_in(client, world.users["resident"].phone)
    assert client.get("/logout").status_code == 405  # a link or an <img> cannot sign anyone out
    assert signed_in(client)


# --- password reset by SMS --------------------------------------------------------------------------

def reset(client, outbox, phone, password=NEW_PASSWORD, code=None):
    send_code(client, "/password/reset", phone)
    return client.post("/password/reset", data={
        "phone": phone, "code": code or last_code(outbox, phone), "password": password})


def test_password_reset_by_sms_ends_every_session(app, session, client, world, sms_outbox):
    user = world.users["owner"]
    laptop, phone_in_pocket = app.test_client(), app.test_client()
    sign_in(app, laptop, user)
    sign_in(app, phone_in_pocket, user)
    assert signed_in(laptop) and signed_in(phone_in_pocket)
    response = reset(client, sms_outbox, user.phone)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not signed_in(laptop) and not signed_in(phone_in_pocket)
    assert open_sessions(session, user) == 0
    assert password_sign_in(client, user.phone).status_code == 200  # the old password is gone
    assert password_sign_in(client, user.phone, NEW_PASSWORD).status_code == 302
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)) \
        == "account.password_reset"


def test_a_weak_new_password_is_refused_and_costs_no_guess(client, session, world, sms_outbox):
    english(client)
    user = world.users["owner"]
    response = reset(client, sms_outbox, user.phone, password="woaini1314")
    assert "one of the most common" in form_errors(response)
    assert not page(response).values["password"]
    code = last_code(sms_outbox, user.phone)
    response = client.post("/password/reset", data={"phone": user.phone, "code": code,
                                                     "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_a_wrong_reset_code_changes_nothing(app, client, session, world, sms_outbox):
    english(client)
    user = world.users["owner"]
    elsewhere = app.test_client()
    sign_in(app, elsewhere, user)
    send_code(client, "/password/reset", user.phone)
    wrong = "000000" if last_code(sms_outbox, user.phone) != "000000" else "111111"
    response = client.post("/password/reset", data={"phone": user.phone, "code": wrong,
                                                     "password": NEW_PASSWORD})
    assert "The code is not correct." in form_errors(response)
    assert signed_in(elsewhere)
    assert password_sign_in(app.test_client(), user.phone).status_code == 302


def test_reset_for_an_unknown_number_sends_nothing_but_says_the_same(client, sms_outbox):
    english(client)
    response = send_code(client, "/password/reset", "13999999999")
    assert "a code is on its way" in text(response) and sms_outbox == []


def test_reset_codes_are_kept_apart_from_sign_in_codes(client, session, world, sms_outbox):
    send_code(client, "/password/reset", world.users["owner"].phone)
    assert session.scalar(select(SmsCode.purpose)) is SmsPurpose.RESET_PASSWORD


# --- where sign-in leads ----------------------------------------------------------------------------

@pytest.mark.parametrize("target, expected", [
    ("/me", "/me"),
    ("/households/join?x=1", "/households/join?x=1"),
    ("https://evil.example/", "/"),
    ("http://localhost/me", "/"),
    ("//evil.example/x", "/"),
    ("///evil.example/x", "/"),
    ("javascript:alert(1)", "/"),
    ("evil.example", "/"),
    ("\t//evil.example", "/"),
    ("/\t/evil.example", "/"),
])
def test_next_only_goes_to_our_own_pages(client, world, target, expected):
    response = password_sign_in(client, world.users["resident"].phone, next_=quote(target, safe=""))
    assert response.headers["Location"] == expected


def test_a_backslash_cannot_turn_next_into_another_site(client, world):
    # Browsers read /\evil.example as //evil.example: the redirect must not leave the site.
    response = password_sign_in(client, world.users["resident"].phone, next_=quote("/\\evil.example"))
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location


def test_sms_sign_in_honours_next_and_refuses_other_sites(client, world, sms_outbox):
    phone = world.users["owner"].phone
    send_code(client, "/login/code?next=%2Fme", phone)
    code = last_code(sms_outbox, phone)
    response = client.post("/login/code?next=https%3A%2F%2Fevil.example%2F",
                           data={"phone": phone, "code": code})
    assert response.headers["Location"] == "/"


def test_sms_sign_in_returns_to_next(client, world, sms_outbox):
    phone = world.users["owner"].phone
    send_code(client, "/login/code", phone)
    response = client.post("/login/code?next=%2Fme",
                           data={"phone": phone, "code": last_code(sms_outbox, phone)})
    assert response.headers["Location"] == "/me"


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client, world):
    response = client.get("/me")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fme"
    back = password_sign_in(client, world.users["resident"].phone, next_="%2Fme")
    assert back.headers["Location"] == "/me"


def test_the_sign_in_page_carries_next_to_the_sms_sign_in(client):
    html = text(client.get("/login?next=%2Fme"))
    link = re.search(r'href="(/login/code[^"]*)"', html).group(1)
    assert parse_qs(urlsplit(unescape(link)).query) == {"next": ["/me"]}
