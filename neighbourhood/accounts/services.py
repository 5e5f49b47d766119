"""Account verbs: SMS codes, registration, sign-in sessions, password reset, export and deletion."""
from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, Iterable, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from neighbourhood.accounts import passwords, roles, rules
from neighbourhood.accounts.models import (
    HouseholdMembership,
    MembershipStatus,
    RoleAssignment,
    SmsCode,
    SmsPurpose,
    User,
    UserSession,
)
from neighbourhood.accounts.sms import SmsSender
from neighbourhood.audit import services as audit
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError, utcnow
from neighbourhood.places.models import Household

Config = Mapping[str, Any]

SMS_TEMPLATES = {
    SmsPurpose.REGISTER: _l("[Neighbourhood] Your registration code is %(code)s, valid for 10 minutes."),
    SmsPurpose.SIGN_IN: _l("[Neighbourhood] Your sign-in code is %(code)s, valid for 10 minutes."),
    SmsPurpose.RESET_PASSWORD: _l(
        "[Neighbourhood] Your code to reset your password is %(code)s, valid for 10 minutes."
    ),
}


def find_user_by_phone(session: Session, phone: str) -> User | None:
    return session.scalar(select(User).where(User.phone == phone, User.deleted_at.is_(None)))


def send_sms_code(
    session: Session, *, config: Config, sender: SmsSender, phone: str, purpose: SmsPurpose
) -> None:
    """Send a fresh code. For sign-in and reset, an unknown number gets no SMS, but the caller
    shows the same message either way so that numbers cannot be probed."""
    known = find_user_by_phone(session, phone) is not None
    if purpose is SmsPurpose.REGISTER and known:
        raise DomainError(_l("This number already has an account. Sign in instead."))
    if purpose is not SmsPurpose.REGISTER and not known:
        return
    now = utcnow()
    session.execute(
        update(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = rules.new_sms_code()
    session.add(SmsCode(
        phone=phone, purpose=purpose, code_hash=rules.keyed_hash(config["SECRET_KEY"], code),
        created_at=now, expires_at=now + timedelta(seconds=config["SMS_CODE_TTL_SECONDS"]),
    ))
    session.flush()
    sender.send(phone, str(SMS_TEMPLATES[purpose] % {"code": code}))


def consume_sms_code(
    session: Session, *, config: Config, phone: str, purpose: SmsPurpose, code: str
) -> None:
    """Use up the current code or raise. Wrong guesses count; after too many the code is dead.

    The attempt is counted by one UPDATE in the database before the code is compared, and the code
    is used up by another, so parallel guesses cannot share a count or use one code twice."""
    now = utcnow()
    current = session.scalar(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.purpose == purpose, SmsCode.used_at.is_(None))
        .order_by(SmsCode.id.desc())
        .limit(1)
    )
    if current is None or current.expires_at < now:
        raise DomainError(_l("The code has expired or was never sent. Ask for a new one."))
    counted = session.execute(
        update(SmsCode)
        .where(SmsCode.id == current.id, SmsCode.used_at.is_(None),
               SmsCode.attempts < config["SMS_CODE_MAX_ATTEMPTS"])
        .values(attempts=SmsCode.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(current, ["attempts", "used_at"])
    if counted.rowcount != 1:
        if current.used_at is not None:  # a parallel request used it a moment ago
            raise DomainError(_l("The code has expired or was never sent. Ask for a new one."))
        raise DomainError(_l("Too many wrong codes. Ask for a new one."))
    if not secrets.compare_digest(
        current.code_hash, rules.keyed_hash(config["SECRET_KEY"], rules.normalize_sms_code(code))
    ):
        raise DomainError(_l("The code is not correct."))
    used = session.execute(
        update(SmsCode)
        .where(SmsCode.id == current.id, SmsCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(current, ["used_at"])
    if used.rowcount != 1:
        raise DomainError(_l("The code has expired or was never sent. Ask for a new one."))


def register(
    session: Session, *, config: Config, phone: str, code: str, display_name: str, password: str
) -> User:
    if find_user_by_phone(session, phone) is not None:
        raise DomainError(_l("This number already has an account. Sign in instead."))
    problem = rules.password_problem(password, phone=phone)
    if problem:
        raise DomainError(problem)
    consume_sms_code(session, config=config, phone=phone, purpose=SmsPurpose.REGISTER, code=code)
    user = User(
        phone=phone,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(config, password),
    )
    session.add(user)
    try:
        # A savepoint, so the used-up code can still be committed when a parallel sign-up won.
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise DomainError(_l("This number already has an account. Sign in instead.")) from None
    audit.record(session, actor=user, action="account.registered", subject=user)
    return user


def authenticate(session: Session, *, config: Config, phone: str, password: str) -> User:
    user = find_user_by_phone(session, phone)
    if user is None:
        # Same work and message as a wrong password, so timing and text reveal nothing.
        passwords.check_password(config, _dummy_hash(config), password)
        raise DomainError(_l("The phone number or password is not correct."))
    if not passwords.check_password(config, user.password_hash, password):
        raise DomainError(_l("The phone number or password is not correct."))
    if passwords.hasher(config).check_needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(config, password)
    return user


_dummy_hashes: dict[tuple, str] = {}


def _dummy_hash(config: Config) -> str:
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = passwords.hash_password(config, secrets.token_hex(8))
    return _dummy_hashes[key]


def authenticate_by_code(session: Session, *, config: Config, phone: str, code: str) -> User:
    user = find_user_by_phone(session, phone)
    if user is None:
        raise DomainError(_l("The code has expired or was never sent. Ask for a new one."))
    consume_sms_code(session, config=config, phone=phone, purpose=SmsPurpose.SIGN_IN, code=code)
    return user


def reset_password(
    session: Session, *, config: Config, phone: str, code: str, password: str
) -> User:
    user = find_user_by_phone(session, phone)
    if user is None:
        raise DomainError(_l("The code has expired or was never sent. Ask for a new one."))
    problem = rules.password_problem(password, phone=phone)
    if problem:
        raise DomainError(problem)
    consume_sms_code(
        session, config=config, phone=phone, purpose=SmsPurpose.RESET_PASSWORD, code=code
    )
    user.password_hash = passwords.hash_password(config, password)
    revoke_all_sessions(session, user=user)
    audit.record(session, actor=user, action="account.password_reset", subject=user)
    return user


def start_session(session: Session, *, config: Config, user: User, user_agent: str) -> str:
    """Create a device session and return its token, which Flask-Login keeps in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(
        user=user,
        token_hash=rules.keyed_hash(config["SECRET_KEY"], token),
        user_agent=user_agent[:200],
    ))
    session.flush()
    user.session_token = token
    return token


def load_session_user(session: Session, *, config: Config, token: str) -> User | None:
    user = session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == rules.keyed_hash(config["SECRET_KEY"], token),
            UserSession.revoked_at.is_(None),
            User.deleted_at.is_(None),
        )
    )
    if user is not None:
        user.session_token = token
    return user


def end_session(session: Session, *, config: Config, token: str) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == rules.keyed_hash(config["SECRET_KEY"], token))
        .values(revoked_at=utcnow())
    )


def revoke_all_sessions(session: Session, *, user: User) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def load_profile(session: Session, *, user: User) -> User:
    """The user with households and roles loaded in a fixed number of queries, however many there are."""
    return session.scalars(
        select(User)
        .where(User.id == user.id)
        .options(
            selectinload(User.memberships).joinedload(HouseholdMembership.household)
            .joinedload(Household.building),
            selectinload(User.memberships).joinedload(HouseholdMembership.compound),
            selectinload(User.role_assignments).joinedload(RoleAssignment.compound),
            selectinload(User.role_assignments).joinedload(RoleAssignment.community),
        )
        .execution_options(populate_existing=True)
    ).one()


def update_profile(session: Session, *, user: User, display_name: str) -> None:
    user.display_name = display_name.strip()


def export_data(session: Session, *, user: User) -> dict:
    """Everything we hold about the user, in one JSON-ready document (PIPL Art. 45)."""
    def iso(value):
        return value.isoformat() if value is not None else None

    audit_rows = session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.seq)
    )
    devices = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    )
    return {
        "profile": {
            "phone": user.phone,
            "display_name": user.display_name,
            "real_name": user.real_name,
            "registered_at": iso(user.created_at),
        },
        "households": [
            {
                "household": m.household.label,
                "compound": m.compound.name,
                "relation": m.relation.value,
                "status": m.status.value,
                "requested_at": iso(m.requested_at),
                "decided_at": iso(m.decided_at),
                "decline_reason": m.decline_reason,
            }
            for m in user.memberships
        ],
        "roles": [
            {
                "role": r.role.value,
                "compound": r.compound.name if r.compound else None,
                "community": r.community.name if r.community else None,
                "term_start": iso(r.term_start),
                "term_end": iso(r.term_end),
                "ended_at": iso(r.ended_at),
            }
            for r in user.role_assignments
        ],
        "sessions": [
            {"started_at": iso(d.created_at), "ended_at": iso(d.revoked_at), "device": d.user_agent}
            for d in devices
        ],
        "activity": [
            {"at": iso(e.occurred_at), "action": e.action, "subject": e.subject_type}
            for e in audit_rows
        ],
    }


def delete_account(session: Session, *, config: Config, user: User, password: str) -> None:
    """Erase personal data; what the user wrote stays, shown as 已注销用户 (deleted user)."""
    if not passwords.check_password(config, user.password_hash, password):
        raise DomainError(_l("The password is not correct."))
    now = utcnow()
    # Leaving households and giving up roles are recorded like any other such change.
    for membership in user.memberships:
        if membership.status in (MembershipStatus.PENDING, MembershipStatus.VERIFIED):
            membership.end(at=now)
            audit.record(
                session, actor=user, action="membership.ended", subject=membership,
                compound_id=membership.compound_id,
                data={"user_id": user.id, "reason": roles.ACCOUNT_DELETED},
            )
    for assignment in user.role_assignments:
        if assignment.ended_at is None:
            roles.end_role(session, assignment=assignment, by=user, reason=roles.ACCOUNT_DELETED)
    revoke_all_sessions(session, user=user)
    user.phone = None
    user.real_name = None
    user.password_hash = None
    user.display_name = ""
    user.deleted_at = now
    audit.record(session, actor=user, action="account.deleted", subject=user)


def public_name_loads(path):
    """Extend a loader option `path` that reaches users with what public_name() reads (households, buildings)."""
    return path.selectinload(User.memberships).joinedload(HouseholdMembership.household) \
        .joinedload(Household.building)


def with_public_names(statement, *relationship_path):
    """Load the people at `relationship_path` with what public_name() reads (the building of their verified
    household) in a fixed number of queries, however many rows."""
    return statement.options(
        selectinload(*relationship_path).selectinload(User.memberships)
        .joinedload(HouseholdMembership.household).joinedload(Household.building))


def preload_people(session: Session, user_ids: Iterable[int | None]) -> list[User]:
    """Load these users with memberships, households and buildings in two queries, so public_name(),
    can_take_part() and many-to-one relationships to them (comment.author) need none afterwards.

    The session holds loaded objects only weakly; keeping them in `session.info` until the session ends
    (each request has its own) is what stops each one from being loaded again later, one query apiece."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return []
    people = list(session.scalars(select(User).where(User.id.in_(ids)).options(
        selectinload(User.memberships).joinedload(HouseholdMembership.household)
        .joinedload(Household.building))))
    session.info.setdefault("preloaded_people", []).extend(people)
    return people
