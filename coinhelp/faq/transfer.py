"""The FAQ export and import files: one server's edits, in every language, as YAML.

`export_text` writes the file, `parse_import` reads one back and checks
everything that the file alone can tell; coinhelp.faq.store applies it (all
of it, or nothing). The shape::

    format: coinhelp-faq/2          # optional on import; refused if unknown
    entries:                        # overrides and custom entries, by key
      refund:
        en:                         # each language's text the server wrote
          title: Can I get my coins refunded?
          aliases:
          - money back
          body: |-
            Markdown text ...
        es:
          title: ¿Me devuelven las monedas?
          body: ...
    hidden:                         # by language: the keys this server hides
      en:
      - scams

Curated entries a server shows unchanged are not exported. Import merges: each
listed text is set, each `hidden` key is hidden in that language (a custom
key's text there is deleted), and whatever the file does not mention stays as
it is.

Files of the first shape (`coinhelp-faq/1`: each entry's `title`, `aliases`
and `body` directly under its key, `hidden` a list) still import, as English.
Without a `format`, each entry and `hidden` are read in the shape they have.

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
from coinhelp.faq.versions import States
from coinhelp.i18n import DEFAULT_LANGUAGE, LANGUAGES

IMPORT_MAX_BYTES = 1_000_000
EXPORT_FORMAT = "coinhelp-faq/2"
ENGLISH_ONLY_FORMAT = "coinhelp-faq/1"  # before languages: still imported, as English


class ImportProblem(NamedTuple):
    """Why line `line` (of entry `entry`, if any) is refused: the macro `key`, with `params`."""

    line: int
    entry: str | None
    key: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One language's text of an entry in the file."""

    key: str
    language: str
    text: EntryText
    line: int


@dataclass(frozen=True, slots=True)
class ImportHidden:
    """A key the file hides in one language."""

    key: str
    language: str
    line: int


@dataclass(frozen=True, slots=True)
class ImportFile:
    """A checked file: its texts and its hidden keys, each with its line."""

    entries: tuple[ImportEntry, ...]
    hidden: tuple[ImportHidden, ...]


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


def export_text(states: States, curated: Container[str], header: str = "") -> str:
    """The server's texts of overrides and custom entries, and its hidden keys, as YAML.

    `states` are the latest versions of the server's keys in each language;
    `header` (comment lines) goes first. A key hidden in a language is listed
    when it is curated or has a text in another language (a custom entry deleted
    everywhere is gone, as before export).
    """
    entries: dict[str, dict[str, dict[str, Any]]] = {}
    for language in LANGUAGES:
        for key, state in states.get(language, {}).items():
            if state.text is not None:
                entries.setdefault(key, {})[language] = {
                    "title": state.text.title,
                    "aliases": list(state.text.aliases),
                    "body": state.text.body,
                }
    hidden: dict[str, list[str]] = {}
    for language in LANGUAGES:
        keys = [
            key
            for key, state in states.get(language, {}).items()
            if state.status == "hidden" and (key in curated or key in entries)
        ]
        if keys:
            hidden[language] = sorted(keys)
    document = {
        "format": EXPORT_FORMAT,
        "entries": dict(sorted(entries.items())),
        "hidden": hidden,
    }
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
    """The file's texts and hidden keys, each checked. Raises InvalidInput.

    A file that is not YAML of the export's shape gets its own error; a file
    of that shape with bad parts gets "faq.import_problems" listing them all.
    """
    root = _compose(text)
    # The format decides how the rest reads, wherever the file puts it.
    english_only: bool | None = None  # None: each part is read in the shape it has
    formats = [value for key, value in root.value if _scalar(key) == "format"]
    if formats and _scalar(formats[0]) == ENGLISH_ONLY_FORMAT:
        english_only = True
    elif formats and _scalar(formats[0]) == EXPORT_FORMAT:
        english_only = False
    problems: list[ImportProblem] = []
    entries: list[ImportEntry] = []
    hidden: list[ImportHidden] = []
    seen_fields: set[str] = set()
    for key_node, value_node in root.value:
        field = _scalar(key_node)
        if field in seen_fields:
            problems.append(_problem(key_node, None, "field_twice", field=field or "?"))
            continue
        seen_fields.add(field or "")
        if field == "format":
            if _scalar(value_node) not in (EXPORT_FORMAT, ENGLISH_ONLY_FORMAT):
                problems.append(_problem(value_node, None, "wrong_format", expected=EXPORT_FORMAT))
        elif field == "entries":
            entries.extend(_parse_entries(value_node, english_only, problems))
        elif field == "hidden":
            hidden.extend(_parse_hidden(value_node, english_only, problems))
        else:
            problems.append(_problem(key_node, None, "unknown_file_field", field=field or "?"))
    listed = {(item.key, item.language): item.line for item in entries}
    for item in hidden:
        line = listed.get((item.key, item.language))
        if line is not None:
            problems.append(
                ImportProblem(
                    item.line, None, "hidden_and_listed", {"key": item.key, "listed": line}
                )
            )
    if problems:
        raise import_refused(problems)
    return ImportFile(tuple(entries), tuple(hidden))


def _compose(text: str) -> yaml.MappingNode:
    """The file's top mapping. Raises InvalidInput when there is none."""
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
    return root


def _parse_entries(
    node: yaml.Node, english_only: bool | None, problems: list[ImportProblem]
) -> list[ImportEntry]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        problems.append(_problem(node, None, "entries_not_mapping"))
        return []
    entries: list[ImportEntry] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = _scalar(key_node)
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
        if english_only or (english_only is None and _is_one_text(value_node)):
            text = _parse_text(key, key_node, value_node, problems)
            if text is not None:
                entries.append(ImportEntry(key, DEFAULT_LANGUAGE, text, _line(key_node)))
            continue
        for language, language_node, text_node in _by_language(value_node, key, problems):
            if not isinstance(text_node, yaml.MappingNode):
                problems.append(_problem(language_node, key, "entry_not_mapping"))
                continue
            text = _parse_text(key, language_node, text_node, problems)
            if text is not None:
                entries.append(ImportEntry(key, language, text, _line(language_node)))
    return entries


def _is_one_text(node: yaml.MappingNode) -> bool:
    """Whether an entry has the first shape: its fields directly under its key."""
    return any(_scalar(field) in _ENTRY_FIELDS for field, _ in node.value)


def _by_language(
    node: yaml.MappingNode, entry: str | None, problems: list[ImportProblem]
) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(language, its node, the value) for each supported language in `node`, once each."""
    found: list[tuple[str, yaml.Node, yaml.Node]] = []
    seen: set[str] = set()
    for language_node, value_node in node.value:
        language = _scalar(language_node)
        if language not in LANGUAGES:
            problems.append(
                _problem(
                    language_node,
                    entry,
                    "language_unknown",
                    language=language or "?",
                    languages=LANGUAGES,
                )
            )
        elif language in seen:
            problems.append(_problem(language_node, entry, "field_twice", field=language))
        else:
            seen.add(language)
            found.append((language, language_node, value_node))
    return found


def _parse_text(
    key: str, key_node: yaml.Node, node: yaml.MappingNode, problems: list[ImportProblem]
) -> EntryText | None:
    """One text's title, aliases and body, checked; None (and problems) if it has any."""
    fields: dict[str, yaml.Node] = {}
    bad = False
    for field_node, field_value in node.value:
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
        return None
    if bad:
        return None
    title = _text(fields["title"])
    body = _text(fields["body"])
    aliases = _texts(fields["aliases"]) if "aliases" in fields else []
    if title is None or body is None or aliases is None:
        problems.append(_problem(key_node, key, "entry_field_types"))
        return None
    text = entry_text(title, aliases, body)
    field_problems = text_problems(key, text)
    if field_problems:
        problems.append(_problem(key_node, key, "entry_invalid", problems=field_problems))
        return None
    return text


def _parse_hidden(
    node: yaml.Node, english_only: bool | None, problems: list[ImportProblem]
) -> list[ImportHidden]:
    if _is_null(node):
        return []
    if english_only or (english_only is None and isinstance(node, yaml.SequenceNode)):
        if not isinstance(node, yaml.SequenceNode):
            problems.append(_problem(node, None, "hidden_not_list"))
            return []
        return _hidden_keys(node, DEFAULT_LANGUAGE, problems)
    if not isinstance(node, yaml.MappingNode):
        problems.append(_problem(node, None, "hidden_not_by_language"))
        return []
    hidden: list[ImportHidden] = []
    for language, language_node, keys_node in _by_language(node, None, problems):
        if _is_null(keys_node):
            continue
        if not isinstance(keys_node, yaml.SequenceNode):
            problems.append(_problem(language_node, None, "hidden_not_list"))
            continue
        hidden += _hidden_keys(keys_node, language, problems)
    return hidden


def _hidden_keys(
    node: yaml.SequenceNode, language: str, problems: list[ImportProblem]
) -> list[ImportHidden]:
    hidden: list[ImportHidden] = []
    seen: set[str] = set()
    for item in node.value:
        key = _scalar(item)
        if key is None or not is_key(key):
            problems.append(_problem(item, None, "hidden_not_keys"))
        elif key not in seen:
            seen.add(key)
            hidden.append(ImportHidden(key, language, _line(item)))
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
