"""Exact amounts of money in one ISO-4217 currency.

Compensation decisions hinge on exact boundaries (500.00 CNY is a
supervisor's, 500.01 CNY a department manager's), so amounts are
``Decimal`` and a float, which cannot hold 0.1 exactly, is refused.
Two currencies never mix silently: adding or comparing CNY with USD raises.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from complaintflow.errors import CurrencyMismatchError, MoneyError

__all__ = ["ISO_4217", "Money"]

#: Active ISO-4217 alphabetic codes (funds and precious-metal codes excluded).
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB
    BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK
    LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF
    YER ZAR ZMW ZWG
    """.split()
)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, (bool, float)):
        raise MoneyError(
            f"amount {value!r} is a {type(value).__name__}; pass a str, int or "
            "Decimal such as Money('19.90', 'CNY') so it stays exact",
            field="amount",
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int | str):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise MoneyError(f"amount {value!r} is not a number", field="amount") from None
    else:
        raise MoneyError(
            f"amount must be str, int or Decimal, got {type(value).__name__}",
            field="amount",
        )
    if not amount.is_finite():
        raise MoneyError(f"amount {value!r} is not finite", field="amount")
    return amount


def _to_currency(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in ISO_4217:
        raise MoneyError(
            f"currency {value!r} is not an ISO-4217 code such as 'CNY', 'USD' or 'EUR'",
            field="currency",
        )
    return value.upper()


@attrs.frozen(order=False)
class Money:
    """An exact amount in one currency: ``Money("19.90", "CNY")``."""

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: str = attrs.field(converter=_to_currency)

    def _same(self, other: Money, operation: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(self.currency, other.currency, operation)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def _key(self, other: Any, operation: str) -> tuple[Decimal, Decimal]:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__}")
        self._same(other, operation)
        return self.amount, other.amount

    def __lt__(self, other: Money) -> bool:
        a, b = self._key(other, "compare")
        return a < b

    def __le__(self, other: Money) -> bool:
        a, b = self._key(other, "compare")
        return a <= b

    def __gt__(self, other: Money) -> bool:
        a, b = self._key(other, "compare")
        return a > b

    def __ge__(self, other: Money) -> bool:
        a, b = self._key(other, "compare")
        return a >= b

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
