"""PHP's number and JSON formatting, which Wikibase's JSON output and hashes depend on."""

import codecs
import json

_JSON_ESCAPE = "entitybase-json-escape"
# An encode error handler: each run of non-ASCII characters becomes JSON \u escapes.
codecs.register_error(
    _JSON_ESCAPE, lambda error: (json.dumps(error.object[error.start:error.end])[1:-1], error.end))


def php_float(value: float, significant: int | None = None, exp_char: str = "e") -> str:
    """Format a float as PHP's php_gcvt does.

    With ``significant`` None this is PHP's ``serialize_precision = -1`` (json_encode):
    the shortest digits that round-trip. With 14 it is ``(string)$float`` at precision 14.
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign = "-" if value < 0 else ""
    if significant is None:
        limit = 17
        mantissa, _, exponent = repr(abs(value)).partition("e")
        if not exponent:
            mantissa, exponent = _normalise_plain(mantissa)
        else:
            exponent = int(exponent)
    else:
        limit = significant
        mantissa, _, exponent = f"{abs(value):.{significant - 1}e}".partition("e")
        exponent = int(exponent)
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    digits = digits.lstrip("0") or "0"
    decpt = exponent + 1  # value = 0.DIGITS * 10**decpt
    if (decpt < -3) if decpt < 0 else (decpt > limit):
        exp = decpt - 1
        rest = digits[1:] or "0"
        return f"{sign}{digits[0]}.{rest}{exp_char}{'-' if exp < 0 else '+'}{abs(exp)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def _normalise_plain(text: str) -> tuple[str, int]:
    """'123.45' -> ('1.2345', 2): the mantissa and decimal exponent of a plain repr."""
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    whole = whole.lstrip("0")
    if whole:
        return f"{whole[0]}.{whole[1:]}{frac}", len(whole) - 1
    stripped = frac.lstrip("0")
    return f"{stripped[0]}.{stripped[1:]}", -(len(frac) - len(stripped)) - 1


def escape_non_ascii_json(data: bytes) -> bytes:
    """Escape non-ASCII in UTF-8 JSON as \\u00e4 (lowercase hex, surrogate pairs), as PHP."""
    if data.isascii():
        return data
    return data.decode().encode("ascii", _JSON_ESCAPE)


def php_json_encode(value) -> str:
    """PHP's default json_encode: ASCII only, '/' escaped as '\\/', PHP floats."""
    if isinstance(value, list):
        return "[" + ",".join(php_json_encode(v) for v in value) + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return php_float(value)
    if isinstance(value, str):
        return json.dumps(value).replace("/", "\\/")
    raise TypeError(f"cannot encode {type(value).__name__}")
