"""The names a user can type for an entry, and the one rule they obey.

An entry is named by its key, its title and its aliases (`/faq topic:<name>`).
A name must lead to one entry only, or a topic would be ambiguous: the
curated files are checked with this rule at start (coinhelp.faq.curated), and
every moderator edit and import with the same rule (coinhelp.faq.store).
Names are compared in `name_form`: case and spacing ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from coinhelp.faq.entries import FaqEntry

NameKind = Literal["key", "title", "alias"]


def name_form(text: str) -> str:
    """How names (keys, titles, aliases) are compared: case and spacing ignored."""
    return " ".join(text.split()).casefold()


def names_of(key: str, title: str, aliases: Iterable[str]) -> list[tuple[NameKind, str]]:
    """Every name of an entry, each with what it is."""
    return [("key", key), ("title", title), *(("alias", alias) for alias in aliases)]


class Clash(NamedTuple):
    """The `kind` name `text` of entry `key` is already the `other_kind` of entry `other_key`."""

    key: str
    kind: NameKind
    text: str
    other_key: str
    other_kind: NameKind


class NameIndex:
    """Every name of some entries -> the (entry key, kind of name) using it."""

    def __init__(self, entries: Iterable[FaqEntry] = ()) -> None:
        self._owners: dict[str, list[tuple[str, NameKind]]] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: FaqEntry) -> None:
        for kind, text in names_of(entry.key, entry.title, entry.aliases):
            self._owners.setdefault(name_form(text), []).append((entry.key, kind))

    def clashes(
        self,
        key: str,
        title: str,
        aliases: Iterable[str],
        *,
        had: Iterable[FaqEntry | None] = (),
    ) -> Iterator[Clash]:
        """Each name of entry `key` that another entry in the index already uses.

        The entry's own names (same key) never clash. Names it already had
        (`had`: its shown and curated entries) are not held against an edit,
        so curated data can never block one.
        """
        kept = {
            name_form(text)
            for entry in had
            if entry is not None
            for _, text in names_of(entry.key, entry.title, entry.aliases)
        }
        for kind, text in names_of(key, title, aliases):
            form = name_form(text)
            if form in kept:
                continue
            for other_key, other_kind in self._owners.get(form, ()):
                if other_key != key:
                    yield Clash(key, kind, text, other_key, other_kind)
