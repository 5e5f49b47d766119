"""Building the 15-minute circle for tests: an enterprise with its operator, a listing with slots. Rows are made
directly (the registration and listing services have their own tests), so each test states only what it needs."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from neighbourhood.db import utcnow
from neighbourhood.enterprises.models import (
    Enterprise, EnterpriseOperator, EnterpriseStatus, PriceKind, ServiceCategory, ServiceListing, ServiceSlot,
)

# 玉林北路 in Chengdu, and points about 400 m and 2 km from it.
HOME = (Decimal("30.636700"), Decimal("104.052900"))
NEAR = (Decimal("30.640300"), Decimal("104.052900"))
FAR = (Decimal("30.654700"), Decimal("104.052900"))


def enterprise(session, compound, operator, *, name="玉林邻里食堂", status=EnterpriseStatus.CERTIFIED, at=NEAR):
    made = Enterprise(community_id=compound.community_id, compound_id=compound.id, name=name,
                      description="为老人提供午餐和送餐上门。", contact_person="刘师傅", contact_phone="028-85551234",
                      opening_hours="每天 10:30–19:00", address="玉林北路12号附1号", latitude=at[0], longitude=at[1],
                      status=status, registered_by_id=operator.id)
    session.add(made)
    session.flush()
    session.add(EnterpriseOperator(enterprise_id=made.id, user_id=operator.id))
    session.flush()
    return made


def listing(session, enterprise_obj, *, title="老人午餐", category=ServiceCategory.MEALS, price_kind=PriceKind.YUAN,
            price=Decimal("12.00"), slots=1, capacity=2, days_ahead=2, published=True):
    made = ServiceListing(enterprise_id=enterprise_obj.id, community_id=enterprise_obj.community_id, title=title,
                          description="两荤一素一汤。", category=category, price_kind=price_kind,
                          price=None if price_kind is PriceKind.FREE else price, price_unit="每餐",
                          schedule="周一至周五 11:30", published=published)
    made.enterprise = enterprise_obj
    session.add(made)
    session.flush()
    start = (utcnow() + timedelta(days=days_ahead)).replace(minute=0, second=0, microsecond=0)
    for i in range(slots):
        session.add(ServiceSlot(listing_id=made.id, community_id=made.community_id,
                                starts_at=start + timedelta(days=i), ends_at=start + timedelta(days=i, hours=1),
                                capacity=capacity, taken=0))
    session.flush()
    session.refresh(made)
    return made
