"""The FAQ: curated answers in every language, each server's edits, the files that move them.

    entries.py       FaqEntry, the limits and rules every entry's fields obey, keys
    names.py         the names a user can type (key, title, aliases): one entry each
    curated.py       loading the shipped Markdown files in faq/ and faq/<language>/
                     (host errors: ConfigError); `Curated`, language -> key -> entry
    translations.py  the rule a translation obeys against its English entry: same numbers
    versions.py      the append-only faq_texts table: states, versions, what changed
    shown.py         what a server shows in a language: its text, the curated one, a fallback
    edits.py         the rules an edit obeys (names, limits) and what an import would write
    store.py         FaqStore: each server's view in each language, its edits, its caches
    transfer.py      the YAML export and import files

Finding an answer for a question is coinhelp.matching's job; the Discord side
is cogs/faq.py, and every sentence is in templates/faq/ and templates/errors/faq.j2.
"""
