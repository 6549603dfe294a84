"""coinhelp's Discord-facing layer: one cog per product area, plus shared UI."""
