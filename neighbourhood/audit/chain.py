"""The hash chain as pure functions: canonical form, entry hash, and verification of a sequence."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq", "occurred_at", "actor_id", "action", "subject_type", "subject_id",
    "community_id", "compound_id", "data", "prev_hash",
)


def canonical_json(fields: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same entry always gives the same bytes."""

    def default(value: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        raise TypeError(f"cannot put {type(value).__name__} in an audit entry")

    return json.dumps(
        {key: fields[key] for key in HASHED_FIELDS},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default,
    )


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""


def verify(entries: Iterable[Mapping[str, Any]]) -> ChainReport:
    """Walk entries in seq order; stop at the first that does not follow from the one before."""
    expected_prev = GENESIS_HASH
    count = 0
    for expected_seq, fields in enumerate(entries, start=1):
        if fields["seq"] != expected_seq:
            return ChainReport(False, count, expected_prev, fields["seq"],
                               f"expected entry {expected_seq}, found {fields['seq']}")
        if fields["prev_hash"] != expected_prev:
            return ChainReport(False, count, expected_prev, fields["seq"],
                               "previous hash does not match the entry before")
        if entry_hash(fields) != fields["hash"]:
            return ChainReport(False, count, expected_prev, fields["seq"],
                               "content does not match its hash")
        expected_prev = fields["hash"]
        count += 1
    return ChainReport(True, count, expected_prev)
