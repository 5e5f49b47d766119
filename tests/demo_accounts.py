"""The demo compound in a test database, and clients signed in as its demo accounts: pages measured as busy as a
real compound's."""
from __future__ import annotations

from sqlalchemy import select

from neighbourhood.accounts.models import User
from neighbourhood.demo import DEMO_ACCOUNTS
from tests.conftest import sign_in


def seed(app) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def client_of(app, session, role: str):
    """A client signed in as the demo account of `role` ("anonymous": not signed in)."""
    client = app.test_client()
    if role != "anonymous":
        sign_in(app, client, session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS[role].phone)))
    return client
