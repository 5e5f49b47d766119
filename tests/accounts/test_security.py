"""argon2id parameters and session cookie flags."""
import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from neighbourhood.accounts import passwords
from neighbourhood.accounts.models import User
from neighbourhood.config import Config
from tests import factories
from tests.accounts.helpers import GOOD_PASSWORD, password_sign_in, session_cookie

PRODUCTION_ARGON2 = {
    "ARGON2_MEMORY_COST_KIB": Config.ARGON2_MEMORY_COST_KIB,
    "ARGON2_TIME_COST": Config.ARGON2_TIME_COST,
    "ARGON2_PARALLELISM": Config.ARGON2_PARALLELISM,
}


# --- argon2id ---------------------------------------------------------------------------------------

def test_production_argon2_parameters_meet_the_owasp_minimum():
    assert Config.ARGON2_MEMORY_COST_KIB >= 19456
    assert Config.ARGON2_TIME_COST >= 2
    assert Config.ARGON2_PARALLELISM >= 1


def test_a_hash_made_with_production_config_is_argon2id_m19456_t2():
    hashed = passwords.hash_password(PRODUCTION_ARGON2, GOOD_PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert GOOD_PASSWORD not in hashed
    assert passwords.check_password(PRODUCTION_ARGON2, hashed, GOOD_PASSWORD)
    assert not passwords.check_password(PRODUCTION_ARGON2, hashed, GOOD_PASSWORD + "x")
    assert passwords.hash_password(PRODUCTION_ARGON2, GOOD_PASSWORD) != hashed  # salted


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$m=64,t=1,p=1$broken"])
def test_a_missing_or_broken_hash_never_matches(stored):
    assert passwords.check_password(PRODUCTION_ARGON2, stored, GOOD_PASSWORD) is False


def test_argon2i_or_argon2d_hashes_are_not_what_we_make():
    assert passwords.hasher(PRODUCTION_ARGON2).type is Type.ID


@pytest.mark.parametrize("app_overrides", [PRODUCTION_ARGON2])
def test_an_older_weaker_hash_is_upgraded_at_sign_in(app, client, session):
    weak = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID).hash(GOOD_PASSWORD)
    user = User(phone="13812345678", display_name="老用户", password_hash=weak)
    session.add(user)
    session.commit()
    assert password_sign_in(client, user.phone, GOOD_PASSWORD).status_code == 302
    session.expire_all()
    upgraded = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,")
    assert passwords.check_password(PRODUCTION_ARGON2, upgraded, GOOD_PASSWORD)


# --- cookies ----------------------------------------------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_http(client, world):
    response = password_sign_in(client, world.users["resident"].phone)
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # over plain HTTP a Secure cookie would never come back


def test_session_cookie_is_secure_over_https(client, world):
    response = client.post("/login", base_url="https://localhost",
                           data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_https_session_works_on_the_next_https_request(client, world):
    client.post("/login", base_url="https://localhost",
                data={"phone": world.users["resident"].phone, "password": factories.PASSWORD})
    assert client.get("/me", base_url="https://localhost").status_code == 200


def test_sign_out_clears_the_cookie_with_the_same_flags(client, world):
    password_sign_in(client, world.users["resident"].phone)
    cookie = session_cookie(client.post("/logout"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_two_people_are_never_the_same_user(app, session, world):
    resident, owner = world.users["resident"], world.users["owner"]
    assert resident != owner and owner not in [resident] and len({resident, owner}) == 2
    assert session.get(type(resident), resident.id) == resident
