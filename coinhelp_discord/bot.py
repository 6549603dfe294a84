"""The bot: discord.py's Bot with the services the cogs use, and its command sync."""

from __future__ import annotations

import hashlib
import json
import logging
import time

import discord
from discord.ext import commands

from cogs.common import CoinhelpTree
from cogs.views import PageButton, Pagers
from coinhelp.db import Database
from coinhelp.faq.curated import Curated
from coinhelp.faq.store import FaqStore
from coinhelp.goals.ledger import Ledger
from coinhelp.guildsettings import GuildSettingsStore
from coinhelp.i18n import Catalogs
from coinhelp.matching.language import default_guesser
from coinhelp.render import Renderer
from coinhelp.settings import Settings
from coinhelp_discord.deliveries import InteractionDeliveries
from coinhelp_discord.metrics import Metrics
from coinhelp_discord.translator import CatalogTranslator

log = logging.getLogger("coinhelp")

# Loaded in this order in setup_hook; one module per product area.
EXTENSIONS = ("cogs.coinhelp", "cogs.faq", "cogs.goals")

# What the bot needs in a channel: read it, answer, embed, attach exports.
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
INVITE_SCOPES = ("bot", "applications.commands")


class CoinhelpBot(commands.Bot):
    """discord.py's Bot plus the services the cogs use."""

    def __init__(
        self,
        *,
        settings: Settings,
        db: Database,
        curated: Curated,
        catalogs: Catalogs | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            # Only slash commands: no message content, no member list needed.
            intents=discord.Intents(guilds=True),
            # Set once for the whole bot: nothing it sends can ping anyone.
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=CoinhelpTree,
        )
        self.settings = settings
        self.db = db
        self.catalogs = catalogs or Catalogs()
        self.renderer = renderer or Renderer(catalogs=self.catalogs)
        self.faq = FaqStore(db, curated)
        self.ledger = Ledger(db)
        self.guild_settings = GuildSettingsStore(db)
        self.pagers = Pagers()
        self.started_at = time.monotonic()
        self._set_up = False
        self.metrics = Metrics()
        self.metrics.watch(
            connected=lambda: self.gateway_connected,
            latency=lambda: self.latency,
            guilds=lambda: len(self.guilds),
        )
        db.on_timing = self.metrics.database_time
        # Repeated deliveries of one interaction are dropped before discord.py sees them.
        self.deliveries = InteractionDeliveries(on_received=self.metrics.interaction_received)
        self.deliveries.install(self._connection.parsers)

    async def setup_hook(self) -> None:
        # login() runs this again when the launcher retries a login that lost
        # the network half-way (after the first part, during the sync).
        if not self._set_up:
            await self.ledger.start()
            # Page buttons keep their state in their custom ids: they answer clicks
            # on any list the bot ever sent, also from before a restart.
            self.add_dynamic_items(PageButton)
            for extension in EXTENSIONS:
                await self.load_extension(extension)
            await self.tree.set_translator(CatalogTranslator(self.catalogs))
            # The language tables every /ask reads, loaded now rather than on the
            # first question. Each language's matcher is built on its first
            # question instead (a fraction of a second, once): building all six
            # at start would cost every host memory for languages its servers
            # may never use.
            default_guesser()
            self._set_up = True
        await self.sync_commands_if_changed()
        assert self.application_id is not None  # set by login()
        log.info(
            "invite coinhelp with: %s",
            discord.utils.oauth_url(
                self.application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
            ),
        )

    async def sync_commands_if_changed(self) -> bool:
        """Sync the command tree to Discord only when it differs from the last sync.

        The fingerprint of what was last synced for this application is kept in
        the database, so a restart with the same commands makes no sync call.
        It covers the payload as sent, translations included: a changed
        translation syncs once.
        """
        translator = self.tree.translator
        assert translator is not None  # set in setup_hook
        payload = [
            await command.get_translated_payload(self.tree, translator)
            for command in self.tree.get_commands()
        ]
        fingerprint = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode()
        ).hexdigest()
        meta_key = f"commands-synced:{self.application_id}"
        if await self.db.get_meta(meta_key) == fingerprint:
            log.info("slash commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync()
        await self.db.set_meta(meta_key, fingerprint)
        log.info("synced %d slash commands", len(synced))
        return True

    async def on_ready(self) -> None:
        log.info("ready as %s in %d servers", self.user, len(self.guilds))

    async def close(self) -> None:
        if self.is_closed():
            return
        # Finish pledges already queued before the gateway goes away.
        await self.ledger.stop()
        # discord.py dispatches on_ready ~2 s after the last server arrives and
        # does not cancel that wait on close: closed earlier, it would fire on
        # a closed client and log a traceback.
        ready_task = self._connection._ready_task
        if ready_task is not None:
            ready_task.cancel()
        await super().close()

    @property
    def gateway_connected(self) -> bool:
        """The gateway connection is up and has a session (READY or RESUMED)."""
        ws = self.ws
        return not self.is_closed() and ws is not None and ws.open and ws.session_id is not None

    async def database_answers(self) -> bool:
        try:
            return await self.db.lookup_one("SELECT 1") is not None
        except Exception:
            return False

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.started_at


def create_bot(
    settings: Settings, db: Database, curated: Curated, catalogs: Catalogs | None = None
) -> CoinhelpBot:
    """The bot with every service, on an open database, speaking from `catalogs`
    (default: the shipped translations). See launcher.built_bot for the whole
    start-up (data checked, database opened and closed)."""
    return CoinhelpBot(settings=settings, db=db, curated=curated, catalogs=catalogs)
