"""Write coinhelp/data/words/<language>.txt: each supported language's most common words.

/ask uses them to tell which language a question is written in
(coinhelp.matching.language). They are generated from the `wordfreq`
package, which is not a dependency of the bot: install it to regenerate.

    pip install wordfreq && python scripts/make_word_frequencies.py

Each line is `word<TAB>zipf`, the word's Zipf frequency (log10 of its
occurrences per billion words) rounded to two decimals, most common first.
"""

from __future__ import annotations

from pathlib import Path

import wordfreq

TOP = 5000
LANGUAGES = {"en": "en", "es": "es", "pt-BR": "pt", "id": "id", "de": "de", "fr": "fr"}
OUT = Path(__file__).resolve().parents[1] / "coinhelp" / "data" / "words"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for language, source in LANGUAGES.items():
        lines = []
        for word in wordfreq.top_n_list(source, TOP):
            if not any(ch.isalpha() for ch in word):
                continue
            lines.append(f"{word}\t{wordfreq.zipf_frequency(word, source):.2f}")
        (OUT / f"{language}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{language}: {len(lines)} words")


if __name__ == "__main__":
    main()
