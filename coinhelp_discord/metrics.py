"""The bot's Prometheus metrics, served at /metrics by web.py.

Each bot has its own registry: a test process builds hundreds of bots, and
prometheus-client's global registry refuses a metric name twice.

    coinhelp_interactions_total{type,command,outcome}
        slash commands and autocompletes as they finish (type "command" or
        "autocomplete"); buttons, menus and forms ("component", "modal",
        command = the custom id's namespace) only when they fail
        outcome: ok, user_error (the user was told why), error (a bug,
        logged with a reference id), refused (a check said no)
    coinhelp_interaction_seconds{type,command}
        from discord.py handing the interaction over to its handler's end
    coinhelp_interactions_received_total{type}   every interaction, on arrival
    coinhelp_pledges_total                        /goal contribute answered
    coinhelp_announcements_failed_total           announcements Discord refused
    coinhelp_database_seconds{operation}          write, transaction, read_in_thread
    coinhelp_gateway_connected, coinhelp_gateway_latency_seconds, coinhelp_guilds
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

INTERACTION_TYPES = {2: "command", 3: "component", 4: "autocomplete", 5: "modal"}
# Discord wants an answer within 3 s: the buckets are finest below that.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
DATABASE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0)


class Metrics:
    """The counters, histograms and gauges of one bot, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.interactions = Counter(
            "coinhelp_interactions",
            "Interactions handled, by type, command and outcome.",
            ["type", "command", "outcome"],
            registry=registry,
        )
        self.interaction_seconds = Histogram(
            "coinhelp_interaction_seconds",
            "Time spent handling a slash command or an autocomplete.",
            ["type", "command"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.received = Counter(
            "coinhelp_interactions_received",
            "Interactions received from Discord, by type (repeats not counted).",
            ["type"],
            registry=registry,
        )
        self.pledges = Counter(
            "coinhelp_pledges", "Pledges recorded through /goal contribute.", registry=registry
        )
        self.announcements_failed = Counter(
            "coinhelp_announcements_failed",
            "Milestone and summary announcements that could not be posted.",
            registry=registry,
        )
        self.database_seconds = Histogram(
            "coinhelp_database_seconds",
            "Time in database calls, by operation.",
            ["operation"],
            buckets=DATABASE_BUCKETS,
            registry=registry,
        )
        self.gateway_connected = Gauge(
            "coinhelp_gateway_connected",
            "1 while the gateway connection is up, else 0.",
            registry=registry,
        )
        self.gateway_latency = Gauge(
            "coinhelp_gateway_latency_seconds",
            "Time between the last heartbeat and its acknowledgement.",
            registry=registry,
        )
        self.guilds = Gauge("coinhelp_guilds", "Servers the bot is in.", registry=registry)

    def watch(
        self,
        *,
        connected: Callable[[], bool],
        latency: Callable[[], float],
        guilds: Callable[[], int],
    ) -> None:
        """Read the gauges from the bot when scraped."""
        self.gateway_connected.set_function(lambda: float(connected()))
        self.gateway_latency.set_function(lambda: _finite(latency()))
        self.guilds.set_function(lambda: float(guilds()))

    def interaction_received(self, data: dict[str, Any]) -> None:
        self.received.labels(INTERACTION_TYPES.get(data.get("type", 0), "other")).inc()

    def interaction_finished(
        self, kind: str, command: str, outcome: str, seconds: float | None = None
    ) -> None:
        self.interactions.labels(kind, command, outcome).inc()
        if seconds is not None:
            self.interaction_seconds.labels(kind, command).observe(seconds)
        if kind == "command" and command == "goal contribute" and outcome == "ok":
            self.pledges.inc()

    def interaction_failed(self, interaction_type: int, command: str, outcome: str) -> None:
        """A button, menu or form that failed (their successes are not seen here)."""
        self.interactions.labels(
            INTERACTION_TYPES.get(interaction_type, "other"), command, outcome
        ).inc()

    def database_time(self, operation: str, seconds: float) -> None:
        self.database_seconds.labels(operation).observe(seconds)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0
