"""The FAQ: curated answers, each server's edits to them, and the files that move them.

    entries.py   FaqEntry, the limits and rules every entry's fields obey, keys
    names.py     the names a user can type (key, title, aliases): one entry each
    curated.py   loading the shipped Markdown files in faq/ (host errors: ConfigError)
    versions.py  the append-only faq_versions table: states, versions, what changed
    store.py     FaqStore: each server's merged view, its edits, its caches
    transfer.py  the YAML export and import files

Finding an answer for a question is coinhelp.matching's job; the Discord side
is cogs/faq.py, and every sentence is in templates/faq/ and templates/errors/faq.j2.
"""
