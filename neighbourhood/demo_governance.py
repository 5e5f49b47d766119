"""The demo compound's governance: four lists, ~30 needs in every status, 15 proposals at every stage,
comments and a recorded council meeting — all through the real services, then dated back so the
timeline reads like the last few weeks."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from neighbourhood.accounts.models import User
from neighbourhood.council import services as council
from neighbourhood.db import utcnow
from neighbourhood.demo_content import MEETING, NEEDS, PROPOSALS
from neighbourhood.needs import services as needs
from neighbourhood.needs.models import Need, NeedEvent, NeedStatus
from neighbourhood.places.models import Building, Community, Compound
from neighbourhood.proposals import services as proposals
from neighbourhood.proposals.models import Comment, Proposal, ProposalStatus
from neighbourhood.station import services as station
from neighbourhood.station.models import ListKind

FOUR_LISTS = {
    ListKind.SELF_GOVERNANCE: [
        ("小区公共环境和设施的日常维护", "楼道、花园、路灯、健身器材等公共部位的小修小补和日常管理"),
        ("小区公约和议事规则的制定", "由居民议事会组织讨论、全体居民表决"),
        ("邻里互助和文体活动", "跳蚤市场、坝坝宴、志愿服务等"),
        ("民生微项目的提出和实施", "使用社区保障激励资金的小区微更新项目"),
    ],
    ListKind.ASSISTING_GOVERNMENT: [
        ("社会治安和城市管理问题的反映", "小区红线外的占道经营、噪音扰民等，报街道综合执法"),
        ("房屋专项维修资金使用的指导", "涉及业主共有部分的维修，需业主依法表决"),
        ("人口信息和民政事项的协助", "高龄津贴、低保、残疾人服务的政策宣传和协助申请"),
    ],
    ListKind.PURCHASABLE_SERVICES: [
        ("物业服务范围内的维修和管理", "依据物业服务合同由物业服务企业负责"),
        ("居家养老和助餐服务", "向社区社会企业或专业机构购买"),
        ("四点半课堂和青少年托管", "向社会组织购买，志愿者参与"),
    ],
    ListKind.NEGATIVE: [
        ("涉及个人隐私或他人合法权益的事项", "不在小区公开讨论或处理"),
        ("违反法律法规和公序良俗的事项", "如在公共区域饲养家禽、私占公共空间"),
        ("应由行政机关依法履职的执法事项", "小区和社区不得代行执法权"),
        ("个人或家庭应承担的费用", "如物业费、自家门窗维修，不得使用社区保障资金"),
        ("应由其他主体承担的责任", "如开发商保修期内的质量问题、物业合同约定的维修"),
        ("政府职能和工作人员经费", "如社区工作人员工资、办公经费，不得使用社区保障资金"),
    ],
}


def seed_governance(session, *, community: Community, compound: Compound, users: dict[str, User],
                    neighbours: list[User], today: date) -> None:
    rng = random.Random(20261129)
    staff, council_member = users["station"], users["council"]
    residents = [users["resident"], users["owner"], users["council"], users["supervisor"], *neighbours]

    entries = {}
    for kind, items in FOUR_LISTS.items():
        for name, description in items:
            entries.setdefault(kind, []).append(station.add_list_entry(
                session, community=community, by=staff, kind=kind, name=name, description=description))

    buildings = {b.name: b for b in session.scalars(select(Building).where(Building.compound_id == compound.id))}
    now = utcnow()
    raised: dict[str, Need] = {}
    for index, spec in enumerate(NEEDS):
        author = residents[index % len(residents)] if index else users["resident"]
        building = buildings.get(spec.location)
        need = needs.raise_need(session, author=author, compound=compound, title=spec.title,
                                description=spec.description, category=spec.category,
                                building_id=building.id if building else None,
                                place="" if building else spec.location)
        others = [r for r in residents if r.id != author.id]
        for neighbour in rng.sample(others, min(spec.me_too, len(others))):
            needs.add_me_too(session, need=need, user=neighbour)
        if spec.outcome:
            entry = rng.choice(entries[ListKind(spec.list_kind)])
            needs.triage_need(session, need=need, by=council_member, outcome=spec.outcome, note=spec.note,
                              list_entry_id=entry.id)
        if spec.station_reply:
            needs.reply_as_station(session, need=need, by=staff, text=spec.station_reply)
        _date_back(session, need, raised_at=now - timedelta(days=spec.days_ago, hours=rng.randrange(1, 10)))
        raised[spec.title] = need
    session.flush()

    made: dict[str, Proposal] = {}
    for index, spec in enumerate(PROPOSALS):
        if spec.from_need:
            # The council words the converted need as a proposal.
            proposal = session.get(Proposal, raised[spec.from_need].proposal_id)
            proposal.title, proposal.body = spec.title, spec.body
            proposal.estimated_cost = Decimal(spec.cost) if spec.cost else None
        else:
            author = residents[(index * 3 + 1) % len(residents)]
            proposal = proposals.propose(session, compound=compound, author=author, title=spec.title,
                                         body=spec.body, category=spec.category,
                                         estimated_cost=Decimal(spec.cost) if spec.cost else None)
        backers = [r for r in residents if r.id != proposal.author_id]
        rng.shuffle(backers)
        for backer in backers:
            if proposal.support_count >= spec.supports or proposal.status is not ProposalStatus.OPEN:
                break
            proposals.support(session, proposal=proposal, user=backer)
        for text, replies in spec.comments:
            commenter = rng.choice(backers)
            top = proposals.add_comment(session, subject_type="proposal", subject_id=proposal.id,
                                        compound=compound, author=commenter, body=text,
                                        subject_title=proposal.title, subject_url=f"/proposals/{proposal.id}")
            for reply in replies:
                proposals.add_comment(session, subject_type="proposal", subject_id=proposal.id,
                                      compound=compound, author=proposal.author or council_member, body=reply,
                                      parent_id=top.id, subject_title=proposal.title,
                                      subject_url=f"/proposals/{proposal.id}")
        if spec.stage == "withdrawn":
            proposals.withdraw_proposal(session, proposal=proposal, by=proposal.author, reason=spec.reason)
        created = now - timedelta(days=spec.days_ago, hours=rng.randrange(1, 10))
        proposal.created_at = created
        session.execute(update(Comment).where(Comment.subject_type == "proposal",
                                              Comment.subject_id == proposal.id)
                        .values(created_at=created + timedelta(days=1)))
        made[spec.title] = proposal
    session.flush()

    _record_meeting(session, compound=compound, council_member=council_member, users=users, made=made,
                    today=today)


def _record_meeting(session, *, compound, council_member, users, made, today) -> None:
    """One council meeting that decided every proposal the demo shows as decided."""
    decided = {spec.title: spec for spec in PROPOSALS
               if spec.stage in ("to_ballot", "adopted", "merged", "rejected")}
    for title in decided:
        proposal = made[title]
        if proposal.status is ProposalStatus.OPEN:
            proposal.qualify(at=utcnow())
    held_on = today - timedelta(days=MEETING["days_ago"])
    members, supervisors = council.roles_on(session, compound, held_on)
    outcome = {"to_ballot": ProposalStatus.TO_BALLOT, "adopted": ProposalStatus.ADOPTED,
               "merged": ProposalStatus.MERGED, "rejected": ProposalStatus.REJECTED}
    target = {spec.title: made["扩建非机动车棚并安装智能充电桩"].id for spec in decided.values()
              if spec.stage == "merged"}
    # Merges first: their target is still on the agenda when they are decided.
    ordered = sorted(decided.values(), key=lambda spec: spec.stage != "merged")
    present = len(members)
    data = council.MeetingInput(
        held_on=held_on, place=MEETING["place"], minutes=MEETING["notes"],
        present_ids=[m.id for m in members], supervisor_ids=[s.id for s in supervisors],
        decisions=[council.DecisionInput(proposal_id=made[spec.title].id, outcome=outcome[spec.stage],
                                         reason=spec.reason, merge_into_id=target.get(spec.title),
                                         votes_for=present, votes_against=0, votes_abstain=0)
                   for spec in ordered])
    council.record_meeting(session, compound=compound, by=council_member, data=data, today=today)


def _date_back(session, need: Need, *, raised_at) -> None:
    """Spread the need's life over the days since it was raised, keeping the order of its events."""
    events = list(session.scalars(select(NeedEvent).where(NeedEvent.need_id == need.id).order_by(NeedEvent.id)))
    span = max((utcnow() - raised_at) / 2, timedelta(hours=1))
    need.created_at = raised_at
    for position, event in enumerate(events):
        event.at = raised_at + span * position / max(len(events) - 1, 1) if position else raised_at
    if need.status is not NeedStatus.OPEN and need.triaged_at is not None:
        need.triaged_at = events[1].at if len(events) > 1 else raised_at
