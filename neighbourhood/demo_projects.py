"""The demo compound's micro-projects: the community's fund for the year, and the council-adopted 四点半课堂
under way — funded by the station, with milestones, receipts, approved and waiting spending."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from neighbourhood.accounts.models import User
from neighbourhood.db import utcnow
from neighbourhood.demo_voting import signed_form_jpeg
from neighbourhood.media.images import clean_photo
from neighbourhood.media.services import attach_photos
from neighbourhood.places.models import Community, Compound
from neighbourhood.projects import services as projects
from neighbourhood.projects.models import EntryKind, FundingSource, ImplementerKind, LedgerEntry
from neighbourhood.projects.rules import CommunityType
from neighbourhood.station.models import FourListEntry, ListKind

# Residents of 玉林社区 as the station counts them for the fund.
COMMUNITY_RESIDENTS = 12_800

SPENDING = [
    # (days ago, counterparty, a private person, purpose, amount, approved)
    (30, "成都玉林照明电器有限公司", False, "架空层照明灯具及线路改造", "8600.00", True),
    (21, "成都锦城空调安装服务部", False, "柜式空调一台（含安装）", "9800.00", True),
    (12, "李建华", True, "志愿者周末施工误餐补贴（6人×3天）", "360.00", True),
    (3, "成都蓉新办公家具有限公司", False, "学习桌12张、椅子24把", "6240.00", False),
]
MILESTONES = [
    (38, "设计方案在公开栏公示7天，无异议", 10),
    (24, "照明和空调安装完成", 45),
    (10, "墙面翻新、图书角书架到位", 65),
]


def seed_projects(session, *, config, community: Community, compound: Compound, users: dict[str, User],
                  today: date) -> None:
    rng = random.Random(20261130)
    staff, council, supervisor = users["station"], users["council"], users["supervisor"]
    projects.set_fund(session, community=community, year=today.year, community_type=CommunityType.CITY,
                      residents=COMMUNITY_RESIDENTS, by=staff)
    [proposal, *_] = projects.adopted_without_project(session, compound.id)
    project = projects.create_project(session, proposal=proposal, by=council, data=projects.ProjectInput(
        lead=council, budget=Decimal(proposal.estimated_cost or "35000"), funding_source=FundingSource.COMMUNITY_FUND,
        planned_start=today - timedelta(days=40), planned_end=today + timedelta(days=20),
        implementer_kind=ImplementerKind.COUNCIL,
        implementer_reason="工程量小，由议事会组织居民志愿者和本地商户实施，节省费用。"))
    matter = session.scalar(select(FourListEntry).where(
        FourListEntry.community_id == community.id, FourListEntry.kind == ListKind.SELF_GOVERNANCE,
        FourListEntry.name == "民生微项目的提出和实施"))
    request = projects.request_funding(session, project=project, by=council, amount=project.budget,
                                       year=today.year, list_entry=matter)
    projects.decide_funding(session, request=request, by=staff, approve=True, reason="符合社区保障资金使用范围。")
    projects.start(session, project=project, by=council)
    # The story began weeks ago: date it so the public timeline reads in order (the audit chain keeps real times).
    began = utcnow() - timedelta(days=45)
    project.created_at, request.requested_at = began, began + timedelta(hours=2)
    request.decided_at = began + timedelta(days=2)
    project.started_at = began + timedelta(days=5)
    grant = session.scalar(select(LedgerEntry).where(LedgerEntry.fund_request_id == request.id))
    grant.occurred_on, grant.entered_at = request.decided_at.date(), request.decided_at
    for days_ago, title, percent in MILESTONES:
        milestone = projects.add_milestone(session, project=project, by=council, title=title,
                                           progress_percent=percent, reached_on=today - timedelta(days=days_ago))
        _photo(session, config, compound, "milestone", milestone.id, council, rng)
    for days_ago, counterparty, person, purpose, amount, approved in SPENDING:
        entry = projects.add_entry(session, project=project, by=council, data=projects.EntryInput(
            kind=EntryKind.SPENDING, amount=Decimal(amount), occurred_on=today - timedelta(days=days_ago),
            counterparty=counterparty, counterparty_is_person=person, purpose=purpose))
        _photo(session, config, compound, "ledger_entry", entry.id, council, rng)
        if approved:
            projects.decide_entry(session, entry=entry, by=supervisor, approve=True)


def _photo(session, config, compound, subject_type: str, subject_id: int, uploader, rng) -> None:
    attach_photos(session, upload_dir=config["UPLOAD_DIR"], cleaned=[clean_photo(signed_form_jpeg(rng))],
                  subject_type=subject_type, subject_id=subject_id, compound_id=compound.id, uploader=uploader)
