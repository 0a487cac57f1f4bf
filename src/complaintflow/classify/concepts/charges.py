"""What money taken wrongly looks like: the shapes :class:`~.money.MoneyTaken` reads.

Each shape is one way customers tell it, in Chinese and English: charged
more than once, paid but no order, charged for more than delivered, charged
with something wrong about it, charged for nothing bought, charged although
the payment failed, charged after cancelling, charged without consent.
Kept apart from the detector so the detector's logic reads in one screen.
"""

from __future__ import annotations

from complaintflow.classify.concepts.scripted import Scripted, scripted

__all__ = ["SHAPES"]

_CHARGE_ZH = r"(?:扣|收|刷|划|付|支付|交|缴|续费|计费|计了|托收|消费|charge)"
_CHARGE_EN = (
    r"(?:charg\w*|bill\w*|debit\w*|deduct\w*|took|taken|take|paid|pay|withdr[ae]wn?|"
    r"drained|emptied|renew\w*)"
)
_NEVER_AGREED = r"(?:从来|从)?没(?:有)?(?:开通|开过|开|订阅|申请|办理|办过|同意|授权)"
#: (what the shape means, its pattern), in the order they are tried.
SHAPES: list[tuple[str, Scripted]] = [
    (
        "charged more than once",
        scripted(
            r"(?:重复|两次|二次|两笔|三次|三笔|多次|多笔|两遍|双份|2次|3次|2笔|3笔)[^。！？!?]{0,3}"
            + _CHARGE_ZH
            + r"|"
            + _CHARGE_ZH
            + r"(?:款|费|了|我|钱)*[^。！？!?,，]{0,4}(?:两|三|四|五|六|七|八|九|十|二|多|几|好几|"
            r"\d+)(?:次|笔|遍|回|份|倍)"
            + r"|多扣|乱扣|乱收费|扣错|重复扣|又扣|又被扣|反而又?扣|又收了|又刷"
        ),
    ),
    (
        "charged more than once",
        scripted(
            _CHARGE_EN + r"[^.!?]{0,30}\b(?:twice|two times|three times|[23] times|\d+ ?x|x ?\d|"
            r"double|again|multiple times|more than once|for the same)\b"
            r"|\b(?:double|duplicate|twice)[- ]?(?:charg|bill|debit|payment|transaction)"
            r"|\b(?:billed|charged) (?:me )?\d+ times"
            r"|\b(?:billed|charged) (?:me )?(?:twice|three times|four times|\d+x)"
        ),
    ),
    (
        "paid but no order",
        scripted(
            r"(?:付了钱|付了款|付款了|已付款|扣了钱|钱扣了|钱付了|支付成功)[^。！？]{0,20}(?:订单不存在|没有订单|订单也没有|订单都没有|说没收到|"
            r"查不到订单|订单没了|没生成订单|显示未付款|显示失败|订单取消)"
        ),
    ),
    (
        "charged for more than delivered",
        scripted(
            r"\b(?:charged|paid|billed)\b[^.!?]{0,10}"
            r"\bfor (?:\d+|two|three|four|five)\b[^.!?]{0,30}"
            r"\bbut (?:only )?(?:got|received|get)\b|"
            r"扣了[^。！？]{0,6}(?:\d+|[两三四五])(?:份|张|件|"
            r"个)"
            r"[^。！？]{0,10}只(?:收到|给了|到了)"
        ),
    ),
    (
        "charged with something wrong about it",
        scripted(
            r"(?:扣了|收了|被扣|扣掉|扣走|刷了|划走|账单上(?:却|还)?有|话费里(?:还|却)?有|扣我)[^。！？]{0,20}"
            r"(?:没用过|没有用过|没用|没买|没开|没订|没同意|不知道是什么|都不知道|莫名|无故|乱扣|一分都不退|"
            r"不退|没退)|(?:没用过|没有用过|没订过|没开过|没有开通)[^。！？]{0,12}(?:账单|话费|扣|收费|却有)|"
            r"退了一半|只退了?一半|只退了?一部分|押金[^。！？]{0,10}(?:扣掉|不退|没退|扣了)|"
            r"(?:转|付|汇|退|打)[^。！？]{0,6}(?:到了?|给了?|进了?)[^。！？]{0,8}(?:注销|作废|停用|过期)的?"
            r"(?:卡|账户)|" + _CHARGE_ZH + r"[^。！？]{0,20}(?:没出过国|没出国|没去过|人在国内|"
            r"人都没出过)|"
            r"\b(?:card|account)(?:'s| has| was)? (?:been )?used\b|"
            r"(?:转|付|汇|退|打)[^。！？]{0,6}(?:到了?|给了?|进了?)(?:别人的?|错的?|陌生人的?|另外一个人的?|"
            r"另一个人的?|其他人的?)(?:账户|账号|卡)|"
            r"(?:扣了|收了|扣款|付了)[^。！？]{0,12}(?:实际|却|但)?只(?:充|用|收到|到账|给|发|买|有)了?|"
            r"(?:免费试用|试用期?)[^。！？]{0,12}(?:就|却|还)?(?:扣|收|续费)|"
            r"(?:扣款|付款|结算)[^。！？]{0,8}(?:变成了?|成了)(?:\d+|[两三四五六七八九十几]+)(?:件|份|个|倍)|"
            r"\bfree trial\b[^.!?]{0,40}" + _CHARGE_EN + "|"
            r"\b(?:orders?|purchases?|transactions?|payments?)\b[^.!?]{0,20}\b(?:i|we) (?:never|"
            r"didn'?t) "
            r"(?:placed?|made|make|order(?:ed)?|authori[sz]ed?)\b|"
            r"\b(?:went|sent|transferred|refunded|paid|credited) (?:in)?to (?:somebody|"
            r"someone) else'?s? "
            r"(?:account|card)|\bkept (?:my|the) deposit\b|\bonly refunded (?:half|part)\b"
        ),
    ),
    (
        "charged for nothing bought",
        scripted(
            r"(?:账单|扣款|账户|卡|话费|费用)[^。！？]{0,8}(?:多了|多出|多扣)|"
            + _CHARGE_ZH
            + r"[^。！？]{0,15}(?:什么都没|没买|没有买|没有消费|从没|没下过单|没有下单)"
            + r"|"
            + _CHARGE_EN
            + r"\b[^.!?]{0,60}\b(?:never|didn'?t|did not) (?:buy|bought|order|"
            r"ordered|purchase|purchased|use|used|sign up|signed up)\b"
            + r"|"
            + _CHARGE_EN
            + r"\b[^.!?]{0,60}\b(?:never|haven'?t|have not) (?:been|visited|"
            r"travell?ed)\b"
            + r"|\b(?:never|didn'?t|did not) (?:sign(?:ed)? up|subscribed?|order(?:ed)?|agree[d]?|"
            r"buy|bought)\b[^.!?]{0,60}"
            + _CHARGE_EN
            + r"|"
            + _CHARGE_EN
            + r"\b[^.!?]{0,60}\b(?:never|didn'?t|did not) (?:signed?|"
            r"agreed? to)\b"
        ),
    ),
    (
        "charged although the payment failed",
        scripted(
            r"(?:失败|没成功|不成功|未成功|没付成|未支付|待支付|支付异常|付款异常|提示错误|报错|declined|"
            r"failed|didn'?t go through|did not go through|unsuccessful|error)[^。！？!?]{0,24}"
            r"(?:扣|钱(?:却|也|就|都)?没了|少了|划走|money|charged?|debited|taken|left my account|"
            r"deducted|gone)"
            r"|(?:扣了?(?:钱|款|费)?|付了?(?:钱|款)|支付了?|收了?(?:钱|费|款)|钱扣了)[^。！？]{0,2}"
            r"(?:却|但|可|结果)[^。！？]{0,8}"
            r"(?:没|充不上|失败|不到账|没到账|无订单|没有订单|待支付|未支付|未付款)"
            r"|\b(?:money|charge|payment|funds?)\b[^.!?]{0,12}\b(?:left|taken|gone|debited|deducted|"
            r"came out|went out)\b[^.!?]{0,40}\b(?:but|yet|and)\b[^.!?]{0,40}\b(?:pending|failed|"
            r"no order|unpaid|not (?:confirmed|placed|gone through)|no confirmation)"
            r"|\b(?:charged|money (?:was )?taken|paid)\b[^.!?]{0,30}\b(?:but|yet)\b[^.!?]{0,25}"
            r"\b(?:no order|failed|never|nothing)"
            r"|\b(?:took|taken|charged|debited)\b[^.!?]{0,20}\b(?:and|but)\b[^.!?]{0,10}"
            r"\b(?:no|never|nothing)\b"
        ),
    ),
    (
        "charged after cancelling",
        scripted(
            r"(?:退订|取消|关闭|关了|注销|解约|退了|停用|销户)[^。！？!?]{0,24}"
            r"(?:还|又|仍|依然|继续|照样|照扣|还在|每个月|每月|一直)[^。！？!?]{0,8}(?:"
            + _CHARGE_ZH
            + "|钱|费|这笔)"
            + r"|\b(?:cancel+ed|unsubscribed|closed (?:my|the) account|terminated|ended)\b"
            r".{0,80}?\b(?:still|again|since|every month|keep|kept|continue\w*)\b[^.!?]{0,25}"
            + _CHARGE_EN
            + r"|\b(?:cancel+ed|unsubscribed|closed (?:my|the) account|terminated)\b[^.!?]{0,40}"
            + _CHARGE_EN
            + r"[^.!?]{0,25}\b(?:since|every (?:month|week)|each month|again)\b"
            + r"|"
            + _CHARGE_EN
            + r"[^.!?]{0,40}\bsince (?:i|we) (?:cancel|closed|unsubscrib|left|"
            r"ended|terminated)"
            r"|" + _CHARGE_EN + r"\b[^.!?]{0,50}\b(?:cancel+ed|downgraded|unsubscribed|refunded|"
            r"returned|never (?:ordered|received|signed up))\b"
            r"|(?:已取消|取消了|已退款|退了货|已退货|没下单|没有下单)[^。！？]{0,10}(?:还|又|却|仍)?"
            + _CHARGE_ZH
            + r"|"
            + _CHARGE_ZH
            + r"[^。！？]{0,12}(?:已取消|已经取消|已退货|已经退货)"
            r"|" + _CHARGE_EN + r"[^.!?]{0,50}\b(?:even though|although|though|despite|after)\b"
            r"[^.!?]{0,8}\b(?:cancel\w*|closed|unsubscrib\w*|terminat\w*|ended)"
            r"|" + _CHARGE_ZH + r"[^。！？]{0,12}(?:已经|早就|早已|明明)[^。！？]{0,3}"
            r"(?:退订|取消|关闭|关了|注销|解约|停用)"
        ),
    ),
    (
        "charged without consent",
        scripted(
            r"(?:征信|信用记录|贷款记录)[^。！？]{0,20}(?:没借|没有借|从没借|没贷|没有贷)|"
            r"(?:没借|没有借|从没借)[^。！？]{0,20}(?:征信|贷款记录|信用记录)|"
            r"\bcredit (?:record|score|file|report)\b[^.!?]{0,40}\bnever (?:borrowed|took)|"
            + _NEVER_AGREED
            + r"[^。！？]{0,12}"
            + _CHARGE_ZH
            + "|不认识的(?:扣款|消费|交易)|不明扣款|"
            r"被骗[^。！？]{0,6}(?:\d|[一二两三四五六七八九十百千万])|骗走|被诈骗|"
            r"\b(?:scammed|defrauded|fraudulent (?:charge|transaction|site|website|payment))\b|"
            r"\b(?:charges?|transactions?|payments?|debits?)\b(?:[^.!?]|\.\d){0,30}\b(?:don'?t|"
            r"do not|didn'?t)"
            r" recogni[sz]e|\b(?:unrecogni[sz]ed|unknown) (?:charge|transaction|payment|debit)s?\b|"
            + _CHARGE_ZH
            + r"[^。！？]{0,20}"
            + _NEVER_AGREED
            + "|"
            r"(?:没|没有|不)续[^。！？]{0,15}(?:续了|续费|自动|扣)|"
            r"自动(?:给我)?续(?:了|费)[^。！？]{0,12}(?:没|不知道|没有同意)|"
            r"未经[^。！？]{0,4}(?:同意|授权|允许)|谁(?:允许|让)你们扣|没开过?自动续费|"
            r"自动续费[^。！？]{0,20}(?:不知道|没开|没有开|没同意|没提醒|没有收到|没有任何)|"
            r"(?:余额|钱|储值)[^。！？]{0,6}(?:被清零|清零了|没了|不见了|消失了)|"
            r"(?:莫名(?:其妙)?|无缘无故|平白无故)[^。！？]{0,6}(?:"
            + _CHARGE_ZH
            + "|少了|没了)|盗刷|"
            r"被刷了|"
            r"(?:送|赠|免费)[^。！？]{0,12}(?:都|也)(?:收|扣)了?(?:钱|费)?|"
            r"\b(?:both|two|three|all|several) of (?:my|our|us)\b[^.!?]{0,25}\b(?:charged|billed|"
            r"debited)\b|"
            r"\bunauthori[sz]ed\b|\b(?:charges?|purchases?|payments?)\b[^.!?]{0,20}"
            r"\b(?:i|we|none of us)"
            r" (?:never|didn'?t|did not) (?:made|make|authori[sz]e|agree|approve)|"
            r"\bnever (?:agreed|authori[sz]ed)\b|\bwithout (?:any )?(?:notice|warning|telling)\b|"
            r"\bwithout (?:my |our )?(?:consent|permission|"
            r"authori[sz]ation)\b|\b(?:drained|emptied)\b|\b(?:debt collect\w*|bailiffs?|"
            r"collections? agency)\b|暴力催收|催收"
        ),
    ),
]
