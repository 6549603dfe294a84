"""coinhelp's core: FAQ, ledger and goal rules. Never imports discord.

Everything here takes and returns plain values so it can be tested without
Discord and reused by the cogs, the sandbox and the benchmarks.
"""

__version__ = "0.1.0"
