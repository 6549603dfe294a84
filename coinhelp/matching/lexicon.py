"""The lexicon: words and phrases that mean the same thing here, grouped by concept.

"money back", "get * back", "reimburse" → ~refund; "im 15", "minor", "how old" →
~age. English's concepts live in data/lexicon.yaml (its header explains the
format); each other language adds its own words and phrases for the same
concepts in its profile (data/language-<language>.yaml). Data rather than
code, so that adding a synonym is a one-line change a non-programmer can make.
The files are read and checked once; a mistake there fails loudly, naming the
file.

The same files hold the off-topic concepts (what the curated FAQ leaves out on
purpose), the anchors (words naming the FAQ's subject), and the words that start
a negation or a comparison. `LexiconIndex` is one language's lexicon ready for
lookups: its own concepts, and English's, since fans mix English words into
every language ("refund", "gift", "top up").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from coinhelp.matching.words import read_sections, stem, words_of

LEXICON_FILE = Path(__file__).parents[1] / "data" / "lexicon.yaml"
LEXICON_SECTIONS = frozenset({"anchors", "negations", "comparisons", "concepts", "off_topic"})

AGE_NUMBER = re.compile(r"^[1-9][0-9]s?$")  # 15, "under 18s"


@dataclass(frozen=True, slots=True)
class Concept:
    words: tuple[str, ...]  # "=word": this form only
    phrases: tuple[str, ...]  # stems, "*" and "<num>" (see the file)
    off_topic: bool  # a topic the curated FAQ leaves out on purpose


@dataclass(frozen=True, slots=True)
class Lexicon:
    concepts: dict[str, Concept]
    anchors: tuple[str, ...]  # the words (and "~concepts") that name the FAQ's subject
    negations: tuple[tuple[str, ...], ...]  # words in a row that start a negation
    comparisons: tuple[tuple[str, ...], ...]  # likewise, a comparison


def parse_lexicon(
    path: Path, data: Mapping[str, object], known: Mapping[str, Concept] | None = None
) -> Lexicon:
    """The lexicon sections of `data` (read from `path`), checked. With `known` (English's
    concepts), every concept must be one of them, on the same side (on or off topic)."""
    concepts: dict[str, Concept] = {}
    for section, off_topic in (("concepts", False), ("off_topic", True)):
        found = data[section]
        if not isinstance(found, dict):
            raise ValueError(f"{path}: {section}: expected concepts by name")
        for name, fields in found.items():
            if not isinstance(fields, dict) or set(fields) - {"words", "phrases"}:
                raise ValueError(f"{path}: concept {name!r}: give only 'words' and 'phrases'")
            words = _lexicon_words(path, f"{name}: words", fields.get("words"))
            phrases = [
                " ".join(_lexicon_words(path, f"{name}: phrases", str(phrase)))
                for phrase in fields.get("phrases") or ()
            ]
            if name in concepts or not (words or phrases):
                raise ValueError(f"{path}: concept {name!r} is empty or listed twice")
            if known is not None and (name not in known or known[name].off_topic != off_topic):
                raise ValueError(f"{path}: concept {name!r} is not one of English's {section}")
            concepts[str(name)] = Concept(tuple(words), tuple(phrases), off_topic)
    anchors = tuple(str(data["anchors"] or "").split())
    triggers: dict[str, tuple[tuple[str, ...], ...]] = {}
    for section in ("negations", "comparisons"):
        found = data[section]
        if not isinstance(found, list) or not found:
            raise ValueError(f"{path}: {section}: expected a list of words or words in a row")
        triggers[section] = tuple(tuple(words_of(path, section, text)) for text in found)
    return Lexicon(concepts, anchors, triggers["negations"], triggers["comparisons"])


def _is_slot(part: str) -> bool:
    return part in ("*", "<num>")


def _lexicon_words(path: Path, where: str, text: object) -> list[str]:
    """The words of a concept's words or phrase, checked and folded: "=word", "*" and
    "<num>" keep their mark."""
    if text is None:
        return []
    found = []
    for word in str(text).split():
        if _is_slot(word):
            found.append(word)
        else:
            mark = "=" if word.startswith("=") else ""
            found.append(mark + words_of(path, where, word.removeprefix("="))[0])
    return found


def load_lexicon(path: Path) -> Lexicon:
    """The lexicon in `path`, checked: a mistake there must fail loudly, at import."""
    return parse_lexicon(path, read_sections(path, set(LEXICON_SECTIONS)))


ENGLISH_LEXICON = load_lexicon(LEXICON_FILE)
# The off-topic concepts: every language's lexicon uses English's concept names.
OFF_TOPIC = frozenset(
    "~" + name for name, concept in ENGLISH_LEXICON.concepts.items() if concept.off_topic
)


@dataclass(frozen=True, slots=True)
class Phrase:
    concept: str
    parts: tuple[str, ...]  # stems, "*" and "<num>"
    needs: frozenset[str]  # the stems a question must contain for the phrase to match


class LexiconIndex:
    """One language's lexicon ready for lookups, its words reduced by `stem_of`.

    `english`: English's lexicon as well (for any other language): its words are
    found as written and by English's stem, its phrases by `stem_of`, and its anchors
    count too. Lookups: `concepts_of(word, word_stem)`; `phrases_by_start`: a
    phrase's first part → the phrases starting with it.
    """

    def __init__(
        self, lexicon: Lexicon, stem_of: Callable[[str], str], english: Lexicon | None = None
    ) -> None:
        self.exact: dict[str, set[str]] = {}  # word as typed → concepts
        self.stems: dict[str, set[str]] = {}  # stem → concepts (words not written "=word")
        # English's stem → concepts, for English words in another language.
        self.english_stems: dict[str, set[str]] = {}
        self.phrases_by_start: dict[str, list[Phrase]] = {}
        sources = [lexicon] if english is None else [lexicon, english]
        for source in sources:
            for name, concept in source.concepts.items():
                for word in concept.words:
                    self.exact.setdefault(word.lstrip("="), set()).add("~" + name)
                    if word.startswith("="):
                        continue
                    # English's words by English's stem only: another language's
                    # stemmer would join them with its own words ("connection" and
                    # French "connecter").
                    stems = self.english_stems if source is english else self.stems
                    stems.setdefault((stem if source is english else stem_of)(word), set()).add(
                        "~" + name
                    )
                for text in concept.phrases:
                    parts = tuple(p if _is_slot(p) else stem_of(p) for p in text.split())
                    needs = frozenset(p for p in parts if not _is_slot(p))
                    phrase = Phrase("~" + name, parts, needs)
                    self.phrases_by_start.setdefault(parts[0], []).append(phrase)
        anchors: set[str] = set()
        for source in sources:
            for word in source.anchors:
                anchors.add(word if word.startswith("~") else stem_of(word))
        # The anchors: stems of the words that name the FAQ's subject, and concepts.
        self.anchors = frozenset(anchors)
        # Every word the lexicon uses: a typo may have meant one of them.
        self.words = frozenset(
            word.lstrip("=")
            for source in sources
            for concept in source.concepts.values()
            for text in (*concept.words, *concept.phrases)
            for word in text.split()
            if not _is_slot(word)
        )
        # Words after these are what the asker does *not* mean or have: "instead of
        # sending gifts", "without spending money", "no coins". They still count, a
        # little. Each language has its own (English's "no" is Portuguese's "in the").
        self.negations = lexicon.negations
        self.negation_starts = frozenset(trigger[0] for trigger in lexicon.negations)
        # A word right after these is something the question compares with ("do coins
        # work like vbucks"): not its topic, so an off-topic concept it stands for is
        # dropped, and it counts less.
        self.comparisons = lexicon.comparisons
        self.comparison_starts = frozenset(trigger[0] for trigger in lexicon.comparisons)

    def concepts_of(self, word: str, word_stem: str) -> set[str]:
        """The concepts `word` (whose stem is `word_stem`) stands for."""
        concepts = self.exact.get(word)
        if concepts is None:
            concepts = self.stems.get(word_stem)
            if concepts is None:
                if not self.english_stems:
                    return set()
                concepts = self.english_stems.get(stem(word), set())
        return concepts


ENGLISH_INDEX = LexiconIndex(ENGLISH_LEXICON, stem)
ANCHORS = ENGLISH_INDEX.anchors  # English's, as stems and concepts
