"""The station's directory of the community's public services (as 天府市民云 gathers the city's): an online service
with its link, or an office with its address and hours. Residents find the entries in the 15-minute circle, so a
link must be a plain web address (http or https) and coordinates must be real ones. Every change is audited."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import rules
from neighbourhood.enterprises.models import PublicService, ServiceCategory

NAME_MAX = 80
DEPARTMENT_MAX = 80
PURPOSE_MAX = 500
LINK_MAX = 300
ADDRESS_MAX = 200
HOURS_MAX = 200
PHONE_MAX = 40
DEGREE = Decimal("0.000001")
FIELDS = ("name", "department", "purpose", "link", "office_address", "office_hours", "phone", "latitude",
          "longitude", "category")


def valid_link(link: str) -> bool:
    """An absolute http(s) address with a host, no spaces, and no user name before the host (which could make a
    link look like it goes somewhere it does not)."""
    if any(c.isspace() or ord(c) < 32 for c in link):
        return False
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def _degrees(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(DEGREE)
    except (InvalidOperation, ValueError):
        raise DomainError(_l("Give the latitude and longitude as decimal degrees.")) from None


def _clean(*, name, department, purpose, link, office_address, office_hours, phone, latitude, longitude,
           category) -> dict:
    fields = {"name": (name or "").strip(), "department": (department or "").strip(),
              "purpose": (purpose or "").strip(), "link": (link or "").strip(),
              "office_address": (office_address or "").strip(), "office_hours": (office_hours or "").strip(),
              "phone": (phone or "").strip()}
    if not fields["name"] or len(fields["name"]) > NAME_MAX:
        raise DomainError(_l("Give the service a name of up to %(max)s characters.", max=NAME_MAX))
    if not fields["department"] or len(fields["department"]) > DEPARTMENT_MAX:
        raise DomainError(_l("Name the department that provides it (up to %(max)s characters).",
                             max=DEPARTMENT_MAX))
    limits = {"purpose": PURPOSE_MAX, "link": LINK_MAX, "office_address": ADDRESS_MAX, "office_hours": HOURS_MAX,
              "phone": PHONE_MAX}
    if any(len(fields[key]) > limit for key, limit in limits.items()):
        raise DomainError(_l("One of the texts is too long."))
    if fields["link"] and not valid_link(fields["link"]):
        raise DomainError(_l("The link must be a web address starting with http:// or https://."))
    if not fields["link"] and not fields["office_address"]:
        raise DomainError(_l("Give the link of the online service, or the address of the office."))
    lat, lon = _degrees(latitude), _degrees(longitude)
    if (lat is None) != (lon is None) or (lat is not None and not rules.valid_coordinates(lat, lon)):
        raise DomainError(_l("Give both latitude and longitude (decimal degrees), or neither."))
    return {**fields, "latitude": lat, "longitude": lon, "category": ServiceCategory(category)}


def _record(session: Session, service: PublicService, by: User, action: str, data: dict | None = None) -> None:
    audit.record(session, actor=by, action=action, subject=service, community_id=service.community_id,
                 data={"name": service.name, **(data or {})})


def add_service(session: Session, *, community_id: int, by: User, name: str, department: str, purpose: str = "",
                link: str = "", office_address: str = "", office_hours: str = "", phone: str = "",
                latitude=None, longitude=None, category: ServiceCategory = ServiceCategory.OTHER) -> PublicService:
    fields = _clean(name=name, department=department, purpose=purpose, link=link, office_address=office_address,
                    office_hours=office_hours, phone=phone, latitude=latitude, longitude=longitude,
                    category=category)
    service = PublicService(community_id=community_id, updated_by_id=by.id, updated_at=utcnow(), **fields)
    session.add(service)
    session.flush()
    _record(session, service, by, "directory.added", {"link": service.link})
    return service


def update_service(session: Session, *, service: PublicService, by: User, **changes) -> list[str]:
    """Correct an entry; returns the names of the fields that changed."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    fields = _clean(**{name: changes.get(name, getattr(service, name)) for name in FIELDS})
    changed = [name for name in FIELDS if getattr(service, name) != fields[name]]
    for name in changed:
        setattr(service, name, fields[name])
    if changed:
        service.updated_by_id, service.updated_at = by.id, utcnow()
        _record(session, service, by, "directory.updated", {"changed": changed, "link": service.link})
    return changed


def delete_service(session: Session, *, service: PublicService, by: User) -> None:
    _record(session, service, by, "directory.deleted", {"department": service.department})
    session.delete(service)
    session.flush()
