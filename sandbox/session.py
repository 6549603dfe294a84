"""One person at the terminal, acting as members of the demo server.

A `Session` reads a line, parses it against the commands the bot registered,
sends the interaction Discord's client would send (as the current member, in
the current channel), waits for the bot's answer and shows it: messages,
embeds, buttons to press, forms to fill, files, and announcements posted in
any channel.

Ordering: after each command the session waits until discord.py's handler
tasks for it have finished, so announcements a command causes (a milestone in
#announcements) are shown right after its answer, before the next prompt.
Announcements that arrive while the person is idle are shown as they come.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coinhelp import __version__
from sandbox.catalog import Leaf, Payload, leaves
from sandbox.complete import LineCompleter
from sandbox.console import Console
from sandbox.errors import BotError, InputError, SandboxError
from sandbox.parse import (
    ActAs,
    Blank,
    EntityRef,
    Help,
    MoveTo,
    Press,
    Quit,
    Slash,
    parse_line,
)
from sandbox.show import (
    ShownFile,
    field_problem,
    field_prompt,
    help_lines,
    message_lines,
    modal_intro,
)
from sandbox.world import FIRST_MEMBER, DemoWorld
from standin import (
    Channel,
    DriverError,
    InteractionFailed,
    InteractionHandle,
    Member,
    Message,
    ResponseTimeout,
    StandIn,
    StoredFile,
    permissions,
)

EXIT_ERROR = 1
# SIGHUP: the terminal window was closed (not on Windows).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
ANSWER_TIMEOUT = 15.0  # the stand-in fails an interaction after Discord's 3 s anyway
SETTLE_TIMEOUT = 15.0
INLINE_MAX_BYTES = 2000
INLINE_MAX_LINES = 25
# discord.py names the tasks that run command, button and modal handlers like this.
HANDLER_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch",
    "discord-ui-modal-dispatch",
    "discord-ui-dynamic-item",
    "discord.py: ",
)
# Permission names as Discord's client shows them, for "only for moderators" messages.
PERMISSION_NAMES = {
    permissions.ADMINISTRATOR: "Administrator",
    permissions.MANAGE_GUILD: "Manage Server",
    permissions.MANAGE_MESSAGES: "Manage Messages",
    permissions.MANAGE_ROLES: "Manage Roles",
    permissions.MANAGE_CHANNELS: "Manage Channels",
}


class Session:
    """One person at the terminal, acting as members of the demo server."""

    def __init__(
        self,
        server: StandIn,
        world: DemoWorld,
        bot_task: asyncio.Task[None],
        console: Console,
    ) -> None:
        self.server = server
        self.world = world
        self.bot_task = bot_task
        self.console = console
        self.look = console.look
        self.member: Member = world.member(FIRST_MEMBER)
        self.channel: Channel = world.general
        self.author = server.bot_user.name
        self.loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        self.busy = False
        self.pressable: tuple[InteractionHandle, Message] | None = None
        self.seen_posts: set[int] = set()
        self.files: dict[int, ShownFile] = {}
        self.files_dir: Path | None = None
        self.violations_seen = len(server.violations)
        self.unhandled_seen = len(server.unhandled)
        if console.interactive:
            console.enable_completion(self.completer())

    # -- the loop --------------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        return f"{self.member.name}@#{self.channel.name}> "

    @property
    def commands(self) -> list[Payload]:
        return [
            *self.server.registered_commands(self.world.guild),
            *self.server.registered_commands(),
        ]

    def banner(self, kept_database: Path | None) -> None:
        if not self.console.interactive:
            return
        people = ", ".join(self.world.describe_member(m) for m in self.world.people)
        channels = ", ".join(f"#{c.name}" for c in self.world.guild.channels)
        database = f"{kept_database} (kept)" if kept_database else "temporary (gone when you quit)"
        self.console.write(
            [
                f"coinhelp {__version__} sandbox: the real bot on a local stand-in of Discord; "
                "nothing leaves this computer.",
                f"Server {self.world.guild.name}: {channels}. Members: {people}.",
                f"Database: {database}. Type help for commands, Tab completes, quit leaves.",
            ]
        )

    async def run(self) -> int:
        """Read and act until the end of input; a script stops at its first error."""
        watcher = asyncio.create_task(self._watch_posts(), name="coinhelp-sandbox-posts")
        try:
            while True:
                line = await self._next_line()
                if line is None:
                    return EXIT_ERROR if self.bot_task.done() else 0
                try:
                    if not await self.do(line):
                        return 0
                except SandboxError as exc:
                    self.console.error(exc.message)
                    if not self.console.interactive:
                        return EXIT_ERROR
                if self.console.output_closed:  # piped into `head`, which has had enough
                    return 0
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _next_line(self) -> str | None:
        """The next line; None at the end of input, on a signal, or if the bot stopped."""
        reading = asyncio.ensure_future(self.console.read(self.prompt))
        stopping = asyncio.ensure_future(self.stopping.wait())
        await asyncio.wait({reading, stopping, self.bot_task}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if reading.done():
            return reading.result()
        reading.cancel()
        if self.bot_task.done():
            self.console.error("the bot stopped; see the errors above")
        return None

    @contextlib.contextmanager
    def stop_on_signals(self) -> Iterator[None]:
        """Ctrl-C, SIGTERM and a closed terminal (SIGHUP) leave the sandbox cleanly,
        after the command in progress: the temporary database folder goes too."""
        installed = []
        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self.loop.add_signal_handler(signum, self.stopping.set)
                installed.append(signum)
        try:
            yield
        finally:
            for signum in installed:
                self.loop.remove_signal_handler(signum)

    async def do(self, line: str) -> bool:
        """Act on one line; False when the person asked to leave."""
        try:
            action = parse_line(line, self.commands)
        except InputError:
            self.console.echo(self.prompt, line)
            raise
        if isinstance(action, Blank):
            return True
        self.console.echo(self.prompt, line)
        self.busy = True
        try:
            if isinstance(action, Quit):
                return False
            if isinstance(action, Help):
                hidden = {leaf.path for leaf in leaves(self.commands) if self.hidden(leaf)}
                topic = " ".join(action.topic.split()).lower()
                if topic and not any(leaf.path.startswith(topic) for leaf in leaves(self.commands)):
                    raise InputError(f"help: there is no command /{topic} (help lists them all)")
                self.console.write(
                    help_lines(
                        leaves(self.commands),
                        hidden=hidden,
                        members=[self.world.describe_member(m) for m in self.world.people],
                        channels=[f"#{c.name}" for c in self.world.guild.channels],
                        topic=topic,
                    )
                )
            elif isinstance(action, ActAs):
                self.member = self.world.member(action.member)
            elif isinstance(action, MoveTo):
                self.channel = self.world.channel(action.channel)
            elif isinstance(action, Press):
                await self.press(action.number)
            elif isinstance(action, Slash):
                await self.slash(action)
        finally:
            self.busy = False
            self.flush_posts()
        return True

    # -- acting ------------------------------------------------------------------------------

    async def slash(self, action: Slash) -> None:
        if self.hidden(action.leaf):
            raise InputError(self.hidden_message(action.leaf))
        options: dict[str, Any] = {}
        for name, value in action.options.items():
            options[name] = (
                self.world.resolve(value, name) if isinstance(value, EntityRef) else value
            )
        try:
            handle = await self.server.slash(
                self.world.guild, self.member, action.path, channel=self.channel, options=options
            )
        except DriverError as exc:
            raise InputError(str(exc)) from None
        await self.answer(handle)

    async def press(self, number: int) -> None:
        if self.pressable is None:
            raise InputError("there are no buttons to press yet")
        handle, message = self.pressable
        buttons = message.buttons
        if number > len(buttons):
            raise InputError(
                f"there is no button {number}: the last buttons were 1 to {len(buttons)}"
            )
        button = buttons[number - 1]
        label = button.label or button.emoji or button.custom_id
        if button.url or not button.custom_id:
            raise InputError(f"button {number} ({label}) is a link: it opens {button.url}")
        if button.disabled:
            raise InputError(f"button {number} ({label}) is disabled")
        try:
            clicked = await handle.click(button.custom_id, self.member, message=message)
        except DriverError as exc:
            raise InputError(str(exc)) from None
        await self.answer(clicked)

    async def answer(self, handle: InteractionHandle) -> None:
        """Wait for the bot's answer to ``handle`` and everything it caused; show it."""
        try:
            await handle.response(ANSWER_TIMEOUT)
        except (InteractionFailed, ResponseTimeout) as exc:
            self.check_violations()
            raise BotError(f"the interaction failed: {exc}") from None
        await self.settle()
        if handle.kind == "modal":
            self.check_violations()
            await self.fill_modal(handle)
            return
        if handle.message is not None and handle.message.loading:
            try:
                await handle.wait_edit(1, ANSWER_TIMEOUT)
            except ResponseTimeout as exc:
                raise BotError(f"the bot kept 'thinking': {exc}") from None
        updated = handle.kind in ("update", "deferred_update")
        for index, message in enumerate(handle.messages):
            self.show(message, handle=handle, updated=updated and index == 0)
        self.check_violations()

    async def fill_modal(self, handle: InteractionHandle) -> None:
        """Show the form the bot opened; read each field's value; submit it."""
        modal = handle.modal
        assert modal is not None
        self.console.write(modal_intro(modal.title, self.author, self.look))
        values: dict[str, str] = {}
        for field in modal.fields:
            if field.type != 4:
                continue  # only text inputs can be typed here; others keep their state
            shown, prompt = field_prompt(field, self.look)
            self.console.write(shown)
            while True:
                line = await self.console.read(prompt, complete=False)
                if line is None:
                    self.console.write(["  (form closed; nothing was sent)"])
                    return
                self.console.echo(prompt, line)
                value = _typed_field_value(line, field.value)
                problem = field_problem(field, value)
                if problem is None:
                    break
                if not self.console.interactive:
                    raise InputError(f"{problem}; the form was not sent")
                self.console.error(f"{problem}; type it again (Ctrl+D closes the form)")
            if value != (field.value or ""):
                values[field.custom_id] = value
        try:
            submitted = await handle.submit_modal(values)
        except DriverError as exc:
            raise InputError(str(exc)) from None
        await self.answer(submitted)

    async def settle(self) -> None:
        """Wait until discord.py's handlers for what was sent so far have finished."""
        current = asyncio.current_task()
        running = [
            task
            for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name().startswith(HANDLER_TASKS)
        ]
        if running:
            await asyncio.wait(running, timeout=SETTLE_TIMEOUT)

    def check_violations(self) -> None:
        """A BotError if the bot did anything Discord would refuse since the last check."""
        problems = self.server.violations[self.violations_seen :]
        problems += [f"unknown route {u}" for u in self.server.unhandled[self.unhandled_seen :]]
        self.violations_seen = len(self.server.violations)
        self.unhandled_seen = len(self.server.unhandled)
        if problems:
            raise BotError(
                "the bot sent something Discord would refuse:\n  " + "\n  ".join(problems)
            )

    # -- permissions -------------------------------------------------------------------------

    def hidden(self, leaf: Leaf, member: Member | None = None) -> bool:
        """Discord's client hides a command whose default permissions the member lacks."""
        needed = leaf.default_member_permissions
        if needed is None:
            return False
        actual = (member or self.member).permissions_in(self.channel)
        if needed == 0:
            return not actual & permissions.ADMINISTRATOR
        return not permissions.has(actual, needed)

    def hidden_message(self, leaf: Leaf) -> str:
        needed = leaf.default_member_permissions or permissions.ADMINISTRATOR
        names = [name for bit, name in PERMISSION_NAMES.items() if needed & bit] or [
            f"permissions {needed}"
        ]
        able = [m.name for m in self.world.people if not self.hidden(leaf, m)]
        hint = f"; try: as {able[0]}" if able else ""
        return (
            f"/{leaf.path} is hidden from {self.member.name}: Discord shows it only to members "
            f"with {' and '.join(names)}{hint}"
        )

    # -- showing -----------------------------------------------------------------------------

    def show(
        self,
        message: Message,
        *,
        handle: InteractionHandle | None = None,
        updated: bool = False,
        channel: str | None = None,
    ) -> None:
        """Print ``message``; its buttons become the ones ``press`` presses."""
        files = [self.saved(f) for f in message.files]
        lines = message_lines(
            message,
            self.world,
            self.look,
            author=self.author,
            channel=channel,
            updated=updated,
            files=files,
        )
        self.console.notice(lines)
        if handle is not None and any(not b.url for b in message.buttons):
            self.pressable = (handle, message)

    def saved(self, stored: StoredFile) -> ShownFile:
        """Save a file the bot sent (once) and describe it; small text files are shown too."""
        if stored.id in self.files:
            return self.files[stored.id]
        if self.files_dir is None:
            # Kept after the sandbox exits, like a browser's downloads.
            self.files_dir = Path(tempfile.mkdtemp(prefix="coinhelp-sandbox-files-"))
        name = Path(stored.filename).name or "file"
        path = self.files_dir / name
        counter = 1
        while path.exists():
            path = self.files_dir / f"{Path(name).stem}-{counter}{Path(name).suffix}"
            counter += 1
        path.write_bytes(stored.data)
        inline = None
        if len(stored.data) <= INLINE_MAX_BYTES:
            with contextlib.suppress(UnicodeDecodeError):
                text = stored.data.decode("utf-8-sig")
                if text.count("\n") <= INLINE_MAX_LINES and "\x00" not in text:
                    inline = text
        shown = ShownFile(stored.filename, len(stored.data), str(path), inline)
        self.files[stored.id] = shown
        return shown

    def _unseen_posts(self) -> list[tuple[Message, Channel]]:
        found = [
            (message, channel)
            for channel in self.world.guild.channels
            for message in self.server.messages(channel)
            if message.id not in self.seen_posts
        ]
        return sorted(found, key=lambda pair: pair[0].id)

    def flush_posts(self) -> None:
        """Show messages the bot posted in any channel (announcements) not shown yet."""
        for message, channel in self._unseen_posts():
            self.seen_posts.add(message.id)
            self.show(message, channel=channel.name)

    async def _watch_posts(self) -> None:
        """Show announcements as they arrive while nobody is running a command."""
        while True:
            with contextlib.suppress(ResponseTimeout):
                await self.server.wait_for(
                    lambda: not self.busy and bool(self._unseen_posts()),
                    3600,
                    "announcements",
                    follow_bot=False,
                )
                self.flush_posts()

    # -- completion ----------------------------------------------------------------------------

    def completer(self) -> LineCompleter:
        return LineCompleter(
            lambda: self.commands,
            members=lambda: [m.name for m in self.world.people],
            channels=lambda: [c.name for c in self.world.guild.channels],
            roles=lambda: [
                r.name
                for r in self.world.guild.roles
                if not r.managed
                and r.id != self.world.guild.id
                and not r.name.endswith(" permissions")
            ],
            ask_bot=self.ask_bot,
            resolve=self.world.resolve,
        )

    def ask_bot(self, path: str, focused: str, options: dict[str, Any]) -> list[Payload]:
        """The bot's autocomplete choices; called from the input thread."""
        typed = options.get(focused, "")
        others = {k: v for k, v in options.items() if k != focused}
        future = asyncio.run_coroutine_threadsafe(
            self.server.autocomplete(
                self.world.guild,
                self.member,
                path,
                focused=focused,
                channel=self.channel,
                options={**others, focused: typed},
                timeout=3,
            ),
            self.loop,
        )
        try:
            return future.result(timeout=4)
        except Exception:
            future.cancel()
            return []


def _typed_field_value(line: str, current: str | None) -> str:
    """What a typed line makes of a form field: Enter keeps the current value, ``-``
    empties it, ``\\n`` starts a new line."""
    if line.strip() == "-":
        return ""
    if not line:
        return current or ""
    return line.replace("\\n", "\n")
