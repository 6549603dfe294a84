"""Finding the FAQ entry a question or a half-typed topic is about.

People ask the way they chat: "how do i get my money bak for coins i didnt use",
"my lil bro spent 50 bucks on my phone can i reverse it", "sent a lion by
accident 😭". Entries and questions go through the same steps:

1. words: lowercase, accents and punctuation dropped, "$" → dollar, chat
   shorthand expanded (u → you, r → are, wat → what, acc → account ...);
2. typos (questions only): a word no entry uses is replaced by the closest word
   from the entries' names and keywords, the lexicon, or the words people used in
   at least two example questions ("following", "sharing") (one edit, two for long
   words; swapping two neighbours counts as one), or split into two known words
   ("moneyback");
3. concepts: the lexicon (data/lexicon.yaml) maps words and phrases that mean the
   same thing here to one concept ("money back", "reimburse", "chargeback" →
   ~refund; "lil bro", "my kid" → ~family; "by accident", "fat finger" →
   ~mistake), so a question can find an entry without sharing a word with it;
   words after "without", "no" or "instead of" count less (they say what is
   *not* meant), and so does a word a question compares with ("do coins work like
   vbucks"), which also loses its off-topic concept: a comparison is not the topic;
4. stop words and chat filler dropped, the rest reduced to a light stem.

A question becomes *units*: one per meaningful word (its stem or any of its
concepts may match) and one per phrase. Two scores are added up:

- the *text score*: the share of the question's units, weighted by idf (so
  "coin" counts little and "vpn" a lot), that the entry's own text explains,
  each term weighted by the field it came from (title and aliases > key and
  keywords > body), plus a bonus when the question covers an entry's title or
  alias. It works from entry text alone, so a server's own entries are found
  as well as the curated ones;
- a *naive Bayes* posterior, P(entry | question), learnt from each entry's
  names, keywords and example questions (`FaqEntry.examples`: questions people
  really asked, shipped with the curated entries). It weighs evidence the way
  people word a situation ("spent 50 bucks", "drunk") and keeps some mass for
  "none of them" (a background class), so a question that fits no entry well
  gets a low posterior everywhere.

A word no entry knows counts against every entry, and an off-topic concept
(going live, other games, editing videos ...: topics the curated FAQ leaves out
on purpose) counts more: that is what turns "anyone up for valorant" or "how do
i add music to my tiktok" into `none` rather than a guess. The best score and
its margin over the runner-up decide between answer, unsure and none; a
question that names the FAQ's subject (coins, gifts, diamonds, refunds, goals, or
a concept such as buying, a pack, a gift or spending) and nothing off-topic needs
a weaker match than small talk does.

Speed: candidates come from inverted indexes of names, keywords and example
questions, and only the leading ones are scored in full, so a call takes about a
millisecond even over 10,000 entries. How each word of a question is read (a
typo looked up, two words run together split) is kept per matcher, as people
keep using the same words. Analysed entries are cached, so rebuilding a matcher
after a moderator's edit only analyses what changed.

The weights and thresholds below were calibrated on out-of-fold scores (k-fold
cross-validation over the tune split of tests/data/faq_questions.yaml: each
question scored by a matcher whose examples did not include it), with a margin
for small talk worded in ways the lexicon has never seen; the holdout split
measures how well all this generalises (tests/unit/test_matcher.py).
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import logging
import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from coinhelp.faq.entries import FaqEntry
from coinhelp.faq.names import name_form

log = logging.getLogger(__name__)

Kind = Literal["answer", "unsure", "none"]

# -- calibration ------------------------------------------------------------------

# How much a term counts in the text score, depending on where the entry has it.
NAME_WEIGHT = 1.0  # title, an alias
KEYWORD_WEIGHT = 0.8  # a keyword, the key
BODY_WEIGHT = 0.25

CORRECTED_WEIGHT = 0.8  # a typo-corrected word is less certain than one typed right
NEGATED_WEIGHT = 0.5  # a word after "without", "no", "instead of"
NUMBER_WEIGHT = 0.5  # a number an entry names ("18", "6607"); other numbers count 0
UNKNOWN_WEIGHT = 1.0  # a word no entry knows, as a share of the rarest known term's idf
OFF_TOPIC_WEIGHT = 1.5  # an off-topic concept no entry has, likewise
CONCEPT_CREDIT = 0.5  # a concept match is worth at least this share of the unit
NAME_BONUS = 0.2  # extra for covering all of an entry's title or an alias

# Naive Bayes: how often a term counts when it is in a name or keyword (each) and in
# an example question (each); bodies are left out (long, and about answers rather
# than questions). Add-alpha smoothing; the background class's prior weight.
BAYES_NAME = 1.0
BAYES_EXAMPLE = 1.0
BAYES_ALPHA = 1.0
BAYES_BACKGROUND = 0.6  # prior of "none of them", as a share of all entries' prior
BAYES_SHARE = 0.7  # score = text score + this * posterior

ANSWER_MIN = 0.8  # below: not sure enough to answer outright
ANSWER_MARGIN = 0.8  # to answer, the runner-up must score below this share of the best
UNSURE_MIN = 0.75  # below: nothing fits ...
ANCHORED_MIN = 0.35  # ... or this, for a question that names the FAQ's subject
SPARSE_SHARE = 0.7  # ... and a question saying less than this share of one rare word
# must score proportionally higher ("is tiktok down?" is not about any entry)
CANDIDATE_SHARE = 0.7  # "did you mean" lists entries within this share of the best

EXAMPLE_WORD_MIN = 2  # a word in this many example questions is a typo's target too

FUZZY_MIN = 0.25  # autocomplete and suggestions: fuzzy matches scoring at least this
FUZZY_SHARE = 0.5  # ... and at least this share of the best fuzzy match

# Bounds that keep a call to a few milliseconds with 10,000 entries. A term in the
# names and keywords of more entries than COMMON_TERM_MIN and COMMON_TERM_SHARE of
# them ("coin" in a big server) has a tiny idf: it does not pick candidates (the
# rarer terms do), though it still counts in the leaders' full score. Should
# every term be that common, the first POSTINGS_WALK_MAX postings pick them.
COMMON_TERM_MIN = 200
COMMON_TERM_SHARE = 0.1
POSTINGS_WALK_MAX = 2000
# Autocomplete: an unfinished last word that starts at most this many of the
# names' words is looked up through those words; a shorter, commoner start is
# checked against each remaining entry's words instead.
PREFIX_WORDS_MAX = 64
CANDIDATES = 50
# Questions' words read so far (typos looked up, runs split), kept per matcher.
WORD_READINGS_MAX = 4096


@dataclass(frozen=True, slots=True)
class AskResult:
    """What `Matcher.ask` concluded.

    `candidates` are entry keys, best first: one for "answer", two or three for
    "unsure" (one if only one entry is a candidate), none for "none". `scores` are
    the candidates' scores (0 to about 2: the text score, up to about 1.2, plus
    0.7 times the Bayes posterior; an exact name scores 1.0), for logs and debugging.
    """

    kind: Kind
    candidates: tuple[str, ...]
    scores: tuple[float, ...] = ()


# -- words ----------------------------------------------------------------------------

# Chat shorthand → what it stands for. Applied to single words before anything else.
_SHORTHAND: dict[str, str] = {
    "u": "you",
    "ya": "you",
    "yu": "you",
    "r": "are",
    "ur": "your",
    "y": "why",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "wot": "what",
    "whut": "what",
    "hw": "how",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "cant": "can not",
    "cannot": "can not",
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "havent": "have not",
    "hasnt": "has not",
    "wasnt": "was not",
    "shouldnt": "should not",
    "couldnt": "could not",
    "im": "i am",
    "ive": "i have",
    "thru": "through",
    "tho": "though",
    "b4": "before",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "n": "and",
    "2": "to",
    "4": "for",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "acc": "account",
    "acct": "account",
    "accnt": "account",
    "pw": "password",
    "pwd": "password",
    "passwd": "password",
    "tt": "tiktok",
    "tiktoks": "tiktok",
    "vid": "video",
    "vids": "videos",
    "ppl": "people",
    "smth": "something",
    "sth": "something",
    "yr": "year",
    "yrs": "years",
    "mins": "minutes",
    "sec": "seconds",
    "secs": "seconds",
    "hr": "hours",
    "hrs": "hours",
    "amt": "amount",
    "bucks": "dollars",
    "usd": "dollars",
    "diff": "difference",
    "fave": "fav",
    "favorite": "favourite",
    "msg": "message",
    "lil": "little",
    "abt": "about",
    "w": "with",
    "ty": "thanks",
    "thx": "thanks",
    "mod": "moderator",
    "mods": "moderators",
    "whats": "what is",
    "wats": "what is",
    "wuts": "what is",
    "whts": "what is",
    "hows": "how is",
    "wheres": "where is",
    "whens": "when is",
    "whos": "who is",
    "thats": "that is",
    "theres": "there is",
    "heres": "here is",
    "youre": "you are",
    "theyre": "they are",
    "hes": "he is",
    "shes": "she is",
    "aint": "is not",
    "yall": "you",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "do not know",
    "imma": "i am going to",
    "ima": "i am going to",
    "tryna": "trying to",
    "some1": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "no1": "no one",
    "2day": "today",
    "wen": "when",
    "bout": "about",
    "bcuz": "because",
    "becuz": "because",
    "hav": "have",
    "hv": "have",
    "dat": "that",
    "dis": "this",
    "frm": "from",
    "luv": "love",
    "bday": "birthday",
    "pic": "picture",
    "pics": "pictures",
    "em": "them",
    "shud": "should",
    "shld": "should",
    "frend": "friend",
    "freind": "friend",
    "frnd": "friend",
    "dw": "do not worry",
    "thinkin": "thinking",
    "ther": "there",
}

# Word pairs that are one thing, merged before shorthand is expanded ("mod apk" is a
# modded app, while "mod" alone is a moderator).
_MERGES: dict[tuple[str, str], str] = {
    ("tik", "tok"): "tiktok",
    ("mod", "apk"): "modapk",
    ("v", "bucks"): "vbucks",  # Fortnite's currency, not dollars
    ("coin", "master"): "coinmaster",  # a game
    ("coin", "flip"): "coinflip",
    ("tiktok", "shop"): "tiktokshop",
    # When something happened, not how long: "last week" is no question of coins lasting.
    **{
        (when, period): when + period
        for when in ("last", "next", "this")
        for period in ("night", "week", "weekend", "month", "year", "time")
    },
    # How often, not how long: "every time", "first time" are no question of time limits.
    **{(which, "time"): which + "time" for which in ("every", "first", "same", "each", "one")},
}
_MERGE_SECONDS = frozenset(second for _, second in _MERGES)

# Symbols that carry meaning in a question about money.
_SYMBOLS = {
    "$": " dollar ",
    "€": " euro ",
    "£": " pound ",
    "%": " percent ",
    "&": " and ",
    "+": " plus ",  # "18+"
}
_SYMBOL_RE = re.compile("|".join(re.escape(symbol) for symbol in _SYMBOLS))
_WORD_RE = re.compile(r"[a-z0-9]+")
_NUMBER_RE = re.compile(r"^[0-9]+[ks]?$")  # 6607, 10k, 18s

# Words that say nothing about which entry is meant, including chat filler and
# verbs every question has ("how does it work", "can someone explain").
_STOPWORDS = frozenset(
    """
    a an the is are am was were be been being do does did doing done have has had having
    i me my mine myself you your yours yourself we us our ours they them their theirs he him
    his she her hers it its itself this that these those there here what which who whom
    whose when where why how can could would should will shall may might must to of in on
    at by for with from about into onto as if or and but so than then too very just also
    only not no yes any some all each every both either neither other another such same
    again ever even else please thanks thank anyone someone somebody anybody something
    anything everyone everybody thing things stuff lol lmao lmfao rofl omg idk ik ok okay
    kk hi hey hello sup yo hiya heya guys guy bro sis dude man fam pal like really actually
    basically literally rn fr ngl tbh btw imo mean means get got gets getting go goes going
    went want wanted need needs know knows tell told say says said let lets make makes one
    ones way much many lot lots bit kinda sorta wonder wondering question questions quick
    help helps helped helping through though because while ah oh um uh hmm yeah yea yep
    nope sure still well now today already up down out off over under back after before
    more less most between vs versus find see look looking try trying think ask asking
    check checking possible able anymore people person without work works working new
    money exactly anything everything explain confused understand curious use used uses
    using point purpose nvm ikr
    """.split()  # noqa: SIM905  (a word list reads better as text)
) | frozenset(
    # Chat filler and small talk: when something happened, how sure the asker is,
    # how they feel about it. They wrap a question on any topic, so they say nothing
    # about the topic and must not count as words the FAQ doesn't know. (Durations
    # stay meaningful: "14 days", "a year", "per month" are not filler.)
    """
    wait hmm hmmm huh wow damn dang bruh brah lmfao lolol haha hahaha hehe xd omfg wtf
    smh istg ig iirc afaik imho fyi asap tho nah naw yup yeh ya yah yas nope okok alright
    aight ohh ohhh ooh welp sorry sry soz pls plss plz thanku tysm honestly seriously
    apparently anyway anyways probably maybe perhaps definitely totally pretty quite rather
    somehow somewhere anywhere everywhere nowhere whatever whenever wherever however
    yesterday tonight tomorrow ago later soon recently lately earlier early late first
    second third 1st 2nd 3rd once twice since until till yet almost nearly around roughly
    approx approximately about just currently right hear heard think thought guess suppose
    feel felt seem seems seemed wonder wondered realize realise realised realized mean meant
    kinda sorta lowkey highkey deadass fine good great nice cool awesome bad sad mad
    glad happy crazy insane literally fully whole kind type sort thing things
    deal part situation reason keep keeps keeping eli5 plus january february march april
    june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday weekend talk talking talked chat chatting
    thinking tried tries saw seen worry worried nicely mostly
    lastnight lastweek lastweekend lastmonth lastyear lasttime nextnight nextweek
    nextweekend nextmonth nextyear nexttime thisnight thisweek thisweekend thismonth
    thisyear thistime everytime firsttime sametime eachtime onetime
    min
    """.split()  # noqa: SIM905
)


def _words(text: str) -> list[str]:
    """Lowercase words of `text` with symbols spelled out and shorthand expanded."""
    text = text.casefold()
    if not text.isascii():  # café → cafe; skipped for plain text, which is most of it
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("'", "").replace("’", "")  # don't → dont, then shorthand
    text = _SYMBOL_RE.sub(lambda match: _SYMBOLS[match.group()], text)
    merged: list[str] = _WORD_RE.findall(text)
    if not _MERGE_SECONDS.isdisjoint(merged):  # rare: most text has no pair to merge
        found, merged = merged, []
        for word in found:
            if merged and word in _MERGE_SECONDS and (merged[-1], word) in _MERGES:
                merged[-1] = _MERGES[(merged[-1], word)]
            else:
                merged.append(word)
    if _SHORTHAND.keys().isdisjoint(merged):  # no shorthand either (common)
        return merged
    words: list[str] = []
    for word in merged:
        expanded = _SHORTHAND.get(word)
        if expanded is None:
            words.append(word)
        else:
            words.extend(expanded.split())
    return words


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: enough to make coins/coin, expired/expires and sharing/share meet."""
    if not word.isalpha():
        return word
    if len(word) <= 3:
        # use/used/uses and age/aged/ages must meet: their longer forms lose the "e".
        return word[:-1] if len(word) == 3 and word.endswith("e") else word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ing") and len(word) >= 6:
        word = _undouble(word[:-3])
    elif word.endswith("ed"):
        word = _undouble(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) >= 3:
        word = word[:-1]
    return word


def _undouble(word: str) -> str:
    # shipping → shipp → ship; but keep "ll", "ss" (sell, pass) as they are.
    if len(word) >= 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        return word[:-1]
    return word


# -- concepts -------------------------------------------------------------------------

# Words and phrases that mean the same thing here, grouped by concept, live in
# data/lexicon.yaml (its header explains the format): "money back", "get * back",
# "reimburse" → ~refund; "im 15", "minor", "how old" → ~age. Data rather than code,
# so that adding a synonym is a one-line change a non-programmer can make.
LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.yaml"


@dataclass(frozen=True, slots=True)
class _Concept:
    words: tuple[str, ...]  # "=word": this form only
    phrases: tuple[str, ...]  # light stems, "*" and "<num>" (see the file)
    off_topic: bool  # a topic the curated FAQ leaves out on purpose


@dataclass(frozen=True, slots=True)
class _Lexicon:
    concepts: dict[str, _Concept]
    anchors: frozenset[str]  # light stems of the words that name the FAQ's subject


def _load_lexicon(path: Path) -> _Lexicon:
    """The lexicon in `path`, checked: a mistake there must fail loudly, at import."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - {"anchors", "concepts", "off_topic"}:
        raise ValueError(f"{path}: expected only 'anchors', 'concepts' and 'off_topic'")
    concepts: dict[str, _Concept] = {}
    for section, off_topic in (("concepts", False), ("off_topic", True)):
        for name, fields in (data.get(section) or {}).items():
            if not isinstance(fields, dict) or set(fields) - {"words", "phrases"}:
                raise ValueError(f"{path}: concept {name!r}: give only 'words' and 'phrases'")
            words = str(fields.get("words") or "").split()
            phrases = [str(phrase) for phrase in fields.get("phrases") or ()]
            if name in concepts or not (words or phrases):
                raise ValueError(f"{path}: concept {name!r} is empty or listed twice")
            concepts[str(name)] = _Concept(tuple(words), tuple(phrases), off_topic)
    anchors = frozenset(stem(word) for word in str(data.get("anchors") or "").split())
    return _Lexicon(concepts, anchors)


_LEXICON = _load_lexicon(LEXICON_FILE)
_CONCEPTS = _LEXICON.concepts
_OFF_TOPIC = frozenset("~" + name for name, concept in _CONCEPTS.items() if concept.off_topic)
_ANCHORS = _LEXICON.anchors

_AGE_NUMBER = re.compile(r"^[1-9][0-9]s?$")  # 15, "under 18s"


@dataclass(frozen=True, slots=True)
class _Phrase:
    concept: str
    parts: tuple[str, ...]  # light stems, "*" and "<num>"
    needs: frozenset[str]  # the stems a question must contain for the phrase to match


def _build_lexicon() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, list[_Phrase]]]:
    exact: dict[str, set[str]] = {}  # word as typed → concepts
    stems: dict[str, set[str]] = {}  # light stem → concepts
    phrases: dict[str, list[_Phrase]] = {}  # first part → phrases starting with it
    for name, concept in _CONCEPTS.items():
        for word in concept.words:
            exact.setdefault(word.lstrip("="), set()).add("~" + name)
            if not word.startswith("="):
                stems.setdefault(stem(word), set()).add("~" + name)
        for text in concept.phrases:
            parts = tuple(p if p in ("*", "<num>") else stem(p) for p in text.split())
            needs = frozenset(p for p in parts if p not in ("*", "<num>"))
            phrases.setdefault(parts[0], []).append(_Phrase("~" + name, parts, needs))
    return exact, stems, phrases


_EXACT, _STEMS, _PHRASES = _build_lexicon()
_LEXICON_WORDS = frozenset(
    word.lstrip("=")
    for concept in _CONCEPTS.values()
    for text in (*concept.words, *concept.phrases)
    for word in text.split()
    if word not in ("*", "<num>")
)

# Words after these are what the asker does *not* mean or have: "instead of sending
# gifts", "without spending money", "no coins". They still count, a little.
_NEGATIONS = (("instead", "of"), ("rather", "than"), ("without",), ("no",))
_NEGATION_STARTS = frozenset(trigger[0] for trigger in _NEGATIONS)
_NEGATED_SPAN = 2  # meaningful words


def _phrase_end(words: list[str], stems: list[str], start: int, parts: tuple[str, ...]) -> int:
    """Where the phrase `parts` starting at `start` ends (exclusive), or -1."""
    position = start
    for index, part in enumerate(parts):
        if part == "*":
            continue
        gap = 2 if index > 0 and parts[index - 1] == "*" else 0
        for candidate in range(position, min(position + gap + 1, len(words))):
            if (part == "<num>" and _AGE_NUMBER.match(words[candidate])) or (
                stems[candidate] == part
            ):
                position = candidate + 1
                break
        else:
            return -1
    return position


def _negated(words: list[str]) -> set[int]:
    """Positions of the meaningful words a negation applies to."""
    negated: set[int] = set()
    for start, word in enumerate(words):
        if word not in _NEGATION_STARTS:
            continue
        for trigger in _NEGATIONS:
            if tuple(words[start : start + len(trigger)]) != trigger:
                continue
            taken = 0
            for position in range(start + len(trigger), len(words)):
                if words[position] in _STOPWORDS:
                    continue
                negated.add(position)
                taken += 1
                if taken == _NEGATED_SPAN:
                    break
    return negated


# A word right after these is something the question compares with ("do coins work
# like vbucks", "is it like robux but for tiktok"): not its topic, so an off-topic
# concept it stands for is dropped, and it counts less.
_COMPARISONS = (("like",), ("than",), ("similar", "to"), ("compared", "to"), ("same", "as"))
_COMPARISON_STARTS = frozenset(trigger[0] for trigger in _COMPARISONS)


def _compared(words: list[str]) -> set[int]:
    """Positions of the meaningful words a comparison applies to."""
    compared: set[int] = set()
    for start, word in enumerate(words):
        if word not in _COMPARISON_STARTS:
            continue
        for trigger in _COMPARISONS:
            end = start + len(trigger)
            if (
                tuple(words[start:end]) == trigger
                and end < len(words)
                and words[end] not in _STOPWORDS
            ):
                compared.add(end)
    return compared


def _read(words: list[str]) -> tuple[list[tuple[int, str, set[str]]], list[tuple[str, int, int]]]:
    """The meaningful words as (position, stem, concepts); the phrases as (concept,
    start, end)."""
    stems = list(map(stem, words))
    present = frozenset(stems)
    content: list[tuple[int, str, set[str]]] = []
    phrases: list[tuple[str, int, int]] = []
    for position, word in enumerate(words):
        word_stem = stems[position]
        if word not in _STOPWORDS:
            concepts = _EXACT.get(word)
            if concepts is None:
                concepts = _STEMS.get(word_stem, set())
            content.append((position, word_stem, concepts))
        first = "<num>" if word[0].isdigit() and _AGE_NUMBER.match(word) else word_stem
        for phrase in _PHRASES.get(first, ()):
            if not phrase.needs <= present:
                continue
            end = _phrase_end(words, stems, position, phrase.parts)
            if end >= 0:
                phrases.append((phrase.concept, position, end))
    return content, phrases


def _term_weights(words: list[str]) -> dict[str, float]:
    """Every term in `words` (stems and concepts) with its weight: 1, less if negated."""
    content, phrases = _read(words)
    negated = _negated(words) if _NEGATION_STARTS.intersection(words) else set()
    weights: dict[str, float] = {}
    for position, word_stem, concepts in content:
        weight = NEGATED_WEIGHT if position in negated else 1.0
        for term in (word_stem, *concepts):
            if weights.get(term, 0.0) < weight:
                weights[term] = weight
    for concept, _, _ in phrases:
        weights[concept] = 1.0
    return weights


def _units(
    words: list[str],
    weights: list[float] | None = None,
    vocabulary: Container[str] | None = None,
) -> list[dict[str, float]]:
    """What a question says, as units of alternatives (term → weight), any of which
    may match.

    Each meaningful word gives a unit: its stem and the concepts the word stands
    for. Each phrase gives a unit with its concept. Units that share a term are
    merged, so "my fav creator" says ~creator once and a repeated word counts once.
    `weights` scale each word's unit (typo-corrected words count a little less).
    With a `vocabulary` of known terms, a word that only matters as part of a
    phrase ("little" in "little brother") gives no unit of its own.
    """
    content, phrases = _read(words)
    negated = _negated(words) if _NEGATION_STARTS.intersection(words) else set()
    compared = _compared(words) if _COMPARISON_STARTS.intersection(words) else set()
    in_phrase = {n for _, start, end in phrases for n in range(start, end)}
    units: list[dict[str, float]] = [{concept: 1.0} for concept, _, _ in phrases]
    for position, word_stem, concepts in content:
        weight = weights[position] if weights else 1.0
        if position in negated:
            weight *= NEGATED_WEIGHT
        if position in compared and _OFF_TOPIC.intersection(concepts):
            concepts = concepts - _OFF_TOPIC
            weight *= NEGATED_WEIGHT
        if (
            vocabulary is not None
            and position in in_phrase
            and not concepts
            and word_stem not in vocabulary
        ):
            continue
        units.append(dict.fromkeys((word_stem, *concepts), weight))
    return _merge_overlapping(units)


def _merge_overlapping(units: list[dict[str, float]]) -> list[dict[str, float]]:
    """Units sharing a term, merged into one (each term keeps its highest weight)."""
    merged: list[dict[str, float]] = []
    owner: dict[str, int] = {}  # term → index in merged
    for unit in units:
        if owner.keys().isdisjoint(unit):  # the usual case: a group of its own
            for term in unit:
                owner[term] = len(merged)
            merged.append(dict(unit))
            continue
        into, *others = sorted({owner[term] for term in unit if term in owner})
        for other in others:  # fold the other groups into the first
            for term, weight in merged[other].items():
                merged[into][term] = max(merged[into].get(term, 0.0), weight)
            merged[other] = {}
        for term, weight in unit.items():
            merged[into][term] = max(merged[into].get(term, 0.0), weight)
        for term in merged[into]:
            owner[term] = into
    return [unit for unit in merged if unit]


# -- typos ----------------------------------------------------------------------------


def _deletes(word: str) -> Iterator[str]:
    for index in range(len(word)):
        yield word[:index] + word[index + 1 :]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from a to b; limit+1 if more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before_previous, previous = previous, current
    return previous[-1]


def _index_deletes(words: Iterable[str]) -> dict[str, list[str]]:
    """Symmetric-delete index: each word and each one-letter deletion → the words."""
    index: dict[str, list[str]] = {}
    for word in words:
        if len(word) < 3 or not word.isalpha():
            continue
        index.setdefault(word, []).append(word)
        for deleted in set(_deletes(word)):
            index.setdefault(deleted, []).append(word)
    return index


# The lexicon's and stop words are targets for every matcher: index them once.
_BASE_TARGETS = _LEXICON_WORDS | _STOPWORDS
_BASE_DELETES = _index_deletes(_BASE_TARGETS)


class _Speller:
    """Corrects a word to the closest target word: symmetric-delete lookup, then a check.

    Targets are the entries' name and keyword words (`counts`: in how many entries)
    and the lexicon's and stop words, so "teh" is not a mystery word.
    """

    def __init__(self, counts: Counter[str]) -> None:
        self.frequency: dict[str, float] = dict.fromkeys(_BASE_TARGETS, 0.5)
        for word, count in counts.items():
            self.frequency[word] = self.frequency.get(word, 0.0) + count
        self.deletes = _index_deletes(word for word in counts if word not in _BASE_TARGETS)
        self.sorted_words = sorted(word for word in self.frequency if word.isalpha())

    def __contains__(self, word: object) -> bool:
        return word in self.frequency

    def correct(
        self, word: str, *, inserted_only: bool = False, named_only: bool = False
    ) -> str | None:
        """The target word `word` most likely meant, or None when nothing is close enough.

        `inserted_only`: only a word that `word` left one letter out of; `named_only`:
        only a word of the entries' texts or the lexicon, not one known from example
        questions alone.
        """
        if len(word) < 3 or not word.isalpha():
            return None
        limit = 1 if len(word) < 8 else 2
        keys = {word, *_deletes(word)}
        if limit == 2:
            keys |= {twice for once in _deletes(word) for twice in _deletes(once)}
        best: tuple[int, bool, float, str] | None = None
        for key in keys:
            for candidate in (*_BASE_DELETES.get(key, ()), *self.deletes.get(key, ())):
                if inserted_only and len(candidate) != len(word) + 1:
                    continue
                if named_only and (candidate == word or not self.frequency[candidate]):
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance > limit or not self._plausible(word, candidate, distance):
                    continue
                # Among equally close words prefer one the typo left a letter out of
                # (hackd → hacked rather than hack): people drop letters more often.
                rank = (
                    distance,
                    len(candidate) <= len(word),
                    -self.frequency[candidate],
                    candidate,
                )
                if best is None or rank < best:
                    best = rank
        return best[3] if best else None

    @staticmethod
    def _plausible(word: str, candidate: str, distance: int) -> bool:
        # Short words are too easily another word: "shop" is not "show", "died" is
        # not "did". Trust them only with a letter left out (bak → back) or two
        # letters swapped. Longer words keep their first letter, which people
        # rarely get wrong, unless the one edit is a swap.
        if len(word) <= 4:
            return len(candidate) == len(word) + 1 or sorted(candidate) == sorted(word)
        if word[0] != candidate[0]:
            return distance == 1 and sorted(candidate) == sorted(word)
        return True

    def split(self, word: str) -> tuple[str, str] | None:
        """Two target words run together ("moneyback"), or None."""
        if len(word) < 6 or not word.isalpha():
            return None
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if self._part(left) and self._part(right):
                return left, right
        return None

    def _part(self, word: str) -> bool:
        # A short stop word is too easily a piece of something else: "bitcoin" is
        # not "bit coin".
        return word in self.frequency and (len(word) > 3 or word not in _STOPWORDS)

    def complete(self, prefix: str) -> str | None:
        """The most common target word starting with `prefix`, or None."""
        start = bisect.bisect_left(self.sorted_words, prefix)
        best: tuple[float, str] | None = None
        for word in self.sorted_words[start:]:
            if not word.startswith(prefix):
                break
            if best is None or self.frequency[word] > best[0]:
                best = (self.frequency[word], word)
        return best[1] if best else None


# -- entries --------------------------------------------------------------------------

_FAQ_REFERENCE = re.compile(r"`/faq [^`]*`")


@dataclass(frozen=True, slots=True)
class _Analysed:
    """An entry reduced to what the matcher needs."""

    weights: dict[str, float]  # every term → the weight of its best field
    strong: tuple[tuple[str, float], ...]  # terms in names, keywords or the key
    names: tuple[frozenset[str], ...]  # each title's and alias's terms, for the bonus
    words: frozenset[str]  # words of the names, keywords and key: what typos become
    forms: tuple[str, ...]  # key, aliases, title as compared by name_form
    form_words: frozenset[str]  # the words of those, for autocomplete
    counts: dict[str, float]  # term → how often the entry's texts use it (weighted)


@functools.lru_cache(maxsize=20_000)
def _analyse(entry: FaqEntry) -> _Analysed:
    """What the matcher keeps of `entry` (cached: entries are frozen values)."""
    weights: dict[str, float] = {}
    words: set[str] = set()
    counts: dict[str, float] = {}  # for naive Bayes: names, keywords and examples

    def add(text: str, weight: float) -> frozenset[str]:
        text_words = _words(text)
        if weight > BODY_WEIGHT:
            words.update(text_words)
        found = _term_weights(text_words)
        for term, share in found.items():  # share < 1: negated, as in "without spending"
            if weights.get(term, 0.0) < weight * share:
                weights[term] = weight * share
            if weight > BODY_WEIGHT:
                counts[term] = counts.get(term, 0.0) + BAYES_NAME * share
        return frozenset(found)

    # The key is an identifier ("gift-returns") rather than a description: it counts
    # as a keyword; the title and aliases are the names.
    add(entry.key.replace("-", " "), KEYWORD_WEIGHT)
    names = [add(entry.title, NAME_WEIGHT)]
    names += [add(alias, NAME_WEIGHT) for alias in entry.aliases]
    for keyword in entry.keywords:
        add(keyword, KEYWORD_WEIGHT)
    # Example questions teach the Bayes part only: how people put a situation
    # ("my lil bro spent 50 bucks") is evidence, not the entry's name for itself.
    for example in entry.examples:
        for term, share in _term_weights(_words(example)).items():
            counts[term] = counts.get(term, 0.0) + BAYES_EXAMPLE * share
    strong = tuple(weights.items())
    # "See `/faq refund`" points elsewhere: the other topic is not this entry's.
    add(_FAQ_REFERENCE.sub(" ", entry.body), BODY_WEIGHT)
    forms = tuple(name_form(name) for name in (entry.key, *entry.aliases, entry.title))
    return _Analysed(
        weights,
        strong,
        tuple(name for name in names if name),
        frozenset(words),
        forms,
        frozenset(word for form in forms for word in _WORD_RE.findall(form)),
        counts,
    )


@functools.lru_cache(maxsize=1024)
def _example_terms(examples: tuple[str, ...]) -> frozenset[str]:
    """Every term of the example questions (cached: few entries have examples)."""
    return frozenset(term for text in examples for term in _term_weights(_words(text)))


@functools.lru_cache(maxsize=1024)
def _example_words(examples: tuple[str, ...]) -> Counter[str]:
    """In how many of the example questions each word is (cached, like the terms)."""
    return Counter(word for text in examples for word in set(_words(text)))


_Terms = tuple[tuple[str, float], ...]
"""A unit of a question as (term, value) pairs."""

_Reading = tuple[tuple[str, ...], tuple[float, ...]]
"""A question's word as read: the word(s) it stands for, each with its weight."""


@dataclass(frozen=True, slots=True)
class _Query:
    units: list[dict[str, float]]  # per unit: term → weight of the word behind it


class Matcher:
    """Answers questions and completes topics over one server's FAQ entries.

    Build a new one when the entries change; it keeps no reference to the caller's
    collection.
    """

    def __init__(self, entries: Iterable[FaqEntry]) -> None:
        self.entries: list[FaqEntry] = list(entries)
        analysed = [_analyse(entry) for entry in self.entries]
        self._weights = [item.weights for item in analysed]

        # Document frequency over every field; an inverted index over names and
        # keywords only: they say what an entry is about, and an entry whose body
        # alone matches can never score high enough to be an answer.
        frequency: Counter[str] = Counter()
        postings: dict[str, list[tuple[int, float]]] = {}
        for index, item in enumerate(analysed):
            frequency.update(item.weights.keys())
            for term, weight in item.strong:
                postings.setdefault(term, []).append((index, weight))
        count = len(self.entries)
        self._idf = {term: _idf(count, found) for term, found in frequency.items()}
        self._postings = postings
        self._unknown_idf = _idf(count, 1) * UNKNOWN_WEIGHT
        # For the name bonus (see _text_scores): each title's and alias's terms with
        # their summed idf (positive, as every idf is); per term of those, the least
        # such sum among the names that have it (a question sharing only that term
        # covers most of that name); and all those terms.
        self._names = [
            tuple((name, sum(self._idf[term] for term in name)) for name in item.names)
            for item in analysed
        ]
        self._lightest_name: list[dict[str, float]] = []
        for names in self._names:
            lightest: dict[str, float] = {}
            for name, weight in sorted(names, key=operator.itemgetter(1), reverse=True):
                lightest.update(dict.fromkeys(name, weight))  # lighter names come later
            self._lightest_name.append(lightest)
        self._name_terms = [frozenset(lightest) for lightest in self._lightest_name]
        # The keys, for ordering ties; how many entries a term may be in and still
        # pick candidates (see COMMON_TERM_MIN).
        self._keys = [entry.key for entry in self.entries]
        self._common = max(COMMON_TERM_MIN, int(COMMON_TERM_SHARE * count))
        targets = Counter(word for item in analysed for word in item.words)
        # Words people keep using in example questions ("following", "sharing") are
        # what a typo most likely meant as well; a word in one example only may be a
        # typo itself.
        example_words: Counter[str] = Counter()
        for entry in self.entries:
            example_words.update(_example_words(entry.examples))
        for word, found in example_words.items():
            if found >= EXAMPLE_WORD_MIN and word not in targets:
                targets[word] = 0
        self._speller = _Speller(targets)
        self._word_readings: dict[str, _Reading] = {}
        self._build_name_index(analysed)
        self._build_bayes(analysed)

    def _build_bayes(self, analysed: list[_Analysed]) -> None:
        """Log-ratios for the naive Bayes part, and an index of example questions' terms."""
        # Entries whose example questions use a term: Bayes may propose them even
        # when their names and keywords don't.
        self._example_postings: dict[str, list[int]] = {}
        for index, entry in enumerate(self.entries):
            for term in _example_terms(entry.examples):
                self._example_postings.setdefault(term, []).append(index)
        # The first CANDIDATES of them, the ones a question's term adds to the leaders.
        self._example_leads = {
            term: tuple(indexes[:CANDIDATES]) for term, indexes in self._example_postings.items()
        }
        background: dict[str, float] = {}
        for item in analysed:
            for term, found in item.counts.items():
                background[term] = background.get(term, 0.0) + found
        self._background = background
        self._vocabulary_size = len(background) + 1
        self._background_total = sum(background.values()) + self._vocabulary_size
        self._count_totals = [
            sum(item.counts.values()) + BAYES_ALPHA * self._vocabulary_size for item in analysed
        ]
        # log P(term | entry) / P(term) for a term the entry never uses; rounded, so
        # that entries of about the same length form one class (see _posterior).
        self._absent = [
            round(math.log(BAYES_ALPHA * self._vocabulary_size / total), 3)
            for total in self._count_totals
        ]
        self._absent_classes = sorted(Counter(self._absent).items())
        # The same, unrounded: what a candidate's own likelihood uses.
        self._absent_exact = [
            math.log(BAYES_ALPHA * self._vocabulary_size / total) for total in self._count_totals
        ]
        # log P(term | entry) / P(term) for each term an entry uses: computed once
        # here rather than on every question.
        alpha_vocabulary = BAYES_ALPHA * self._vocabulary_size
        self._log_ratios: list[dict[str, float]] = []
        for item, denominator in zip(analysed, self._count_totals, strict=True):
            ratios = {}
            for term, found in item.counts.items():
                prior = (background.get(term, 0.0) + 1.0) / self._background_total
                ratios[term] = math.log((found + alpha_vocabulary * prior) / (denominator * prior))
            self._log_ratios.append(ratios)

    def __len__(self) -> int:
        return len(self.entries)

    # -- questions ------------------------------------------------------------------

    def ask(self, question: str) -> AskResult:
        """The entry that answers `question`, two or three candidates, or none."""
        named = self._by_name.get(_bare(question))
        if named is not None:  # the question is an entry's key, title or alias
            return AskResult("answer", (self.entries[named].key,), (1.0,))
        query = self._query(question)
        ranked = self._rank(query)
        anchored = self._anchored(query)
        floor = ANCHORED_MIN if anchored else UNSURE_MIN
        if not anchored and ranked:
            # Common words only ("is tiktok down?", "what phone case do you use"):
            # almost any entry covers them, and they say too little to answer.
            floor *= max(1.0, SPARSE_SHARE * self._unknown_idf / self._information(query))
        if not ranked or ranked[0][1] < floor:
            return AskResult("none", ())
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if best >= ANSWER_MIN and runner_up < best * ANSWER_MARGIN:
            return self._result("answer", ranked[:1])
        close = [item for item in ranked[:3] if item[1] >= best * CANDIDATE_SHARE]
        if len(close) >= 2:
            return self._result("unsure", close)
        if best >= ANSWER_MIN:
            return self._result("answer", ranked[:1])
        # Likely, but not sure enough to answer outright: offer it, with the
        # runner-up as the alternative.
        return self._result("unsure", ranked[:2])

    def _information(self, query: _Query) -> float:
        """How much the question says: its units' idf, the way `_rank` weighs them."""
        total = 0.0
        for unit in query.units:
            known = [weight * self._idf[term] for term, weight in unit.items() if term in self._idf]
            total += max(known) if known else self._unknown_idf * max(unit.values())
        return max(total, 1e-9)

    def _anchored(self, query: _Query) -> bool:
        """Whether the question names the FAQ's own subject (coins, gifts, diamonds ...)
        and nothing the FAQ leaves out.

        Such a question is about an entry even when its wording is new to the
        matcher, so a weaker match may be offered; a question without them must
        match well, or it is small talk or another topic.
        """
        anchored = False
        for unit in query.units:
            for term in unit:
                if term in _OFF_TOPIC:
                    return False
                if term in _ANCHORS and term in self._postings:
                    anchored = True
        return anchored

    def scores(self, question: str, limit: int = 5) -> list[tuple[str, float]]:
        """The best-scoring entry keys for `question`: for debugging and calibrating."""
        ranked = self._rank(self._query(question))[:limit]
        return [(self.entries[index].key, round(score, 3)) for index, score in ranked]

    def _result(self, kind: Kind, ranked: list[tuple[int, float]]) -> AskResult:
        return AskResult(
            kind,
            tuple([self._keys[index] for index, _ in ranked]),
            tuple([round(score, 3) for _, score in ranked]),
        )

    def _query(self, text: str, *, last_is_prefix: bool = False) -> _Query:
        """`text` as units, typos fixed; `last_is_prefix`: the last word is unfinished."""
        words = _words(text)
        unfinished = words.pop() if last_is_prefix and words else None
        readings = self._word_readings
        fixed: list[str] = []
        weights: list[float] = []
        for word in words:
            read = readings.get(word) or self._read_word(word)
            fixed += read[0]
            weights += read[1]
        if unfinished is not None:
            read = self._read_unfinished(unfinished)
            fixed += read[0]
            weights += read[1]
        units = _units(fixed, weights, self._postings)
        return _Query([unit for unit in units if max(unit.values()) > 0])

    def _read_word(self, word: str) -> _Reading:
        """How a question's word is read: as typed, corrected or split, with its
        weight. The same for every question, so kept (the last WORD_READINGS_MAX)."""
        readings = self._word_readings
        reading = readings.get(word)
        if reading is not None:
            return reading
        reading = self._read_known(word) or self._read_unknown(word)
        if len(readings) >= WORD_READINGS_MAX:
            readings.clear()
        readings[word] = reading
        return reading

    def _read_unfinished(self, word: str) -> _Reading:
        """The last word of a half-typed topic: known, or the word it starts."""
        known = self._read_known(word)
        if known is not None:
            return known
        completed = self._speller.complete(word)
        if completed is not None:
            return (completed,), (CORRECTED_WEIGHT,)
        return self._read_word(word)

    def _read_known(self, word: str) -> _Reading | None:
        """A number, a word the entries use, or one from the example questions."""
        if _NUMBER_RE.match(word):
            # "6607 coins", "im 15": a number helps when an entry names it (a
            # number in a body, like the 5 of "5 minutes", is no topic); any
            # other number is just an amount and must not sink the question.
            return (word,), (NUMBER_WEIGHT if word in self._postings else 0.0,)
        if stem(word) in self._idf:
            return (word,), (1.0,)
        if word in self._speller:
            # A word known only from example questions may itself be a typo that
            # people keep making ("suport", "actualy"): read it as the entries' or
            # a stop word when one is a letter away, so it counts like that word.
            named = None if word in _BASE_TARGETS else self._speller.correct(word, named_only=True)
            if named is not None and (stem(named) in self._idf or named in _STOPWORDS):
                return (named,), (CORRECTED_WEIGHT,)
            return (word,), (1.0,)
        return None

    def _read_unknown(self, word: str) -> _Reading:
        """A word neither the entries nor the examples use: a typo, two words run
        together, or a word nobody knows."""
        correction = self._speller.correct(word)
        if correction is None and stem(word) in self._example_postings:
            # A word people used in an example question ("rent", "cousin"): known,
            # though no entry text has it. Checked after typos, as an example may
            # itself have one ("bak" is still "back").
            return (word,), (1.0,)
        if correction is None and stem(word) != word:
            # "folowing": its stem "folow" lacks a letter of "follow". Only a
            # left-out letter: "crash" is not "cash".
            correction = self._speller.correct(stem(word), inserted_only=True)
        if correction is not None:
            log.debug("read %r as %r", word, correction)
            return (correction,), (CORRECTED_WEIGHT,)
        halves = self._speller.split(word)
        if halves is not None:
            return halves, (CORRECTED_WEIGHT, CORRECTED_WEIGHT)
        return (word,), (1.0,)  # unknown: its unit counts against every entry

    def _rank(self, query: _Query) -> list[tuple[int, float]]:
        """(entry index, score) of the leading entries for the query, best first."""
        scored = self._text_scores(query)
        if not scored:
            return []
        posterior = self._posterior(query, [index for index, _ in scored])
        ranked = [
            (index, score + BAYES_SHARE * probability)
            for (index, score), probability in zip(scored, posterior, strict=True)
        ]
        keys = self._keys
        ranked.sort(key=lambda item: (-item[1], keys[item[0]]))
        return ranked

    def _first_scores(
        self, units: list[_Terms], limit: int, *, truncate: bool = False
    ) -> dict[int, float]:
        """Entry index → score from names and keywords, over terms in at most `limit`
        entries (or, with `truncate`, the first `limit` entries of every term)."""
        all_postings = self._postings

        def walked(term: str) -> Sequence[tuple[int, float]]:
            postings = all_postings.get(term, ())
            if truncate:
                return postings[:limit]
            return postings if len(postings) <= limit else ()

        first: dict[int, float] = {}
        first_of = first.get
        for items in units:
            if len(items) == 1:
                # Most units are one word with no concept: a term lists an entry at
                # most once, and with a positive weight, so its scores go straight to
                # the total.
                ((term, value),) = items
                if value > 0.0:
                    for index, weight in walked(term):
                        first[index] = first_of(index, 0.0) + value * weight
                continue
            best: dict[int, float] = {}  # the unit's best-matching term, per entry
            best_of = best.get
            for term, value in items:
                postings = walked(term)
                if not best and value > 0.0:  # the first term found: nothing to beat yet
                    best = {index: value * weight for index, weight in postings}
                    best_of = best.get
                    continue
                for index, weight in postings:
                    score = value * weight
                    if best_of(index, 0.0) < score:
                        best[index] = score
            for index, value in best.items():
                first[index] = first_of(index, 0.0) + value
        return first

    def _text_scores(self, query: _Query) -> list[tuple[int, float]]:
        """(entry index, text score) of the candidate entries for the query."""
        idf = self._idf
        total = 0.0
        units: list[_Terms] = []  # (term, value) per unit the entries know
        for unit in query.units:
            values: dict[str, float] = {}
            for term, weight in unit.items():
                if term in idf:
                    values[term] = weight * idf[term]
            if not values:
                # No entry knows any term of this unit (an unknown word, a concept no
                # entry has): it counts against every entry.
                weight = OFF_TOPIC_WEIGHT if _OFF_TOPIC.intersection(unit) else 1.0
                total += weight * self._unknown_idf * max(unit.values())
                continue
            unit_total = max(values.values())
            if len(values) < len(unit) and any(
                term in _OFF_TOPIC and term not in idf for term in unit
            ):
                # A topic the FAQ leaves out ("edit a video"), even if a body happens
                # to use the word: it weighs like a word nobody knows.
                total += max(
                    0.0, OFF_TOPIC_WEIGHT * self._unknown_idf * max(unit.values()) - unit_total
                )
            total += unit_total
            # A concept stands for the word the asker typed: matching it is worth at
            # least a share of that word, however common the concept is. (A unit of
            # one term is worth all of it already.)
            if len(values) > 1:
                for term in values:
                    if term.startswith("~"):
                        values[term] = max(values[term], CONCEPT_CREDIT * unit_total)
            units.append(tuple(values.items()))
        if total <= 0:
            return []
        # Candidates and a first score from names and keywords ...
        first = self._first_scores(units, self._common)
        if not first:
            first = self._first_scores(units, POSTINGS_WALK_MAX, truncate=True)
        # ... then the leaders in full, bodies included, with the name bonus: the
        # best by that first score, and entries whose example questions use a term.
        example_leads = self._example_leads
        leaders = dict.fromkeys(
            itertools.chain(
                heapq.nlargest(CANDIDATES, first, key=first.__getitem__),
                *(
                    example_leads[term]
                    for unit in query.units
                    for term in unit
                    if term in example_leads
                ),
            )
        )
        asked = {term for items in units for term, _ in items}
        all_weights = self._weights
        name_terms = self._name_terms
        lightest_name = self._lightest_name
        scored = []
        for index in leaders:
            weights = all_weights[index]
            value = 0.0
            # Each unit adds its best-matching term's value; a term the entry doesn't
            # have adds nothing (and most of them it doesn't have).
            for items in units:
                if len(items) == 1:  # most units: one word with no concept
                    term, asked_value = items[0]
                    if term in weights:
                        value += asked_value * weights[term]
                    continue
                best = 0.0  # no value is negative
                for term, asked_value in items:
                    if term in weights:
                        score = asked_value * weights[term]
                        if score > best:
                            best = score
                value += best
            # The name bonus. Most leaders share one term with their names or none,
            # and one term covers most of the lightest name that has it.
            shared = name_terms[index] & asked
            if not shared:
                cover = 0.0
            elif len(shared) == 1:
                (term,) = shared
                cover = idf[term] / lightest_name[index][term]
            else:
                cover = self._name_cover(index, asked, shared)
            scored.append((index, value / total * (1.0 + NAME_BONUS * cover)))
        return scored

    def _posterior(self, query: _Query, candidates: list[int]) -> list[float]:
        """Naive Bayes: P(entry | question) of each candidate (in the same order),
        among all entries and a background class.

        Each entry is a bag of terms from its names, keywords and example questions;
        a unit counts with its best-explained term. The background keeps a share of
        the mass for "none of them", so only a question the entries explain better
        than the FAQ as a whole gets a high posterior.
        """
        unit_items = [tuple(unit.items()) for unit in query.units]
        log_ratios = self._log_ratios
        absent_exact = self._absent_exact
        logs: list[float] = []  # log-likelihood ratio, per candidate
        for index in candidates:
            ratio_of = log_ratios[index].get
            absent = absent_exact[index]  # the log-ratio of a term the entry never uses
            log_likelihood = 0.0
            for items in unit_items:
                if len(items) == 1:  # most units: one word with no concept
                    term, weight = items[0]
                    log_likelihood += weight * ratio_of(term, absent)
                    continue
                best = -math.inf  # the unit's best-explained term
                for term, weight in items:
                    value = weight * ratio_of(term, absent)
                    if value > best:
                        best = value
                log_likelihood += best
            logs.append(log_likelihood)
        # Entries that are not candidates are taken as sharing no term with the
        # question, so their likelihood depends only on their length: summed by
        # length class (all entries, minus the candidates), a call stays cheap with
        # 10,000 entries. The background class ("none of them") explains every term
        # as well as the FAQ as a whole does: its log-ratio is 0.
        absent_weight = sum([min(unit.values()) for unit in query.units])
        top = max(*logs, absent_weight * self._absent_classes[-1][0], 0.0)
        exp = math.exp
        exps = [exp(value - top) for value in logs]
        rest = sum(
            [count * exp(absent_weight * absent - top) for absent, count in self._absent_classes]
        )
        absent_rounded = self._absent
        rest -= sum([exp(absent_weight * absent_rounded[index] - top) for index in candidates])
        background = BAYES_BACKGROUND * len(self.entries) * exp(-top)
        norm = sum(exps) + max(rest, 0.0) + background
        return [value / norm for value in exps]

    def _name_cover(self, index: int, asked: set[str], shared: Set[str]) -> float:
        """The share of the entry's best-covered title or alias the query contains
        (`shared`: the terms the query has of any of them)."""
        idf = self._idf
        names = self._names[index]
        if len(shared) == 2:
            # A name has one of the two terms or both. With one, the lightest name
            # that has it covers most; with both, their idf (a sum of two, the same
            # whichever is added first) over the name's.
            first, second = shared
            lightest = self._lightest_name[index]
            best = max(idf[first] / lightest[first], idf[second] / lightest[second])
            both = idf[first] + idf[second]
            for name, weight in names:
                if first in name and second in name and both / weight > best:
                    best = both / weight
            return best
        # Three or more: summed in the order of `name & asked`, as a floating-point
        # sum of three may come out a hair different in another order.
        best = 0.0
        for name, weight in names:
            if weight > 0 and not name.isdisjoint(asked):
                cover = sum(map(idf.__getitem__, name & asked)) / weight
                if cover > best:
                    best = cover
        return best

    # -- topics ---------------------------------------------------------------------

    def _build_name_index(self, analysed: list[_Analysed]) -> None:
        """Sorted names for prefix search; name word → entries for word prefixes."""
        names: list[tuple[str, int, int]] = []  # (name, 0 for a key, entry)
        by_word: dict[str, set[int]] = {}
        for index, item in enumerate(analysed):
            names.append((item.forms[0], 0, index))
            names.extend((form, 1, index) for form in item.forms[1:])
            for word in item.form_words:
                by_word.setdefault(word, set()).add(index)
        names.sort()
        self._names_sorted = names
        # The order among names with the same prefix, aligned with _names_sorted.
        self._name_order = [(rank, len(form), index) for form, rank, index in names]
        self._form_words = [item.form_words for item in analysed]
        self._by_word = by_word
        self._words_sorted = sorted(by_word)
        self._by_name: dict[str, int] = {}
        for form, _, index in sorted(names, key=operator.itemgetter(1)):
            self._by_name.setdefault(_bare(form), index)  # a key wins over an alias

    def complete(self, text: str, limit: int = 25) -> list[FaqEntry]:
        """Entries for an autocomplete over keys, titles and aliases.

        Names starting with `text` come first; then names containing its words (the
        last one possibly unfinished); then entries that match it despite typos.
        Empty text lists the entries by key.
        """
        if limit <= 0:
            return []
        wanted = name_form(text)
        if not wanted:
            return sorted(self.entries, key=operator.attrgetter("key"))[:limit]
        found: dict[int, None] = {}
        prefixed = functools.partial(self._prefixed, limit=limit)
        for stage in (prefixed, self._containing, self._fuzzy):
            for index in stage(wanted):
                found.setdefault(index)
                if len(found) >= limit:
                    return [self.entries[index] for index in found]
        return [self.entries[index] for index in found]

    def suggest(self, text: str, limit: int = 3) -> list[FaqEntry]:
        """The closest entries to `text`, for a "not found" message; may be empty."""
        return self.complete(text, limit) if name_form(text) else []

    def _prefixed(self, wanted: str, limit: int) -> list[int]:
        """Entries with a name starting with `wanted`: exact first, keys first, short
        first; at least the first `limit` different entries, when there are that many.

        A prefix of one or two letters starts thousands of names among 10,000 entries:
        only the leading ones are put in order.
        """
        names = self._names_sorted
        start = bisect.bisect_left(names, (wanted,))
        end = bisect.bisect_left(names, (wanted + "\U0010ffff",), start)
        exact = start
        while exact < end and names[exact][0] == wanted:
            exact += 1
        leading = sorted(self._name_order[start:exact])
        rest = self._name_order[exact:end]
        wanted_count = limit
        while True:  # an entry may have several names here: take more until enough
            chosen = heapq.nsmallest(wanted_count, rest)
            indexes = [index for *_, index in (*leading, *chosen)]
            if len(chosen) == len(rest) or len(set(indexes)) >= limit:
                return indexes
            wanted_count *= 2

    def _containing(self, wanted: str) -> list[int]:
        """Entries whose names have every word of `wanted`, the last as a prefix."""
        words = _WORD_RE.findall(wanted)
        if not words:
            return []
        *whole, last = words
        found: set[int] = set()
        if whole:
            # The whole words narrow the entries down first; the last one is then
            # looked for among their names' words only (a letter or two starts
            # thousands of words among 10,000 entries).
            by_word = self._by_word
            narrowed = sorted((by_word.get(word, set()) for word in whole), key=len)
            found = set(narrowed[0]).intersection(*narrowed[1:])
            completions = self._completions(last)
            if len(completions) <= PREFIX_WORDS_MAX:
                # Few words start with `last`: their entries, among the narrowed ones.
                found &= set().union(*(by_word[word] for word in completions))
            else:
                form_words = self._form_words
                found = {
                    index
                    for index in found
                    if any(word.startswith(last) for word in form_words[index])
                }
        else:
            for word in self._completions(last):
                found |= self._by_word[word]
        return sorted(found, key=lambda index: self.entries[index].key)

    def _completions(self, prefix: str) -> list[str]:
        """The names' words that start with `prefix`."""
        words_sorted = self._words_sorted
        start = bisect.bisect_left(words_sorted, prefix)
        end = bisect.bisect_left(words_sorted, prefix + "\U0010ffff", start)
        return words_sorted[start:end]

    def _fuzzy(self, wanted: str) -> list[int]:
        """Entries matching `wanted` as a question whose last word may be unfinished."""
        ranked = self._rank(self._query(wanted, last_is_prefix=True))
        if not ranked:
            return []
        floor = max(FUZZY_MIN, ranked[0][1] * FUZZY_SHARE)
        return [index for index, score in ranked if score >= floor]


def _bare(text: str) -> str:
    """A name or question compared as a whole: spacing, case and end punctuation ignored."""
    return name_form(text).strip(" ?!.")


def _idf(count: int, frequency: int) -> float:
    """Rarer terms count more; BM25's form, always positive."""
    return math.log(1.0 + (count - frequency + 0.5) / (frequency + 0.5))
