"""The matcher's weights and thresholds, calibrated together.

They were calibrated on out-of-fold scores (k-fold cross-validation over the tune
split of tests/data/faq_questions.yaml: each question scored by a matcher whose
examples did not include it), with a margin for small talk worded in ways the
lexicon has never seen; the holdout split measures how well all this generalises
(tests/unit/test_matcher.py). Change one and rerun those tests.

The decision thresholds (`Thresholds`) are English's here; another language's
profile may override some of them (its `calibration:` section), chosen on that
language's tune questions (tests/unit/test_matcher_languages.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The decision thresholds of /ask in one language (English's by default)."""

    answer_min: float = ANSWER_MIN
    answer_margin: float = ANSWER_MARGIN
    unsure_min: float = UNSURE_MIN
    anchored_min: float = ANCHORED_MIN
    sparse_share: float = SPARSE_SHARE
    candidate_share: float = CANDIDATE_SHARE


ENGLISH_THRESHOLDS = Thresholds()
THRESHOLD_NAMES = tuple(field.name for field in dataclasses.fields(Thresholds))
