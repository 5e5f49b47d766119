"""The demo compound's ballots, built through the voting services with real times relative to now:

- an open residents' ballot (one vote per household) on the council's "to ballot" decision — the bigger
  bicycle shed with charging points — secret with receipts, results hidden until close, closing in 5 days;
- a closed participatory budget of ¥100,000 over six micro-projects, counted and signed at close;
- an open statutory owners' ballot (Civil Code Art. 278 item 8: changing the use of a common part), with
  owners voting online, one paper ballot and one written proxy keyed in by the council's convener, and a few
  unsold flats held by the developer, who counts as one owner.

The demo's owner (13800000002) and resident (13800000001) have not voted in the open ballots, so a visitor can;
both took part in the closed budget, so their receipts show as counted."""
from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, Role, RoleAssignment, User
from neighbourhood.db import utcnow
from neighbourhood.media.images import clean_photo
from neighbourhood.media.services import attach_photos
from neighbourhood.notifications.models import Notification
from neighbourhood.places.models import Building, Compound, Household
from neighbourhood.voting import services as voting
from neighbourhood.voting.integrity import BallotKeys
from neighbourhood.voting.models import (
    Ballot, Channel, Elector, ElectorateKind, ElectorVoter, ResultsVisibility, Secrecy,
)
from neighbourhood.voting.services import BallotInput

# The subject type of a paper ballot's or written proxy's photo, as the convenor's pages store it.
PAPER_PHOTO_SUBJECT = voting.PAPER_PHOTO


@dataclass(frozen=True)
class BudgetProject:
    key: str
    label: str
    description: str
    cost: str


BUDGET_TOTAL = Decimal("100000")
BUDGET_PROJECTS = [
    BudgetProject("lights", "加装楼道感应灯",
                  "5栋、6栋四个单元的楼道灯全部换成人体感应LED灯，共约48盏，老人晚上上下楼不用再跺脚。", "18000"),
    BudgetProject("playground", "儿童游乐区地面翻新",
                  "花园东侧游乐区约120平方米的水泥地面改铺EPDM塑胶地面，娃娃摔倒不容易受伤。", "35000"),
    BudgetProject("aircon", "老年活动室空调",
                  "老年活动室安装两台3匹柜式空调，夏天下棋打牌不再闷热，冬天也能取暖。", "15000"),
    BudgetProject("bins", "垃圾分类亭改造",
                  "东门垃圾分类亭加顶棚、洗手池和雾化除臭设备，实行早晚定时定点投放。", "38000"),
    BudgetProject("pergola", "中心花园遮阳廊架",
                  "健身区旁建一座木质廊架，配6张长椅，夏天有地方乘凉摆龙门阵。", "24000"),
    BudgetProject("greenwall", "围墙垂直绿化",
                  "北侧围墙约80米种植爬山虎和三角梅，安装滴灌管，挡住外面的灰尘和噪音。", "22000"),
]
# Eighteen residents' ballots, each within the budget. The count funds lights, air-conditioning, the
# playground and the pergola; the bin kiosk has more votes than the pergola but no longer fits the money left.
BUDGET_BALLOTS = [
    ("lights", "aircon", "playground"), ("lights", "aircon", "bins"), ("lights", "aircon", "pergola"),
    ("lights", "playground", "bins"), ("lights", "aircon", "playground", "pergola"),
    ("lights", "aircon", "bins", "greenwall"), ("lights", "playground", "greenwall"),
    ("aircon", "playground", "bins"), ("lights", "aircon"), ("lights", "aircon", "playground"),
    ("lights", "pergola", "bins"), ("aircon", "playground", "greenwall"),
    ("lights", "aircon", "pergola", "greenwall"), ("lights", "playground", "bins"), ("aircon", "pergola"),
    ("lights", "aircon", "playground"), ("bins", "pergola"), ("lights", "bins"),
]

RESIDENTS_BALLOT_CHOICES = ["yes"] * 9 + ["no"] * 3 + ["abstain"]
STATUTORY_ONLINE_CHOICES = ["agree"] * 9 + ["disagree"] * 2 + ["abstain"]
STATUTORY_ITEM = 8
DEVELOPER_BUILDING, DEVELOPER_UNITS = "6栋", 4
PROXY_HOLDER = "何志明"


def seed_voting(session, *, config, compound: Compound, users: dict[str, User], neighbours: list[User],
                today: date) -> dict[str, Ballot]:
    """The three demo ballots of the compound. Call after the council meeting has decided its proposals."""
    rng = random.Random(20261130)
    keys = BallotKeys.from_secret(config["SECRET_KEY"])
    now = utcnow().replace(second=0, microsecond=0)
    council_member = users["council"]
    convener = _convener(session, compound) or council_member
    # Who votes: the demo's council member and supervisor, then the neighbours; the demo's resident and owner
    # are left to vote themselves in the open ballots.
    voters = [council_member, users["supervisor"], *[n for n in neighbours if n.id != convener.id]]
    if convener.id != council_member.id:
        voters.insert(2, convener)

    budget = _budget_ballot(session, compound=compound, by=council_member, keys=keys, now=now, rng=rng,
                            voters=[users["resident"], users["owner"], *voters], year=today.year)
    residents = _residents_ballot(session, compound=compound, by=council_member, keys=keys, now=now, rng=rng,
                                  voters=voters)
    statutory = _statutory_ballot(session, config=config, compound=compound, by=convener, keys=keys, now=now,
                                  rng=rng, voters=voters, owner=users["owner"])
    session.flush()
    return {"budget": budget, "residents": residents, "statutory": statutory}


def _convener(session, compound: Compound) -> User | None:
    return session.scalar(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.compound_id == compound.id, RoleAssignment.role == Role.COUNCIL_CONVENER,
        RoleAssignment.ended_at.is_(None)).order_by(RoleAssignment.id).limit(1))


def _moments(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` times between start and end, in order, more of them early (as turnout goes)."""
    span = (end - start).total_seconds()
    return sorted(start + timedelta(seconds=int(span * rng.random() ** 1.6)) for _ in range(count))


def _cast_all(session, ballot: Ballot, voters: list[User], choices: list, *, keys: BallotKeys,
              start: datetime, end: datetime, rng: random.Random) -> None:
    for voter, choice, at in zip(voters, choices, _moments(start, end, len(choices), rng)):
        voting.cast(session, ballot=ballot, user=voter, choice=choice, keys=keys, now=at)


def _date_notifications(session, ballot: Ballot, kind: str, at: datetime) -> None:
    session.execute(update(Notification).where(Notification.url == voting.ballot_url(ballot),
                                               Notification.kind == kind).values(created_at=at))


# --- the closed participatory budget -------------------------------------------------------------------------

def _budget_ballot(session, *, compound, by, keys, now, rng, voters, year) -> Ballot:
    drafted, opened, closes = now - timedelta(days=24), now - timedelta(days=21), now - timedelta(days=7)
    data = BallotInput(
        title=f"{year}年度民生微项目投票：10万元社区保障资金怎么用",
        description=("今年小区可使用社区保障资金10万元。议事会从居民提出的需求中整理出6个微项目，"
                     "每位居民可以选择若干项目，所选项目合计不超过10万元。\n\n"
                     "计票规则：按选择人数从多到少排序（人数相同时造价低的优先），依次纳入，"
                     "放不下的项目跳过，直到预算用完。"),
        method="budget", electorate=ElectorateKind.RESIDENTS, secrecy=Secrecy.SECRET,
        results_visibility=ResultsVisibility.AFTER_CLOSE, opens_at=None, closes_at=closes, budget=BUDGET_TOTAL)
    ballot = voting.draft_ballot(session, compound=compound, by=by, data=data, now=drafted)
    ballot.created_at = drafted
    keys_to_options = {}
    for project in BUDGET_PROJECTS:
        option = voting.add_option(session, ballot=ballot, by=by, label=project.label,
                                   description=project.description, cost=Decimal(project.cost))
        keys_to_options[project.key] = option.key
    voting.open_ballot(session, ballot=ballot, by=by, now=opened)
    choices = [[keys_to_options[key] for key in chosen] for chosen in BUDGET_BALLOTS]
    _cast_all(session, ballot, voters, choices, keys=keys, start=opened + timedelta(hours=2),
              end=closes - timedelta(hours=3), rng=rng)
    voting.close_ballot(session, ballot=ballot, keys=keys, by=None, now=closes)
    _date_notifications(session, ballot, "ballot.opened", opened)
    _date_notifications(session, ballot, "ballot.closed", closes)
    return ballot


# --- the open residents' ballot on the council's decision ------------------------------------------------------

def _residents_ballot(session, *, compound, by, keys, now, rng, voters) -> Ballot:
    [decision, *_] = voting.decisions_awaiting_ballot(session, compound)
    proposal = decision.proposal
    drafted, opened, closes = now - timedelta(days=3), now - timedelta(days=2), now + timedelta(days=5)
    data = BallotInput(
        title=f"是否同意：{proposal.title}",
        description=(f"{_cost_line(proposal)}议事会意见：{decision.reason or '提交全体居民表决。'}\n\n"
                     "每户一票，由已认证的家庭成员中先投的一位代表全户。投票保密，投票后会得到一个回执码，"
                     "截止后公布全部计入的回执码，可自行核对。投票截止前结果不公开；"
                     "参与户数须达到一半以上，表决才有效。"),
        method="yes_no", electorate=ElectorateKind.HOUSEHOLDS, secrecy=Secrecy.SECRET,
        results_visibility=ResultsVisibility.AFTER_CLOSE, opens_at=None, closes_at=closes, pass_rule="cast",
        quorum_percent=50)
    ballot = voting.draft_ballot(session, compound=compound, by=by, data=data, now=drafted, decision=decision)
    ballot.created_at = drafted
    voting.open_ballot(session, ballot=ballot, by=by, now=opened)
    choices = list(RESIDENTS_BALLOT_CHOICES)
    rng.shuffle(choices)
    _cast_all(session, ballot, voters[:len(choices)], choices, keys=keys, start=opened + timedelta(minutes=30),
              end=now - timedelta(minutes=20), rng=rng)
    _date_notifications(session, ballot, "ballot.opened", opened)
    return ballot


def _cost_line(proposal) -> str:
    cost = proposal.estimated_cost
    return f"提议“{proposal.title}”预计费用{cost:,.0f}元。" if cost else ""


# --- the open statutory owners' ballot ---------------------------------------------------------------------------

def _statutory_ballot(session, *, config, compound, by, keys, now, rng, voters, owner) -> Ballot:
    _mark_developer_units(session, compound)
    drafted, opened, closes = now - timedelta(days=5), now - timedelta(days=3), now + timedelta(days=11)
    data = BallotInput(
        title="关于利用2栋架空层改建邻里共享书屋的业主表决",
        description=("2栋架空层约70平方米，目前堆放杂物。拟改建为邻里共享书屋：简单装修、安装照明和书架，"
                     "由志愿者管理，每天9:00–21:00开放，费用由小区公共收益支出，不向业主另行收费。\n\n"
                     "这属于改变共有部分的用途（《民法典》第二百七十八条第一款第八项），须由专有部分面积占比"
                     "三分之二以上且人数占比三分之二以上的业主参与表决，并经参与表决专有部分面积四分之三以上"
                     "且参与表决人数四分之三以上的业主同意。\n\n"
                     "不方便网上投票的业主，可到小区党群服务站填写纸质表决票，或书面委托他人代为投票。"),
        method="statutory", electorate=ElectorateKind.OWNERS, secrecy=Secrecy.SECRET,
        results_visibility=ResultsVisibility.AFTER_CLOSE, opens_at=None, closes_at=closes,
        statutory_item=STATUTORY_ITEM)
    ballot = voting.draft_ballot(session, compound=compound, by=by, data=data, now=drafted)
    ballot.created_at = drafted
    voting.open_ballot(session, ballot=ballot, by=by, now=opened)
    _date_notifications(session, ballot, "ballot.opened", opened)

    # Owners who may vote online, in the order of `voters`; the demo's owner is left to vote.
    online = set(session.scalars(select(ElectorVoter.user_id).where(ElectorVoter.ballot_id == ballot.id)))
    owners = [v for v in voters if v.id in online and v.id != owner.id]
    on_paper, online_voters = owners[-1], owners[:min(len(STATUTORY_ONLINE_CHOICES), len(owners) - 1)]
    choices = STATUTORY_ONLINE_CHOICES[:len(online_voters)]
    rng.shuffle(choices)
    moments = _moments(opened + timedelta(minutes=40), now - timedelta(minutes=30), len(choices) + 2, rng)
    for voter, choice, at in zip(online_voters, choices, moments):
        voting.cast(session, ballot=ballot, user=voter, choice=choice, keys=keys, now=at)

    # An elderly owner signed a paper ballot at the station; the developer's written proxy voted for its
    # unsold flats. The convener keys both in, each with a photo of the signed form.
    paper_elector = session.scalar(select(Elector).join(ElectorVoter, ElectorVoter.elector_id == Elector.id)
                                   .where(ElectorVoter.ballot_id == ballot.id,
                                          ElectorVoter.user_id == on_paper.id))
    developer = session.scalar(select(Elector).where(Elector.ballot_id == ballot.id, Elector.key == "developer"))
    for elector, channel, proxy_name, at in ((paper_elector, Channel.PAPER, "", moments[-2]),
                                             (developer, Channel.PROXY, PROXY_HOLDER, moments[-1])):
        made = voting.record_paper(session, ballot=ballot, by=by, elector=elector, choice="agree", keys=keys,
                                   channel=channel, proxy_name=proxy_name, now=at)
        attach_photos(session, upload_dir=config["UPLOAD_DIR"], cleaned=[clean_photo(signed_form_jpeg(rng))],
                      subject_type=PAPER_PHOTO_SUBJECT, subject_id=made.participation.id,
                      compound_id=compound.id, uploader=by)
    session.execute(update(Notification).where(Notification.kind == "ballot.paper_recorded",
                                               Notification.compound_id == compound.id)
                    .values(created_at=moments[-2]))
    return ballot


def _mark_developer_units(session, compound: Compound) -> None:
    """Unsold flats: nobody has claimed them, and the developer still holds them (one owner together)."""
    claimed = select(HouseholdMembership.household_id).where(
        HouseholdMembership.status.in_([MembershipStatus.VERIFIED, MembershipStatus.PENDING]))
    unsold = session.scalars(select(Household).join(Building, Building.id == Household.building_id).where(
        Household.compound_id == compound.id, Building.name == DEVELOPER_BUILDING, Household.id.not_in(claimed))
        .order_by(Household.id.desc()).limit(DEVELOPER_UNITS))
    for household in unsold:
        household.developer_held = True
    session.flush()


def signed_form_jpeg(rng: random.Random | None = None) -> bytes:
    """A small photo of a signed paper form: a sheet with ruled lines, a signature and a red stamp."""
    from PIL import Image, ImageDraw

    rng = rng or random.Random(0)
    sheet = Image.new("RGB", (360, 480), (236, 232, 222))
    draw = ImageDraw.Draw(sheet)
    draw.rectangle((24, 24, 336, 456), fill=(252, 251, 247), outline=(180, 176, 168))
    draw.rectangle((60, 44, 300, 60), fill=(70, 70, 70))
    for y in range(96, 360, 28):
        draw.line((48, y, 312, y), fill=(196, 196, 196), width=2)
        draw.rectangle((52, y - 16, 52 + rng.randrange(80, 240), y - 8), fill=(120, 120, 120))
    draw.rectangle((60, 300, 76, 316), outline=(40, 40, 40), width=2)
    draw.line((62, 308, 68, 314, 76, 298), fill=(20, 20, 160), width=3)
    points = [(170 + i * 12, 400 + rng.randrange(-10, 10)) for i in range(10)]
    draw.line(points, fill=(20, 20, 120), width=3)
    draw.ellipse((230, 370, 300, 440), outline=(200, 30, 30), width=5)
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=70)
    return out.getvalue()
