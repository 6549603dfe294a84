"""Every sentence a member or moderator reads lives in templates/, so it can be translated.

The check reads the cogs and the core as code (not as text) and reports:
- a string literal given to something that shows it: message content, embed
  parts, button, select and form labels and placeholders;
- a UserError whose first argument is not a template key ("area.name");
- any other string that reads like an English sentence (three or more words,
  a capital first letter, closing punctuation).

Not reported: docstrings (a command's docstring is its description, which
discord.py hands to the catalog Translator, as it does `describe(...)` and
choice names), log messages, and the messages of errors meant for developers
or for the host (ValueError, ConfigError ...), which stay in English.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCANNED = [*sorted((REPO / "cogs").rglob("*.py")), *sorted((REPO / "coinhelp").rglob("*.py"))]

SHOWN_BY = {
    "send_message", "send", "edit_message", "edit_original_response", "edit", "reply",
    "Embed", "add_field", "set_footer", "set_author", "Button", "TextInput", "Select",
    "SelectOption", "Modal", "Label", "File",
}  # fmt: skip
SHOWN_KEYWORDS = {"content", "label", "placeholder", "title", "description", "text", "value"}
USER_ERRORS = {"UserError", "NotFound", "InvalidInput", "Conflict"}
ENGLISH_ONLY = {
    "ValueError", "TypeError", "RuntimeError", "AssertionError", "KeyError", "ConfigError",
    "FileNotFoundError", "FileExistsError", "NotImplementedError", "LookupError", "OSError",
    "ArgumentParser", "add_argument", "describe", "choices", "Choice", "command", "Group",
    "rename", "context_menu",
}  # fmt: skip
LOGGING = {"debug", "info", "warning", "error", "exception", "critical", "log"}
KEY = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
SENTENCE = re.compile(r"^[A-Z][\w'’]*(?:[ ,;:—–-]+[\w'’`{}]+){2,}.*[.!?…:]$", re.DOTALL)


def called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def texts(node: ast.AST) -> list[str]:
    """The literal text in `node`: a string, or the fixed parts of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(part.value for part in node.values if isinstance(part, ast.Constant))]
    return []


def docstrings(tree: ast.AST) -> set[int]:
    """Strings standing alone as statements: docstrings of modules, classes,
    functions and attributes."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and texts(node.value)
    }


def wordy(text: str) -> bool:
    """Text a person reads: it has letters, and is not SQL (which starts with a keyword)."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    return any(ch.isalpha() for ch in text) and not (first.isupper() and len(first) > 1)


def sentences_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    skip = docstrings(tree)
    found: list[str] = []
    where = str(path.relative_to(REPO))

    def report(node: ast.AST, why: str) -> None:
        found.append(f"{where}:{getattr(node, 'lineno', '?')}: {why}")

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = called(node)
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        if name in ENGLISH_ONLY or (name in LOGGING and isinstance(node.func, ast.Attribute)):
            skip.update(id(inner) for argument in arguments for inner in ast.walk(argument))
        elif name in USER_ERRORS and node.args:
            skip.update(id(inner) for inner in ast.walk(node.args[0]))
            for text in texts(node.args[0]):
                if not KEY.match(text):
                    report(node, f"{name}({text!r}): give a template key, not a sentence")
        elif name in SHOWN_BY:
            for argument in node.args:
                for text in texts(argument):
                    if wordy(text):
                        report(argument, f"{name}() shows the literal {text!r}")
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    for text in texts(keyword.value):
                        if wordy(text):
                            report(keyword.value, f"{name}({keyword.arg}=) shows {text!r}")
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        for text in texts(node):
            if SENTENCE.match(text.strip()) and wordy(text):
                report(node, f"a sentence in code: {text.strip()[:70]!r}")
    return sorted(set(found))


def test_no_user_facing_sentence_is_written_in_code() -> None:
    found = [problem for path in SCANNED for problem in sentences_in(path)]
    assert found == [], "\n".join(found)


def test_the_check_finds_a_sentence_where_a_member_would_read_it(tmp_path: Path) -> None:
    """The check itself: each way a sentence can hide in code is reported."""
    code = tmp_path / "cog.py"
    code.write_text(
        "async def f(interaction, error):\n"
        "    await interaction.response.send_message('Done!')\n"
        "    button = Button(label='Show more')\n"
        "    raise InvalidInput('That goal is closed.')\n"
        "    NOTE = 'Prices vary by region, so check at checkout.'\n"
        "    log.info('Started the bot in %s.', 1)\n"
        "    raise ValueError('Width must be at least one.')\n"
        "    raise NotFound('goals.not_found')\n",
        encoding="utf-8",
    )
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        found = sentences_in(code)
    finally:
        REPO = saved
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "5"]
