"""The code service under parallel requests: another request may count or use the code between our
read and our write. These tests let "another request" commit exactly then (while our code is being
compared) and check that what the database says wins."""
import secrets
import threading

import pytest
from sqlalchemy import select, update

from neighbourhood.accounts import services
from neighbourhood.accounts.models import SmsCode, SmsPurpose
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from tests.accounts.helpers import request_in
from tests.conftest import last_code


@pytest.fixture
def phone(app, session, world, sms_outbox):
    number = world.users["owner"].phone
    with request_in(app, "en"):
        services.send_sms_code(session, config=app.config, sender=app.extensions["sms_sender"],
                               phone=number, purpose=SmsPurpose.SIGN_IN)
    session.commit()
    return number


def elsewhere(**values) -> None:
    """Another request's transaction, committed while ours is still running."""
    with db.engine.begin() as connection:
        connection.execute(update(SmsCode).values(**values))


@pytest.fixture
def meanwhile(monkeypatch):
    """meanwhile(statement): while our code is being compared, another request runs `statement` on its
    own connection. On PostgreSQL it waits for any row lock we hold, as a real request would; the
    returned `finish()` waits for it and gives its rowcount."""
    engine = db.engine
    others: list[threading.Thread] = []
    rowcounts: list[int] = []

    def other_request(statement):
        with engine.begin() as connection:
            rowcounts.append(connection.execute(statement).rowcount)

    def arrange(statement):
        compare = secrets.compare_digest

        def compare_while_another_request_runs(a, b):
            if not others:
                others.append(threading.Thread(target=other_request, args=(statement,)))
                others[0].start()
                others[0].join(timeout=0.5)  # done at once unless it waits for our lock
            return compare(a, b)

        monkeypatch.setattr(secrets, "compare_digest", compare_while_another_request_runs)

        def finish() -> int:
            assert others, "the code was never compared"
            others[0].join(timeout=10)
            assert not others[0].is_alive() and rowcounts
            return rowcounts[0]
        return finish

    yield arrange
    for thread in others:
        thread.join(timeout=10)


def check(app, session, phone, code) -> str:
    """'' when the code was accepted, else the (English) reason it was refused."""
    with request_in(app, "en"):
        try:
            services.consume_sms_code(session, config=app.config, phone=phone,
                                      purpose=SmsPurpose.SIGN_IN, code=code)
        except DomainError as error:
            return str(error)
    return ""


def wrong(outbox, phone) -> str:
    return "000000" if last_code(outbox, phone) != "000000" else "111111"


def test_parallel_wrong_guesses_all_count(app, session, phone, sms_outbox, meanwhile):
    # Four other wrong guesses are counted while ours is being checked.
    finish = meanwhile(update(SmsCode).values(attempts=SmsCode.attempts + 4))
    assert "not correct" in check(app, session, phone, wrong(sms_outbox, phone))
    session.commit()
    finish()
    session.expire_all()
    assert session.scalar(select(SmsCode.attempts)) == 5
    assert "Too many wrong codes" in check(app, session, phone, last_code(sms_outbox, phone))


def test_a_stale_copy_of_the_count_does_not_reopen_a_dead_code(app, session, phone, sms_outbox):
    stale = session.scalar(select(SmsCode))  # our session read the code before the guesses landed
    assert stale.attempts == 0
    elsewhere(attempts=app.config["SMS_CODE_MAX_ATTEMPTS"])
    assert "Too many wrong codes" in check(app, session, phone, last_code(sms_outbox, phone))
    session.commit()
    assert session.scalar(select(SmsCode.attempts)) == app.config["SMS_CODE_MAX_ATTEMPTS"]
    assert session.scalar(select(SmsCode.used_at)) is None


def test_one_code_signs_in_once_even_in_parallel(app, session, phone, sms_outbox, meanwhile):
    # Another request uses the same code while ours is being checked: exactly one of us may win.
    finish = meanwhile(update(SmsCode).where(SmsCode.used_at.is_(None)).values(used_at=utcnow()))
    ours = check(app, session, phone, last_code(sms_outbox, phone))
    session.commit()
    theirs = finish()
    assert (ours == "") + (theirs == 1) == 1, (ours, theirs)


def test_the_right_code_is_used_up(app, session, phone, sms_outbox):
    assert check(app, session, phone, last_code(sms_outbox, phone)) == ""
    session.commit()
    assert session.scalar(select(SmsCode.used_at)) is not None
    assert "expired or was never sent" in check(app, session, phone, last_code(sms_outbox, phone))


def test_four_wrong_then_right_still_works(app, session, phone, sms_outbox):
    for _ in range(4):
        assert "not correct" in check(app, session, phone, wrong(sms_outbox, phone))
        session.commit()
    assert check(app, session, phone, last_code(sms_outbox, phone)) == ""
