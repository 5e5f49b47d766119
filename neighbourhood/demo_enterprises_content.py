"""What the demo's 15-minute life-service circle says: where the two compounds of 玉林社区 are, the enterprises around
them (community social enterprises certified by the station, ordinary providers, one registration waiting), their
services and times, residents' bookings and reviews, and the station's directory of public services — plain Chinese
data.

Coordinates are WGS-84 degrees around 玉林, Chengdu. Times are Chengdu's wall clock; a listing's times start
`day` days from the seeding day (1: tomorrow) and repeat on the following days. People are named by key: a demo
account ("resident", "owner"), an operator below ("op:hou"), "n3" for the fourth verified neighbour of 玉林北路小区
or "f2" for the third of 芳草街院落."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from neighbourhood.demo_volunteering_content import ENTERPRISE_NAME
from neighbourhood.enterprises.models import EnterpriseStatus, PriceKind, ServiceCategory

# 玉林北路小区 and 芳草街院落, about 600 m apart.
COMPOUND_COORDINATES = [(Decimal("30.636700"), Decimal("104.052900")),
                        (Decimal("30.632000"), Decimal("104.050000"))]
OWNING_COMMITTEE = "玉林社区居民委员会"


@dataclass(frozen=True)
class DemoOperator:
    key: str
    phone: str
    display_name: str
    real_name: str
    compound: int          # index into the demo's compounds: where they hold the enterprise operator role


OPERATORS = [
    DemoOperator("hou", "13700000001", "何园长", "何静", 0),
    DemoOperator("luo", "13700000002", "罗经理", "罗晓梅", 0),
    DemoOperator("deng", "13700000003", "邓站长", "邓国华", 0),
    DemoOperator("wang", "13700000004", "王师傅", "王德贵", 0),
    DemoOperator("huang", "13700000005", "黄师傅", "黄志勇", 1),
    DemoOperator("yang", "13700000006", "杨医生", "杨雪", 0),
    DemoOperator("wu", "13700000007", "吴老师", "吴佳", 1),
    DemoOperator("zhao", "13700000008", "赵老师", "赵敏", 0),
]


@dataclass(frozen=True)
class DemoListing:
    key: str
    title: str
    category: ServiceCategory
    price_kind: PriceKind
    price: str | None
    price_unit: str
    schedule: str
    description: str
    # (first day from today, start, end, places, how many days in a row); none: inquiries only.
    times: list[tuple[int, str, str, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    name: str
    operator: str                 # "enterprise" (刘师傅, a demo account) or an operator key
    status: EnterpriseStatus
    at: tuple[Decimal, Decimal]
    description: str
    contact_person: str
    contact_phone: str
    opening_hours: str
    address: str
    certificate: str = ""
    return_percent: int | None = None
    # (years back, income, returned, how it was returned)
    incomes: list[tuple[int, str, str, str]] = field(default_factory=list)
    listings: list[DemoListing] = field(default_factory=list)


def _d(value: str) -> Decimal:
    return Decimal(value)


ENTERPRISES = [
    DemoEnterprise(
        "canteen", "玉林邻里食堂", "enterprise", EnterpriseStatus.CERTIFIED, (_d("30.639500"), _d("104.053500")),
        f"由{ENTERPRISE_NAME}运营的社区长者食堂，每天供应午餐和晚餐，少盐少油、软烂适口。"
        "60岁以上老人凭老年证每餐补贴3元，行动不便的老人可以预约送餐上门。",
        "刘师傅", "028-85550101", "每天 10:30–13:30，16:30–19:00", "武侯区玉林北路12号附1号",
        "成社企认〔2023〕第0157号", 30,
        [(2, "486000.00", "145800.00", "补贴老人餐费，资助四点半课堂和院落微更新。"),
         (1, "532000.00", "159600.00", "老人助餐补贴、送餐员工资补贴，资助社区义诊和楼道照明改造。")],
        [DemoListing("lunch", "老人午餐（助餐）", ServiceCategory.MEALS, PriceKind.YUAN, "12", "每餐",
                     "每天 11:30–12:30", "两荤一素一汤，米饭管够。60岁以上老人到店就餐，凭老年证结算。",
                     [(1, "11:30", "12:30", 20, 7)]),
         DemoListing("delivery", "送餐上门", ServiceCategory.MEALS, PriceKind.YUAN, "15", "每餐",
                     "每天 11:00–12:00 送达", "玉林北路小区、芳草街院落范围内送到家门口，含配送费。",
                     [(1, "11:00", "12:00", 6, 7)]),
         DemoListing("wednesday", "高龄老人爱心午餐", ServiceCategory.MEALS, PriceKind.FREE, None, "",
                     "每周三 11:30", "80岁以上独居老人每周三免费午餐一份，由社区保障资金和食堂收益共同支付。",
                     [(3, "11:30", "12:30", 10, 1)])]),
    DemoEnterprise(
        "childcare", "玉林社区托育中心", "hou", EnterpriseStatus.CERTIFIED, (_d("30.633000"), _d("104.058000")),
        "社区嵌入式普惠托育点，招收2–3岁幼儿，持证保育员，每天开窗通风、餐具消毒。家长可临时预约半日托。",
        "何园长", "028-85550202", "周一至周五 8:00–18:00", "武侯区玉林南路7号2楼",
        "成社企认〔2022〕第0093号", 40,
        [(2, "358000.00", "143200.00", "普惠托位补贴、困难家庭托费减免。"),
         (1, "401500.00", "160600.00", "普惠托位补贴，免费亲子早教活动。")],
        [DemoListing("halfday", "2–3岁幼儿半日托", ServiceCategory.CHILDCARE, PriceKind.YUAN, "80", "每半天",
                     "周一至周五 8:30–12:00", "含上午点心和午餐前的户外活动。首次入托请带疫苗接种本。",
                     [(1, "08:30", "12:00", 8, 5)]),
         DemoListing("playgroup", "亲子早教活动", ServiceCategory.CHILDCARE, PriceKind.FREE, None, "",
                     "每周六 10:00–11:00", "绘本、音乐和感统游戏，家长陪同参加。",
                     [(3, "10:00", "11:00", 12, 1)])]),
    DemoEnterprise(
        "housekeeping", "邻里帮家政服务社", "luo", EnterpriseStatus.CERTIFIED, (_d("30.644000"), _d("104.056000")),
        "社区妇女就业互助社办的家政服务社，阿姨都经过培训、持健康证，服务前后都有回访。",
        "罗经理", "028-85550303", "每天 8:00–20:00", "武侯区玉林西路45号",
        "成社企认〔2023〕第0211号", 25,
        [(2, "215000.00", "53750.00", "为高龄独居老人免费打扫，资助社区妇女技能培训。"),
         (1, "248000.00", "62000.00", "为高龄独居老人免费打扫，资助社区妇女技能培训。")],
        [DemoListing("cleaning", "家庭保洁（2小时）", ServiceCategory.HOUSEKEEPING, PriceKind.YUAN, "90", "每次",
                     "每天 9:00–11:00，14:00–16:00", "一位阿姨上门两小时，自带清洁工具。",
                     [(1, "09:00", "11:00", 2, 7), (1, "14:00", "16:00", 2, 7)]),
         DemoListing("escort", "陪老人就医", ServiceCategory.ELDERLY_CARE, PriceKind.TIME_COINS, "2", "每次",
                     "周一至周五上午", "陪同去社区卫生服务中心或华西医院挂号、候诊、取药，可用时间币支付。",
                     [(1, "08:30", "11:30", 1, 5)])]),
    DemoEnterprise(
        "eldercare", "玉林社区居家养老服务站", "deng", EnterpriseStatus.CERTIFIED,
        (_d("30.634500"), _d("104.049000")),
        "为辖区老人提供助浴、理发、健康监测和日间照料，有专职护理员和康复师。",
        "邓站长", "028-85550404", "周一至周六 8:30–17:30", "武侯区玉林北街2号",
        "成社企认〔2021〕第0042号", 50,
        [(2, "176000.00", "88000.00", "失能老人上门服务补贴。"),
         (1, "193500.00", "96750.00", "失能老人上门服务补贴，购置助浴椅和轮椅供借用。")],
        [DemoListing("bath", "上门助浴", ServiceCategory.ELDERLY_CARE, PriceKind.YUAN, "40", "每次",
                     "周一至周六 14:30–16:00", "两位护理员上门，自带防滑垫和助浴椅。",
                     [(1, "14:30", "16:00", 2, 6)]),
         DemoListing("haircut", "老人理发", ServiceCategory.ELDERLY_CARE, PriceKind.TIME_COINS, "1", "每次",
                     "每周二、四上午", "在服务站理发，行动不便的可以上门。用志愿服务挣的时间币支付。",
                     [(2, "09:30", "11:30", 4, 3)]),
         DemoListing("talk", "健康讲座：冬季防跌倒", ServiceCategory.HEALTH, PriceKind.FREE, None, "",
                     "本周五 15:00–16:30", "社区卫生服务中心康复科医生主讲，现场教居家防跌倒小动作。",
                     [(4, "15:00", "16:30", 30, 1)])]),
    DemoEnterprise(
        "locksmith", "老王修锁配钥匙", "wang", EnterpriseStatus.LISTED, (_d("30.637800"), _d("104.055100")),
        "玉林北路口的老店，配钥匙、修锁、换锁芯、开锁（须出示身份证明）。",
        "王师傅", "028-85550505", "每天 8:30–20:00", "武侯区玉林北路8号门口",
        listings=[
            DemoListing("lock", "上门换锁芯", ServiceCategory.REPAIRS, PriceKind.YUAN, "80", "每次",
                        "每天 10:00–12:00", "B级、C级锁芯可选，价格含锁芯。", [(1, "10:00", "12:00", 1, 7)]),
            DemoListing("keys", "配钥匙", ServiceCategory.REPAIRS, PriceKind.YUAN, "5", "每把",
                        "随到随配", "普通钥匙5元，防盗门钥匙15元起。需要上门请留言。")]),
    DemoEnterprise(
        "handyman", "芳草街便民维修", "huang", EnterpriseStatus.LISTED, (_d("30.631200"), _d("104.048900")),
        "水电、门窗、下水道疏通，小修小补上门服务。",
        "黄师傅", "028-85550808", "每天 9:00–18:00", "武侯区芳草街30号附5号",
        listings=[
            DemoListing("plumbing", "水电维修上门", ServiceCategory.REPAIRS, PriceKind.YUAN, "50", "每次",
                        "周一至周六 14:00–17:00", "上门费50元，材料按实结算，先报价后动工。",
                        [(1, "14:00", "17:00", 2, 6)]),
            DemoListing("bicycle", "修自行车、电动车补胎", ServiceCategory.REPAIRS, PriceKind.YUAN, "10", "每次",
                        "每天", "在店门口修，补胎10元。")]),
    DemoEnterprise(
        "dental", "玉林口腔诊所", "yang", EnterpriseStatus.LISTED, (_d("30.648000"), _d("104.056000")),
        "社区口腔诊所，医保定点。每周二、四上午为60岁以上老人做优惠口腔检查。",
        "杨医生", "028-85550606", "周一至周六 9:00–17:30", "武侯区玉林东路18号",
        listings=[
            DemoListing("checkup", "老人口腔检查", ServiceCategory.HEALTH, PriceKind.YUAN, "30", "每次",
                        "周一至周五 9:00–9:30", "检查牙齿和假牙，给出治疗建议；洗牙另约。",
                        [(1, "09:00", "09:30", 3, 5)])]),
    DemoEnterprise(
        "tutoring", "小书虫课后托管", "wu", EnterpriseStatus.LISTED, (_d("30.655000"), _d("104.062000")),
        "小学生课后托管和作业辅导，老师接送玉林小学、棕北小学的孩子。",
        "吴老师", "028-85550707", "周一至周五 15:30–19:00", "武侯区玉洁街10号",
        listings=[
            DemoListing("afterschool", "课后托管", ServiceCategory.EDUCATION, PriceKind.YUAN, "60", "每天",
                        "周一至周五 16:30–18:30", "接孩子放学、辅导作业、吃点心，18:30前家长来接。",
                        [(1, "16:30", "18:30", 15, 5)])]),
    DemoEnterprise(
        "crafts", "邻里手作工坊", "zhao", EnterpriseStatus.PENDING, (_d("30.638500"), _d("104.050500")),
        "教竹编、扎染和蜀绣的手工坊，想为社区老人和孩子办手工课，正在等待社区审核。",
        "赵老师", "028-85550909", "周末 10:00–17:00", "武侯区玉林北路20号2楼"),
]


@dataclass(frozen=True)
class DemoBooking:
    """A resident's booking: of `time` (index into the listing's times) on `day` (negative: in the past; past ones
    are completed, as the service happened), or an inquiry when `day` is None; its end state; a review (rating,
    text) and the enterprise's reply."""
    who: str
    enterprise: str
    listing: str
    day: int | None
    state: str                    # requested, accepted, declined, completed, cancelled, cancelled_by_enterprise
    time: int = 0
    message: str = ""
    reason: str = ""
    review: tuple[int, str] | None = None
    reply: str = ""


BOOKINGS = [
    # 李阿姨: a completed lunch she rated (and the canteen answered), a lock change she has not rated yet, and
    # tomorrow's lunch, accepted.
    DemoBooking("resident", "canteen", "lunch", -1, "completed",
                review=(5, "菜炖得很软和，适合我们老年人，打菜的师傅也大方。"),
                reply="谢谢李阿姨！明天有您爱吃的粉蒸肉，记得早点来。"),
    DemoBooking("resident", "locksmith", "lock", -3, "completed", message="3栋2单元201，防盗门锁芯不好转了。"),
    DemoBooking("resident", "canteen", "lunch", 1, "accepted"),
    DemoBooking("owner", "canteen", "delivery", -2, "completed",
                review=(4, "送得准时，就是汤有点凉了，希望冬天用保温箱。"),
                reply="王先生说得对，保温箱已经买了，下周起用上。"),
    DemoBooking("n1", "eldercare", "bath", -4, "completed",
                review=(5, "两位护理员很细心，我妈妈洗完澡说浑身轻松。")),
    DemoBooking("n2", "housekeeping", "cleaning", -5, "completed",
                review=(3, "打扫得还行，厨房油烟机没顾上擦。"),
                reply="抱歉，已经跟阿姨说了，下次免费补擦油烟机。"),
    DemoBooking("n3", "dental", "checkup", -6, "completed", review=(5, "杨医生很耐心，假牙的问题讲得很清楚。")),
    DemoBooking("f1", "handyman", "plumbing", -2, "completed", review=(4, "来得快，价格公道。")),
    DemoBooking("n4", "canteen", "lunch", 1, "requested"),
    DemoBooking("n5", "canteen", "delivery", 2, "requested", message="5栋2单元，老人腿脚不便，请送到门口。"),
    DemoBooking("n6", "canteen", "lunch", None, "requested", message="可以做少盐少油的饭菜吗？家里老人有高血压。"),
    DemoBooking("n7", "childcare", "halfday", 1, "declined", reason="这个时段已经满了，建议改约周四上午。"),
    DemoBooking("n8", "housekeeping", "cleaning", 2, "cancelled", time=1),
    DemoBooking("f0", "handyman", "plumbing", 1, "cancelled_by_enterprise",
                reason="师傅临时去外地进货，改天再约，抱歉。"),
    DemoBooking("n9", "tutoring", "afterschool", 1, "accepted", message="孩子在玉林小学三年级二班。"),
    DemoBooking("n10", "eldercare", "bath", 2, "requested"),
    DemoBooking("f2", "canteen", "wednesday", 3, "accepted", message="我母亲85岁，独居芳草街院落4栋。"),
]


@dataclass(frozen=True)
class DemoPublicService:
    name: str
    department: str
    purpose: str
    link: str = ""
    office_address: str = ""
    office_hours: str = ""
    phone: str = ""
    at: tuple[Decimal, Decimal] | None = None
    category: ServiceCategory = ServiceCategory.OTHER


PUBLIC_SERVICES = [
    DemoPublicService("社区党群服务中心 便民服务窗口", "玉林社区党群服务中心",
                      "居住证、老年证、低保、残疾人证、生育登记等事项的咨询和受理。",
                      office_address="武侯区玉林北路2号 玉林社区党群服务中心一楼",
                      office_hours="周一至周五 9:00–12:00，13:30–17:30；周六上午 9:00–12:00",
                      phone="028-85560001", at=(_d("30.638100"), _d("104.051700"))),
    DemoPublicService("玉林派出所户籍室", "成都市公安局武侯区分局玉林派出所",
                      "户口迁入迁出、身份证办理和换领、居住登记。", office_address="武侯区玉林南路17号",
                      office_hours="周一至周五 9:00–12:00，13:00–17:00", phone="028-85560110",
                      at=(_d("30.631800"), _d("104.056500"))),
    DemoPublicService("社保卡服务", "武侯区人力资源和社会保障局 玉林街道便民服务中心",
                      "社保卡申领、补换、激活和挂失，城乡居民养老保险参保登记。",
                      office_address="武侯区玉林街道便民服务中心二楼3号窗口",
                      office_hours="周一至周五 9:00–17:00", phone="028-85560120",
                      at=(_d("30.635200"), _d("104.054800"))),
    DemoPublicService("天府市民云", "成都市网络理政办公室",
                      "成都市民的政务服务手机应用：社保、公积金、交通违法、预约挂号、水电气缴费一站办。",
                      link="https://www.cdsmy.cn/"),
    DemoPublicService("社区卫生服务中心", "玉林社区卫生服务中心",
                      "家庭医生签约、慢病随访、老年人免费体检、预防接种。", office_address="武侯区玉林北街6号",
                      office_hours="每天 8:00–17:30（预防接种周二、周四）", phone="028-85560130",
                      at=(_d("30.635900"), _d("104.050200")), category=ServiceCategory.HEALTH),
    DemoPublicService("街道综治中心", "玉林街道综治中心",
                      "邻里矛盾纠纷调解、免费法律咨询、社区矫正报到。", office_address="武侯区玉林西路100号",
                      office_hours="周一至周五 9:00–17:00", phone="028-85560140",
                      at=(_d("30.640900"), _d("104.047600"))),
]
