"""What the demo compound's residents have raised and proposed: realistic content for `flask seed-demo`.

Data only; demo.py feeds it through the real services. Each need says where it is, what it is about, how many
days ago it was raised, and how the council has dealt with it so far."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoNeed:
    title: str
    description: str
    category: str
    location: str            # a building name of the compound, or a common area
    days_ago: int
    outcome: str = ""        # "" (waiting for triage), resolved, referred, converted, escalated, declined
    note: str = ""
    list_kind: str = "self_governance"
    me_too: int = 0
    station_reply: str = ""


NEEDS = [
    DemoNeed("3栋门口路灯坏了一个多月", "3栋单元门口那盏路灯从上个月就不亮了，晚上老人下楼倒垃圾看不清台阶，上周李婆婆还差点摔倒。",
             "repairs", "3栋", 2, me_too=7),
    DemoNeed("东门垃圾分类点夏天异味大", "东门的四分类垃圾桶离1栋窗户太近，中午以后味道很重，蚊蝇也多，希望增加清运次数或者挪远一点。",
             "sanitation", "东门", 3, me_too=5),
    DemoNeed("中心花园座椅油漆脱落有毛刺", "花园里四张木椅油漆掉了，有木刺，小娃娃坐上去容易扎手。", "repairs", "中心花园", 1, me_too=2),
    DemoNeed("电动车在楼道充电有安全隐患", "2栋二单元一楼楼道里每天晚上都有两三辆电动车拉线充电，出了事整栋楼都跑不脱。",
             "safety", "2栋", 9, me_too=11),
    DemoNeed("地下车库入口坡道积水", "下大雨时车库入口坡道积水能淹到脚背，排水沟被落叶堵了。", "repairs", "地下车库", 10, me_too=4),
    DemoNeed("希望增设快递柜", "小区没有快递柜，快递都堆在门卫室，经常拿错。", "property", "北门", 12, me_too=9),
    DemoNeed("5栋外墙瓷砖松动", "5栋朝花园那面三楼位置有几块瓷砖鼓起来了，刮风天有点吓人，请尽快看看。",
             "safety", "5栋", 6, "resolved", "已请物业搭架检查，松动的6块瓷砖已全部敲掉重贴，并拉了警戒线两天。",
             me_too=6),
    DemoNeed("1栋单元门禁坏了关不上", "1栋一单元的门禁锁坏了，门一直关不上，外卖小哥随便进出。", "safety", "1栋", 20,
             "resolved", "议事会联系物业更换了门禁电磁锁，已恢复正常。", me_too=3),
    DemoNeed("花园里的健身器材生锈", "漫步机和扭腰器锈得厉害，转起来咯吱响。", "culture", "中心花园", 25, "resolved",
             "由小区微基金出资除锈刷漆，志愿者周末完成。", me_too=4),
    DemoNeed("二次供水水箱多久没清洗了", "最近早上放出来的自来水有点黄，想问问二次供水水箱上一次清洗是什么时候。",
             "property", "地下车库", 15, "referred", "已转物业服务中心，物业承诺本月内清洗并公示水质检测报告。",
             list_kind="purchasable_services", me_too=8),
    DemoNeed("楼道灯声控不灵敏", "6栋楼道灯要跺好几脚才亮，老年人上下楼不方便。", "repairs", "6栋", 18, "referred",
             "属物业维修范围，已转物业，预计一周内更换为感应灯。", list_kind="purchasable_services", me_too=3),
    DemoNeed("门卫晚上经常不在岗", "晚上十点以后门卫室经常没人，陌生人随便进。", "property", "北门", 14, "referred",
             "已转物业公司项目经理，要求落实夜间值守并每周反馈。", list_kind="purchasable_services", me_too=6),
    DemoNeed("小区里没有地方晒被子", "老小区楼间距窄，被子晒不到太阳，花园的栏杆又不让晾。", "other", "中心花园", 30,
             "converted", "议事会讨论后转为提议：在花园西侧建共享晾晒区。", me_too=12),
    DemoNeed("非机动车棚太挤，没有充电桩", "车棚只能停三十几辆车，很多人只好把电动车推上楼充电。", "parking", "北门", 28,
             "converted", "与电动车楼道充电问题一起，转为提议：扩建车棚并安装智能充电桩。", me_too=15),
    DemoNeed("希望有个给娃娃看书的地方", "小区里娃娃多，放学后没有地方做作业看书。", "children", "1栋", 40, "converted",
             "转为提议：利用1栋架空层建四点半课堂。", me_too=10),
    DemoNeed("独居老人吃饭不方便", "5栋、6栋有好几位独居老人，自己做饭吃力，想问问能不能有助餐服务。", "elderly", "5栋",
             35, "converted", "转为提议：对接社区食堂开设老年助餐点。", me_too=9),
    DemoNeed("玉林北路夜市噪音扰民", "小区外面的夜市烧烤摊经营到凌晨两点，临街的2栋住户晚上睡不着。", "neighbours", "2栋", 8,
             "escalated", "夜市在小区红线外，属城管执法范围，已上报党群服务中心协调。", list_kind="assisting_government",
             me_too=14, station_reply="已联系街道综合执法队，本周起夜市23点后禁止外摆，执法队将连续巡查两周。"),
    DemoNeed("小区门口人行道被共享单车占满", "北门外人行道停满共享单车，轮椅和婴儿车过不去。", "parking", "北门", 11,
             "escalated", "人行道属市政管理，已上报社区协调单车企业清运。", list_kind="assisting_government", me_too=7),
    DemoNeed("外墙雨水管破裂漏水", "3栋西侧外墙雨水管从四楼开裂，下雨就往一楼住户窗台上灌。", "repairs", "3栋", 5,
             "escalated", "涉及房屋维修资金使用，需社区指导业主表决，已上报。", list_kind="assisting_government", me_too=5),
    DemoNeed("要求议事会成员公开个人收入", "议事会成员都是义务服务的，要求把他们家里的收入都公开出来接受监督。", "other", "北门",
             16, "declined", "个人收入属于个人隐私，不属于小区自治事项，议事会的工作和经费使用已按规定公开。",
             list_kind="negative", me_too=1),
    DemoNeed("想在花园里养鸡", "花园角落空着，想圈一块地养几只鸡，孩子们也能看看。", "greenery", "中心花园", 22, "declined",
             "在公共区域饲养家禽违反环境卫生管理规定，也影响邻居，不予支持。", list_kind="negative"),
    DemoNeed("2栋楼顶防水层老化", "顶楼住户反映，每次下雨天花板都渗水，墙皮都泡起来了。", "repairs", "2栋", 4, me_too=3),
    DemoNeed("宠物粪便没人清理", "花园草坪上经常有狗粪，早上散步一不小心就踩到。", "sanitation", "中心花园", 7, me_too=8),
    DemoNeed("消防通道被私家车堵住", "3栋和5栋之间的消防通道晚上总停着两三辆车。", "safety", "3栋", 8, me_too=6),
    DemoNeed("希望组织一次旧物交换", "家里很多娃娃穿小的衣服和玩具，扔了可惜，想和邻居换一换。", "culture", "中心花园", 13,
             "resolved", "议事会联合志愿者服务队定于本月最后一个周六上午在花园举办跳蚤市场。", me_too=9),
    DemoNeed("单元门口台阶太高，轮椅上不去", "6栋一单元门口三级台阶，坐轮椅的王大爷每次进出都要人抬。", "elderly", "6栋", 26,
             "converted", "转为提议：无障碍坡道改造。", me_too=8),
    DemoNeed("树枝挡住了2楼窗户", "1栋前面的香樟树长得太密，二楼白天都要开灯。", "greenery", "1栋", 19, "resolved",
             "已请园林公司修剪，修剪前征求了一楼、二楼住户意见。", me_too=2),
    DemoNeed("快递车在小区里开太快", "快递三轮车进小区速度很快，花园边上有娃娃在玩，很危险。", "safety", "北门", 9,
             "referred", "已转物业，在北门和花园路口增设限速5公里标志和减速带。", list_kind="purchasable_services",
             me_too=5),
    DemoNeed("想学用智能手机挂号", "好多老年人不会用手机挂号、缴费，希望有人教一教。", "elderly", "5栋", 2, me_too=4),
    DemoNeed("健身区旁边缺个洗手池", "锻炼完想洗个手都没有地方。", "repairs", "中心花园", 1),
]


@dataclass(frozen=True)
class DemoProposal:
    title: str
    body: str
    category: str
    cost: str | None
    days_ago: int
    stage: str               # open, qualified, to_ballot, adopted, merged, rejected, withdrawn
    supports: int = 0
    reason: str = ""
    from_need: str = ""      # title of the need it was converted from
    comments: list = field(default_factory=list)


PROPOSALS = [
    DemoProposal("中心花园西侧建共享晾晒区", "**问题**：老小区楼间距窄，被子晒不到太阳。\n\n**方案**：\n\n- 在花园西侧空地安装6组不锈钢晾衣架\n- 配可收放遮雨棚\n- 由楼栋长轮流管理，晚上8点前收回\n\n预计占地约30平方米，不影响健身区。",
                 "other", "8600", 27, "qualified", 14, from_need="小区里没有地方晒被子",
                 comments=[("晾衣架要选能防风的，去年隔壁小区的被吹倒过。", ["好建议，选型的时候请物业一起看看。"]),
                           ("希望不要挡住一楼住户的光线。", [])]),
    DemoProposal("扩建非机动车棚并安装智能充电桩", "把北门车棚向东扩建约40平方米，新增60个车位，安装20个智能充电口（扫码计费、到时断电）。\n\n同时**禁止楼道充电**，由议事会和物业共同巡查。",
                 "parking", "68000", 66, "to_ballot", 18,
                 reason="涉及公共部位改造和费用分摊，议事会决定提交全体居民表决。",
                 from_need="非机动车棚太挤，没有充电桩",
                 comments=[("充电费用怎么收？会不会比家里贵？", ["初步了解是每度电0.8元左右，比外面充电站便宜。"]),
                           ("支持！早就该弄了，楼道充电太吓人。", [])]),
    DemoProposal("1栋架空层改造成四点半课堂", "利用1栋架空层（约60平方米）建设四点半课堂：\n\n1. 简单装修、安装照明和空调\n2. 购置书桌和图书角\n3. 招募退休教师和大学生志愿者辅导作业",
                 "children", "35000", 78, "adopted", 16,
                 reason="在议事会职权范围内，使用小区微基金实施，纳入本年度民生微项目。",
                 from_need="希望有个给娃娃看书的地方",
                 comments=[("我是退休语文老师，可以每周来两次。", ["太感谢您了！"])]),
    DemoProposal("对接社区食堂开设老年助餐点", "与玉林社区食堂合作，在小区活动室设助餐点，60岁以上老人每餐补贴3元，行动不便的老人由志愿者送餐上门。",
                 "elderly", "12000", 33, "qualified", 12, from_need="独居老人吃饭不方便"),
    DemoProposal("6栋单元门口无障碍坡道改造", "在6栋一单元门口台阶旁加建一条坡度1:12的无障碍坡道并安装扶手。",
                 "elderly", "9800", 24, "open", 8, from_need="单元门口台阶太高，轮椅上不去"),
    DemoProposal("小区围墙彩绘", "请美院学生和小区娃娃一起把北侧围墙画成成都老街的样子，让小区更有生气。", "culture", "6000", 8,
                 "open", 6, comments=[("颜料要用环保的。", [])]),
    DemoProposal("设立小区共享工具箱", "在门卫室放一个共享工具箱（电钻、梯子、扳手等），登记借用，方便大家自己修修补补。",
                 "neighbours", "1500", 5, "open", 3),
    DemoProposal("楼道加装扶手", "5栋、6栋楼道没有靠墙扶手，建议加装不锈钢扶手，方便老人上下楼。", "elderly", "14000", 15,
                 "open", 9, comments=[("我们5栋好几位八十多岁的老人，非常需要。", [])]),
    DemoProposal("花园增加遮阳棚和座椅", "夏天花园没有遮阴的地方，建议在健身区旁边建一个木质廊架，配6张长椅。", "greenery", "22000",
                 20, "open", 7),
    DemoProposal("垃圾分类点加装洗手池和除臭设备", "东门垃圾分类点加装洗手池、雾化除臭设备，并把开放时间调整为早7-9点、晚6-8点。",
                 "sanitation", "7500", 3, "open", 2),
    DemoProposal("把中心花园改成停车场", "小区车位太少，建议把中心花园改成20个停车位。", "parking", "150000", 70, "rejected",
                 11, reason="花园是全体居民共有的唯一公共活动空间，改为停车场将损害多数居民利益，议事会不予采纳。"),
    DemoProposal("非机动车棚加装监控", "车棚经常丢电瓶，建议装两个摄像头。", "safety", "3000", 69, "merged", 10,
                 reason="已并入“扩建非机动车棚并安装智能充电桩”一并实施。"),
    DemoProposal("组织每月一次邻里坝坝宴", "每月最后一个周日在花园办一次百家宴，每家带一个菜。", "neighbours", None, 21, "withdrawn",
                 2, reason="和议事会沟通后改为由志愿者服务队直接组织活动，不需要走提议流程。"),
    DemoProposal("小区微信群改用本平台公告", "小区通知散落在好几个微信群里，建议重要通知统一在本平台发布。", "other", None, 4, "open", 4),
    DemoProposal("单元门口安装雨棚", "3栋、5栋单元门口没有雨棚，下雨天收伞开门衣服全湿。", "repairs", "9000", 11, "open", 5),
]

MEETING = {
    "days_ago": 50,
    "place": "小区党群服务站议事室",
    "notes": "议事会月度例会，物业项目经理列席。",
}
