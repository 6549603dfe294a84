"""coinhelp's benchmark suite: `python -m bench` (full) or `python -m bench --quick`.

Sections (see each module): 1 the floor (`bench.floor`), 2 user commands
through the Discord stand-in (`bench.commands`), 3 pledges per second
(`bench.pledges`), 4 ledger queries by size (`bench.queries`), 5 the FAQ
matcher by size (`bench.faq`), 6 start-up time and memory of a `python bot.py`
process (`bench.memory`). `bench.data` generates the database, `bench.report`
prints the table and writes the JSON.
"""
