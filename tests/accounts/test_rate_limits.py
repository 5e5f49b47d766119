"""Flask-Limiter: sign-in attempts and SMS sends are limited per phone number and per address."""
import pytest

from neighbourhood.config import Config
from tests import factories
from tests.accounts.helpers import PHONE, english, password_sign_in, send_code, text
from tests.conftest import last_code

LIMITED_MESSAGE = "Too many attempts. Please wait a while and try again."
WHY = "For your safety we limit how often this can be tried."


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_SIGN_IN": "3 per minute", "RATELIMIT_SMS": "2 per hour"}


def assert_limited(response):
    assert response.status_code == 429
    body = text(response)
    assert LIMITED_MESSAGE in body and WHY in body
    assert "<h1>" in body  # a page a person can read, not a bare status
    assert int(response.headers["Retry-After"]) > 0


# --- sign-in ----------------------------------------------------------------------------------------

def test_repeated_sign_in_attempts_for_one_number_get_a_429_with_a_clear_page(client, world):
    english(client)
    phone = world.users["resident"].phone
    for _ in range(3):
        assert password_sign_in(client, phone, "wrong-password").status_code == 200
    assert_limited(password_sign_in(client, phone, "wrong-password"))
    # Even the right password waits: otherwise guessing could simply go on.
    assert password_sign_in(client, phone).status_code == 429
    assert client.get("/me").status_code == 302


def test_the_limit_follows_the_number_not_the_browser(app, world):
    phone = world.users["resident"].phone
    for _ in range(3):
        password_sign_in(app.test_client(), phone, "wrong-password")
    assert password_sign_in(app.test_client(), f"+86 {phone}", "wrong-password").status_code == 429


def test_other_numbers_are_not_held_up(client, world):
    for _ in range(4):
        password_sign_in(client, world.users["resident"].phone, "wrong-password")
    assert password_sign_in(client, world.users["owner"].phone).status_code == 302


def test_guesses_by_password_and_by_code_share_one_allowance(client, world, sms_outbox):
    phone = world.users["resident"].phone
    password_sign_in(client, phone, "wrong-password")
    password_sign_in(client, phone, "wrong-password")
    assert client.post("/login/code", data={"phone": phone, "code": "123456"}).status_code == 200
    assert password_sign_in(client, phone).status_code == 429
    assert client.post("/password/reset", data={"phone": phone, "code": "123456",
                                                "password": "a-new-password-1"}).status_code == 429


def test_asking_for_a_code_is_not_a_sign_in_attempt(client, world, sms_outbox):
    phone = world.users["resident"].phone
    password_sign_in(client, phone, "wrong-password")
    password_sign_in(client, phone, "wrong-password")
    assert send_code(client, "/login/code", phone).status_code == 200
    response = client.post("/login/code", data={"phone": phone, "code": last_code(sms_outbox, phone)})
    assert response.status_code == 302


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_SIGN_IN_IP": "5 per minute"}])
def test_sign_in_attempts_are_limited_per_address_across_numbers(client, world):
    for n in range(5):
        assert password_sign_in(client, f"1390000000{n}", "wrong-password").status_code == 200
    assert password_sign_in(client, "13900000009", "wrong-password").status_code == 429


def sign_in_from(client, address: str, n: int):
    return client.post("/login", data={"phone": f"1390000000{n}", "password": "wrong-password"},
                       headers={"X-Forwarded-For": address})


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_SIGN_IN_IP": "2 per minute", "TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_each_resident_address_has_its_own_allowance(client, world):
    assert [sign_in_from(client, "203.0.113.7", n).status_code for n in range(3)] == [200, 200, 429]
    assert sign_in_from(client, "198.51.100.20", 4).status_code == 200


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_SIGN_IN_IP": "2 per minute"}])
def test_without_a_trusted_proxy_a_forged_address_does_not_escape_the_limit(client, world):
    statuses = [sign_in_from(client, f"203.0.113.{n}", n).status_code for n in range(3)]
    assert statuses == [200, 200, 429]


# --- SMS --------------------------------------------------------------------------------------------

def test_sms_sends_are_limited_per_number(app, client, sms_outbox):
    english(client)
    assert [send_code(client).status_code for _ in range(2)] == [200, 200]
    assert_limited(send_code(client))
    # The same number written another way, from another browser:
    assert_limited(send_code(english(app.test_client()), phone="+86 139 1234 5678"))
    assert len(sms_outbox) == 2
    assert send_code(client, phone="13912345679").status_code == 200  # another number still gets one


def test_one_number_has_one_sms_allowance_across_forms(client, world, sms_outbox):
    phone = world.users["owner"].phone
    assert send_code(client, "/login/code", phone).status_code == 200
    assert send_code(client, "/password/reset", phone).status_code == 200
    assert send_code(client, "/login/code", phone).status_code == 429
    assert send_code(client, "/password/reset", phone).status_code == 429
    assert len(sms_outbox) == 2


@pytest.mark.parametrize("app_overrides", [{}])
def test_the_default_allows_one_sms_a_minute_per_number(client, world, sms_outbox):
    assert send_code(client).status_code == 200
    assert send_code(client).status_code == 429
    assert send_code(client, "/login/code", world.users["owner"].phone).status_code == 200
    assert send_code(client, "/password/reset", world.users["owner"].phone).status_code == 429
    assert len(sms_outbox) == 2


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_SMS_IP": "3 per hour"}])
def test_sms_sends_are_limited_per_address_across_numbers(client, sms_outbox):
    for n in range(3):
        assert send_code(client, phone=f"1390000000{n}").status_code == 200
    assert send_code(client, phone="13900000009").status_code == 429
    assert len(sms_outbox) == 3


def test_submitting_a_code_is_not_an_sms_send(client, session, sms_outbox):
    send_code(client)
    send_code(client, phone="13912345679")
    for _ in range(3):  # typing the code again and again sends nothing and is not held up by the SMS limit
        assert client.post("/register", data={"phone": PHONE, "code": "000000", "display_name": "王女士",
                                              "password": "yulin-lamp-2026"}).status_code == 200
    assert len(sms_outbox) == 2


def test_production_limits_are_configured():
    assert Config.RATELIMIT_SIGN_IN and Config.RATELIMIT_SMS and Config.RATELIMIT_SMS_IP
    assert Config.RATELIMIT_SMS.startswith("1 per minute")


def test_limited_page_is_in_chinese_by_default(client, world):
    phone = world.users["resident"].phone
    for _ in range(3):
        password_sign_in(client, phone, "wrong-password")
    response = password_sign_in(client, phone, factories.PASSWORD)
    assert response.status_code == 429
    assert '<html lang="zh-Hans">' in text(response) and LIMITED_MESSAGE not in text(response)
