"""Plain data builders: each takes a session and overrides, and returns flushed objects."""
from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal

from neighbourhood.accounts.models import (
    HouseholdMembership,
    MembershipStatus,
    Relation,
    Role,
    RoleAssignment,
    User,
    VerificationMethod,
)
from neighbourhood.places.models import Building, Community, Compound, Household
from neighbourhood.places.services import natural_key

PASSWORD = "a-long-test-password"
_phones = itertools.count(13700000000)
_hashes: dict[tuple, str] = {}


def password_hash(config) -> str:
    from neighbourhood.accounts.passwords import hash_password

    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"])
    if key not in _hashes:
        _hashes[key] = hash_password(config, PASSWORD)
    return _hashes[key]


def community(session, **overrides) -> Community:
    obj = Community(**{"name": "玉林社区", "district": "武侯区", "centre_name": "玉林社区党群服务中心",
                       **overrides})
    session.add(obj)
    session.flush()
    return obj


def compound(session, community_obj=None, **overrides) -> Compound:
    community_obj = community_obj or community(session)
    obj = Compound(community=community_obj, **{"name": "玉林北路小区", "station_name": "玉林北路小区党群服务站",
                                               **overrides})
    session.add(obj)
    session.flush()
    return obj


def building(session, compound_obj, name="3栋") -> Building:
    obj = Building(compound=compound_obj, name=name, sort_key=natural_key(name))
    session.add(obj)
    session.flush()
    return obj


def household(session, building_obj, unit="2", room="501", area=Decimal("89.50")) -> Household:
    obj = Household(building=building_obj, compound_id=building_obj.compound_id, unit=unit, room=room,
                    area=area)
    session.add(obj)
    session.flush()
    return obj


def user(session, config, *, phone=None, display_name="王女士", real_name="王秀英") -> User:
    obj = User(phone=phone or str(next(_phones)), display_name=display_name, real_name=real_name,
               password_hash=password_hash(config))
    session.add(obj)
    session.flush()
    return obj


def membership(session, user_obj, household_obj, *, relation=Relation.OWNER,
               status=MembershipStatus.VERIFIED) -> HouseholdMembership:
    obj = HouseholdMembership(user=user_obj, household=household_obj,
                              compound_id=household_obj.compound_id, relation=relation, status=status,
                              method=VerificationMethod.REQUEST)
    session.add(obj)
    session.flush()
    return obj


def role(session, user_obj, role_name: Role, *, compound_obj=None, community_obj=None,
         term_start=date(2020, 1, 1), term_end=None) -> RoleAssignment:
    community_id = community_obj.id if community_obj else (compound_obj.community_id if compound_obj else None)
    obj = RoleAssignment(user=user_obj, role=role_name, compound_id=compound_obj.id if compound_obj else None,
                         community_id=community_id, term_start=term_start, term_end=term_end)
    session.add(obj)
    session.flush()
    return obj


def jpeg_bytes(size=(64, 48), colour=(200, 80, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def photo(session, config, compound_obj, *, subject_type="need", subject_id=1, uploader=None):
    from neighbourhood.media.images import clean_photo
    from neighbourhood.media.services import attach_photos

    [obj] = attach_photos(session, upload_dir=config["UPLOAD_DIR"], cleaned=[clean_photo(jpeg_bytes())],
                          subject_type=subject_type, subject_id=subject_id, compound_id=compound_obj.id,
                          uploader=uploader)
    session.flush()
    return obj


# --- council ---------------------------------------------------------------------------------------------

def council_proposal(session, compound_obj, author=None, *, title="3栋门口加装路灯", status=None,
                     source_need_id=None, supporters=(), qualified_at=None):
    """A proposal straight into a state the council works with (QUALIFIED unless told otherwise)."""
    from neighbourhood.db import utcnow
    from neighbourhood.needs.categories import Category
    from neighbourhood.proposals.models import Proposal, ProposalStatus, ProposalSupport

    status = status or ProposalStatus.QUALIFIED
    obj = Proposal(compound_id=compound_obj.id, community_id=compound_obj.community_id, author=author,
                   title=title, body="建议在3栋门口加装两盏路灯。", category=Category.SAFETY, status=status,
                   support_count=len(supporters), source_need_id=source_need_id,
                   qualified_at=(qualified_at or utcnow()) if status is ProposalStatus.QUALIFIED else None)
    session.add(obj)
    session.flush()
    for supporter in supporters:
        session.add(ProposalSupport(proposal_id=obj.id, user_id=supporter.id, compound_id=compound_obj.id))
    session.flush()
    return obj


def council_seat(session, config, compound_obj, household_obj, display_name, *, role_name=None,
                 term_start=date(2020, 1, 1), term_end=None):
    """A verified resident of the household holding a council seat (or another compound role)."""
    person = user(session, config, display_name=display_name)
    membership(session, person, household_obj)
    role(session, person, role_name or Role.COUNCIL_MEMBER, compound_obj=compound_obj, term_start=term_start,
         term_end=term_end)
    return person


# --- proposals ----------------------------------------------------------------------------------------------

def proposal(session, compound_obj, author, *, supporters=(), **overrides):
    """An OPEN proposal (or any status given) with `supporters` already counted."""
    from neighbourhood.needs.categories import Category
    from neighbourhood.proposals.models import Proposal, ProposalStatus, ProposalSupport

    obj = Proposal(**{"compound_id": compound_obj.id, "community_id": compound_obj.community_id,
                      "author": author, "title": "在3栋门口加装路灯", "body": "晚上太黑，老人出门不方便。",
                      "category": Category.REPAIRS, "status": ProposalStatus.OPEN, **overrides})
    session.add(obj)
    session.flush()
    for user_obj in supporters:
        session.add(ProposalSupport(proposal_id=obj.id, user_id=user_obj.id, compound_id=compound_obj.id))
    obj.support_count = len(supporters)
    session.flush()
    return obj


def proposal_comment(session, subject, author, *, body="我同意，支持！", parent=None, subject_type="proposal",
                     **overrides):
    from neighbourhood.proposals.models import Comment

    obj = Comment(**{"compound_id": subject.compound_id, "subject_type": subject_type, "subject_id": subject.id,
                     "parent_id": parent.id if parent else None, "author": author, "body": body, **overrides})
    session.add(obj)
    session.flush()
    return obj


def verified_resident(session, config, compound_obj, *, display_name="邻居", room=None):
    """A new user verified in a new household of the compound's first building (or a new building)."""
    from neighbourhood.places.models import Building
    from sqlalchemy import select

    building_obj = session.scalar(select(Building).where(Building.compound_id == compound_obj.id)
                                  .order_by(Building.id)) or building(session, compound_obj, "9栋")
    room = room or str(next(_phones))[-6:]
    home = household(session, building_obj, "1", room)
    person = user(session, config, display_name=display_name)
    membership(session, person, home)
    return person


# --- needs ------------------------------------------------------------------------------------------------

def need(session, compound_obj, author, *, supporters=(), events=True, **overrides):
    """A need (OPEN unless told otherwise) with `supporters` already saying "me too" and its RAISED event."""
    from neighbourhood.db import utcnow
    from neighbourhood.needs.categories import Category
    from neighbourhood.needs.models import EventKind, Need, NeedEvent, NeedStatus, NeedSupport

    values = {"compound_id": compound_obj.id, "community_id": compound_obj.community_id, "author": author,
              "title": "3栋门口路灯坏了", "description": "晚上看不清台阶，老人下楼很危险。", "place": "东门",
              "category": Category.REPAIRS, "status": NeedStatus.OPEN, "created_at": utcnow(), **overrides}
    obj = Need(**values)
    session.add(obj)
    session.flush()
    for user_obj in supporters:
        session.add(NeedSupport(need_id=obj.id, user_id=user_obj.id, compound_id=compound_obj.id))
    obj.me_too_count = len(supporters)
    if events:
        session.add(NeedEvent(need_id=obj.id, compound_id=obj.compound_id, kind=EventKind.RAISED,
                              status=NeedStatus.OPEN, actor_id=getattr(author, "id", None), at=obj.created_at))
    session.flush()
    return obj


def four_list_entry(session, community_obj, kind="self_governance", name="公共设施小修小补", **overrides):
    from neighbourhood.station.models import FourListEntry, ListKind

    obj = FourListEntry(**{"community_id": community_obj.id, "kind": ListKind(kind), "name": name,
                           "description": "", "active": True, "sort_order": 0, **overrides})
    session.add(obj)
    session.flush()
    return obj


# --- voting: the convenor's pages (brief C) ------------------------------------------------------------------

def ballot_decision(session, compound_obj, recorder, *, title="在3栋门口加装路灯"):
    """A council "to ballot" decision on a proposal (in TO_BALLOT), waiting for its residents' ballot."""
    from neighbourhood.council.models import Decision, Meeting
    from neighbourhood.db import utcnow
    from neighbourhood.proposals.models import ProposalStatus

    proposal_obj = proposal(session, compound_obj, recorder, title=title, status=ProposalStatus.TO_BALLOT)
    meeting = Meeting(compound_id=compound_obj.id, community_id=compound_obj.community_id,
                      held_on=utcnow().date(), place="议事厅", recorded_by_id=recorder.id, council_size=1,
                      present_count=1, quorum_percent=50, quorum_needed=1, is_quorate=True)
    session.add(meeting)
    session.flush()
    decision = Decision(meeting=meeting, compound_id=compound_obj.id, community_id=compound_obj.community_id,
                        proposal_id=proposal_obj.id, outcome=ProposalStatus.TO_BALLOT, votes_for=1)
    session.add(decision)
    session.flush()
    return decision


# --- projects: the project pages (brief P) -------------------------------------------------------------------

def adopted_proposal(session, compound_obj, recorder, *, title="3栋门口加装路灯"):
    """A proposal the council adopted at a quorate meeting (a standing "adopt" decision), with no project yet."""
    from neighbourhood.council.models import Decision, Meeting
    from neighbourhood.db import utcnow
    from neighbourhood.proposals.models import ProposalStatus

    proposal_obj = proposal(session, compound_obj, recorder, title=title, status=ProposalStatus.ADOPTED,
                            decided_at=utcnow())
    meeting = Meeting(compound_id=compound_obj.id, community_id=compound_obj.community_id,
                      held_on=utcnow().date(), place="议事厅", recorded_by_id=recorder.id, council_size=1,
                      present_count=1, quorum_percent=50, quorum_needed=1, is_quorate=True)
    session.add(meeting)
    session.flush()
    session.add(Decision(meeting=meeting, compound_id=compound_obj.id, community_id=compound_obj.community_id,
                         proposal_id=proposal_obj.id, outcome=ProposalStatus.ADOPTED, votes_for=1))
    session.flush()
    return proposal_obj


from neighbourhood.projects.models import FundingSource  # noqa: E402  (projects section)


def project(session, compound_obj, lead, *, budget=Decimal("30000.00"), source=FundingSource.COMMUNITY_FUND,
            title="3栋门口加装路灯", started=False):
    """A project (PLANNING, or UNDER_WAY when `started`) made by `create_project` from an adopted proposal; `lead`
    must hold a council seat in the compound."""
    from datetime import timedelta

    from neighbourhood.db import utcnow
    from neighbourhood.projects import services as project_services

    proposal_obj = adopted_proposal(session, compound_obj, lead, title=title)
    today = utcnow().date()
    obj = project_services.create_project(session, proposal=proposal_obj, by=lead, data=project_services.ProjectInput(
        lead=lead, budget=budget, funding_source=source, planned_start=today,
        planned_end=today + timedelta(days=30)))
    if started:
        project_services.start(session, project=obj, by=lead)
    session.flush()
    return obj
