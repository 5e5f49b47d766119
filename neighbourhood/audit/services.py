"""Writing to and checking the audit chain."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from neighbourhood.audit import chain
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import utcnow

# Any fixed number: PostgreSQL writers take this transaction-scoped lock to extend the chain one at a time.
_CHAIN_LOCK_KEY = 7_281_001


def record(
    session: Session,
    *,
    actor: Any,
    action: str,
    subject: Any = None,
    subject_type: str | None = None,
    community_id: int | None = None,
    compound_id: int | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry. `subject` is any mapped object with an id (flushed first to get one)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    if subject is not None and getattr(subject, "id", None) is None:
        session.flush()
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    fields = {
        "seq": head.seq + 1 if head else 1,
        "occurred_at": utcnow(),
        "actor_id": getattr(actor, "id", None),
        "action": action,
        "subject_type": subject_type or (subject.__tablename__ if subject is not None else ""),
        "subject_id": getattr(subject, "id", None),
        "community_id": community_id,
        "compound_id": compound_id,
        "data": data or {},
        "prev_hash": head.hash if head else chain.GENESIS_HASH,
    }
    entry = AuditEntry(**fields, hash=chain.entry_hash(fields))
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session, *, batch_size: int = 5000) -> chain.ChainReport:
    """Stream the whole chain in batches, so memory stays flat however long it gets."""
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    )
    try:
        return chain.verify(
            {field: getattr(entry, field) for field in (*chain.HASHED_FIELDS, "hash")}
            for entry in result.scalars()
        )
    finally:
        # verify() may stop at the first broken entry; close the server-side cursor anyway.
        result.close()


def head_hash(session: Session) -> str:
    latest = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1))
    return latest or chain.GENESIS_HASH
