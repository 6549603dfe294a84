"""Slash command options as Discord's client builds them.

A person picks a registered command (global or this guild's), walks into its
subcommand group and subcommand, and fills typed options. The client refuses
unknown options, missing required ones, values of the wrong type, values
outside ``choices``, ``min_value``/``max_value`` or ``min_length``/
``max_length``, channels of the wrong ``channel_types``; it hides commands
whose ``default_member_permissions`` the member lacks ("0": administrators
only). What it sends: integers and numbers as JSON numbers; users, channels,
roles and attachments as snowflake strings with the objects in ``resolved``
(members with their ``permissions`` in the channel; not in autocomplete, where
the focused option's value is the raw text typed so far).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from standin import permissions as perms
from standin.errors import DriverError
from standin.models import Attachment, Channel, Member, Role, User

if TYPE_CHECKING:
    from standin.commands import CommandStore
    from standin.server import StandIn

Payload = dict[str, Any]

OPTION_TYPES = {
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}
_MAX_SAFE_INTEGER = 2**53


@dataclass
class Target:
    """A registered command and the group/subcommand definitions walked to reach the leaf."""

    command: Payload
    chain: list[Payload] = field(default_factory=list)

    @property
    def path(self) -> str:
        return "/" + " ".join([self.command["name"], *(d["name"] for d in self.chain)])

    @property
    def leaf_options(self) -> list[Payload]:
        node = self.chain[-1] if self.chain else self.command
        return [o for o in node.get("options") or [] if o.get("type") not in (1, 2)]

    def nest(self, leaf: list[Payload]) -> list[Payload]:
        """Wrap leaf options in the subcommand (group) options the way Discord sends them."""
        options = leaf
        for definition in reversed(self.chain):
            options = [{"type": definition["type"], "name": definition["name"], "options": options}]
        return options


def resolve(store: CommandStore, guild_id: int, path: str) -> Target:
    """Find ``path`` ("goal contribute") among the commands this guild's members see."""
    words = path.strip().lstrip("/").split()
    if not words:
        raise DriverError("No command given.")
    command = store.find(guild_id, words[0])
    if command is None:
        names = sorted("/" + c["name"] for c in store.visible(guild_id) if c.get("type", 1) == 1)
        raise DriverError(
            f"/{words[0]} is not a slash command the bot registered here "
            f"(registered: {', '.join(names) or 'none'})."
        )
    target = Target(command)
    node = command
    for word in words[1:]:
        subs = [o for o in node.get("options") or [] if o.get("type") in (1, 2)]
        match = next((o for o in subs if o["name"] == word), None)
        if match is None:
            choices = ", ".join(o["name"] for o in subs) or "none"
            raise DriverError(f"{target.path} has no subcommand {word!r} (it has: {choices}).")
        target.chain.append(match)
        node = match
    subs = [o["name"] for o in node.get("options") or [] if o.get("type") in (1, 2)]
    if subs:
        raise DriverError(f"{target.path} needs a subcommand: {', '.join(subs)}.")
    return target


def check_can_use(target: Target, member: Member, channel: Channel) -> None:
    """Refuse what Discord's client would not show this member in this channel."""
    actual = member.permissions_in(channel)
    if not perms.has(actual, perms.VIEW_CHANNEL | perms.USE_APPLICATION_COMMANDS):
        raise DriverError(f"{member.name} cannot use application commands in #{channel.name}.")
    raw = target.command.get("default_member_permissions")
    if raw is None:
        return
    needed = int(raw)
    allowed = bool(actual & perms.ADMINISTRATOR) if needed == 0 else perms.has(actual, needed)
    if not allowed:
        raise DriverError(
            f"{target.path} is hidden from {member.name}: its default_member_permissions "
            f"({needed}) are not all in the member's permissions ({actual})."
        )


class OptionBuilder:
    """Builds one interaction's options and ``resolved`` data."""

    def __init__(
        self,
        server: StandIn,
        member: Member,
        channel: Channel,
        *,
        focused: str | None = None,
    ) -> None:
        self.server = server
        self.member = member
        self.channel = channel
        self.focused = focused
        self.resolved: Payload = {}
        self.focused_type: int | None = None

    def build(self, target: Target, values: dict[str, Any]) -> list[Payload]:
        definitions = {o["name"]: o for o in target.leaf_options}
        given: dict[str, Any] = {}
        for key, value in values.items():
            name = key if key in definitions else key.replace("_", "-")
            if name not in definitions:
                known = ", ".join(definitions) or "none"
                raise DriverError(f"{target.path} has no option {key!r} (options: {known}).")
            if name in given:
                raise DriverError(f"{target.path}: option {name!r} given twice.")
            if value is not None:
                given[name] = value
        if self.focused is not None:
            focus = self.focused if self.focused in definitions else self.focused.replace("_", "-")
            if focus not in definitions:
                raise DriverError(f"{target.path} has no option {self.focused!r} to type into.")
            if not definitions[focus].get("autocomplete"):
                raise DriverError(f"{target.path} option {focus!r} has no autocomplete.")
            self.focused = focus
            self.focused_type = definitions[focus]["type"]
            given.setdefault(focus, "")
        options: list[Payload] = []
        for name, definition in definitions.items():
            if name not in given:
                if definition.get("required") and self.focused is None:
                    raise DriverError(f"{target.path}: the required option {name!r} is missing.")
                continue
            option: Payload = {"type": definition["type"], "name": name}
            if name == self.focused:
                option["value"] = str(given[name])
                option["focused"] = True
            else:
                option["value"] = self._convert(target, definition, given[name])
            options.append(option)
        return options

    def _fail(self, target: Target, definition: Payload, text: str) -> DriverError:
        kind = OPTION_TYPES.get(definition["type"], str(definition["type"]))
        return DriverError(f"{target.path} option {definition['name']!r} ({kind}): {text}")

    def _convert(self, target: Target, definition: Payload, value: Any) -> Any:
        kind = definition["type"]
        if kind == 3:
            if not isinstance(value, str) or not value:
                raise self._fail(target, definition, f"needs non-empty text, got {value!r}.")
            value = self._choice(target, definition, value)
            low, high = definition.get("min_length"), definition.get("max_length")
            if (low is not None and len(value) < low) or (high is not None and len(value) > high):
                raise self._fail(target, definition, f"length {len(value)} not in {low}..{high}.")
            return value
        if kind in (4, 10):
            if isinstance(value, str) and definition.get("choices"):
                value = self._choice(target, definition, value)
            integer = kind == 4
            wanted = int if integer else (int, float)
            if isinstance(value, bool) or not isinstance(value, wanted):
                raise self._fail(target, definition, f"needs a number, got {value!r}.")
            if abs(value) > _MAX_SAFE_INTEGER:
                raise self._fail(target, definition, f"{value} is out of Discord's range.")
            low, high = definition.get("min_value"), definition.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise self._fail(target, definition, f"{value} not in {low}..{high}.")
            return self._choice(target, definition, value)
        if kind == 5:
            if not isinstance(value, bool):
                raise self._fail(target, definition, f"needs True or False, got {value!r}.")
            return value
        if kind in (6, 9) and isinstance(value, Member | User):
            return self._user(value)
        if kind in (8, 9) and isinstance(value, Role):
            self._add("roles", value.id, value.payload())
            return str(value.id)
        if kind == 7 and isinstance(value, Channel):
            return self._channel(target, definition, value)
        if kind == 11 and isinstance(value, Attachment):
            return self._attachment(value)
        raise self._fail(target, definition, f"cannot take {value!r}.")

    def _choice(self, target: Target, definition: Payload, value: Any) -> Any:
        choices = definition.get("choices") or []
        if not choices:
            return value
        for choice in choices:
            if choice["value"] == value or choice["name"] == value:
                return choice["value"]
        names = ", ".join(repr(c["name"]) for c in choices)
        raise self._fail(target, definition, f"{value!r} is not one of the choices ({names}).")

    def _add(self, kind: str, key: int, data: Payload) -> None:
        if self.focused is None:
            self.resolved.setdefault(kind, {})[str(key)] = data

    def _user(self, value: Member | User) -> str:
        user = value.user if isinstance(value, Member) else value
        self._add("users", user.id, user.payload())
        if isinstance(value, Member):
            self._add("members", user.id, value.payload(with_user=False, channel=self.channel))
        return str(user.id)

    def _channel(self, target: Target, definition: Payload, channel: Channel) -> str:
        allowed = definition.get("channel_types")
        if allowed and channel.type not in allowed:
            raise self._fail(target, definition, f"#{channel.name} is not of types {allowed}.")
        data = channel.payload()
        data["permissions"] = str(self.member.permissions_in(channel))
        data.pop("permission_overwrites", None)
        self._add("channels", channel.id, data)
        return str(channel.id)

    def _attachment(self, attachment: Attachment) -> str:
        if self.focused is not None:
            return "0"
        stored = self.server.store_file(
            self.channel.id,
            attachment.filename,
            attachment.data,
            attachment.content_type,
            ephemeral=True,
        )
        stored.description = attachment.description
        self._add("attachments", stored.id, stored.payload())
        return str(stored.id)
