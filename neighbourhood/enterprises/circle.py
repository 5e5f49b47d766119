"""The 15-minute circle as residents read it: the community's published services of enterprises on the circle, and
the station's directory of public services, by category, walking distance from a compound and a search, nearest
first.

Distances are straight-line from stored coordinates (rules.distance_m). With a distance limit the database first
narrows to the square around the circle (rules.bounding_box), then the exact distance decides. A search is a
case-insensitive substring: Chinese has no spaces between words, so 午餐 must find 老人午餐. Each call runs a fixed
number of queries however many rows there are."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from neighbourhood.db import like_pattern
from neighbourhood.enterprises import rules
from neighbourhood.enterprises.models import (
    Enterprise, EnterpriseStatus, PublicService, ServiceCategory, ServiceListing,
)
from neighbourhood.enterprises.reviews import Rating, ratings_of_listings

ON_CIRCLE = (EnterpriseStatus.CERTIFIED, EnterpriseStatus.LISTED)
QUERY_MAX = 50
# Distances are stated to 10 m under a kilometre and to 100 m beyond; a place is within a limit when its stated
# distance is, so "about 2.0 km" is always within 2 km. The square the database narrows to is padded to match.
ROUNDING_PAD_M = 50
Origin = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class ServiceRow:
    listing: ServiceListing
    enterprise: Enterprise
    distance_m: int | None
    walking_minutes: int | None
    rating: Rating | None


@dataclass(frozen=True)
class DirectoryRow:
    service: PublicService
    distance_m: int | None
    walking_minutes: int | None


def stated_m(metres: int) -> int:
    """The distance as the page states it: to the nearest 10 m under a kilometre, to the nearest 100 m beyond."""
    step = 10 if metres < 995 else 100
    return max(step, (metres + step // 2) // step * step)


def distance_between(origin: Origin | None, lat, lon) -> tuple[int | None, int | None]:
    """(metres, walking minutes) from the origin, or (None, None) when either place has no coordinates."""
    if origin is None or lat is None or lon is None:
        return None, None
    metres = rules.distance_m(origin[0], origin[1], lat, lon)
    return metres, rules.walking_minutes(metres)


def _in_box(origin: Origin, within_m: int, lat_column, lon_column):
    min_lat, max_lat, min_lon, max_lon = rules.bounding_box(origin[0], origin[1], within_m + ROUNDING_PAD_M)
    return and_(lat_column.between(min_lat, max_lat), lon_column.between(min_lon, max_lon))


def _matching(query: str, *columns):
    pattern = like_pattern(query.strip()[:QUERY_MAX])
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _nearest_first(distance_m: int | None) -> tuple:
    """Known distances first, nearest first; the sort is stable, so equal ones keep the query's order by name."""
    return (distance_m is None, distance_m or 0)


def find(session: Session, *, community_id: int, origin: Origin | None, category: ServiceCategory | None,
         within_m: int | None, query: str = "", limit: int = 60) -> list[ServiceRow]:
    """Published listings of the community's certified or listed enterprises, nearest first (unknown distance last),
    with each listing's rating; at most `limit`. A distance limit applies only when there is an origin; it leaves
    out enterprises whose location is unknown."""
    statement = (select(ServiceListing, Enterprise).join(Enterprise, ServiceListing.enterprise_id == Enterprise.id)
                 .where(ServiceListing.community_id == community_id, ServiceListing.published.is_(True),
                        Enterprise.status.in_(ON_CIRCLE))
                 .order_by(ServiceListing.title, ServiceListing.id))
    if category is not None:
        statement = statement.where(ServiceListing.category == category)
    if query and query.strip():
        statement = statement.where(_matching(query, ServiceListing.title, ServiceListing.description,
                                              Enterprise.name))
    near = origin is not None and within_m
    if near:
        statement = statement.where(_in_box(origin, within_m, Enterprise.latitude, Enterprise.longitude))
    rows = []
    for listing, enterprise in session.execute(statement):
        metres, minutes = distance_between(origin, enterprise.latitude, enterprise.longitude)
        if near and (metres is None or stated_m(metres) > within_m):
            continue
        rows.append((listing, enterprise, metres, minutes))
    rows.sort(key=lambda row: _nearest_first(row[2]))
    rows = rows[:limit]
    ratings = ratings_of_listings(session, [listing.id for listing, *_ in rows])
    return [ServiceRow(listing, enterprise, metres, minutes, ratings.get(listing.id))
            for listing, enterprise, metres, minutes in rows]


def public_services(session: Session, *, community_id: int, origin: Origin | None,
                    category: ServiceCategory | None, within_m: int | None, query: str = "") -> list[DirectoryRow]:
    """The directory entries that match, nearest first; entries without a location (online services) are always
    shown, after the others."""
    statement = (select(PublicService).where(PublicService.community_id == community_id)
                 .order_by(PublicService.name, PublicService.id))
    if category is not None:
        statement = statement.where(PublicService.category == category)
    if query and query.strip():
        statement = statement.where(_matching(query, PublicService.name, PublicService.department,
                                              PublicService.purpose))
    near = origin is not None and within_m
    if near:
        unplaced = or_(PublicService.latitude.is_(None), PublicService.longitude.is_(None))
        statement = statement.where(or_(unplaced, _in_box(origin, within_m, PublicService.latitude,
                                                          PublicService.longitude)))
    rows = []
    for service in session.scalars(statement):
        metres, minutes = distance_between(origin, service.latitude, service.longitude)
        placed = service.latitude is not None and service.longitude is not None
        if near and placed and stated_m(metres) > within_m:
            continue
        rows.append(DirectoryRow(service, metres, minutes))
    rows.sort(key=lambda row: _nearest_first(row.distance_m))
    return rows
