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
