"""What the demo compound's volunteering says: activities as the council, the station, the community social
enterprise and the 四点半课堂 micro-project would post them, who served and how it went, the time-bank offers, the
training, the award and the certificate — plain Chinese data.

Days are counted back from the day the demo is seeded (negative: still ahead); times are Chengdu's wall clock.
Volunteers are named by key: a demo account ("resident", "owner", "council"), "daughter" (李阿姨's daughter, who
lives with her), or "n3" for the demo's fourth verified neighbour of 玉林北路小区."""
from __future__ import annotations

from dataclasses import dataclass, field

from neighbourhood.volunteering.models import ActivityCategory, Evaluation, OrganiserKind

COUNCIL_NAME = "玉林北路小区院落议事会"
STATION_NAME = "玉林社区党群服务中心"
ENTERPRISE_NAME = "成都玉林邻里生活服务社会企业有限公司"
CLASSROOM_NAME = "四点半课堂微项目（玉林北路小区）"
# The micro-project the 四点半课堂 activities belong to (see demo_project_content).
CLASSROOM_PROJECT = "四点半课堂"


@dataclass(frozen=True)
class Served:
    """One volunteer's service on one shift: minutes late and minutes served from the check-in (None: forgot to
    check out), the organiser's adjustment (hours, reason) if any, and the evaluation."""
    who: str
    minutes: int | None
    late: int = 0
    shift: int = 0
    adjusted: tuple[str, str] | None = None
    evaluation: Evaluation = Evaluation.GOOD
    note: str = ""


@dataclass(frozen=True)
class DemoActivity:
    title: str
    category: ActivityCategory
    organiser: OrganiserKind
    organiser_name: str
    place: str
    description: str
    requirements: str
    days_ago: int
    shifts: list[tuple[str, str, int, str]]        # (starts, ends, capacity, label) in local time
    served: list[Served] = field(default_factory=list)
    signed_up: list[tuple[str, int]] = field(default_factory=list)   # (who, shift) for activities still ahead
    risk_note: str = ""
    insurance_required: bool = False
    cancel_cutoff_hours: int = 12


PAST = [
    DemoActivity(
        "3栋、5栋楼道大扫除", ActivityCategory.ENVIRONMENT, OrganiserKind.COUNCIL, COUNCIL_NAME,
        "3栋、5栋各单元楼道（3栋1单元门口集合）",
        "清理楼道里堆放的纸箱、旧家具等杂物，擦洗扶手和信报箱，消除消防隐患。清出的可回收物由物业统一处理，"
        "有用的旧家具先在业主群里问一问有没有邻居要。",
        "自备手套和口罩；能搬重物的邻居报名时说一声。", 78, [("09:00", "11:30", 8, "")],
        served=[Served("resident", 150, evaluation=Evaluation.EXCELLENT, note="每层的扶手和信报箱都擦得干干净净。"),
                Served("owner", 145, late=5), Served("n3", 150), Served("n4", 150, evaluation=Evaluation.EXCELLENT,
                                                                        note="一个人搬下了三楼的旧沙发。"),
                Served("n5", 120, late=10, evaluation=Evaluation.SATISFACTORY)]),
    DemoActivity(
        "助老送餐（午餐）", ActivityCategory.ELDERLY, OrganiserKind.STATION, STATION_NAME,
        "社区长者食堂（玉林北路12号附1号）",
        "从长者食堂取餐，按名单给行动不便的独居老人送午餐到家，顺便问问身体和生活上有什么需要，回来在登记本上写清楚。",
        "熟悉小区楼栋；会用手机拍照登记。", 66, [("10:30", "12:30", 4, "")],
        served=[Served("resident", 120, evaluation=Evaluation.EXCELLENT, note="发现5栋张婆婆感冒，及时告诉了社工。"),
                Served("n6", 115, late=5),
                Served("n7", None, adjusted=("2", "忘记签退，按送餐登记本上的时间计2小时。"))],
        cancel_cutoff_hours=24),
    DemoActivity(
        "夜间平安巡逻", ActivityCategory.SAFETY, OrganiserKind.COUNCIL, COUNCIL_NAME,
        "小区大门集合，沿中心花园、车棚和各楼栋巡查",
        "两人一组巡查楼道、车棚和中心花园，检查电动车有没有在楼道里充电、单元门是否关好，发现问题拍照发给物业和议事会。",
        "穿舒适的鞋，自带手电；红袖标现场发放。", 55,
        [("20:00", "21:00", 3, "第一班"), ("21:00", "22:00", 3, "第二班")],
        served=[Served("owner", 60), Served("council", 60), Served("n4", 60, shift=1),
                Served("n8", 60, shift=1, adjusted=("1.5", "车棚发现电线老化冒火花，留下守到电工来断电，多守了半小时。"),
                       evaluation=Evaluation.EXCELLENT, note="处置及时，避免了一次火灾隐患。")]),
    DemoActivity(
        "垃圾分类宣传", ActivityCategory.ENVIRONMENT, OrganiserKind.STATION, STATION_NAME,
        "小区大门和中心花园垃圾分类亭",
        "早上倒垃圾高峰在分类亭旁值守，指导邻居把厨余垃圾破袋投放，发放分类指南和小厨余桶。",
        "早上7点50到场；戴好统一发放的马甲。", 45, [("08:00", "10:00", 5, "")],
        served=[Served("resident", 120), Served("n3", 120), Served("n9", 110, late=10)]),
    DemoActivity(
        "社区义诊：量血压、测血糖", ActivityCategory.HEALTH, OrganiserKind.ENTERPRISE, ENTERPRISE_NAME,
        "玉林社区党群服务中心一楼大厅",
        "玉林社区卫生服务中心的医生来坐诊。志愿者负责排队叫号、登记、扶老人上下楼梯，帮不会用手机的老人预约复诊。",
        "有耐心，普通话、四川话都行；有护理经验的优先。", 38, [("08:30", "11:30", 4, "")],
        served=[Served("n6", 180, evaluation=Evaluation.EXCELLENT, note="退休护士，帮医生量了六十多位老人的血压。"),
                Served("n5", 175, late=5), Served("owner", 180)]),
    DemoActivity(
        "四点半课堂作业辅导", ActivityCategory.CHILDREN, OrganiserKind.PROJECT, CLASSROOM_NAME,
        "3栋党群服务站活动室（四点半课堂改造期间的临时教室）",
        "放学后陪小学生写作业、读绘本，等家长下班来接。孩子们的名单和家长电话在活动室的登记本上。",
        "有耐心；辅导作业不代写，讲思路。", 24, [("16:30", "18:30", 3, "")],
        served=[Served("daughter", 120, evaluation=Evaluation.EXCELLENT, note="孩子们很喜欢她讲的绘本故事。"),
                Served("resident", 120), Served("n7", 115, late=5)]),
    DemoActivity(
        "邻里文艺汇演", ActivityCategory.CULTURE, OrganiserKind.STATION, STATION_NAME, "中心花园",
        "邻居们自编自演川剧清唱、广场舞和小合唱。志愿者负责搬桌椅、布置场地、维持秩序，散场后把场地收拾干净。",
        "能搬桌椅；散场后留下来收拾。", 15, [("18:30", "21:00", 6, "")],
        served=[Served("resident", 150, adjusted=("3", "散场后帮忙收拾桌椅和音响，多留了半小时。"),
                       evaluation=Evaluation.EXCELLENT, note="从布置到收场都在，还照顾了来看演出的老人。"),
                Served("daughter", 150), Served("n8", 150), Served("n9", 140, late=10), Served("council", 150)]),
    DemoActivity(
        "中心花园除草和落叶清扫", ActivityCategory.ENVIRONMENT, OrganiserKind.COUNCIL, COUNCIL_NAME, "中心花园",
        "给花坛除草、清扫落叶，把枯枝捆好放到指定地点，顺手捡一捡草丛里的烟头和塑料袋。",
        "自备手套；工具由物业提供。", 8, [("09:00", "11:00", 6, "")],
        served=[Served("resident", 120), Served("owner", 110, late=10), Served("n3", 120)]),
]

UPCOMING = [
    DemoActivity(
        "助老送餐（周六午餐）", ActivityCategory.ELDERLY, OrganiserKind.STATION, STATION_NAME,
        "社区长者食堂（玉林北路12号附1号）",
        "周六长者食堂人手少，请邻居帮忙给独居老人送午餐到家。送餐名单当天在食堂领取。",
        "熟悉小区楼栋；会用手机拍照登记。", -2, [("10:30", "12:30", 3, "")],
        signed_up=[("n6", 0), ("n7", 0), ("n3", 0), ("owner", 0), ("n9", 0)], cancel_cutoff_hours=24),
    DemoActivity(
        "周末楼道大扫除（1栋、2栋）", ActivityCategory.ENVIRONMENT, OrganiserKind.COUNCIL, COUNCIL_NAME,
        "1栋、2栋各单元楼道（1栋1单元门口集合）",
        "接着上次3栋、5栋的大扫除，这次清理1栋、2栋楼道的杂物，擦洗扶手，检查消防栓和应急灯。",
        "自备手套和口罩。", -4, [("09:00", "11:00", 8, "")],
        signed_up=[("resident", 0), ("n3", 0), ("n5", 0)]),
    DemoActivity(
        "四点半课堂作业辅导", ActivityCategory.CHILDREN, OrganiserKind.PROJECT, CLASSROOM_NAME,
        "3栋党群服务站活动室（四点半课堂改造期间的临时教室）",
        "放学后陪小学生写作业、读绘本，等家长下班来接。",
        "有耐心；辅导作业不代写，讲思路。", -3, [("16:30", "18:30", 3, "")],
        signed_up=[("daughter", 0)]),
    DemoActivity(
        "中心花园清理高处枯枝", ActivityCategory.ENVIRONMENT, OrganiserKind.COUNCIL, COUNCIL_NAME, "中心花园",
        "台风过后中心花园的大树上挂着不少断枝，刮风时有掉落砸人的危险。请有登高经验的邻居帮忙，在物业师傅指导下"
        "锯下枯枝，地面的志愿者负责拉警戒线、疏导行人和清运枝条。",
        "身体健康，无恐高症；18至60岁。", -6, [("09:00", "11:30", 4, "")],
        signed_up=[("n4", 0), ("n8", 0)],
        risk_note="需要登梯在2米以上的高处作业：必须系安全带、戴安全帽，听从物业师傅指挥。议事会为每位志愿者购买"
                  "当天的意外伤害保险。",
        insurance_required=True),
]

# (who, skills, available times, emergency contact, emergency phone, on the honour list)
PROFILES = [
    ("resident", "做饭、陪老人聊天、会说四川话", "工作日上午、周末全天", "王小雨（女儿）", "13800000008", True),
    ("daughter", "小学作业辅导、绘本阅读、英语", "周末下午、寒暑假", "李秀英（母亲）", "13800000001", True),
    ("owner", "修水电、搬重物、开车", "周末", "王太太", "13911112222", True),
    ("n3", "打扫、垃圾分类", "每天早上", "", "", True),
    ("n6", "护理（退休护士）、量血压", "工作日", "", "", True),
    ("n8", "电工、巡逻", "晚上", "", "", True),
    ("n9", "唱歌、组织活动", "周末", "", "", False),
]

# Offers for time coins: (who, title, price, description).
OFFERS = [
    ("n6", "代买菜", "1", "去玉林菜市场帮忙买菜送上门，一次一小时内。提前一天告诉我要买什么。"),
    ("n9", "陪老人聊天", "1", "陪独居老人聊天、读报、在中心花园散散步，一次一小时。"),
    ("daughter", "辅导作业", "1.5", "小学数学、英语作业辅导，周末下午，一次一小时。"),
    ("n5", "修自行车", "1", "补胎、调刹车、上链条油，周末在5栋车棚。配件自备或按进价。"),
]
# (buyer, offer title)
SPENDS = [("resident", "修自行车"), ("owner", "代买菜"), ("n3", "陪老人聊天")]
# (sender, recipient, amount, note): within one household.
TRANSFERS = [("daughter", "resident", "3", "给妈妈用，请邻居帮忙代买菜。")]

DAUGHTER = {"phone": "13800000008", "display_name": "王同学", "real_name": "王小雨"}

# (who, title, organiser, days ago, hours)
TRAININGS = [
    ("resident", "志愿者应急救护培训（心肺复苏和AED使用）", "玉林社区卫生服务中心", 50, "3"),
    ("n6", "志愿者应急救护培训（心肺复苏和AED使用）", "玉林社区卫生服务中心", 50, "3"),
    ("n8", "电动车消防安全培训", "玉林街道消防站", 40, "2"),
]
# (who, title, issuer, days ago)
AWARDS = [
    ("resident", "玉林社区优秀志愿者", "玉林社区居民委员会", 10),
    ("n8", "平安巡逻之星", COUNCIL_NAME, 30),
]
# The resident's certificate (issued) and the owner's request (waiting for the council).
CERTIFICATE_PURPOSE = "退休单位评选优秀志愿者，需要志愿服务时长证明。"
CERTIFICATE_PERSON_IN_CHARGE = "何建平"
CERTIFICATE_CONTACT = "028-85551234（玉林社区党群服务中心）"
REQUEST_PURPOSE = "单位党支部要求提交社区志愿服务时长证明。"
