"""What the demo compound's micro-projects say: the proposals the council adopted for them, their ledgers,
milestones, bids and the residents' ratings — plain Chinese data, as residents and the council would write it.

Days are counted back from the day the demo is seeded, so every project reads in order:
proposed < adopted < created < funded < started < milestones < completed < accepted < rated."""
from __future__ import annotations

from dataclasses import dataclass, field

from neighbourhood.projects.models import FundingSource, ImplementerKind


@dataclass(frozen=True)
class Spending:
    days_ago: int
    counterparty: str
    purpose: str
    amount: str
    person: bool = False              # a private individual, shown masked to residents
    approved: bool = True
    # A supervisor's objection to this spending and the council's answer, settled before it is approved.
    objection: tuple[str, str] | None = None


@dataclass(frozen=True)
class DemoBid:
    kind: ImplementerKind
    name: str
    quote: str
    plan: str
    days_ago: int
    by_operator: bool = False         # submitted by the compound's enterprise operator, else recorded on paper


@dataclass(frozen=True)
class DemoProject:
    key: str
    title: str
    body: str
    category: str
    budget: str
    adopted_reason: str
    source: FundingSource
    created_days_ago: int
    planned_start_days_ago: int                 # negative: the planned start is still ahead
    planned_days: int
    implementer_kind: ImplementerKind = ImplementerKind.COUNCIL
    implementer_name: str = ""
    implementer_reason: str = ""
    comments: list = field(default_factory=list)
    funded_days_ago: int | None = None          # the station's approval; None: the request is still waiting
    income: tuple[int, str, str] | None = None  # (days ago, from, purpose) of common-part income
    started_days_ago: int | None = None
    milestones: list = field(default_factory=list)     # (days ago, title, progress)
    spending: list = field(default_factory=list)
    completed_days_ago: int | None = None
    accepted_days_ago: int | None = None
    acceptance_note: str = ""
    ratings: list = field(default_factory=list)        # (score, comment)
    # Buildings whose residents use the result every day: they rate first, and write the first-hand comments.
    used_by: tuple[str, ...] = ()
    bids: list = field(default_factory=list)
    chosen_bid: int | None = None                      # index into bids
    chosen_reason: str = ""
    chosen_days_ago: int | None = None
    rectification: tuple[int, str] | None = None       # (days ago the council reported, its report)


# The council meeting that adopted the four projects below, and the proposals' age when it met.
MEETING = {
    "days_ago": 100,
    "place": "玉林北路小区党群服务站议事室",
    "notes": "议事会季度例会。审议居民提议4项，监事会2人列席，物业项目经理列席并介绍公共收益账户余额。",
}
PROPOSED_BEFORE_MEETING = 24

HANDRAILS = DemoProject(
    key="handrails", title="1栋、2栋楼道加装扶手（一期）", category="elderly", budget="13600",
    body="**问题**：1栋、2栋是1996年的老楼，没有电梯，楼道也没有扶手，住五六楼的老人上下楼只能扶着墙。\n\n"
         "**方案**：\n\n- 8个单元楼道靠墙一侧加装不锈钢扶手，共约186米\n- 扶手高度90厘米，端头加防撞套\n"
         "- 先做1栋、2栋，效果好再推广到其他楼栋",
    adopted_reason="惠及两栋楼40多位70岁以上老人，属于小区公共设施的小修小补，使用社区保障资金实施。",
    source=FundingSource.COMMUNITY_FUND, created_days_ago=90, funded_days_ago=85,
    planned_start_days_ago=42, planned_days=30, started_days_ago=40,
    implementer_kind=ImplementerKind.OTHER, implementer_name="成都鑫盛不锈钢制品有限公司",
    implementer_reason="议事会邀请三家单位报价（鑫盛11,160元、华达12,400元、永固13,050元），鑫盛报价最低且质保三年；"
                       "比价结果在公开栏公示7天，无异议。",
    comments=[("扶手能不能两边都装？", ["楼道只有1.1米宽，两边都装会挡住搬家具，先装靠墙一侧。"]),
              ("我们5栋也需要，希望二期早点安排。", [])],
    milestones=[(36, "材料进场，样板单元（1栋1单元）安装完成", 20),
                (25, "1栋四个单元安装完成", 55),
                (14, "2栋四个单元安装完成，端头防撞套全部到位", 95)],
    spending=[Spending(33, "成都鑫盛不锈钢制品有限公司", "不锈钢扶手制作安装首付款（合同价50%）", "5580.00"),
              Spending(30, "成都蓉城五金批发部", "扶手端头防撞套、膨胀螺栓", "640.00"),
              Spending(13, "张国强", "楼道墙面修补刷漆人工（4天）", "1200.00", person=True),
              Spending(12, "成都鑫盛不锈钢制品有限公司", "不锈钢扶手安装尾款（完工后支付）", "5580.00")],
    completed_days_ago=11, accepted_days_ago=6,
    acceptance_note="监事会与两位楼栋长逐单元检查：扶手高度90厘米，固定牢固，端头防撞套齐全；"
                    "1栋2单元三楼一处焊缝有毛刺，施工方已当场打磨。票据与台账一致，同意验收。",
    ratings=[(5, "我妈妈85岁了，现在自己能下楼买菜了。"), (4, "扶手很结实，就是冬天摸起来有点冰。"),
             (5, "施工师傅很仔细，每天收工都把楼道扫干净。"), (3, "2单元三楼转角那段有点晃，麻烦再紧一下。"),
             (4, "装的时候电钻声音有点大，不过可以理解。"), (5, ""), (4, ""), (5, ""),
             (5, "希望5栋、6栋也快点装上。"), (4, ""), (5, ""), (5, ""), (4, ""), (5, "")],
    used_by=("1栋", "2栋"),
)

GARDEN = DemoProject(
    key="garden", title="中心花园绿化补种", category="greenery", budget="18000",
    body="中心花园去年冬天冻死、今年夏天旱死了不少灌木，黄土露在外面，一下雨就是稀泥巴。\n\n"
         "建议补种桂花和红叶石楠，铺种麦冬草约260平方米，并把坏了的滴灌管修好。",
    adopted_reason="属于小区公共环境的日常维护，纳入本年度民生微项目，由议事会比选施工单位。",
    source=FundingSource.COMMUNITY_FUND, created_days_ago=96, funded_days_ago=92,
    planned_start_days_ago=88, planned_days=14, started_days_ago=88,
    implementer_kind=ImplementerKind.OTHER, implementer_name="成都青城园林绿化工程有限公司",
    implementer_reason="两家报价中青城园林略高，但包含三个月养护和死苗补种，议事会认为后期养护更要紧。",
    comments=[("要选好养活的品种，莫种了又死。", ["会请园林公司推荐本地品种。"])],
    milestones=[(86, "清理枯死灌木，翻土施肥", 25),
                (82, "桂花8株、红叶石楠120株进场种植", 70),
                (77, "麦冬草铺种完成，滴灌管修复", 95)],
    spending=[Spending(86, "罗德福", "清运枯枝和建筑垃圾（人工、三轮车）", "450.00", person=True),
              Spending(83, "成都温江绿源苗木专业合作社", "桂花8株（胸径8厘米）、红叶石楠120株、麦冬草260平方米",
                       "9840.00"),
              Spending(80, "成都青城园林绿化工程有限公司", "种植施工及三个月养护", "6500.00"),
              Spending(78, "成都锦程建材经营部", "滴灌管、接头及定时器", "780.00")],
    completed_days_ago=74, accepted_days_ago=71,
    acceptance_note="苗木品种、数量与合同一致，麦冬草铺种到位，滴灌试水正常。提醒施工方按合同做好三个月养护。",
    ratings=[(2, "补种的树苗死了一半，黄土又露出来了。"), (3, ""), (2, "说好的养护，没看到人来浇水。"),
             (1, "红叶石楠干死了一大片，钱白花了。"), (3, "桂花长得还可以。"), (2, ""), (3, ""),
             (4, "比以前还是好一点。"), (2, "滴灌管又漏水了。"), (3, ""), (2, ""),
             (3, "希望议事会督促施工方补种。")],
    rectification=(9, "1. 施工方已按合同约定，免费补种枯死的红叶石楠58株、桂花2株；\n"
                      "2. 修复滴灌管三处漏点，定时器改为每天早晚各浇一次；\n"
                      "3. 与施工方签订补充协议，养护期延长到明年5月，期间死苗包换；\n"
                      "4. 2位楼栋长每周巡查一次，照片发在本平台项目页。"),
)

FITNESS = DemoProject(
    key="fitness", title="中心花园健身器材更换", category="culture", budget="12000",
    body="健身区的器材是2012年装的，漫步机轴承坏了，扭腰器锈穿了，已经有老人差点摔倒。\n\n"
         "建议更换6件器材，地面铺防滑垫。费用从小区公共收益（电梯广告位和临时停车收入）中列支，"
         "不占用社区保障资金。",
    adopted_reason="费用由小区公共收益列支，业主代表会议已同意；议事会负责组织实施。",
    source=FundingSource.COMMON_INCOME, created_days_ago=60, planned_start_days_ago=35, planned_days=30,
    started_days_ago=33,
    implementer_kind=ImplementerKind.OTHER, implementer_name="成都康体源健身器材有限公司",
    implementer_reason="三家比价，康体源报价最低，器材质保五年，比价单已在公开栏公示。",
    comments=[("器材下面要铺软垫，老人摔了不得了。", ["已经写进方案了。"])],
    income=(34, "玉林北路小区公共收益专户", "电梯广告位及临时停车公共收益划拨（经业主代表会议同意）"),
    milestones=[(30, "旧器材拆除，地面找平", 30),
                (18, "6件新器材安装完成", 80),
                (7, "防滑地垫铺设完成，试用一周无问题", 95)],
    spending=[Spending(30, "王德福", "旧器材拆除及清运（人工）", "450.00", person=True),
              Spending(19, "成都康体源健身器材有限公司", "漫步机、扭腰器、太极推手器等6件（含安装）", "9360.00"),
              Spending(8, "成都锦程建材经营部", "健身区防滑橡胶地垫36平方米", "1620.00")],
    completed_days_ago=4,
)

CAMERAS = DemoProject(
    key="cameras", title="小区出入口和中心花园监控补盲", category="safety", budget="26000",
    body="北门、东门和中心花园有几处监控看不到的死角，今年以来丢了好几次电瓶和快递。\n\n"
         "建议新增8路摄像头并接入门卫室，**不装人脸识别**，录像保存30天，只有派出所和监事会可以申请调看。"
         "点位在施工前征求玉林派出所和相邻住户的意见。",
    adopted_reason="涉及居民安全，同意实施；点位须先征求派出所和相邻住户意见，再比选实施单位。",
    source=FundingSource.COMMUNITY_FUND, created_days_ago=95, planned_start_days_ago=-14, planned_days=21,
    comments=[("摄像头不要对着我家窗户哈。", ["安装前会请相邻住户一起看点位。"])],
    bids=[DemoBid(ImplementerKind.ENTERPRISE, "成都玉林邻里生活服务社会企业有限公司", "24800.00",
                  "1. 北门、东门、中心花园新增8路400万像素全彩摄像头，不含人脸识别功能；\n"
                  "2. 硬盘录像机放在门卫室，录像保存30天；\n3. 两年免费维保，报修4小时内上门；\n"
                  "4. 日常巡检雇用本小区2位居民，利润按章程用于社区公益。", 20, by_operator=True),
          DemoBid(ImplementerKind.OTHER, "成都安视达智能科技有限公司", "22600.00",
                  "1. 新增8路200万像素摄像头，夜间红外黑白成像；\n2. 质保一年，第二年起维保费每年1,800元；\n"
                  "3. 工期10天。", 16),
          DemoBid(ImplementerKind.OTHER, "四川蜀卫安防工程有限公司", "27900.00",
                  "1. 新增10路400万像素摄像头（比议事会方案多2路，覆盖车棚）；\n"
                  "2. 含人脸抓拍和云端存储，云存储年服务费2,400元另计；\n3. 质保两年。", 12)],
    chosen_bid=0, chosen_days_ago=5,
    chosen_reason="安视达两年总价（含第二年维保）24,400元，比邻里社会企业低400元，但夜间只有黑白画面，看不清人和车；"
                  "蜀卫方案含人脸抓拍，不符合提议中“不装人脸识别”的要求，且每年另收云存储费。"
                  "邻里社会企业报价在预算内，含两年维保和4小时上门，并雇用本小区居民巡检。到会成员一致同意。",
)

PROJECTS = [HANDRAILS, GARDEN, FITNESS, CAMERAS]

# The 四点半课堂 under way: the council-adopted proposal of the governance demo.
CLASSROOM_SPENDING = [
    Spending(30, "成都玉林照明电器有限公司", "架空层照明灯具及线路改造", "8600.00"),
    Spending(21, "成都锦城空调安装服务部", "柜式空调一台（含安装）", "9800.00"),
    Spending(12, "李建华", "志愿者周末施工误餐补贴（6人×3天）", "360.00", person=True,
             objection=("这笔360元付给了个人，票据只有一张收条。请补充6位志愿者的签领名单，并说明补贴标准。",
                        "已补传6位志愿者签领表（每人每天20元，共3天），原件存放在党群服务站，欢迎查看。")),
    Spending(3, "成都蓉新办公家具有限公司", "学习桌12张、椅子24把", "6240.00", approved=False),
]
CLASSROOM_MILESTONES = [
    (38, "设计方案在公开栏公示7天，无异议", 10),
    (24, "照明和空调安装完成", 45),
    (10, "墙面翻新、图书角书架到位", 65),
]

REPORT_BODY = """## 监督工作

监事会逐笔审核了各民生微项目的支出和票据照片，列席了议事会例会，参加了楼道扶手（一期）的验收。

## 发现的问题和处理情况

- **中心花园绿化补种**：验收后一个多月，部分苗木枯死，居民评价只有2.5分。监事会已要求施工方履行养护和死苗补种义务，并督促议事会整改。
- **四点半课堂**：志愿者误餐补贴付给个人，原报销单只有收条。监事会提出异议，议事会已补交6位志愿者签领表，异议已了结。
- **楼道扶手（一期）**：验收时发现一处焊缝毛刺，已当场整改。

## 资金情况

- 所有已审核的支出都附有票据照片，金额与台账一致
- 未发现超预算支出和重复报销
- 四点半课堂还有一笔6,240元的家具款等待审核，监事会将在收到送货单后审核

## 建议

1. 绿化类项目的合同要写明养护标准和死苗补种责任
2. 5栋、6栋加装扶手时沿用一期的比价和公示做法"""
