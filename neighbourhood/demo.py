"""`flask seed-demo`: a living demo community, 玉林社区, with one account per role.

Uses the same services as the app, so the demo's audit chain and rules are real."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from neighbourhood.accounts import households, passwords, roles
from neighbourhood.accounts.models import Relation, Role, User
from neighbourhood.demo_enterprises import seed_enterprises
from neighbourhood.demo_governance import seed_governance
from neighbourhood.demo_projects import seed_projects
from neighbourhood.demo_volunteering import seed_volunteering
from neighbourhood.demo_voting import seed_voting
from neighbourhood.extensions import db
from neighbourhood.places import services as places
from neighbourhood.places.models import AreaBasis, Community, Household

DEMO_PASSWORD = "neighbour-demo"


@dataclass(frozen=True)
class DemoAccount:
    phone: str
    display_name: str
    real_name: str
    what: str


DEMO_ACCOUNTS = {
    "resident": DemoAccount("13800000001", "李阿姨", "李秀英", "resident (family member, verified)"),
    "owner": DemoAccount("13800000002", "王先生", "王建国", "owner"),
    "council": DemoAccount("13800000003", "张老师", "张德明", "council member"),
    "supervisor": DemoAccount("13800000004", "陈姐", "陈淑芬", "supervisor"),
    "enterprise": DemoAccount("13800000005", "刘师傅", "刘志强", "social-enterprise operator"),
    "station": DemoAccount("13800000006", "周社工", "周晓燕", "station staff (community level)"),
    "admin": DemoAccount("13800000009", "系统管理员", "赵管理", "administrator"),
}

COMMUNITY = {"name": "玉林社区", "district": "成都市武侯区玉林街道",
             "centre_name": "玉林社区党群服务中心"}
COMPOUNDS = [
    {"name": "玉林北路小区", "address": "武侯区玉林北路12号", "station_name": "玉林北路小区党群服务站",
     "buildings": ["1栋", "2栋", "3栋", "5栋", "6栋"]},
    {"name": "芳草街院落", "address": "武侯区芳草街28号", "station_name": "芳草街院落党群服务站",
     "buildings": ["1栋", "2栋", "3栋", "4栋", "7栋"]},
]
UNITS = ["1", "2"]
ROOMS = ["101", "102", "201", "202", "301", "302"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["秀兰", "建华", "桂英", "志刚", "丽华", "国强", "淑珍", "文杰", "玉梅", "海燕", "德福", "婷婷",
         "晓明", "凤英", "子涵", "雨欣", "宏伟", "春梅", "明辉", "静怡"]
TITLES = ["女士", "先生", "阿姨", "大爷", "老师", "姐", "哥"]


class SeedRefused(click.ClickException):
    pass


def seed_demo(session, *, config) -> dict[str, User]:
    """Create the demo community. Refuses in production; call only on an empty database."""
    if config["PRODUCTION"]:
        raise SeedRefused("the app is configured for production; demo accounts are not created there")
    rng = random.Random(20261128)
    password_hash = passwords.hash_password(config, DEMO_PASSWORD)
    today = date.today()
    term_start, term_end = date(today.year, 1, 1), date(today.year + 2, 12, 31)

    def person(account: DemoAccount) -> User:
        user = User(phone=account.phone, display_name=account.display_name,
                    real_name=account.real_name, password_hash=password_hash)
        session.add(user)
        return user

    users = {key: person(account) for key, account in DEMO_ACCOUNTS.items()}
    session.flush()
    roles.grant_admin(session, user=users["admin"], by=None)
    admin = users["admin"]

    community = places.create_community(session, by=admin, **COMMUNITY)
    roles.assign_station_staff(session, community=community, user=users["station"],
                               term_start=term_start, term_end=term_end, by=admin)
    staff = users["station"]

    compounds = []
    for spec in COMPOUNDS:
        compound = places.create_compound(session, by=staff, community=community, name=spec["name"],
                                          address=spec["address"], station_name=spec["station_name"])
        for building_name in spec["buildings"]:
            building = places.add_building(session, by=staff, compound=compound, name=building_name)
            for unit in UNITS:
                for room in ROOMS:
                    area = Decimal(rng.randrange(6200, 13800)) / 100
                    basis = AreaBasis.SURVEYED if rng.random() < 0.05 else AreaBasis.REGISTERED
                    session.add(Household(building=building, compound_id=compound.id, unit=unit,
                                          room=room, area=area, area_basis=basis))
        compounds.append(compound)
    session.flush()
    first = compounds[0]

    def household_in(compound, building: str, unit: str, room: str) -> Household:
        return households.find_household(session, compound=compound, building_name=building,
                                         unit=unit, room=room)

    def verify(user: User, household: Household, relation: Relation) -> None:
        membership = households.request_membership(session, user=user, household=household,
                                                   relation=relation, real_name=user.real_name)
        households.approve_membership(session, membership=membership, by=staff)

    verify(users["resident"], household_in(first, "3栋", "2", "201"), Relation.FAMILY)
    verify(users["owner"], household_in(first, "3栋", "1", "301"), Relation.OWNER)
    verify(users["council"], household_in(first, "1栋", "1", "102"), Relation.OWNER)
    verify(users["supervisor"], household_in(first, "5栋", "2", "202"), Relation.OWNER)
    roles.assign_compound_role(session, compound=first, user=users["council"],
                               role=Role.COUNCIL_MEMBER, term_start=term_start, term_end=term_end, by=staff)
    roles.assign_compound_role(session, compound=first, user=users["supervisor"], role=Role.SUPERVISOR,
                               term_start=term_start, term_end=term_end, by=staff)
    roles.assign_compound_role(session, compound=first, user=users["enterprise"],
                               role=Role.ENTERPRISE_OPERATOR, term_start=term_start, term_end=term_end,
                               by=staff)

    # Neighbours: verified residents in both compounds, a convener, and requests still waiting.
    taken = {(m.household_id) for u in users.values() for m in u.memberships}
    phone_number = 13900000000
    neighbours: dict[int, list[User]] = {}
    for compound in compounds:
        all_households = list(session.scalars(
            select(Household).where(Household.compound_id == compound.id).order_by(Household.id)))
        free = [h for h in all_households if h.id not in taken]
        rng.shuffle(free)
        for index, household in enumerate(free[:24]):
            phone_number += 1
            surname = rng.choice(SURNAMES)
            neighbour = User(phone=str(phone_number), display_name=surname + rng.choice(TITLES),
                             real_name=surname + rng.choice(GIVEN), password_hash=password_hash)
            session.add(neighbour)
            session.flush()
            relation = Relation.OWNER if index % 3 else rng.choice([Relation.TENANT, Relation.FAMILY])
            if index < 20:
                verify(neighbour, household, relation)
                neighbours.setdefault(compound.id, []).append(neighbour)
            else:
                households.request_membership(session, user=neighbour, household=household,
                                              relation=relation, real_name=neighbour.real_name)
            if index == 0:
                roles.assign_compound_role(session, compound=compound, user=neighbour,
                                           role=Role.COUNCIL_CONVENER, term_start=term_start,
                                           term_end=term_end, by=staff)
            elif index in (1, 2):
                roles.assign_compound_role(session, compound=compound, user=neighbour,
                                           role=Role.COUNCIL_MEMBER, term_start=term_start,
                                           term_end=term_end, by=staff)
    waiting = User(phone="13800000007", display_name="孙同学", password_hash=password_hash)
    session.add(waiting)
    session.flush()
    households.request_membership(session, user=waiting, household=household_in(first, "2栋", "1", "202"),
                                  relation=Relation.TENANT, real_name="孙浩然")
    seed_governance(session, community=community, compound=first, users=users,
                    neighbours=neighbours[first.id], today=today)
    seed_voting(session, config=config, compound=first, users=users, neighbours=neighbours[first.id], today=today)
    seed_projects(session, config=config, community=community, compound=first, users=users, today=today)
    seed_volunteering(session, config=config, compound=first, users=users, neighbours=neighbours[first.id],
                      today=today)
    seed_enterprises(session, config=config, community=community, compounds=compounds, users=users,
                     neighbours=neighbours, today=today)
    return users


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has a community.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo community 玉林社区 with one account per role (password neighbour-demo)."""
    if db.session.scalar(select(func.count(Community.id))):
        if if_empty:
            click.echo("The database already has data; the demo was not seeded again.")
            return
        raise click.ClickException("the database is not empty; seed the demo only into an empty one")
    seed_demo(db.session, config=current_app.config)
    db.session.commit()
    click.echo(f"Seeded 玉林社区. Demo accounts (password {DEMO_PASSWORD}):")
    for account in DEMO_ACCOUNTS.values():
        click.echo(f"  {account.phone}  {account.what}")
