"""Harm concepts: safety and health, a service outage, public exposure.

Seed 001's P1 list: a safety hazard, a system-wide outage, public-opinion
risk (media, social platforms) and, with seed 000, regulators and lawyers.
A threat counts in any tense and as a condition (「明天还不退款我就找电视台」,
"my post already has 10k views"); only a negation right before it
(「我不会去曝光」, "I won't post") cancels it.  An outage is P1 when it is
the service that is down (「崩了」, "the site is down", a 5xx error, "since
this morning"); one customer who cannot log in is a P2 broken core function.
"""

from __future__ import annotations

from complaintflow.classify.concepts.base import Context, Finding, hypothetical, negated
from complaintflow.classify.concepts.scripted import Scripted, scripted
from complaintflow.domain.vocabulary import Channel, Priority

__all__ = ["Outage", "PublicExposure", "Safety"]

_SEVERE = scripted(
    r"着火|起火|失火|火灾|燃起来|烧起来|烧了|烧黑|烧焦|烧坏|烧化|冒烟|冒火|冒火花|火花|爆炸|炸了|炸开|"
    r"爆了|漏电|触电|电到|被电|电击|电麻|烫伤|烧伤|划伤|割伤|受伤|流血|骨折|缝针|住院|进了?医院|"
    r"在医院(?!工作|上班|当|做|实习)|(?:燃气|煤气|天然气|瓦斯)[^，。！？]{0,6}(?:味|泄漏|漏|没关)|(?:卡住|夹住|夹到)了?(?:手|脚|头|手指|孩子)|肿了|(?:轮胎|轮子|刹车|方向盘|座椅)[^，。！？]{0,6}(?:掉了|脱落|爆了|松了)|水泡|起泡|烫得|烫红|送医|急诊|挂水|输液|(?:开水|热水|热汤|热油)[^，。！？]{0,8}(?:洒|泼|浇|溅)|(?:里|中|里面)(?:有|发现了?|吃出了?)[^，。！？]{0,4}(?:针|钉|玻璃|刀片|铁丝|钢丝|虫|蟑螂|老鼠|异物)|被困|召回[^，。！？]{0,10}(?:没|没有|不|也不)(?:通知|告诉)|夹断|夹伤|压断|割断|切断|跳闸|短路|玻璃碎|碎玻璃|玻璃渣|救护车|叫了120|打了120|摔倒|往下掉|下坠|困在电梯|困住|撞倒|撞到|撞伤|撞坏|撞了|剐蹭|刹车失灵|刹不住|失控|侧翻|倒塌|塌了|砸到|砸伤|掉下来|坠落|"
    r"口子|伤口|划破|割破|刺破|尖锐|扎伤|摔伤|夹伤|烫到|"
    r"(?:吃|喝|发现)出?了?[^，。！？]{0,6}(?:钢丝|玻璃|铁|钉|虫|蟑螂|苍蝇|老鼠|蛆|头发|异物|塑料|刀片)|"
    r"(?:差点|险些)[^，。！？]{0,6}(?:摔|掉|烧|炸|触电|噎|窒息|受伤|出事|出人命)|摔出去|摔下来|摔伤|"
    r"被偷|入室|盗窃|失窃|鼓包|(?:牙|牙齿)[^，。！？]{0,4}(?:崩|断|掉|硌)|差点吞|吞下去|咽下去|医生|就医|看病|诊所|焦味|糊味|烧焦味|"
    r"(?:插座|插头|电线|线路|充电口)[^，。！？]{0,4}(?:黑|焦|烧|化|熔)|抢救|中毒|上吐下泻|窒息|噎住|昏迷|晕倒|玻璃渣|刀片|安全隐患|"
    r"\b(?:(?:caught|catch|catches|on|started a|into) fire|fire (?:broke out|started)|flames|"
    r"smok(?:e|ed|ing)|sparks?|sparked|explod\w*|exploded|"
    r"burst|melt(?:ed|ing)?|burning|overheat\w*|electric shock|doctor|clinic|"
    r"(?:crash(?:ed)?|reversed|drove|backed) into|knocked (?:over|down)|"
    r"hit (?:my|our) (?:car|house|child|kid|son|daughter|dog|gate|wall)|"
    r"recall(?:ed)?\b[^.!?]{0,40}\b(?:nobody|no one|never|didn'?t|not) (?:told|tell|informed|"
    r"notified)|boiling water|hot (?:oil|soup|water) (?:spilled|went) (?:over|on)|"
    r"tripped (?:the )?(?:electrics|breaker|fuse)|short[- ]circuit\w*|burgl\w*|robbed|break-in|"
    r"broken into|swell\w*|swollen|bulging|hissing|chipped (?:a |"
    r"my )?tooth|"
    r"broke (?:a |my )?tooth|"
    r"gas leak|smell(?:s|ed)? (?:of )?gas|(?:tyre|tire|wheel|brake|steering|seat)s?\b[^.!?]{0,20}"
    r"\b(?:came off|fell off|came loose|blew out|detached|snapped)|"
    r"cut (?:my|his|her|their|our)|sharp edges?|gash|swallow\w*|"
    r"found (?:a |some )?(?:glass|metal|wire|"
    r"bug|insect|hair|plastic|bolt|screw|mou?ld|maggots?|worms?|cockroach\w*)|mou?ldy|shocked|electrocut\w*|burn(?:ed|t|s)?|scald\w*|"
    r"injur\w*|hurt|bleeding|stitches|hospital\w*|er|a&e|emergency room|ambulance|"
    r"poison\w*|anaphyla\w*|trouble breathing|couldn'?t breathe|choking|choked|"
    r"brakes? failed|hazard\w*|dangerous|unsafe|glass (?:in|shards?))\b"
)
_MILD = scripted(
    r"过敏|红肿|拉肚子|腹泻|呕吐|肚子疼|发烧|起疹子|皮疹|头晕|"
    r"\b(?:allergic|rash|hives|sick|diarrh\w*|vomit\w*|nause\w*|food poisoning)\b"
)


_TOGETHER = scripted(
    r"全家|一家[^，。！？]{0,3}口?|[两三四五六七八九十几]口人?|我们几个|全都|都(?=[^，。！？]{0,4}(?:拉|吐|泻))|"
    r"\b(?:whole family|all of us|everyone who ate|the whole table)\b"
)


class Safety:
    """Danger to people: fire, shock, injury, poisoning (P1); a mild reaction (P2, a person)."""

    name = "safety"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_SEVERE, _MILD)

    def detect(self, text: str, context: Context) -> Finding | None:
        for match in _SEVERE.finditer(text):
            if not negated(text, match.start()) and not hypothetical(text, *match.span()):
                return Finding(self.name, match.group(0), detail="danger to people")
        for match in _MILD.finditer(text):
            if not negated(text, match.start()) and not hypothetical(text, *match.span()):
                together = _TOGETHER.search(text)
                if together is not None:  # a whole family ill at once: a poisoning
                    return Finding(
                        self.name,
                        f"{together.group(0)} ... {match.group(0)}",
                        detail="several people ill",
                    )
                return Finding(
                    self.name, match.group(0), level=Priority.P2, detail="a health reaction"
                )
        return None


_DOWN = scripted(
    r"崩了|瘫痪|宕机|停服|停网|断网了?一|全部断了|整个(?:网站|系统|平台|app|服务)"
    r"|(?:网站|系统|平台|服务器|app|小程序)[^。！？]{0,6}(?:崩|瘫|挂|故障|出问题|出故障)"
    r"|错误码?\s*5\d\d|\b(?:error|code|http)\s*5\d\d\b|\b5\d\d (?:error|bad gateway|"
    r"service unavailable)|\b(?:site|website|app|system|platform|server|service|checkout|manager|"
    r"portal|software|booking system|till|terminal|card reader|"
    r"network|servers?) (?:is|are|was|has been|went|goes|seems|keeps going) (?:\w+ )?"
    r"(?:down|offline|broken for everyone|crashed)|\boutage\b|\bis down\b|"
    r"\b(?:every|all (?:the|our)) (?:tills?|terminals?|machines?|computers?|registers?|screens?)\b"
    r"[^.!?]{0,30}\b(?:froze|frozen|crashed|went down|died|stopped)\b"
)
_CANT = scripted(
    r"登不上|登录不了|登不进|无法登录|无法登陆|进不去|打不开|用不了|无法使用|付不了|无法支付|没法付款|"
    r"收不了|刷不了卡|用不到|登入不|无法登入|登不到|没法支付|下不了单|无法下单|不能下单|没办法下单|没法下单|充不上电|"
    r"\b(?:can'?t|cannot|unable to|couldn'?t|can not) (?:seem to |even |get to )?(?:log ?in|"
    r"sign ?in|check ?out|pay|"
    r"order|place an order|access|connect|use|(?:take|accept|process|make|receive) (?:a single |"
    r"any )?"
    r"(?:card )?payments?)\b|\bwon'?t (?:load|let me (?:log|pay|check))"
)
_LONG = scripted(
    r"今天一直|一直到现在|从[^。！？]{0,6}(?:到现在|开始)|(?:早上|上午|中午|下午|晚上|昨天|昨晚|今早|凌晨|\d+点)"
    r"[^。！？]{0,8}(?:开始|起)|现在都|到现在|一整天|一上午|一下午|一晚上|一天一夜|好几个小时|几个小时|"
    r"\d+\s*个?小时|(?:一|两|三|几|好几)个多?小时|半天|"
    r"\bsince (?:this morning|last night|yesterday|\d)|\bfor (?:hours|\d+ hours|two hours|"
    r"three hours|the whole day|days|a day)|\ball (?:\w+ )?(?:day|morning|night|evening|weekend)\b"
)


class Outage:
    """The service is down (P1); one customer cannot log in / pay / order (P2)."""

    name = "outage"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_DOWN, _CANT)

    def detect(self, text: str, context: Context) -> Finding | None:
        for match in _DOWN.finditer(text):
            if not negated(text, match.start()) and not hypothetical(text, *match.span()):
                return Finding(self.name, match.group(0), detail="the service is down")
        for match in _CANT.finditer(text):
            if negated(text, match.start()) or hypothetical(text, *match.span()):
                continue
            long = _LONG.search(text)
            if long is not None:
                return Finding(
                    self.name,
                    f"{match.group(0)} ... {long.group(0)}",
                    detail="a core function down for hours",
                )
            return Finding(
                self.name,
                match.group(0),
                level=Priority.P2,
                human=False,
                detail="a core function fails",
            )
        return None


_PUBLIC = scripted(
    r"媒体|记者|电视台|报社|报纸|新闻|曝光|上热搜|热搜|(?<![\d.])(?:12315|12345|315)(?![\d.元块])|"
    r"消协|消费者协会|消保委|工商局|工商部门|找工商|去工商|市场监管|监管局|监督管理局|监管部门|银保监|银监|证监|金融监管|通信管理局|工信部|"
    r"消委会|传媒|去你们门口|到你们门口|去门店闹|到店里闹|堵你们|联名|请愿|拉横幅|横幅|堵门|静坐|去你们公司|闹到|消费者热线|投诉热线|消费者权益|消保|市长热线|政府热线|信访|政府部门|相关部门|法院|起诉|告你们|诉讼|打官司|律师|律师函|仲裁|报警|警察|公安|派出所|举报|黑猫投诉|黑猫|"
    r"集体维权|维权群|"
    r"(?:发|挂|晒|传|放|贴|po|上传|曝|投诉|写)(?:到|在|上)?[^。！？,，]{0,4}"
    r"(?:微博|抖音|小红书|快手|b站|知乎|朋友圈|头条|公众号|视频号|论坛|贴吧|网上|大众点评|"
    r"点评|微信群|群里)|(?:微博|抖音|小红书|快手|b站|知乎|朋友圈|视频号)[^。！？]{0,6}"
    r"(?:发|挂|晒|曝光|发帖|发了|上了|点赞|播放|转发|评论|阅读|骂|吐槽)|"
    r"(?:微博|抖音|小红书|快手|b站|知乎|朋友圈|视频号|网上)[^。！？]{0,12}(?:转|帖|热度|火了|热搜)|"
    r"我的(?:帖子|视频|微博)|"
    r"(?:微博|抖音|小红书|快手|b站|知乎|朋友圈|头条|公众号|视频号|论坛|贴吧|网上)[^。！？]{0,10}"
    r"(?:写了|发了|文章|帖子|视频|曝光)|"
    r"让更多人看到|播放量|阅读量|点赞[^。！？]{0,4}(?:好几|上千|上万|\d)"
)
# Appeals to the crowd are a public-opinion risk where the crowd reads them.
_CROWD = scripted(
    r"转发|扩散|评评理|避雷|千万别买|让大家看看|大家注意|提醒大家|别再上当|"
    r"\b(?:avoid|don'?t buy|stay away|beware|warning to|rt|pls share|please share)\b"
)
_PUBLIC_EN = scripted(
    r"\b(?:media|press|journalists?|reporters?|newspapers?|the news|local news|"
    r"news (?:outlet|desk|station)|"
    r"the papers|tv (?:station|news|channel)|on tv|television|"
    r"bbb|better business bureau|ftc|fcc|cfpb|trading standards|ombudsman|regulators?|"
    r"consumer (?:protection|rights|council|affairs|agency|watchdog)|attorney general|watchdog|"
    r"(?:bbc|itv|cnn|sky news) (?:are|is|want|have|will)|my story|petition|"
    r"(?:lawyers?|attorneys?|solicitors?)\b(?! friend)|sue|suing|lawsuit|legal (?:action|remedies|"
    r"proceedings|steps|route)|court|small claims|"
    r"police|going viral|went viral|viral|retweet\w*|everyone should know|spread the word|"
    r"boycott|(?:\d+k?|thousands of|hundreds of) (?:views|likes|shares|retweets|followers|replies|"
    r"comments)|mp|member of parliament|congress\w*|senator|councill?or|local council|"
    r"(?:post\w*|shar\w*|tweet\w*|upload\w*|video|thread|review\w*|writ\w*|put)\b[^.!?]{0,30}"
    r"\b(?:twitter|x\.com|facebook|instagram|tiktok|youtube|reddit|trustpilot|yelp|google|"
    r"social media|online|linkedin)|(?:twitter|facebook|instagram|tiktok|youtube|reddit|"
    r"social media)\b[^.!?]{0,20}\b(?:post\w*|thread|video|views))\b"
)


class PublicExposure:
    """Media, platforms, regulators, lawyers: named as a fact, a plan or a condition.

    An appeal to the crowd (「大家评评理」, "avoid!") counts on the social
    channel only, where the crowd reads it.
    """

    name = "public_exposure"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_PUBLIC, _PUBLIC_EN, _CROWD)

    def detect(self, text: str, context: Context) -> Finding | None:
        patterns = [_PUBLIC, _PUBLIC_EN]
        if context.channel is Channel.SOCIAL:
            patterns.append(_CROWD)
        for pattern in patterns:
            for match in pattern.finditer(text):
                if not negated(text, match.start()):
                    return Finding(
                        self.name,
                        match.group(0),
                        detail="public exposure, a regulator or legal action",
                    )
        return None
