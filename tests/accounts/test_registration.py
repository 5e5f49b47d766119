"""Registering with a mainland mobile number, a one-time SMS code, a display name and a password."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts import rules
from neighbourhood.accounts.models import SmsCode, User, UserSession
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import utcnow
from tests import factories
from tests.accounts.helpers import (
    GOOD_PASSWORD,
    PHONE,
    english,
    form_errors,
    page,
    register,
    request_in,
    send_code,
    text,
)
from tests.conftest import last_code

# Room for more than one SMS to the same number within a test.
MANY_SMS = {"RATELIMIT_SMS": "20 per minute"}


def users(session) -> int:
    return session.scalar(select(func.count(User.id)))


def wrong_code_for(outbox, phone=PHONE) -> str:
    return "000000" if last_code(outbox, phone) != "000000" else "111111"


# --- sending the code -------------------------------------------------------------------------------

def test_sending_a_code_texts_six_digits_and_keeps_only_a_hash(client, session, sms_outbox):
    english(client)
    response = send_code(client)
    assert response.status_code == 200
    assert "a code is on its way" in text(response)
    assert [phone for phone, _ in sms_outbox] == [PHONE]
    code = last_code(sms_outbox, PHONE)
    assert re.fullmatch(r"\d{6}", code)
    stored = session.scalar(select(SmsCode))
    assert stored.phone == PHONE and stored.attempts == 0 and stored.used_at is None
    assert code not in stored.code_hash
    assert page(response).values["phone"] == PHONE  # the form stays filled for the next step


def test_the_sms_says_how_long_the_code_lasts(client, sms_outbox):
    english(client)
    send_code(client)
    assert "valid for 10 minutes" in sms_outbox[-1][1]


def test_the_sms_is_in_the_senders_language(app, client, sms_outbox):
    send_code(client)  # no choice made: Chinese, the default
    send_code(english(app.test_client()), phone="13912345679")
    default, chosen = sms_outbox[0][1], sms_outbox[1][1]
    assert chosen.startswith("[Neighbourhood] Your registration code is ")
    assert not default.startswith("[Neighbourhood]") and last_code(sms_outbox, PHONE) in default


@pytest.mark.parametrize("typed", [
    "+86 139 1234 5678",
    "0086-139-1234-5678",
    "8613912345678",
    "139 1234 5678",
    "(139) 1234-5678",
    "１３９１２３４５６７８",        # full-width digits, as Chinese input methods type them
    "＋８６ １３９１２３４５６７８",
])
def test_phone_numbers_are_normalised_from_send_to_account(client, session, sms_outbox, typed):
    send_code(client, phone=typed)
    assert sms_outbox[-1][0] == PHONE
    response = register(client, sms_outbox, phone="139-1234-5678" if typed[0] != "1" else typed,
                        send=False, code=last_code(sms_outbox, PHONE))
    assert response.status_code == 302
    assert session.scalar(select(User.phone)) == PHONE


@pytest.mark.parametrize("typed", ["12345", "23912345678", "12912345678", "1391234567", "139123456789",
                                   "+1 415 555 0100", "139１２３４５６７", "abcdefghijk", ""])
def test_a_number_that_is_not_a_mainland_mobile_gets_a_message_and_no_sms(client, session, sms_outbox,
                                                                         typed):
    english(client)
    response = send_code(client, phone=typed)
    assert response.status_code == 200
    assert "Enter an 11-digit mainland mobile number." in text(response)
    assert "phone-error" in page(response).ids
    assert sms_outbox == [] and session.scalar(select(func.count(SmsCode.id))) == 0


@pytest.mark.parametrize("raw, expected", [
    ("13912345678", PHONE), (" 139 1234 5678 ", PHONE), ("+8613912345678", PHONE),
    ("0086 13912345678", PHONE), ("86 139 1234 5678", PHONE), ("１３９１２３４５６７８", PHONE),
    ("12345678901", None), ("1391234567", None), ("+85291234567", None), ("139.1234.5678", None),
    ("١٣٩١٢٣٤٥٦٧٨", None),  # other scripts' digits are not ours
])
def test_normalize_phone(raw, expected):
    assert rules.normalize_phone(raw) == expected


def test_a_registered_number_gets_no_code(client, world, sms_outbox):
    english(client)
    response = send_code(client, phone=world.users["resident"].phone)
    assert "This number already has an account. Sign in instead." in text(response)
    assert sms_outbox == []


# --- registering ------------------------------------------------------------------------------------

def test_registering_creates_the_account_signs_in_and_writes_an_audit_entry(client, session, sms_outbox):
    response = register(client, sms_outbox)
    assert response.status_code == 302 and response.headers["Location"] == "/households/join"
    user = session.scalar(select(User))
    assert (user.phone, user.display_name, user.real_name) == (PHONE, "王女士", None)
    assert user.password_hash.startswith("$argon2id$") and GOOD_PASSWORD not in user.password_hash
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "account.registered"))
    assert entry.actor_id == user.id and entry.subject_type == "users" and entry.subject_id == user.id
    assert session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id)) == 1
    assert client.get("/me").status_code == 200
    assert session.scalar(select(SmsCode.used_at)) is not None


def test_the_new_account_can_sign_in_with_its_password(app, client, sms_outbox):
    register(client, sms_outbox)
    other = app.test_client()
    assert other.post("/login", data={"phone": PHONE, "password": GOOD_PASSWORD}).status_code == 302


def test_display_name_is_trimmed(client, session, sms_outbox):
    register(client, sms_outbox, display_name="  王女士  ")
    assert session.scalar(select(User.display_name)) == "王女士"


def test_a_full_width_code_is_read_as_digits(client, session, sms_outbox):
    send_code(client)
    full_width = last_code(sms_outbox, PHONE).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert register(client, sms_outbox, send=False, code=full_width).status_code == 302
    assert users(session) == 1


def test_a_wrong_code_is_counted_and_the_code_dies_after_five(client, session, sms_outbox):
    english(client)
    send_code(client)
    wrong = wrong_code_for(sms_outbox)
    for attempt in range(1, 6):
        response = register(client, sms_outbox, send=False, code=wrong)
        assert "The code is not correct." in form_errors(response)
        assert session.scalar(select(SmsCode.attempts)) == attempt
    response = register(client, sms_outbox, send=False)  # now the right code
    assert "Too many wrong codes. Ask for a new one." in form_errors(response)
    assert users(session) == 0


def test_the_fifth_try_still_counts(client, session, sms_outbox):
    send_code(client)
    wrong = wrong_code_for(sms_outbox)
    for _ in range(4):
        register(client, sms_outbox, send=False, code=wrong)
    assert register(client, sms_outbox, send=False).status_code == 302
    assert users(session) == 1


@pytest.mark.parametrize("app_overrides", [MANY_SMS])
def test_after_a_dead_code_a_new_code_works_and_the_old_one_does_not(client, session, sms_outbox):
    english(client)
    send_code(client)
    old = last_code(sms_outbox, PHONE)
    for _ in range(5):
        register(client, sms_outbox, send=False, code=wrong_code_for(sms_outbox))
    send_code(client)
    new = last_code(sms_outbox, PHONE)
    if new != old:
        assert "not correct" in form_errors(register(client, sms_outbox, send=False, code=old))
    assert register(client, sms_outbox, send=False, code=new).status_code == 302


@pytest.mark.parametrize("app_overrides", [MANY_SMS])
def test_sending_again_replaces_the_earlier_code(client, session, sms_outbox):
    send_code(client)
    send_code(client)
    assert session.scalar(select(func.count(SmsCode.id)).where(SmsCode.used_at.is_(None))) == 1


def test_an_expired_code_is_refused(client, session, sms_outbox):
    english(client)
    send_code(client)
    stored = session.scalar(select(SmsCode))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = register(client, sms_outbox, send=False)
    assert "The code has expired or was never sent. Ask for a new one." in form_errors(response)
    assert users(session) == 0


def test_a_code_is_good_for_ten_minutes(client, session, sms_outbox):
    send_code(client)
    stored = session.scalar(select(SmsCode))
    assert timedelta(minutes=9) < stored.expires_at - stored.created_at <= timedelta(minutes=10)
    stored.created_at = stored.created_at - timedelta(minutes=9)  # nine minutes later it still works
    session.commit()
    assert register(client, sms_outbox, send=False).status_code == 302


def test_registering_without_asking_for_a_code_is_refused(client, session, sms_outbox):
    english(client)
    response = register(client, sms_outbox, send=False, code="123456")
    assert "The code has expired or was never sent." in form_errors(response)
    assert users(session) == 0


def test_a_number_registered_meanwhile_is_refused(app, client, session, sms_outbox):
    english(client)
    send_code(client)
    factories.user(session, app.config, phone=PHONE)  # someone else finished first
    session.commit()
    response = register(client, sms_outbox, send=False)
    assert "This number already has an account. Sign in instead." in form_errors(response)
    assert users(session) == 1


# --- the form comes back filled in, never with the password ---------------------------------------

@pytest.mark.parametrize("overrides, message", [
    ({"password": "short1"}, "Use at least 8 characters."),
    ({"code": "000000x"}, "The code has 6 digits."),
    ({"display_name": "  "}, "This field is required."),
    ({"display_name": "王" * 21}, "Field cannot be longer than 20 characters."),
    ({"password": ""}, "This field is required."),
])
def test_a_refused_form_comes_back_filled_in_without_the_password(client, session, sms_outbox, overrides,
                                                                   message):
    english(client)
    send_code(client, phone="+86 139 1234 5678")
    data = {"phone": "+86 139 1234 5678", "code": last_code(sms_outbox, PHONE), "display_name": "王女士",
            "password": GOOD_PASSWORD, "submit": "1", **overrides}
    response = client.post("/register", data=data)
    assert response.status_code == 200 and message in text(response)
    form = page(response)
    assert form.values["phone"] == PHONE
    assert form.values["display_name"] == data["display_name"]
    assert not form.values["password"]
    if data["password"]:
        assert data["password"] not in text(response)
    assert users(session) == 0


def test_a_wrong_code_keeps_the_form_too(client, sms_outbox):
    send_code(client)
    response = register(client, sms_outbox, send=False, code=wrong_code_for(sms_outbox))
    form = page(response)
    assert (form.values["phone"], form.values["display_name"], form.values["password"]) == (PHONE, "王女士", "")
    assert GOOD_PASSWORD not in text(response)


# --- password rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("password, message", [
    ("short1", "Use at least 8 characters."),
    ("Ab3$xyz", "Use at least 8 characters."),           # 7 characters
    ("password1", "one of the most common"),
    ("12345678", "one of the most common"),
    ("woaini1314", "one of the most common"),
    ("WoAiNi1314", "one of the most common"),           # capitals do not make it rarer
    ("PASSWORD1", "one of the most common"),
    ("88888888", "one of the most common"),
    ("abababababab", "one of the most common"),         # two letters repeated
    (f"x{PHONE}", "Do not use your phone number in your password."),
    (f"my{PHONE}pw", "Do not use your phone number in your password."),
])
def test_weak_passwords_are_refused_with_a_message(client, session, sms_outbox, password, message):
    english(client)
    response = register(client, sms_outbox, password=password)
    assert response.status_code == 200 and message in form_errors(response) + text(response)
    assert users(session) == 0
    # A refused password costs no guess: the same code still registers with a good password.
    assert session.scalar(select(SmsCode.attempts)) == 0
    assert register(client, sms_outbox, send=False).status_code == 302


@pytest.mark.parametrize("password", ["gx7#kq2m", "邻里互助一起来吧", "yulin lamp fixed"])
def test_eight_characters_that_are_not_common_are_enough(client, session, sms_outbox, password):
    assert register(client, sms_outbox, password=password).status_code == 302
    assert users(session) == 1


@pytest.mark.parametrize("password, refused", [
    ("password1", True), ("woaini1314", True), ("12345678", True), ("qwerty123", True),
    ("gx7#kq2m", False), ("1234567", True), ("", True),
])
def test_password_problem(password, refused, app):
    with request_in(app):
        assert (rules.password_problem(password, phone=PHONE) is not None) is refused
