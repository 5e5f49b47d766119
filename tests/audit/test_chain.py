"""The audit chain: entries link by hash, tampering is found, the database refuses edits."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from neighbourhood.audit import chain, services
from neighbourhood.audit.models import AppendOnlyViolation, AuditEntry
from neighbourhood.extensions import db
from tests.conftest import USING_POSTGRES


def _write(session, n=3):
    for i in range(n):
        services.record(session, actor=None, action="test.event", subject_type="thing",
                        data={"i": i, "text": "三栋路灯"})
    session.commit()


def test_entries_link_each_to_the_one_before(session):
    _write(session)
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == chain.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    report = services.verify_chain(session)
    assert report.ok and report.count == 3 and report.head_hash == entries[2].hash


def test_hash_is_sha256_of_canonical_json(session):
    _write(session, 1)
    entry = session.scalars(select(AuditEntry)).one()
    fields = {f: getattr(entry, f) for f in chain.HASHED_FIELDS}
    canonical = chain.canonical_json(fields)
    assert '"text":"三栋路灯"' in canonical  # UTF-8 kept, no spaces, sorted keys
    import hashlib
    assert entry.hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_pure_verify_finds_changed_content_and_missing_entries():
    entries, prev = [], chain.GENESIS_HASH
    for seq in (1, 2, 3):
        fields = {"seq": seq, "occurred_at": "2026-11-28T10:00:00", "actor_id": 1, "action": "a",
                  "subject_type": "t", "subject_id": seq, "community_id": None, "compound_id": 1,
                  "data": {"n": seq}, "prev_hash": prev}
        fields["hash"] = chain.entry_hash(fields)
        prev = fields["hash"]
        entries.append(fields)
    assert chain.verify(entries).ok
    tampered = [dict(e) for e in entries]
    tampered[1]["data"] = {"n": 99}
    report = chain.verify(tampered)
    assert not report.ok and report.broken_seq == 2 and report.count == 1
    assert chain.verify([entries[0], entries[2]]).broken_seq == 3


def test_orm_refuses_update_and_delete(session):
    _write(session, 1)
    entry = session.scalars(select(AuditEntry)).one()
    entry.action = "changed"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(AuditEntry)).one())
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()


def test_database_refuses_update_and_delete(session):
    _write(session, 1)
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(select(AuditEntry.action)) == "test.event"


def _tamper(session):
    """What an attacker with raw database access would have to do first."""
    if USING_POSTGRES:
        session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
    else:
        session.execute(text("DROP TRIGGER audit_entries_no_update"))
    session.execute(text("UPDATE audit_entries SET data = '{\"i\": 42}' WHERE seq = 2"))
    session.commit()


def test_cli_verify_prints_ok_with_count_and_head(app, session):
    _write(session)
    head = services.head_hash(session)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"OK 3 entries, head {head}"


def test_cli_verify_names_the_first_broken_entry_and_fails(app, session):
    _write(session)
    _tamper(session)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "BROKEN at entry 2" in result.output


def test_audit_page_verifies_on_demand(app, session, world, client_as):
    _write(session)
    client = client_as("supervisor")
    client.set_cookie("lang", "en")
    page = client.get("/audit/").get_data(as_text=True)
    assert services.head_hash(db.session) in page
    page = client.post("/audit/verify").get_data(as_text=True)
    assert "The chain is intact" in page
    _tamper(db.session)
    page = client.post("/audit/verify").get_data(as_text=True)
    assert "The chain is broken at entry" in page
