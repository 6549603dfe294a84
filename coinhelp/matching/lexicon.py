"""The lexicon: words and phrases that mean the same thing here, grouped by concept.

"money back", "get * back", "reimburse" → ~refund; "im 15", "minor", "how old" →
~age. The concepts live in data/lexicon.yaml (its header explains the format):
data rather than code, so that adding a synonym is a one-line change a
non-programmer can make. The file is read and checked once, at import; a
mistake there fails loudly, naming the file.

The same file holds the off-topic concepts (what the curated FAQ leaves out on
purpose), the anchors (words naming the FAQ's subject), and the words that start
a negation or a comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from coinhelp.matching.words import read_sections, stem, words_of

LEXICON_FILE = Path(__file__).parents[1] / "data" / "lexicon.yaml"


@dataclass(frozen=True, slots=True)
class Concept:
    words: tuple[str, ...]  # "=word": this form only
    phrases: tuple[str, ...]  # light stems, "*" and "<num>" (see the file)
    off_topic: bool  # a topic the curated FAQ leaves out on purpose


@dataclass(frozen=True, slots=True)
class Lexicon:
    concepts: dict[str, Concept]
    anchors: frozenset[str]  # light stems of the words that name the FAQ's subject
    negations: tuple[tuple[str, ...], ...]  # words in a row that start a negation
    comparisons: tuple[tuple[str, ...], ...]  # likewise, a comparison


def load_lexicon(path: Path) -> Lexicon:
    """The lexicon in `path`, checked: a mistake there must fail loudly, at import."""
    data = read_sections(path, {"anchors", "negations", "comparisons", "concepts", "off_topic"})
    concepts: dict[str, Concept] = {}
    for section, off_topic in (("concepts", False), ("off_topic", True)):
        found = data[section]
        if not isinstance(found, dict):
            raise ValueError(f"{path}: {section}: expected concepts by name")
        for name, fields in found.items():
            if not isinstance(fields, dict) or set(fields) - {"words", "phrases"}:
                raise ValueError(f"{path}: concept {name!r}: give only 'words' and 'phrases'")
            words = str(fields.get("words") or "").split()
            phrases = [str(phrase) for phrase in fields.get("phrases") or ()]
            if name in concepts or not (words or phrases):
                raise ValueError(f"{path}: concept {name!r} is empty or listed twice")
            concepts[str(name)] = Concept(tuple(words), tuple(phrases), off_topic)
    anchors = frozenset(stem(word) for word in str(data["anchors"] or "").split())
    triggers: dict[str, tuple[tuple[str, ...], ...]] = {}
    for section in ("negations", "comparisons"):
        found = data[section]
        if not isinstance(found, list) or not found:
            raise ValueError(f"{path}: {section}: expected a list of words or words in a row")
        triggers[section] = tuple(tuple(words_of(path, section, text)) for text in found)
    return Lexicon(concepts, anchors, triggers["negations"], triggers["comparisons"])


_LEXICON = load_lexicon(LEXICON_FILE)
CONCEPTS = _LEXICON.concepts
OFF_TOPIC = frozenset("~" + name for name, concept in CONCEPTS.items() if concept.off_topic)
ANCHORS = _LEXICON.anchors

AGE_NUMBER = re.compile(r"^[1-9][0-9]s?$")  # 15, "under 18s"


@dataclass(frozen=True, slots=True)
class Phrase:
    concept: str
    parts: tuple[str, ...]  # light stems, "*" and "<num>"
    needs: frozenset[str]  # the stems a question must contain for the phrase to match


def _index_concepts() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, list[Phrase]]]:
    exact: dict[str, set[str]] = {}  # word as typed → concepts
    stems: dict[str, set[str]] = {}  # light stem → concepts
    phrases: dict[str, list[Phrase]] = {}  # first part → phrases starting with it
    for name, concept in CONCEPTS.items():
        for word in concept.words:
            exact.setdefault(word.lstrip("="), set()).add("~" + name)
            if not word.startswith("="):
                stems.setdefault(stem(word), set()).add("~" + name)
        for text in concept.phrases:
            parts = tuple(p if p in ("*", "<num>") else stem(p) for p in text.split())
            needs = frozenset(p for p in parts if p not in ("*", "<num>"))
            phrases.setdefault(parts[0], []).append(Phrase("~" + name, parts, needs))
    return exact, stems, phrases


# A word as typed → its concepts; a light stem → its concepts (words not written
# "=word"); a phrase's first part → the phrases starting with it.
CONCEPTS_OF_WORD, CONCEPTS_OF_STEM, PHRASES_BY_START = _index_concepts()
# Every word the lexicon uses: a typo may have meant one of them.
LEXICON_WORDS = frozenset(
    word.lstrip("=")
    for concept in CONCEPTS.values()
    for text in (*concept.words, *concept.phrases)
    for word in text.split()
    if word not in ("*", "<num>")
)

# Words after these are what the asker does *not* mean or have: "instead of sending
# gifts", "without spending money", "no coins". They still count, a little.
NEGATIONS = _LEXICON.negations
NEGATION_STARTS = frozenset(trigger[0] for trigger in NEGATIONS)

# A word right after these is something the question compares with ("do coins work
# like vbucks", "is it like robux but for tiktok"): not its topic, so an off-topic
# concept it stands for is dropped, and it counts less.
COMPARISONS = _LEXICON.comparisons
COMPARISON_STARTS = frozenset(trigger[0] for trigger in COMPARISONS)
