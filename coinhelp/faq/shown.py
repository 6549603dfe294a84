"""What a server shows in each language: curated texts merged with its own versions.

For a key in language L the server shows, in this order:

1. its own latest version in L: its text ("edited"), or nothing ("hidden":
   a hidden L text hides the entry in L only);
2. else the curated text in L;
3. else the text another language shows (English first, then coinhelp.i18n
   order), marked with `FaqEntry.fallback_from`: a custom entry written only
   in other languages, or a curated entry the host's FAQ folder lacks in L.

Plain functions of the curated entries and a server's states, so the store can
work out what an edit would show before it writes it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from coinhelp.faq.curated import Curated
from coinhelp.faq.entries import EntryText, FaqEntry
from coinhelp.faq.versions import States
from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES

# Where a language without a text of its own borrows one from.
_FALLBACK_ORDER = (
    DEFAULT_LANGUAGE,
    *(language for language in LANGUAGES if language != DEFAULT_LANGUAGE),
)


def shown_entries(curated: Curated, states: States, language: str) -> dict[str, FaqEntry]:
    """Every entry the server shows in `language`: curated keys first, then custom by key."""
    english = curated[DEFAULT_LANGUAGE]
    custom = sorted({key for keys in states.values() for key in keys} - english.keys())
    shown: dict[str, FaqEntry] = {}
    for key in (*english, *custom):
        entry = shown_entry(curated, states, key, language)
        if entry is not None:
            shown[key] = entry
    return shown


def shown_entry(curated: Curated, states: States, key: str, language: str) -> FaqEntry | None:
    """What the server shows for `key` in `language`, or None (hidden, or no text anywhere)."""
    own = _own_entry(curated, states, key, language)
    if own != "hidden":
        if own is not None:
            return own
        for other in _FALLBACK_ORDER:
            borrowed = _own_entry(curated, states, key, other) if other != language else None
            if isinstance(borrowed, FaqEntry):
                return dataclasses.replace(borrowed, language=language, fallback_from=other)
    return None


def _own_entry(
    curated: Curated, states: States, key: str, language: str
) -> FaqEntry | Literal["hidden"] | None:
    """The key's own text in `language` (the server's, else the curated one), or None."""
    state = states.get(language, {}).get(key)
    if state is not None and state.status == "hidden":
        return "hidden"
    if state is not None and state.text is not None:
        return server_entry(curated, key, language, state.text, state.created_at)
    return curated.get(language, {}).get(key)


def curated_entry(curated: Curated, key: str, language: str) -> FaqEntry | None:
    """The curated entry for `key` in `language`, or the English one standing in for it."""
    entry = curated.get(language, {}).get(key)
    if entry is not None or language == DEFAULT_LANGUAGE:
        return entry
    english = curated[DEFAULT_LANGUAGE].get(key)
    if english is None:
        return None
    return dataclasses.replace(english, language=language, fallback_from=DEFAULT_LANGUAGE)


def server_entry(
    curated: Curated, key: str, language: str, text: EntryText, edited: dt.datetime
) -> FaqEntry:
    """A server's own text as an entry.

    An override keeps the curated keywords (they still describe the topic,
    and help /ask) but not the sources: those back the curated text, not
    the moderator's.
    """
    base = curated_entry(curated, key, language)
    return FaqEntry(
        key=key,
        title=text.title,
        aliases=text.aliases,
        keywords=base.keywords if base is not None else (),
        body=text.body,
        sources=(),
        checked=edited.date(),
        origin="override" if base is not None else "custom",
        # The topic is the same, so the questions people ask about it still apply.
        examples=base.examples if base is not None else (),
        language=language,
    )
