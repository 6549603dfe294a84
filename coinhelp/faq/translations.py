"""The rule a curated translation obeys against its English entry: the same numbers.

A translation is written for its readers, not word for word (SPEC, Languages),
but its facts are the English entry's: every price, age, count and limit in the
English body must appear in the translated one. Numbers are compared by their
digits, because each language writes them its own way: "6,607", "6.607",
"6 607" and "6607" are one number, "$0.99" and "0,99 US$" another.
"""

from __future__ import annotations

import re

# A number as any supported language writes it: digits, then groups after a
# comma or a full stop (thousands or decimals), or after a space that can only
# be a thousands separator (exactly three digits follow).
_NUMBER = re.compile(r"\d+(?:[.,]\d+|[ \u00a0\u202f]\d{3}(?!\d))*")


def numbers_in(text: str) -> dict[str, str]:
    """Each number in `text` by its digits alone, with the first way it was written."""
    found: dict[str, str] = {}
    for match in _NUMBER.finditer(text):
        found.setdefault(re.sub(r"\D", "", match.group()), match.group())
    return found


def number_problems(english: str, translated: str) -> list[str]:
    """A sentence for each number of the English body that the translated body lacks."""
    present = numbers_in(translated)
    return [
        f"the body lacks the number {written!r} of the English body"
        for digits, written in numbers_in(english).items()
        if digits not in present
    ]
