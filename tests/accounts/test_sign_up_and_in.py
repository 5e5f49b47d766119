"""Registration, sign-in by password and by SMS code, sessions, password reset, rate limits."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import passwords, rules
from neighbourhood.accounts.models import SmsCode, User, UserSession
from neighbourhood.audit.models import AuditEntry
from neighbourhood.config import Config
from neighbourhood.extensions import db
from tests import factories
from tests.conftest import last_code, make_app, sign_in

PHONE = "13912345678"
GOOD_PASSWORD = "yulin-lamp-2026"


def send_code(client, path="/register", phone=PHONE):
    return client.post(path, data={"phone": phone, "send_code": "1"})


def register(client, outbox, phone=PHONE, password=GOOD_PASSWORD, **overrides):
    send_code(client, phone=phone)
    data = {"phone": phone, "code": last_code(outbox, phone), "display_name": "王女士",
            "password": password, "submit": "1", **overrides}
    return client.post("/register", data=data)


def test_register_with_sms_code_signs_in_and_goes_to_join_household(client, session, sms_outbox):
    response = register(client, sms_outbox)
    assert response.status_code == 302 and response.headers["Location"] == "/households/join"
    user = session.scalar(select(User).where(User.phone == PHONE))
    assert user.display_name == "王女士"
    assert user.password_hash.startswith("$argon2id$") and GOOD_PASSWORD not in user.password_hash
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)) == "account.registered"
    assert client.get("/me").status_code == 200


def test_sms_text_is_in_the_users_language(client, sms_outbox):
    send_code(client)
    assert sms_outbox[-1][1].startswith("【邻里】")
    client.set_cookie("lang", "en")
    send_code(client, phone="13912345679")
    assert sms_outbox[-1][1].startswith("[Neighbourhood]")


def test_phone_numbers_are_normalised(client, session, sms_outbox):
    send_code(client, phone="+86 139-1234-5678")
    assert sms_outbox[-1][0] == PHONE
    assert rules.normalize_phone("0086 13912345678") == PHONE
    assert rules.normalize_phone("12345678901") is None
    assert rules.normalize_phone("1391234567") is None


def test_invalid_phone_gets_a_message_and_no_sms(client, sms_outbox):
    client.set_cookie("lang", "en")
    page = send_code(client, phone="12345").get_data(as_text=True)
    assert "11-digit mainland mobile number" in page and not sms_outbox


@pytest.mark.parametrize("password, message", [
    ("short1", "at least 8"),
    ("password1", "most common"),
    ("12345678", "most common"),
    ("woaini1314", "most common"),
    ("aaaaaaaaaa", "most common"),
    (f"x{PHONE}", "phone number"),
])
def test_weak_passwords_are_refused_and_the_form_stays_filled(client, session, sms_outbox, password,
                                                              message):
    client.set_cookie("lang", "en")
    page = register(client, sms_outbox, password=password).get_data(as_text=True)
    assert message in page.lower() or message in page
    assert session.scalar(select(func.count(User.id))) == 0
    assert f'value="{PHONE}"' in page and 'value="王女士"' in page
    assert f'value="{password}"' not in page  # never echo a password back


def test_wrong_code_counts_and_the_code_dies_after_five(client, session, sms_outbox):
    client.set_cookie("lang", "en")
    send_code(client)
    right = last_code(sms_outbox, PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        page = client.post("/register", data={"phone": PHONE, "code": wrong, "display_name": "王女士",
                                              "password": GOOD_PASSWORD}).get_data(as_text=True)
        assert "not correct" in page
    page = client.post("/register", data={"phone": PHONE, "code": right, "display_name": "王女士",
                                          "password": GOOD_PASSWORD}).get_data(as_text=True)
    assert "Too many wrong codes" in page
    assert session.scalar(select(func.count(User.id))) == 0


def test_expired_code_is_refused(client, session, sms_outbox):
    client.set_cookie("lang", "en")
    send_code(client)
    code = session.scalar(select(SmsCode))
    code.expires_at = code.created_at - timedelta(seconds=1)
    session.commit()
    page = client.post("/register", data={"phone": PHONE, "code": last_code(sms_outbox, PHONE),
                                          "display_name": "王女士", "password": GOOD_PASSWORD})
    assert "expired" in page.get_data(as_text=True)


def test_a_registered_number_cannot_register_again(client, world, sms_outbox):
    client.set_cookie("lang", "en")
    page = send_code(client, phone=world.users["resident"].phone).get_data(as_text=True)
    assert "already has an account" in page and not sms_outbox


def test_sign_in_with_phone_and_password(app, session, client, world):
    user = world.users["resident"]
    response = client.post("/login", data={"phone": user.phone, "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/me").status_code == 200


def test_wrong_password_and_unknown_number_get_the_same_message(client, world):
    client.set_cookie("lang", "en")
    wrong = client.post("/login", data={"phone": world.users["resident"].phone, "password": "nope-nope-1"})
    unknown = client.post("/login", data={"phone": "13999999999", "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 200
    message = "The phone number or password is not correct."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert 'value="13999999999"' in unknown.get_data(as_text=True)


def test_sign_in_with_an_sms_code(client, world, sms_outbox):
    phone = world.users["owner"].phone
    client.post("/login/code", data={"phone": phone, "send_code": "1"})
    response = client.post("/login/code", data={"phone": phone, "code": last_code(sms_outbox, phone)})
    assert response.status_code == 302
    assert client.get("/me").status_code == 200


def test_sms_sign_in_for_an_unknown_number_sends_nothing_but_says_the_same(client, sms_outbox):
    client.set_cookie("lang", "en")
    page = client.post("/login/code", data={"phone": "13999999999", "send_code": "1"}).get_data(as_text=True)
    assert "a code is on its way" in page and not sms_outbox


def test_sign_in_starts_a_new_session(client, world):
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    client.post("/login", data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    with client.session_transaction() as s:
        assert "planted" not in s and s["_user_id"]


def test_sign_out_really_ends_the_session(client, world):
    client.post("/login", data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    stolen_cookie = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    assert client.get("/me").status_code == 302
    replay = client.application.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert replay.get("/me").status_code == 302  # the old cookie no longer signs anyone in


def test_password_reset_by_sms_ends_every_other_session(app, session, client, world, sms_outbox):
    user = world.users["owner"]
    elsewhere = app.test_client()
    sign_in(app, elsewhere, user)
    assert elsewhere.get("/me").status_code == 200
    client.post("/password/reset", data={"phone": user.phone, "send_code": "1"})
    response = client.post("/password/reset", data={"phone": user.phone, "code": last_code(sms_outbox, user.phone),
                                                    "password": "new-secret-for-owner"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert elsewhere.get("/me").status_code == 302
    assert client.post("/login", data={"phone": user.phone, "password": factories.PASSWORD}).status_code == 200
    assert client.post("/login", data={"phone": user.phone, "password": "new-secret-for-owner"}).status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/me", "/me"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_only_goes_to_our_own_pages(client, world, target, expected):
    response = client.post(f"/login?next={target}", data={"phone": world.users["resident"].phone,
                                                         "password": factories.PASSWORD})
    assert response.headers["Location"] == expected


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client, world):
    response = client.get("/me")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fme"
    back = client.post("/login?next=%2Fme", data={"phone": world.users["resident"].phone,
                                                  "password": factories.PASSWORD})
    assert back.headers["Location"] == "/me"


def test_argon2id_parameters_meet_the_minimum():
    assert Config.ARGON2_MEMORY_COST_KIB >= 19 * 1024 and Config.ARGON2_TIME_COST >= 2
    config = {"ARGON2_MEMORY_COST_KIB": Config.ARGON2_MEMORY_COST_KIB,
              "ARGON2_TIME_COST": Config.ARGON2_TIME_COST, "ARGON2_PARALLELISM": Config.ARGON2_PARALLELISM}
    hashed = passwords.hash_password(config, GOOD_PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,")
    assert passwords.check_password(config, hashed, GOOD_PASSWORD)
    assert not passwords.check_password(config, hashed, "something-else")


def test_session_cookie_flags(client, world):
    response = client.post("/login", data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.application.test_client()
    response = secure.post("/login", base_url="https://localhost",
                           data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.fixture
def strict_app(_postgres_schema):
    """An app with tight limits and real CSRF, with its own database like the `app` fixture."""
    from tests.conftest import _like_a_fresh_request, empty_tables, USING_POSTGRES
    app = make_app(RATELIMIT_SIGN_IN="3 per minute", RATELIMIT_SMS="2 per hour", WTF_CSRF_ENABLED=True)
    _like_a_fresh_request(app)
    with app.app_context():
        if not USING_POSTGRES:
            db.create_all()
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def _csrf_token(client, path):
    import re
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_sign_in_attempts_are_limited_per_number(strict_app):
    client = strict_app.test_client()
    client.set_cookie("lang", "en")
    token = _csrf_token(client, "/login")
    for _ in range(3):
        assert client.post("/login", data={"csrf_token": token, "phone": "13911112222",
                                           "password": "wrong-password"}).status_code == 200
    limited = client.post("/login", data={"csrf_token": token, "phone": "13911112222", "password": "x" * 9})
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    other_number = client.post("/login", data={"csrf_token": token, "phone": "13911113333", "password": "x" * 9})
    assert other_number.status_code == 200


def test_sms_sending_is_limited_per_number(strict_app):
    client = strict_app.test_client()
    token = _csrf_token(client, "/register")
    statuses = [client.post("/register", data={"csrf_token": token, "phone": PHONE, "send_code": "1"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "尝试次数过多" in client.post("/register", data={"csrf_token": token, "phone": PHONE,
                                                          "send_code": "1"}).get_data(as_text=True)
    assert len(strict_app.extensions["sms_sender"].outbox) == 2


def test_posts_need_the_csrf_token_as_field_or_htmx_header(strict_app):
    client = strict_app.test_client()
    assert client.post("/login", data={"phone": PHONE, "password": "x" * 9}).status_code == 400
    token = _csrf_token(client, "/login")
    response = client.post("/login", data={"phone": PHONE, "password": "x" * 9},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 200
