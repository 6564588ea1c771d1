"""xsd:dateTime literals for Wikibase time values (`DateTimeValueCleaner`,
`JulianDateTimeValueCleaner`): XSD 1.1 years, Julian dates converted to Gregorian."""

from functools import lru_cache

from .vocabulary import GREGORIAN, JULIAN

PRECISION_MONTH = 10
PRECISION_DAY = 11
PRECISION_YEAR = 9


class _BadDate(ValueError):
    pass


@lru_cache(maxsize=8192)  # dates recur across entities (references' retrieval dates)
def xsd_datetime(time: str, precision: int, calendar: str) -> str | None:
    """The xsd:dateTime value Wikibase writes, or None when it writes the raw time string."""
    try:
        if calendar == JULIAN and precision >= PRECISION_DAY:
            return _julian(time) or _gregorian(time, precision)
        if calendar == GREGORIAN or precision < PRECISION_DAY:
            return _gregorian(time, precision)
    except _BadDate:
        return None
    return None


def _parse(time: str) -> tuple[str, str, int, int, str]:
    date, _, clock = time.partition("T")
    minus = "-" if date[0] == "-" else ""
    year, month, day = date[1:].split("-", 2)
    month = min(max(int(month), 1), 12)
    day = max(int(day), 1)
    year = year.lstrip("0")
    if not year:  # year 0 is not a valid date (T94064)
        raise _BadDate(time)
    return minus, year, month, day, clock


def _gregorian(time: str, precision: int) -> str:
    minus, year, month, day, clock = _parse(time)
    if precision <= PRECISION_YEAR:
        month = day = 1
    elif precision == PRECISION_MONTH:
        day = 1
    if not (day <= 28 or (month != 2 and day <= 30)):
        safe_year = -4713 if minus and float(year) >= 4714 else int(year) * (-1 if minus else 1)
        day = min(day, _days_in_month(month, safe_year))
    if precision >= PRECISION_YEAR and minus:
        # XSD 1.1 has a year 0 (1 BCE): negative years move up by one.
        year = str(int(year) - 1)
        if year == "0":
            minus = ""
    return f"{minus}{year.rjust(4, '0')}-{month:02d}-{day:02d}T{clock}"


def _julian(time: str) -> str | None:
    minus, year, month, day, clock = _parse(time)
    y = -int(year) if minus else int(year)
    if y < -4713 or y > 1465072:
        return None
    sdn = _julian_to_sdn(y, month, day)
    if sdn == 0:
        return None
    gy, gm, gd = _sdn_to_gregorian(sdn)
    if gy == 0:
        return None
    if gy < 0:
        gy += 1
    return f"{'-' if gy < 0 else ''}{abs(gy):04d}-{gm:02d}-{gd:02d}T{clock}"


# PHP's calendar extension (sdncal): serial day numbers, no year 0 (-1 is 1 BCE).

def _julian_to_sdn(year: int, month: int, day: int) -> int:
    if year == 0 or year < -4713 or not 1 <= month <= 12 or not 1 <= day <= 31:
        return 0
    if year == -4713 and month == 1 and day == 1:
        return 0
    year += 4801 if year < 0 else 4800
    if month > 2:
        month -= 3
    else:
        month += 9
        year -= 1
    return (year * 1461) // 4 + (month * 153 + 2) // 5 + day - 32083


def _gregorian_to_sdn(year: int, month: int, day: int) -> int:
    if year == 0 or year < -4714 or not 1 <= month <= 12 or not 1 <= day <= 31:
        return 0
    if year == -4714 and (month < 11 or (month == 11 and day < 25)):
        return 0
    year += 4801 if year < 0 else 4800
    if month > 2:
        month -= 3
    else:
        month += 9
        year -= 1
    return (((year // 100) * 146097) // 4 + ((year % 100) * 1461) // 4
            + (month * 153 + 2) // 5 + day - 32045)


def _sdn_to_gregorian(sdn: int) -> tuple[int, int, int]:
    if sdn <= 0:
        return 0, 0, 0
    temp = (sdn + 32045) * 4 - 1
    century = temp // 146097
    temp = ((temp % 146097) // 4) * 4 + 3
    year = century * 100 + temp // 1461
    day_of_year = (temp % 1461) // 4 + 1
    temp = day_of_year * 5 - 3
    month = temp // 153
    day = (temp % 153) // 5 + 1
    if month < 10:
        month += 3
    else:
        year += 1
        month -= 9
    year -= 4800
    if year <= 0:
        year -= 1
    return year, month, day


def _days_in_month(month: int, year: int) -> int:
    """cal_days_in_month(CAL_GREGORIAN, ...) for a year without 0."""
    start = _gregorian_to_sdn(year, month, 1)
    if month == 12:
        next_year = year + 1 if year != -1 else 1
        end = _gregorian_to_sdn(next_year, 1, 1)
    else:
        end = _gregorian_to_sdn(year, month + 1, 1)
    if start == 0 or end == 0:
        return 31
    return end - start
