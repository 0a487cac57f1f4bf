"""People concepts: many customers affected, personal data exposed.

Seed 001's P1 list names "many customers affected" and "data leak".  A
customer says 「整栋楼」, 「二十多个同事」, 「群里好几十号人」, "half my team",
"multiple accounts"; and 「骑手把我的地址电话发到了群里」 or "someone else's
order with their address" for a leak.  Counting the people (five or more, in
digits or Chinese numerals) and naming groups covers both languages.
"""

from __future__ import annotations

from complaintflow.classify.amounts import parse_chinese_number
from complaintflow.classify.concepts.base import Context, Finding, negated
from complaintflow.classify.concepts.scripted import Scripted, scripted

__all__ = ["DataExposed", "MassImpact"]

_GROUP_ZH = scripted(
    r"(?:整(?:个|栋|幢|层|条|片)?[^，。！？]{0,3}(?:楼|小区|单元|宿舍|部门|公司|办公室|团队|村|街|学校|班|群)|"
    r"(?:这|我们|我们这)(?:栋|幢|整栋|个)楼[^，。！？]{0,12}(?:全都|都|全部)|全(?:楼|小区|公司|部门|校|村|班|组|家)|全国|全市|全省|各地|整个(?:team|office|group|company|department|class)|整栋楼|整幢楼|整个楼|整个小区|全小区|整个单元|全楼|整条街|整个村|整个部门|全部门|全公司|"
    r"整个公司|整个办公室|全办公室|整个团队|全组|整个群|业主群|所有人|所有用户|所有客户|所有顾客|"
    r"大批|一大批|许多人|好多人|很多人|不少人|一群人|大量|成百上千|成千上万|上百|上千|几百|几千|"
    r"数百|数千|好几十|几十号?人|一桌人|全家人?都|一家人都|左邻右舍|街坊|邻居们|同事们|"
    r"不止我一个|不是我一个|不只我一个|大家都|群里)"
)
# "宿舍一层楼的人都…", "店里的客人都…": a place's people, all of them.
_PLACE_ALL_ZH = scripted(
    r"(?:楼|层|宿舍|小区|村|公司|办公室|部门|班|学校|店里|群里|单位|厂里|单元|栋|院|街|社区|园区|"
    r"大厦|写字楼|工地|车间|网点|分店)[^，。！？]{0,3}的?"
    r"(?:人|客人|顾客|同事|同学|邻居|住户|商户|商家|店)(?:们)?(?:都|全|全都)"
)
# "三个小区", "隔壁几家店也都": several places or organisations, all affected.
_PLACES_ZH = scripted(
    r"(?:[两三四五六七八九十几]|好几|\d+)(?:个|家|所|栋|座)(?:小区|楼|村|店|商家|商户|学校|公司|门店|单位|"
    r"医院|网点|分店)|(?:好几|几十|十几|[三四五六七八九十]+|\d+)户|(?:几|好几|多|很多|不少)家(?:店|商家|商户|公司)?[^，。！？]{0,4}(?:也都|都)"
)
_SAME_TOO_ZH = scripted(
    r"(?:朋友|同事|邻居|家人|用户|客户|顾客|业主|别人|其他人|身边的?人)[们]?(?:也都|都|也是|也一样)"
    r"(?:说|在说|遇到|反映|反应|碰到|是这样|一样|不行|用不了|登不上|付不了|下不了)"
)
_COUNT_ZH = scripted(
    r"(\d+|[一二两三四五六七八九十百千几]+)(?:多|来|余|几)?(?:个|名|位|号|户|家|桌|台|部)?"
    r"(?:人|同事|员工|用户|客户|顾客|客人|同学|家长|邻居|居民|租户|乘客|会员|业主|住户|家庭|账号|"
    r"账户|门店|学生|孩子|老人|电脑|设备|机器|终端|收银机)"
)
_GROUP_EN = scripted(
    r"\b(?:everyone|everybody|all (?:of )?(?:our|my|the) (?:customers|users|staff|team|"
    r"colleagues|neighbou?rs|employees|stores|accounts)|(?:whole|entire) (?:class|school|ward|"
    r"branch|"
    r"fleet|block|estate|village|town|site|team|office|"
    r"building|street|company|department|family|neighbou?rhood|floor|school|city|town)|"
    r"half (?:my|our|the) (?:team|office|staff|building|street|company|department|colleagues)|"
    r"(?:many|lots of|hundreds of|dozens of|thousands of|multiple|several|loads of|tons of|"
    r"a lot of|a bunch of|so many) (?:people|customers|users|accounts|households|families|"
    r"colleagues|members|neighbou?rs|employees|of us)|none of the \w+ (?:people|of us)|"
    r"nobody (?:on|in|at) (?:our|my|the) (?:team|office|building|company)|"
    r"the whole of \w+|all (?:the |of the )?(?:tenants|residents|families|flats|households)|"
    r"none of (?:our|the|my) (?:\d+ )?(?:branches|locations|shops|stores|sites|"
    r"offices|staff|"
    r"team|users|customers|employees|devices|terminals|tills|registers)|"
    r"(?:all|every one) of (?:our|the) (?:\d+ )?(?:branches|locations|shops|stores|sites|"
    r"offices)|"
    r"(?:friends|colleagues|neighbou?rs|others|other customers|other people) (?:say|are saying|"
    r"have|are having|report\w*|see|are seeing) (?:the same|it too|this too)|"
    r"not (?:just|only) me|i'?m not the only one|same (?:issue|problem) as everyone)\b"
)
_COUNT_EN = scripted(
    r"\b(\d+|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred)\+? (?:[\w-]+ ){0,3}?(?:people|customers|users|colleagues|employees|staff|accounts|"
    r"households|families|of us|stores|members|guests|terminals|devices|machines|branches|"
    r"tills|computers|laptops)\b"
)
_WORDS = {
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}


def _count(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token in _WORDS:
        return _WORDS[token]
    return parse_chinese_number(token.replace("几", "三")) or 0


class MassImpact:
    """Many people affected: a group named, "they all", or a count of five or more."""

    name = "mass_impact"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (
        _GROUP_ZH,
        _PLACE_ALL_ZH,
        _PLACES_ZH,
        _SAME_TOO_ZH,
        _GROUP_EN,
        _COUNT_ZH,
        _COUNT_EN,
    )

    def __init__(self, at_least: int = 5) -> None:
        self.at_least = at_least

    def detect(self, text: str, context: Context) -> Finding | None:
        for pattern in (_GROUP_ZH, _PLACE_ALL_ZH, _PLACES_ZH, _SAME_TOO_ZH, _GROUP_EN):
            for match in pattern.finditer(text):
                if not negated(text, match.start()):
                    return Finding(self.name, match.group(0), detail="a group of people")
        for pattern in (_COUNT_ZH, _COUNT_EN):
            for match in pattern.finditer(text):
                count = _count(match.group(1))
                if count >= self.at_least and not negated(text, match.start()):
                    return Finding(self.name, match.group(0), detail=f"{count} people or more")
        return None


_DATA_ZH = (
    r"(?:手机号码?|电话号码?|电话|联系方式|地址|住址|门牌号|身份证号?(?:码|复印件|照片)?|"
    r"证件|姓名|名字|真名|个人信息|个人资料|隐私|银行卡号|卡号|账号密码|密码|工作证|"
    r"病历|体检报告|照片|聊天记录|截图|取件码|验证码|门锁密码|房间号|简历|资料|会员信息)"
)
_EXPOSE_ZH = (
    r"(?:报出|说出|听见|听到|陌生人|给了?别的|给了?其他|发给别人|"
    r"念给|读给|给别人看|给旁边|告诉了?别人|印着|印在|印了|"
    r"贴在|写在|公告栏|公示|念出|读出|"
    r"泄露|泄漏|外泄|曝光|发到|发给|发在|发进|传到|传给|公开|贴出|贴到|晒出|晒到|卖给|"
    r"转给|被别人看到|被人看到|让别人看到|挂在|挂到|流出)"
)
_DATA_EN = (
    r"(?:name|address|phone(?: number)?|number|email address|id (?:number|card)|"
    r"passport|date of birth|birthday|medical records?|card (?:number|details)|"
    r"personal (?:data|details|information|info)|password|photos?|details|data|"
    r"location(?: history)?|contacts|browsing history|order history|history|"
    r"account details)"
)
_LEAK_PATTERNS = [
    scripted(_DATA_ZH + r"[^。！？!?]{0,16}" + _EXPOSE_ZH),
    scripted(_EXPOSE_ZH + r"[^。！？!?]{0,8}" + _DATA_ZH),
    scripted(
        r"(?:另一个|另一位|别的|其他|陌生)(?:客户|用户|顾客|人)的[^。！？]{0,10}"
        r"(?:聊天|截图|订单|单子|" + _DATA_ZH[3:] + r"|人家的" + _DATA_ZH
    ),
    scripted(
        r"(?:别人|他人|陌生人)的" + _DATA_ZH + "|"
        r"(?:推销|贷款|骚扰|诈骗|广告)[^。！？]{0,6}(?:电话|短信|公司)[^。！？]{0,20}"
        r"(?:知道|叫出|说出|报出)|(?:位置|定位|行踪)[^。！？]{0,8}(?:共享|分享|发)给|"
        r"别人的(?:订单|单子|信息|资料|账号|账户|名字|地址|电话|快递|包裹|病历)|"
        r"(?:信息|数据|资料)(?:被)?(?:泄露|泄漏|外泄|卖)|推销电话[^。！？]{0,12}信息|"
        r"(?:诈骗|骚扰)电话[^。！？]{0,16}(?:订单|信息|知道我)"
    ),
    scripted(
        r"\b(?:someone else'?s|another (?:customer|person)'?s|"
        r"other (?:customers|people)'?s?|"
        r"everyone'?s|strangers?'?s?)\b[^.!?]{0,25}\b(?:"
        + _DATA_EN
        + r"|order|account|parcel|package|invoice|receipt)"
    ),
    scripted(
        r"\b" + _DATA_EN + r"\b[^.!?]{0,40}\b(?:visible|on show|on display|posted|shared|"
        r"leaked|exposed|sent to|"
        r"visible to|published|sold|showing up|shown to|in the cc|given out|handed out|"
        r"broadcast)\b"
    ),
    scripted(
        r"(?:拿|用)了?我的(?:身份证|信息|手机号|电话|名字|照片)[^。！？]{0,8}(?:办|注册|开|申请|贷款|借)|"
        r"\b(?:sent|emailed|forwarded|gave|shared|posted)\b[^.!?]{0,40}\bto (?:my|our|"
        r"the) (?:employer|"
        r"boss|ex|landlord|family|parents|neighbou?rs?|colleagues?)\b|"
        r"(?:显示成|变成)了?别人的|跑到了?别人(?:的)?账号|别人账号下|"
        r"\b(?:gave|handed) (?:my|our) keys? to (?:the wrong|a stranger|someone)|"
        r"被[^，。！？]{0,8}拿去(?:注册|办|用|申请|刷单|卖)|偷拍|装了?(?:个|一个)?(?:摄像头|监控)|"
        r"\bgave (?:him|her|them|someone|a stranger) (?:my|our) (?:address|number|phone|"
        r"details|"
        r"name)\b|\b(?:hidden camera|recorded me|filmed me)\b|包裹被(?:拆|打开)|被拆过|"
        r"\b(?:opening|opened|tampered with|resealed)\b[^.!?]{0,30}\b(?:parcels?|packages?)\b|"
        r"\b(?:parcels?|packages?)\b[^.!?]{0,30}\b(?:resealed|tampered)|被(?:人|别人)?(?:盗用|冒用)|(?:用|以)我的名义|发错人|发给了错的人|寄错人|"
        r"\bto the wrong (?:person|address|customer|email|recipient)\b"
    ),
    scripted(
        r"病毒|木马|勒索|\b(?:malware|ransomware|virus|(?:to|with) (?:a )?third[- ]part(?:y|"
        r"ies)|"
        r"(?:to|with) advertisers)\b"
    ),
    scripted(
        r"\b(?:left|handed|gave)\b[^.!?]{0,40}\b(?:with|to) (?:the|a) (?:neighbou?r|stranger)"
        r"[^.!?]{0,40}\b(?:passport|bank card|id card|documents?|card)\b"
    ),
    scripted(
        r"\b(?:passport|id card|bank card|documents?|prescription|medication|"
        r"letters?)\b[^.!?]{0,40}"
        r"\b(?:to|with) (?:a |the |some )?(?:neighbou?r|stranger|someone|random|wrong)|"
        r"\bsent to (?:a |an )?(?:completely |totally )?(?:different|another|wrong) (?:family|"
        r"person|house|address|customer)|(?:寄|送|发)到了?(?:别人家|别人那|错的地址)"
    ),
    scripted(
        r"\b(?:opened|read|went through) (?:my|the) (?:letters?|mail|post|parcel|package)\b|"
        r"\bstranger\b[^.!?]{0,25}\b(?:opened|read|went through)\b"
    ),
    scripted(
        r"\b(?:read|told|gave|shared|showed|sent|emailed|forwarded|said)\b[^.!?]{0,50}"
        r"\b(?:to (?:another|other|a) (?:customer|person|stranger|caller)|out loud|aloud|"
        r"for (?:anyone|everyone|all) to see|on (?:show|display)|"
        r"publicly)\b"
    ),
    scripted(
        r"\b(?:posted|shared|leaked|exposed|published|sold|gave out|handed out)\b"
        r"[^.!?]{0,40}\b" + _DATA_EN + r"\b"
    ),
    scripted(
        r"\b(?:data (?:breach|leak)|leak(?:ed)? (?:my|our) |breach of (?:my )?privacy|"
        r"in the cc line|(?:phishing|scam) (?:text|email|call)s?\b[^.!?]{0,40}"
        r"\b(?:order|only your|your company|account)|hacked|account (?:was |got )?"
        r"(?:taken over|compromised|stolen))"
    ),
    scripted(
        r"\b(?:log ?ins?|sign ?ins?|access\w*|logged in|"
        r"signed in)\b[^.!?]{0,10}\bfrom (?:another|a "
        r"different|an unknown|unknown|a foreign|a strange) (?:country|city|location|device|"
        r"ip)|"
        r"\bsomeone (?:else )?(?:logged|signed) (?:in|into)|\bunrecogni[sz]ed (?:login|"
        r"sign-in|"
        r"device)|\b(?:changed|reset) my (?:password|email|phone number)\b|陌生设备|"
        r"不是我(?:本人)?登录|"
        r"密码被改|被改了密码"
    ),
    scripted(
        r"(?:账号|账户|帐号)[^。！？]{0,4}(?:被盗|被人登录|被登录|被黑|被改)|被盗号|"
        r"被人(?:登录|登陆)了?(?:我的)?(?:账号|账户)?|绑定(?:的)?手机号?被改"
    ),
]


class DataExposed:
    """Personal data shown or sent to others, or an account taken over."""

    name = "data_exposed"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = tuple(_LEAK_PATTERNS)

    def detect(self, text: str, context: Context) -> Finding | None:
        for pattern in _LEAK_PATTERNS:
            for match in pattern.finditer(text):
                if not negated(text, match.start()):
                    return Finding(
                        self.name,
                        match.group(0),
                        detail="personal data exposed or an account taken over",
                    )
        return None
