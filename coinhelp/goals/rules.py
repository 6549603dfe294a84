"""Goal rules: limits, deadlines, milestones, progress and dollar estimates.

Pure functions with no I/O (the price table is read once, from package
data). Each `validate_*`/`parse_*` returns the cleaned value or raises
InvalidInput keyed "goals.<name>", worded for the member who typed it in
templates/errors/goals.j2.

Decisions:
- A deadline is UTC. A date alone means the end of that day, 23:59:59 UTC,
  so "until 2026-12-24" includes the whole 24th. At most two years (731
  days) ahead.
- A goal name is one line of 1 to 100 characters, with inner whitespace
  collapsed, and needs at least one letter, digit or emoji (so it cannot be
  only spaces or Markdown). It may not be just a number such as "12" or
  "#12", because those refer to goal ids. Names are compared after Unicode
  NFKC and case folding (`goal_name_key`).
- Percentages are rounded down, so 100% shows only when the target is met.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from numbers import Integral, Real

from coinhelp.errors import InvalidInput
from coinhelp.goals.prices import Estimate, PriceTable, default_price_table

PLEDGE_MIN = 1
PLEDGE_MAX = 1_000_000
TARGET_MIN = 1
TARGET_MAX = 10_000_000_000
MILESTONES: tuple[int, ...] = (25, 50, 75, 100)
NAME_MAX = 100
CREATOR_MAX = 100
DESCRIPTION_MAX = 1000
REASON_MAX = 200
DEADLINE_MAX_AHEAD = dt.timedelta(days=731)

_DEADLINE = re.compile(
    r"""^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
        (?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?
        \s*(?P<zone>Z|UTC|[+-]\d{2}:?\d{2})?$""",
    re.IGNORECASE | re.VERBOSE,
)
_GOAL_ID_LIKE = re.compile(r"^#?\s*\d+$")
# Stripped from the ends of one-line text along with ordinary whitespace.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Bidirectional overrides can make a name display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# -- numbers -------------------------------------------------------------------


def _whole_number(value: object) -> int:
    if isinstance(value, bool):
        raise InvalidInput("goals.whole_coins")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and math.isfinite(value) and math.floor(value) == value:
        return int(float(value))
    raise InvalidInput("goals.whole_coins")


def validate_coins(value: object) -> int:
    """A pledge's coins as an int, 1 to 1,000,000; raises InvalidInput."""
    coins = _whole_number(value)
    if coins < PLEDGE_MIN:
        raise InvalidInput("goals.pledge_too_small", minimum=PLEDGE_MIN)
    if coins > PLEDGE_MAX:
        raise InvalidInput("goals.pledge_too_large", maximum=PLEDGE_MAX)
    return coins


def validate_target(value: object) -> int:
    """A goal's target as an int, 1 to 10,000,000,000; raises InvalidInput."""
    target = _whole_number(value)
    if target < TARGET_MIN:
        raise InvalidInput("goals.target_too_small", minimum=TARGET_MIN)
    if target > TARGET_MAX:
        raise InvalidInput("goals.target_too_large", maximum=TARGET_MAX)
    return target


# -- text ----------------------------------------------------------------------


def _one_line(text: str, field: str, limit: int) -> str:
    """`text` cleaned to one line; errors name the `field` ("name", "creator", "reason")."""
    text = unicodedata.normalize("NFC", text).strip(" \t\r\n\f\v" + _INVISIBLE)
    if any(ch in "\r\n" for ch in text):
        raise InvalidInput("goals.not_one_line", field=field)
    if any(unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS for ch in text):
        raise InvalidInput("goals.control_characters", field=field)
    text = " ".join(text.split())
    if len(text) > limit:
        raise InvalidInput("goals.too_long", field=field, limit=limit, given=len(text))
    return text


def _has_substance(text: str) -> bool:
    """At least one letter, digit or emoji/symbol (not only spaces or Markdown)."""
    return any(
        unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "So" for ch in text
    )


def validate_goal_name(text: str) -> str:
    """The cleaned goal name; raises InvalidInput (see the module docstring)."""
    name = _one_line(text, "name", NAME_MAX)
    if not name:
        raise InvalidInput("goals.name_missing")
    if not _has_substance(name):
        raise InvalidInput("goals.name_without_letters")
    if _GOAL_ID_LIKE.match(name):
        raise InvalidInput("goals.name_is_number")
    return name


def goal_name_key(name: str) -> str:
    """What two names are compared by: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def validate_creator(text: str | None) -> str | None:
    """The TikTok creator's name, one line, at most 100 characters; blank → None."""
    if text is None:
        return None
    creator = _one_line(text, "creator", CREATOR_MAX)
    return creator or None


def validate_description(text: str | None) -> str | None:
    """A goal's description, at most 1,000 characters, lines allowed; blank → None."""
    if text is None:
        return None
    description = unicodedata.normalize("NFC", text).replace("\r\n", "\n").strip()
    if any(
        (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in _BIDI_CONTROLS
        for ch in description
    ):
        raise InvalidInput("goals.control_characters", field="description")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            "goals.description_too_long", limit=DESCRIPTION_MAX, given=len(description)
        )
    return description or None


def validate_reason(text: str) -> str:
    """A void's reason: one line, 1 to 200 characters; raises InvalidInput."""
    reason = _one_line(text, "reason", REASON_MAX)
    if not _has_substance(reason):
        raise InvalidInput("goals.reason_missing")
    return reason


# -- deadlines -----------------------------------------------------------------


def parse_deadline(text: str, now: dt.datetime) -> dt.datetime:
    """The deadline `text` means, as an aware UTC datetime.

    Accepts `2026-12-24`, `2026-12-24 20:00`, `2026-12-24T20:00[:ss]`, each
    optionally followed by `Z`, `UTC` or an offset such as `+02:00`. A date
    alone is the end of that day (23:59:59 UTC). Raises InvalidInput when
    unreadable, in the past, or more than two years ahead.
    """
    match = _DEADLINE.match(text.strip()) if len(text) <= 40 else None
    if not match:
        raise InvalidInput("goals.deadline_unreadable")
    parts = match.groupdict()
    zone = dt.UTC
    if parts["zone"] and parts["zone"].upper() not in ("Z", "UTC"):
        sign = -1 if parts["zone"][0] == "-" else 1
        digits = parts["zone"][1:].replace(":", "")
        zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        if parts["H"] is None:
            when = dt.datetime(
                int(parts["y"]), int(parts["m"]), int(parts["d"]), 23, 59, 59, tzinfo=zone
            )
        else:
            when = dt.datetime(
                int(parts["y"]),
                int(parts["m"]),
                int(parts["d"]),
                int(parts["H"]),
                int(parts["M"]),
                int(parts["S"] or 0),
                tzinfo=zone,
            )
    except ValueError as exc:
        raise InvalidInput("goals.deadline_not_real") from exc
    return validate_deadline(when, now)


def validate_deadline(when: dt.datetime, now: dt.datetime) -> dt.datetime:
    """`when` in UTC if it lies in the future, at most two years ahead.

    Raises InvalidInput otherwise, and ValueError for a naive datetime (a
    programming error: every time in coinhelp is aware).
    """
    if when.tzinfo is None or now.tzinfo is None:
        raise ValueError("deadlines must be timezone-aware")
    when = when.astimezone(dt.UTC)
    if when <= now:
        raise InvalidInput("goals.deadline_past")
    if when - now > DEADLINE_MAX_AHEAD:
        raise InvalidInput("goals.deadline_too_far")
    return when


# -- periods -------------------------------------------------------------------


def month_key(when: dt.datetime) -> str:
    """The calendar month (UTC) a moment falls in: '2026-05'."""
    return when.astimezone(dt.UTC).strftime("%Y-%m")


def week_key(when: dt.datetime) -> str:
    """The ISO week (UTC, weeks start on Monday) a moment falls in: '2026-W19'."""
    year, week, _ = when.astimezone(dt.UTC).isocalendar()
    return f"{year:04d}-W{week:02d}"


# -- progress ------------------------------------------------------------------


def percent(total: int, target: int) -> int:
    """Whole percent of `target` reached, rounded down; can pass 100."""
    if target < 1:
        raise ValueError("target must be positive")
    return max(0, total) * 100 // target


def milestones_crossed(before: int, after: int, target: int) -> tuple[int, ...]:
    """Milestones (25, 50, 75, 100 %) passed going from `before` to `after` coins."""
    if target < 1:
        raise ValueError("target must be positive")
    return tuple(p for p in MILESTONES if before * 100 < p * target <= after * 100)


def milestones_reached(total: int, target: int) -> tuple[int, ...]:
    """Every milestone at or below `total`."""
    return milestones_crossed(0, total, target) if total > 0 else ()


def progress_bar(total: int, target: int, width: int = 20) -> str:
    """A bar readable at a glance, with the percentage: '▰▰▰▰▰▱▱▱▱▱ 50%'."""
    if width < 1:
        raise ValueError("width must be at least 1")
    filled = min(width, max(0, total) * width // target) if target > 0 else 0
    return f"{'▰' * filled}{'▱' * (width - filled)} {percent(total, target)}%"


# -- dollar estimate -------------------------------------------------------------


def usd_estimate(coins: int, table: PriceTable | None = None) -> Estimate:
    """What `coins` cost at the table's prices, as a low–high range."""
    return (table or default_price_table()).estimate(max(0, coins))


def _money(amount: Decimal, *, whole: bool, rounding: str) -> str:
    if whole:
        return f"${amount.quantize(Decimal(1), rounding=rounding):,}"
    return f"${amount:,.2f}"


def dollar_range(coins: int, table: PriceTable | None = None) -> tuple[str, str]:
    """('$681', '$686') for 44,999 coins: whole dollars from $100 up, else cents.

    The two ends are equal when the estimate is exact. The words around them
    are the macro `estimate` in templates/goals/_macros.j2.
    """
    estimate = usd_estimate(coins, table)
    whole = estimate.low >= 100
    low = _money(estimate.low, whole=whole, rounding=ROUND_FLOOR)
    high = _money(estimate.high, whole=whole, rounding=ROUND_CEILING)
    return low, high


def price_table() -> PriceTable:
    """The table every estimate uses; the estimate note quotes it
    (macro `estimate_note` in templates/goals/_macros.j2)."""
    return default_price_table()
