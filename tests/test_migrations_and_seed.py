"""The migrations build exactly the models' schema, and the demo seed builds a living compound."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from neighbourhood.accounts import permissions
from neighbourhood.accounts.models import Role, User
from neighbourhood.audit import services as audit
from neighbourhood.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, SeedRefused, seed_demo
from neighbourhood.demo_project_content import PROJECTS
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound, Household
from tests.conftest import PG_SCHEMA, USING_POSTGRES, make_app


@pytest.fixture
def empty_database(tmp_path):
    """A database with no tables, for the migrations to build."""
    if USING_POSTGRES:
        schema = PG_SCHEMA + "_migrations"
        app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": f"-csearch_path={schema}"}})
        with app.app_context():
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            yield app
            db.session.remove()
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            db.engine.dispose()
    else:
        app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}")
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def test_migrations_match_the_models_and_go_down_again(empty_database):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate`: the models and migrations differ"
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names())
    assert {"users", "households", "audit_entries", "role_assignments"} <= tables
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(db.inspect(connection).get_table_names()) <= {"alembic_version"}


def test_migrated_database_refuses_audit_edits(empty_database):
    upgrade()
    audit.record(db.session, actor=None, action="test", subject_type="x")
    db.session.commit()
    with pytest.raises(Exception):
        db.session.execute(text("DELETE FROM audit_entries"))
    db.session.rollback()


def test_demo_seed_has_one_account_per_role(app, session):
    users = seed_demo(session, config=app.config)
    session.commit()
    compounds = session.scalars(select(Compound).order_by(Compound.id)).all()
    assert len(compounds) == 2
    for compound in compounds:
        count = session.scalar(select(func.count(Household.id)).where(Household.compound_id == compound.id))
        assert 55 <= count <= 65
        assert session.scalar(select(func.count(Household.id)).where(
            Household.compound_id == compound.id, Household.area.is_(None))) == 0
    first = compounds[0]
    by_phone = {u.phone: u for u in session.scalars(select(User))}
    assert set(a.phone for a in DEMO_ACCOUNTS.values()) <= set(by_phone)
    assert permissions.is_verified_in(by_phone["13800000001"], first)
    assert permissions.is_owner_in(by_phone["13800000002"], first)
    assert permissions.is_council_member(by_phone["13800000003"], first)
    assert permissions.is_supervisor(by_phone["13800000004"], first)
    assert any(r.role is Role.ENTERPRISE_OPERATOR and r.compound_id == first.id
               for r in permissions.active_roles(by_phone["13800000005"]))
    assert permissions.is_station_staff(by_phone["13800000006"], first.community_id)
    assert not any(r.compound_id for r in by_phone["13800000006"].role_assignments)
    assert permissions.is_admin(by_phone["13800000009"])
    assert audit.verify_chain(session).ok
    assert users["admin"].phone == "13800000009"


def test_demo_accounts_sign_in_with_the_demo_password(app, session, client):
    seed_demo(session, config=app.config)
    session.commit()
    for account in DEMO_ACCOUNTS.values():
        response = client.post("/login", data={"phone": account.phone, "password": DEMO_PASSWORD})
        assert response.status_code == 302, account.phone
        client.post("/logout")


def test_seed_refuses_in_production(app, session):
    app.config["PRODUCTION"] = True
    with pytest.raises(SeedRefused):
        seed_demo(session, config=app.config)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert session.scalar(select(func.count(User.id))) == 0


def test_seed_command_only_fills_an_empty_database(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0 and "13800000009" in first.output
    users = session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert session.scalar(select(func.count(User.id))) == users


def test_demo_compound_is_alive_with_needs_proposals_and_a_council_meeting(app, session, client):
    from neighbourhood.council.models import Decision, Meeting
    from neighbourhood.needs.models import Need, NeedStatus
    from neighbourhood.proposals.models import Comment, Proposal, ProposalStatus

    users = seed_demo(session, config=app.config)
    session.commit()
    needs_by_status = dict(session.execute(select(Need.status, func.count()).group_by(Need.status)).all())
    assert set(needs_by_status) == set(NeedStatus) and 25 <= sum(needs_by_status.values()) <= 35
    proposals_by_status = dict(session.execute(
        select(Proposal.status, func.count()).group_by(Proposal.status)).all())
    assert set(proposals_by_status) == set(ProposalStatus) and sum(proposals_by_status.values()) == 15 + len(PROJECTS)
    assert session.scalar(select(func.count(Comment.id))) >= 8
    meetings = session.scalars(select(Meeting)).all()
    # The governance meeting decided four proposals; a later one adopted the micro-projects' proposals.
    assert len(meetings) == 2 and all(m.is_quorate for m in meetings)
    assert session.scalar(select(func.count(Decision.id))) == 4 + len(PROJECTS)
    assert audit.verify_chain(session).ok

    client.post("/login", data={"phone": users["resident"].phone, "password": DEMO_PASSWORD})
    home = client.get("/").get_data(as_text=True)
    newest_need = session.scalar(select(Need.title).order_by(Need.created_at.desc()).limit(1))
    newest_proposal = session.scalar(select(Proposal.title).order_by(Proposal.created_at.desc()).limit(1))
    assert newest_need in home and newest_proposal in home
    assert "路灯" in client.get("/needs/?q=路灯").get_data(as_text=True)
