"""Writing to and checking the audit chain, and the cross-checks that hold each domain's rows to it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable

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


# --- cross-checks: do the domain's rows still say what the chain recorded? -------------------------------------

# The chain's entries about some rows, by (subject type, subject id), oldest first.
Trail = dict[tuple[str, int], list[AuditEntry]]
# A check gets (session, compound_id — None for every compound —, the trail of the entries it asked for) and
# returns the problems it finds, each naming the row in words a supervisor understands.
CrossCheck = Callable[[Session, int | None, Trail], list[str]]


def gone(trail: Trail, subject_type: str, present: set[int]) -> list[int]:
    """Rows of this type the chain recorded that are no longer in the database."""
    return sorted(subject_id for kind, subject_id in trail if kind == subject_type and subject_id not in present)


@dataclass(frozen=True)
class RegisteredCheck:
    label: Any                      # what is compared, for the supervisors' dashboard
    subject_types: tuple[str, ...]  # the audit entries the check reads
    actions: tuple[str, ...]
    check: CrossCheck


CROSS_CHECKS: dict[str, RegisteredCheck] = {}


def cross_check(name: str, label: Any, *, subject_types: Iterable[str],
                actions: Iterable[str]) -> Callable[[CrossCheck], CrossCheck]:
    """Register a domain's check when its module is imported; `flask audit verify` and the dashboard run it."""
    def register(check: CrossCheck) -> CrossCheck:
        CROSS_CHECKS[name] = RegisteredCheck(label, tuple(subject_types), tuple(actions), check)
        return check
    return register


@dataclass(frozen=True)
class CheckResult:
    name: str
    label: Any
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def run_cross_checks(session: Session, *, compound_id: int | None = None) -> list[CheckResult]:
    """Every registered check, in name order, on one read of the audit entries they need; compound_id scopes
    each to one compound's rows."""
    if not CROSS_CHECKS:
        return []
    registered = [CROSS_CHECKS[name] for name in sorted(CROSS_CHECKS)]
    trail = _trail(session, subject_types={t for r in registered for t in r.subject_types},
                   actions={a for r in registered for a in r.actions}, compound_id=compound_id)
    return [CheckResult(name, r.label, list(r.check(session, compound_id, trail)))
            for name, r in zip(sorted(CROSS_CHECKS), registered)]


def _trail(session: Session, *, subject_types: set[str], actions: set[str], compound_id: int | None) -> Trail:
    query = select(AuditEntry).where(AuditEntry.subject_type.in_(sorted(subject_types)),
                                     AuditEntry.action.in_(sorted(actions))).order_by(AuditEntry.seq)
    if compound_id is not None:
        query = query.where(AuditEntry.compound_id == compound_id)
    found: Trail = defaultdict(list)
    for entry in session.scalars(query):
        found[(entry.subject_type, entry.subject_id)].append(entry)
    return found
