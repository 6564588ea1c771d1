"""Quantities in standard units (`UnitConverter::toStandardUnits`, `QuantityValue::transform`)."""

import math
from decimal import ROUND_HALF_UP, Decimal

from ..model import QuantityValue
from .lookup import RdfLookup


def to_standard_units(value: QuantityValue, lookup: RdfLookup,
                      concept_uri: str) -> QuantityValue | None:
    """The value in its standard unit; the value itself if it is in one; None if unknown."""
    unit = value.unit
    if unit == "1":
        return None
    local = unit.removeprefix(concept_uri)
    conversion = lookup.unit_conversion(local)
    if conversion is None:
        return None
    target = conversion.unit
    if target == local:
        return value
    if not target.startswith(concept_uri):
        target = concept_uri + target
    if target == unit:
        return value
    factor = Decimal(conversion.factor)
    if factor <= 0:  # Wikibase refuses negative and zero factors
        return None
    return _transform(value, target, factor)


def _transform(value: QuantityValue, unit: str, factor: Decimal) -> QuantityValue:
    amount = Decimal(value.amount) * factor
    if not value.upperBound:  # unbounded: only the amount changes
        return QuantityValue(_decimal(amount), unit)
    upper = Decimal(value.upperBound) * factor
    lower = Decimal(value.lowerBound) * factor
    exponent = _order_of_uncertainty(amount, upper, lower)
    return QuantityValue(_decimal(_round(amount, exponent)), unit,
                         _decimal(_round(upper, exponent)), _decimal(_round(lower, exponent)))


def _order_of_uncertainty(amount: Decimal, upper: Decimal, lower: Decimal) -> int:
    precision = min(float(amount) - float(lower), float(upper) - float(amount))
    if precision == 0.0:
        # no uncertainty: as many decimals as the amount has
        return min(0, amount.as_tuple().exponent)
    # floor(log10(precision)), nudged as Wikibase does against floating point error
    return math.floor(math.log10(precision + 0.0000000005))


def _round(number: Decimal, exponent: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) \
        if exponent < 0 else number.scaleb(-exponent).quantize(
            Decimal(1), rounding=ROUND_HALF_UP).scaleb(exponent)


def _decimal(number: Decimal) -> str:
    """Wikibase's decimal strings: a sign, no exponent, no superfluous zeros."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-"):
        return text if text.strip("-0.") else "+0"
    return "+" + text
