"""Kind from the whole message: rules that read past the first complaint word.

The lexicon scores words; these rules read the shape of the message and
overrule the score when the shape is clear, each with its reason:

``praise_after_fix``
    Praise that mentions the problem that was solved is praise: a thank-you
    or a compliment after a resolution ("修好了", "refunded", "sorted") with
    no complaint left standing after it.  Customers tell the story of the
    problem before the thanks; the story is not the point of the message.
``proposal_question``
    A question that proposes a change ("能不能加个…", "could you add…",
    "why not let us pick…") is a suggestion: it asks for something new,
    not for information and not for help with an order.
``rhetorical_question``
    A complaint phrased as a question ("为什么说好的赠品没有送？", "how is it
    acceptable that…", "凭什么…") is a complaint: the question mark carries
    indignation, not a request for facts.
``urgent_question``
    A question that reports an urgent event (a double charge, a leak, an
    outage) is a complaint: 「你们网站崩了吗？群里好多人都下不了单」.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from complaintflow.classify.base import Reason
from complaintflow.classify.concepts import Finding
from complaintflow.classify.concepts.base import negated
from complaintflow.classify.concepts.scripted import Scripted, scripted
from complaintflow.domain.vocabulary import Kind, Priority

__all__ = ["apply_kind_rules", "has_problem", "turn_after_praise"]

_SOURCE = "keyword"
_PRAISE = scripted(
    r"表扬|点赞|好评|五星|5星|很满意|非常满意|挺满意|满意|感谢|谢谢|多谢|辛苦了|给力|专业|到位|贴心|"
    r"(?:确实|真的|真|挺|很|超|特别|非常|蛮|还挺)(?:好|不错|棒|赞|香|值)|(?:很|非常|特别)(?:彻底|专业|及时|细致|仔细|认真|耐心)|流畅多了|顺畅|好多了|没话说|热情|友好|客气|有礼貌|耐心|负责|准时|仔细|周到|细心|没得说|跟新的一样|物美价廉|性价比|舒服|值得|热心|认真|用心|主动|靠谱|赞|不错|很好|挺好|真好|完好|喜欢|好用|好吃|好看|满分|很棒|真棒|太棒|厉害|佩服|暖心|良心|好样的|效率(?:很|真|超)?高|会回购|还会再买|"
    r"(?:物流|快递|发货|送货|到货|配送|处理|回复|退款|上门|速度)[^，。！,.!]{0,3}"
    r"(?:太快|好快|很快|真快|超快|挺快|神速|迅速|及时)|"
    r"\b(?:would|will|'?d|'?ll) (?:definitely )?(?:buy|order|shop|come) (?:again|here again)|"
    r"\b(?:arrived|delivered|came|shipped|shipping|delivery|response|refund)\b[^.!?,]{0,15}"
    r"\b(?:early|fast|quick(?:ly)?|promptly|in no time|ahead of schedule)\b|"
    r"\b(?:nice one|great|brilliant|excellent|amazing|awesome|impressed|appreciate\w*|thank\w*|"
    r"thx|ty|on time|punctual|careful|thorough|recommend\w*|best|top notch|lovely|loves?|"
    r"loved|good|nice|polite|friendly|patient|"
    r"above and beyond|kudos|shout ?out|10/10|perfect|fantastic|"
    r"wonderful|superb|"
    r"well done|good job|great job|helpful|flawless|cheers|grateful|5 stars?|five stars?)\b"
)
_RESOLVED = scripted(
    r"解决了|已解决|解决得|修好|搞定|处理好|处理得|退回来|退回了|退了回来|到账了|补发|换新|换了新|"
    r"(?:现在|后来|结果|更新后|如今|马上|立刻|当天就|第二天(?:一早)?就?)[^，。！？]{0,10}(?:好了|没有了|没了|"
    r"正常了?|流畅|顺畅|解决|修好|修得|到账|就来了|给换了|给退了|换了|补发)|"
    r"(?:结果|后来|最后|最终|没想到)[^，。！？]{0,12}(?:送|找|到|修|换|退|解决|处理)|道歉|赔礼|追回|恢复了|给换了|给退了|修得很|不卡了|改了|好了|已经收到|收到了|重新发|帮我联系|帮我处理|帮我解决|帮我换|"
    r"\b(?:fixed|sorted|resolved|refunded|replaced|replacement|came through|back up|"
    r"working again|handled|took care|helped|arrived|received|chasing|fixing|sorting|resolving|"
    r"came back|got (?:it|"
    r"my money) back|reversed|"
    r"credited|but then|in the end|eventually|turned up|sent (?:a|"
    r"me a) new|apologi[sz]ed|is fixed|"
    r"now works)\b"
)
_PROPOSAL = scripted(
    r"希望(?=[^，。！？]{0,3}(?:能|可以|增加|加|支持|出|提供|推出|开通|延长|改))|"
    r"有没有可能|是否可能|可不可能|能否考虑|考虑一下|能不能|可不可以|可否|能否|是否可以|是不是可以|为什么不|何不|要是能|如果能|如果可以|要是.{0,12}就好了|"
    r"\b(?:could you|can you|could (?:the|your|we)|can (?:the|your|we)|would it be possible|"
    r"why not|why don'?t you|how about|what about|"
    r"have you (?:ever )?(?:considered|thought about|thought of)|wouldn'?t it be (?:easier|better|"
    r"nicer|great|good)|any chance|would be (?:nice|great|good|helpful|better)|"
    r"it'?d be (?:nice|great|good|helpful)|i wish|wish (?:you|the|it|there)|"
    r"maybe (?:you|offer|add|let|allow|have|make|give|use)|"
    r"please (?:consider|add)|you (?:guys |all |folks |lot )?should|y'?all should|"
    r"i'?d love (?:it )?if|would love (?:it )?if|suggest\w*|"
    r"just an idea|feature request)\b|"
    r"只是个?想法|个人建议"
)
# Phrasings that propose by their form alone, whatever the verb after them.
_PROPOSAL_FORM = scripted(
    r"有没有可能|能否考虑|考虑一下|要是[^，。？?]{0,12}就好了|"
    r"\b(?:have you (?:ever )?(?:considered|thought about|thought of)|wouldn'?t it be|why not|"
    r"how about|what about|it'?d be (?:nice|great)|would be (?:nice|great|good|helpful|better)|"
    r"i wish|just an idea|feature request|i'?d love (?:it )?if|would love (?:it )?if)\b"
)
# A proposal by its form turns even a "love it" into a suggestion: "I'd love it if you stocked …".
_WISH = scripted(
    r"\b(?:i'?d love (?:it )?if|would love (?:it )?if|i wish you)\b|要是[^，。？?]{0,12}就好了"
)
_CHANGE = scripted(
    r"加|增加|添加|出个|出一|出款|推出|做成|做个|做得|延长|支持|提供|开通|改成|改为|优化|简化|多放|设置|"
    r"上门|标得|版本|多开|多加|多安排|多派|增开|改一下|改改|调大|放大|印|写上|标上|附上|配上|提前|早点|调整|"
    r"\b(?:add|make|offer|let|allow|support|introduce|include|provide|extend|bring|show|"
    r"remember|launch|option|feature|keep|pick|choose|stock|stocked|open|enable|do|start|create|"
    r"sell|bring back|deliver|ship|send|carry)\b"
)
_HELP = scripted(
    r"帮我|帮忙|告诉我|查一下|查查|给我|我的订单|退款|退钱|退给|还给|赔|快点|赶紧|尽快|马上|立刻|"
    r"\b(?:for me|help me|tell me|check|refund|asap|immediately|my order)\b"
)
_RHETORICAL = scripted(
    r"为什么|凭什么|怎么回事|怎么还|怎么又|怎么才|怎么就|难道|到底|合适吗|这算什么|这算哪门子|有没有人管|"
    r"就是这样|这样对待|这就是你们|是机器人吗|是摆设吗|有人吗|到底有没有|还有没有|"
    r"还想不想|像话吗|什么意思啊|怎么突然|突然就|莫名其妙|凭空|说好[^，。？?]{0,12}怎么|怎么[^，。？?]{0,6}就|不是说|"
    r"\b(?:how is (?:it|this|that) (?:acceptable|possible|ok|okay|fair)|"
    r"how come|why (?:is|was|does|did|do|has|have|am|are|would|the hell|on earth)|"
    r"what'?s going on|what is going on|is this (?:a joke|acceptable|normal)|which is it|"
    r"are you (?:kidding|serious)|seriously\?|is it too much to ask|what'?s the point|"
    r"how many times|are you seriously|do you (?:even|actually)|is anyone)"
)
# "If I cancel now, will I still be charged?": asks what would happen, reports nothing.
_CONDITION = scripted(
    r"^\W*(?:if\b|what if\b|如果|假如|要是)[^.!?。！？]{0,60}"
    r"(?:\bwill\b|\bwould\b|会不会|会|能不能)"
    r"[^.!?。！？]*[?？]"
)
_TURN_TO_PRAISE = scripted(r"不过|但是?|可是|\b(?:but|though|still)\b")
_MINOR = scripted(r"有点|有些|稍微|一点|略|\b(?:a bit|slightly|a little|kinda|somewhat)\b")
# "想团购", "would like to order": a request for something, not a problem.
_WANTS = scripted(
    r"想(?:要|问|了解|买|团购|订|咨询|知道)|\b(?:want to (?:buy|order|know)|would like to|"
    r"interested in)\b"
)
_CLAUSE_END = re.compile(r"[，。！？,.!?;；]")
_TURN = scripted(
    r"就是|只是|但是?|可是|不过|可惜|美中不足|结果|\b(?:but|however|except|shame|pity)\b"
)
_PROBLEM = scripted(
    r"慢|晚|坏|破|差|错|没|不|少|贵|脏|漏|裂|松|丢|停|断|掉|被|退回|收不到|都不能|都没法|空盒|空的|空包|在等|等着|还在等|问题|麻烦|等了|半天|小时|"
    r"\b(?:slow|late|broken|bad|wrong|missing|damaged|not|never|no|poor|expensive|dirty|cracked|"
    r"fault\w*|defect\w*|issues?|problems?|none of|no one|nobody|loose|stuck|stopped|lost|"
    r"bricked|dead|died|broke|lose|fail\w*|can'?t|"
    r"cannot|unable|down|"
    r"error|crash\w*|gone|"
    r"only \d+|took (?:an hour|ages|forever|\d+)|hours?|ages|forever|still|again)\b"
)
_QUESTION = scripted(r"[?？]|吗|呢")
_REQUEST = scripted(
    r"(?:希望|尽快|请|麻烦|能不能|要求|赶紧|快点|还没|没有|没|不能|please|hope|asap|need|want|"
    r"could you|can you|not|never|still)\W*\w*\W*$"
)


def _done(text: str) -> re.Match[str] | None:
    """A resolution the customer reports as done, not one they ask for."""
    for match in _RESOLVED.finditer(text):
        before = _CLAUSE_END.split(text[max(0, match.start() - 8) : match.start()])[-1]
        if not _REQUEST.search(before):
            return match
    return None


def _last(pattern: Scripted, text: str) -> re.Match[str] | None:
    found = None
    for match in pattern.finditer(text):
        if not negated(text, match.start(), zh_window=2, en_window=12):
            found = match
    return found


def apply_kind_rules(
    text: str,
    kind: Kind,
    complaint_ends: Sequence[int],
    findings: Sequence[Finding],
    scores: Mapping[Kind, float],
    *,
    defaulted: bool = False,
) -> tuple[Kind, list[Reason]]:
    """The kind after the whole-message rules, and the reason of the rule that fired.

    ``complaint_ends`` are the end offsets of the lexicon's complaint
    evidence, so a rule can tell whether a complaint is left after the praise.
    """
    # Many people or a large sum make a problem bigger; on their own they are no problem.
    amplifiers = ("large_amount", "mass_impact")
    urgent = [f for f in findings if f.level is Priority.P1 and f.concept not in amplifiers]
    praise = _last(_PRAISE, text)
    if kind is not Kind.PRAISE and praise is not None:
        after = [end for end in complaint_ends if end > praise.end()]
        fixed = _done(text)
        # "thanks to the team who fixed our outage": what was fixed may follow the fix
        beyond = max(praise.end(), fixed.end() + 20) if fixed is not None else praise.end()
        settled = not [end for end in complaint_ends if end > beyond]
        if settled and fixed is not None and fixed.start() < praise.end() + 40:
            evidence = f"{fixed.group(0)} ... {praise.group(0)}"
            return Kind.PRAISE, [Reason(_SOURCE, "kind", "praise", "praise_after_fix", evidence)]
        asks = kind is Kind.INQUIRY and _QUESTION.search(text) is not None
        weak = scores.get(Kind.COMPLAINT, 0) <= 1 and not asks
        quiet = not (after or urgent or scores.get(Kind.SUGGESTION)) and weak
        quiet = quiet and _RHETORICAL.search(text) is None
        if quiet:
            return Kind.PRAISE, [Reason(_SOURCE, "kind", "praise", "praise_only", praise.group(0))]
    wish = _WISH.search(text) if kind is Kind.PRAISE else None
    if wish is not None:
        return Kind.SUGGESTION, [
            Reason(_SOURCE, "kind", "suggestion", "proposal_question", wish.group(0))
        ]
    if kind is Kind.PRAISE and _QUESTION.search(text) and _RHETORICAL.search(text):
        rhetorical = _RHETORICAL.search(text)
        assert rhetorical is not None
        return Kind.COMPLAINT, [
            Reason(_SOURCE, "kind", "complaint", "rhetorical_question", rhetorical.group(0))
        ]
    harm = urgent
    if kind is Kind.PRAISE and harm and _done(text) is None:
        return Kind.COMPLAINT, [
            Reason(_SOURCE, "kind", "complaint", "harm_without_fix", harm[0].evidence)
        ]
    if kind is Kind.PRAISE and praise is not None:
        turn = turn_after_praise(text)
        if turn is not None:
            evidence = text[turn.start() : turn.start() + 24]
            return Kind.COMPLAINT, [
                Reason(_SOURCE, "kind", "complaint", "problem_after_praise", evidence)
            ]
    if kind in (Kind.INQUIRY, Kind.COMPLAINT) and not urgent:
        proposal = _PROPOSAL.search(text)
        if proposal is not None and not _HELP.search(text):
            change = _CHANGE.search(text, proposal.start()) or _PROPOSAL_FORM.search(text)
            if change is not None and change.start() - proposal.end() <= 30:
                evidence = f"{proposal.group(0)} ... {change.group(0)}"
                return Kind.SUGGESTION, [
                    Reason(_SOURCE, "kind", "suggestion", "proposal_question", evidence)
                ]
    if kind is Kind.COMPLAINT and praise is not None and not urgent:
        turn = _TURN_TO_PRAISE.search(text)
        quibble = turn is not None and _MINOR.search(text[: turn.start()]) is not None
        if turn is not None and quibble and turn.end() <= praise.start():
            after = [end for end in complaint_ends if end > turn.end()]
            if not after:
                evidence = f"{turn.group(0)} ... {praise.group(0)}"
                return Kind.PRAISE, [
                    Reason(_SOURCE, "kind", "praise", "praise_after_quibble", evidence)
                ]
    # A question that reports an event (a charge, a leak, an outage, a hazard) is a complaint.
    events = [f for f in findings if f.concept not in (*amplifiers, "strong_emotion")]
    if kind is Kind.INQUIRY or (defaulted and kind is Kind.COMPLAINT):
        if events:
            urgent = urgent or events
        if urgent:
            return Kind.COMPLAINT, [
                Reason(_SOURCE, "kind", "complaint", "urgent_question", urgent[0].evidence)
            ]
        rhetorical = _RHETORICAL.search(text)
        if rhetorical is not None and (_QUESTION.search(text) or scores.get(Kind.COMPLAINT)):
            return Kind.COMPLAINT, [
                Reason(_SOURCE, "kind", "complaint", "rhetorical_question", rhetorical.group(0))
            ]
    if kind is Kind.COMPLAINT and not findings and scores.get(Kind.COMPLAINT, 0) <= 1.5:
        condition = _CONDITION.search(text)
        if condition is not None:
            return Kind.INQUIRY, [
                Reason(_SOURCE, "kind", "inquiry", "conditional_question", condition.group(0))
            ]
    if defaulted:
        return _shape(text, findings)
    return kind, []


def has_problem(text: str) -> bool:
    """Problem words anywhere: "many people" is urgent only when something is wrong."""
    return _PROBLEM.search(text) is not None


def turn_after_praise(text: str) -> re.Match[str] | None:
    """The "but" after the last praise that introduces a problem: the message's real topic."""
    praise = _last(_PRAISE, text)
    if praise is None:
        return None
    turn = _TURN.search(text, praise.end())
    if turn is not None and _PROBLEM.search(text, turn.end()):
        return turn
    return None


def _shape(text: str, findings: Sequence[Finding]) -> tuple[Kind, list[Reason]]:
    """No lexicon evidence: read the message's shape (question, problem words, a finding)."""
    events = [f for f in findings if f.concept not in ("large_amount", "mass_impact")]
    if events:
        return Kind.COMPLAINT, [
            Reason(_SOURCE, "kind", "complaint", "shape:finding", events[0].evidence)
        ]
    wants = _WANTS.search(text)
    if wants is not None:
        return Kind.INQUIRY, [Reason(_SOURCE, "kind", "inquiry", "shape:request", wants.group(0))]
    problem = _PROBLEM.search(text)
    if problem is not None:
        return Kind.COMPLAINT, [
            Reason(_SOURCE, "kind", "complaint", "shape:problem_words", problem.group(0))
        ]
    question = _QUESTION.search(text)
    if question is not None:
        return Kind.INQUIRY, [
            Reason(_SOURCE, "kind", "inquiry", "shape:question", question.group(0))
        ]
    return Kind.COMPLAINT, []
