"""Strong emotion: seed 002 hands an angry customer to a person.

The lexicon carries named emotions; this detector catches what customers
do besides naming them: shouting (「！！！」, "!!!"),
swearing, and the everyday words of being fed up in both languages.  It
asks for a person and for P2 (a strong negative emotion), never for P1.
"""

from __future__ import annotations

from complaintflow.classify.concepts.base import Context, Finding, negated
from complaintflow.classify.concepts.scripted import Scripted, scripted
from complaintflow.domain.vocabulary import Priority

__all__ = ["StrongEmotion"]

_ANGRY = scripted(
    r"气死|气炸|窝火|火大|恼火|愤怒|受够|忍无可忍|忍不了|太过分|欺人太甚|岂有此理|服了|无语|崩溃|"
    r"垃圾(?![桶袋带分清扔收站])|坑人|骗子|什么破|破玩意|烂透|恶心|混蛋|他妈|tmd|妈的|去死|投诉到底|再也不|最差|"
    r"[!！]{2,}|[?？]{3,}|"
    r"\b(?:livid|furious|fuming|outraged|disgust\w*|fed up|sick (?:and tired )?of|had enough|"
    r"ridiculous|unacceptable|outrageous|pathetic|worst|never again|done with you|joke|scam|"
    r"wtf|wth|damn|hell|bullshit|bs|ffs|angry|pissed|infuriat\w*|appalled|"
    r"incompetent|shameful|disgrace\w*)\b"
)


class StrongEmotion:
    """Anger or exasperation, named or shouted: a person should answer (P2)."""

    name = "strong_emotion"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_ANGRY,)

    def detect(self, text: str, context: Context) -> Finding | None:
        for match in _ANGRY.finditer(text):
            if not negated(text, match.start(), zh_window=2, en_window=12):
                return Finding(
                    self.name, match.group(0), level=Priority.P3, detail="strong negative emotion"
                )
        return None
