"""Plain helpers for the place tests: uploads and row counts."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from neighbourhood.accounts.models import HouseholdInvitation
from neighbourhood.audit.models import AuditEntry
from neighbourhood.places.models import Building, Community, Compound, Household


BOUNDARY = "----neighbourhood-test-boundary"


def upload(client, compound_id: int, data: bytes | str, filename: str = "households.csv"):
    """POST a file as a browser does. The multipart body is built here, in memory: Werkzeug's test client
    would spool a large one to a temporary file it never closes (a ResourceWarning, an error here)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(f"/station/compounds/{compound_id}/import", input_stream=io.BytesIO(body),
                       content_length=len(body), content_type=f"multipart/form-data; boundary={BOUNDARY}")


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot(session) -> dict:
    """Row counts that no refused request may change."""
    return {model.__name__: count(session, model)
            for model in (Community, Compound, Building, Household, HouseholdInvitation, AuditEntry)}
