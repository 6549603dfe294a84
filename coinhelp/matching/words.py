"""Words: a text split into lowercase words, symbols spelled out, chat shorthand
expanded; the stop words; the light stem.

Entries and questions go through the same steps, so that "don't", "dont" and "do
not" meet, "$5" says dollar, "tik tok" is one word, and coins/coin meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata

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
WORD_RE = re.compile(r"[a-z0-9]+")
NUMBER_RE = re.compile(r"^[0-9]+[ks]?$")  # 6607, 10k, 18s

# Words that say nothing about which entry is meant, including chat filler and
# verbs every question has ("how does it work", "can someone explain").
STOPWORDS = frozenset(
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


def split_words(text: str) -> list[str]:
    """Lowercase words of `text` with symbols spelled out and shorthand expanded."""
    text = text.casefold()
    if not text.isascii():  # café → cafe; skipped for plain text, which is most of it
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("'", "").replace("’", "")  # don't → dont, then shorthand
    text = _SYMBOL_RE.sub(lambda match: _SYMBOLS[match.group()], text)
    merged: list[str] = WORD_RE.findall(text)
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
