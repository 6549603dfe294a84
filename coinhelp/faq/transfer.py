"""The FAQ export and import files: one server's edits as YAML.

`export_text` writes the file, `parse_import` reads one back and checks
everything that the file alone can tell; coinhelp.faq.store applies it (all
of it, or nothing). The shape::

    format: coinhelp-faq/1          # optional on import; refused if different
    entries:                        # overrides and custom entries, by key
      refund:
        title: Can I get my coins refunded?
        aliases:
        - money back
        body: |-
          Markdown text ...
    hidden:                         # curated keys this server hides
    - scams

Curated entries a server shows unchanged are not exported. Import merges: each
listed entry is set to the given text, each `hidden` key is hidden (a custom
key listed there is deleted), and whatever the file does not mention stays as
it is.

A file with problems is refused with the error "faq.import_problems", whose
`problems` are `ImportProblem`s: the line, the entry if any, and the macro in
templates/faq/_macros.j2 that words the reason.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from coinhelp.errors import InvalidInput
from coinhelp.faq.entries import KEY_MAX, EntryText, entry_text, is_key, text_problems
from coinhelp.faq.versions import State

IMPORT_MAX_BYTES = 1_000_000
EXPORT_FORMAT = "coinhelp-faq/1"


class ImportProblem(NamedTuple):
    """Why line `line` (of entry `entry`, if any) is refused: the macro `key`, with `params`."""

    line: int
    entry: str | None
    key: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ImportEntry:
    key: str
    text: EntryText
    line: int


@dataclass(frozen=True, slots=True)
class ImportFile:
    """A checked file: its entries and its hidden keys, each with its line."""

    entries: tuple[ImportEntry, ...]
    hidden: tuple[tuple[str, int], ...]  # (key, line)


def check_import_size(size: int) -> None:
    """Raise InvalidInput if a file of `size` bytes is too big to import; check before reading."""
    if size > IMPORT_MAX_BYTES:
        raise InvalidInput("faq.import_too_large", limit=IMPORT_MAX_BYTES)


def import_text(data: str | bytes) -> str:
    """A file's text. Raises InvalidInput if it is too big or, as bytes, not UTF-8."""
    if isinstance(data, bytes):
        check_import_size(len(data))
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("faq.import_not_utf8") from exc
    check_import_size(len(data.encode("utf-8", "surrogatepass")))
    return data


def import_refused(problems: list[ImportProblem]) -> InvalidInput:
    """The error refusing a file for `problems`."""
    return InvalidInput("faq.import_problems", problems=problems)


# ------------------------------------------------------------------ export


def export_text(states: Mapping[str, State], curated: Container[str], header: str = "") -> str:
    """The server's overrides, custom entries and hidden curated keys as YAML.

    `states` are the latest versions of the server's keys; `header` (comment
    lines) goes first.
    """
    entries: dict[str, dict[str, Any]] = {}
    hidden: list[str] = []
    for key in sorted(states):
        state = states[key]
        if state.text is not None:
            entries[key] = {
                "title": state.text.title,
                "aliases": list(state.text.aliases),
                "body": state.text.body,
            }
        elif state.status == "hidden" and key in curated:
            hidden.append(key)
    document = {"format": EXPORT_FORMAT, "entries": entries, "hidden": hidden}
    header = header.strip("\n")
    return (header + "\n" if header else "") + yaml.dump(
        document,
        Dumper=_ExportDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )


class _ExportDumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks, so bodies read as they look."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted style when a literal block cannot hold
    # the text exactly (trailing spaces, special characters), so this is lossless.
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_ExportDumper.add_representer(str, _represent_text)


# ------------------------------------------------------------------ import

_YAML_NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENTRY_FIELDS = ("title", "aliases", "body")


def parse_import(text: str) -> ImportFile:
    """The file's entries and hidden keys, each checked. Raises InvalidInput.

    A file that is not YAML of the export's shape gets its own error; a file
    of that shape with bad parts gets "faq.import_problems" listing them all.
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "unreadable"
        if exc.context and reason.startswith("but "):  # "expected a single document ..."
            reason = f"{exc.context} {reason}"
        raise InvalidInput(
            "faq.import_not_yaml",
            reason=reason,
            line=None if mark is None else mark.line + 1,
            column=None if mark is None else mark.column + 1,
        ) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput("faq.import_not_yaml", reason=str(exc)) from exc
    except RecursionError as exc:
        raise InvalidInput("faq.import_too_deep") from exc
    if root is None:
        raise InvalidInput("faq.import_empty")
    if not isinstance(root, yaml.MappingNode):
        raise InvalidInput("faq.import_not_export", line=_line(root))
    problems: list[ImportProblem] = []
    entries: list[ImportEntry] = []
    hidden: list[tuple[str, int]] = []
    seen_fields: set[str] = set()
    for key_node, value_node in root.value:
        field = _scalar(key_node)
        if field in seen_fields:
            problems.append(_problem(key_node, None, "field_twice", field=field or "?"))
            continue
        seen_fields.add(field or "")
        if field == "format":
            if _scalar(value_node) != EXPORT_FORMAT:
                problems.append(_problem(value_node, None, "wrong_format", expected=EXPORT_FORMAT))
        elif field == "entries":
            entries.extend(_parse_entries(value_node, problems))
        elif field == "hidden":
            hidden.extend(_parse_hidden(value_node, problems))
        else:
            problems.append(_problem(key_node, None, "unknown_file_field", field=field or "?"))
    listed = {item.key: item.line for item in entries}
    for key, line in hidden:
        if key in listed:
            problems.append(
                ImportProblem(line, None, "hidden_and_listed", {"key": key, "listed": listed[key]})
            )
    if problems:
        raise import_refused(problems)
    return ImportFile(tuple(entries), tuple(hidden))


def _parse_entries(node: yaml.Node, problems: list[ImportProblem]) -> list[ImportEntry]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        problems.append(_problem(node, None, "entries_not_mapping"))
        return []
    entries: list[ImportEntry] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = _scalar(key_node)
        line = _line(key_node)
        if key is None:
            problems.append(_problem(key_node, None, "entry_key_not_text"))
            continue
        if not is_key(key):
            problems.append(_problem(key_node, key, "entry_key_invalid", limit=KEY_MAX))
            continue
        if key in seen:
            problems.append(_problem(key_node, key, "entry_key_twice"))
            continue
        seen.add(key)
        if not isinstance(value_node, yaml.MappingNode):
            problems.append(_problem(key_node, key, "entry_not_mapping"))
            continue
        fields: dict[str, yaml.Node] = {}
        bad = False
        for field_node, field_value in value_node.value:
            field = _scalar(field_node) or "?"
            if field not in _ENTRY_FIELDS:
                problems.append(_problem(field_node, key, "unknown_entry_field", field=field))
                bad = True
            elif field in fields:
                problems.append(_problem(field_node, key, "field_twice", field=field))
                bad = True
            else:
                fields[field] = field_value
        missing = [field for field in ("title", "body") if field not in fields]
        if missing:
            problems.append(_problem(key_node, key, "entry_field_missing", field=missing[0]))
            continue
        if bad:
            continue
        title = _text(fields["title"])
        body = _text(fields["body"])
        aliases = _texts(fields["aliases"]) if "aliases" in fields else []
        if title is None or body is None or aliases is None:
            problems.append(_problem(key_node, key, "entry_field_types"))
            continue
        text = entry_text(title, aliases, body)
        field_problems = text_problems(key, text)
        if field_problems:
            problems.append(_problem(key_node, key, "entry_invalid", problems=field_problems))
            continue
        entries.append(ImportEntry(key, text, line))
    return entries


def _parse_hidden(node: yaml.Node, problems: list[ImportProblem]) -> list[tuple[str, int]]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.append(_problem(node, None, "hidden_not_list"))
        return []
    hidden: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in node.value:
        key = _scalar(item)
        if key is None or not is_key(key):
            problems.append(_problem(item, None, "hidden_not_keys"))
        elif key not in seen:
            seen.add(key)
            hidden.append((key, _line(item)))
    return hidden


def _problem(node: yaml.Node, entry: str | None, key: str, /, **params: Any) -> ImportProblem:
    return ImportProblem(_line(node), entry, key, params)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _YAML_NULL


def _scalar(node: yaml.Node) -> str | None:
    """A scalar's text exactly as written (no type conversion), or None."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def _text(node: yaml.Node) -> str | None:
    """A text field: "" for an empty value, None if it is not a single value."""
    if _is_null(node):
        return ""
    return _scalar(node)


def _texts(node: yaml.Node) -> list[str] | None:
    """A list of text (an empty value is an empty list), or None."""
    if _is_null(node):
        return []
    if not isinstance(node, yaml.SequenceNode):
        return None
    texts = [_text(item) for item in node.value]
    return None if any(text is None for text in texts) else [t for t in texts if t is not None]
