"""The FAQ's words live in templates: every key the code names has its macro.

The core says what happened as keys and values (errors "faq.<name>", field
problems, import problems, version changes); templates/errors/faq.j2 and
templates/faq/_macros.j2 word them. These tests hold that link, and the line
between the core and Discord.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coinhelp.errors import InvalidInput
from coinhelp.faq.entries import checked_text
from coinhelp.faq.transfer import ImportProblem, check_import_size, import_text
from coinhelp.faq.versions import Change, FaqVersion
from coinhelp.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
FAQ_CODE = [*sorted((ROOT / "coinhelp" / "faq").glob("*.py")), ROOT / "cogs" / "faq.py"]
RENDERER = Renderer()


def code() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in FAQ_CODE)


def test_every_faq_error_key_has_its_macro() -> None:
    keys = set(re.findall(r'(?:NotFound|Conflict|InvalidInput|UserError)\(\s*"faq\.(\w+)"', code()))
    assert len(keys) >= 20
    errors = RENDERER.template("errors/faq.j2").module
    assert [key for key in sorted(keys) if not hasattr(errors, key)] == []


def test_every_phrase_key_has_its_macro() -> None:
    text = code()
    keys = set(re.findall(r'_problem\((?:[^"()]*, )?"(\w+)"', text))
    keys |= set(re.findall(r'Change\(\s*"(\w+)"', text))
    keys |= set(re.findall(r'ImportProblem\([^"]*"(\w+)"', text))
    keys.discard("entry_invalid")  # a list of field problems: worded in errors/faq.j2
    assert len(keys) >= 35
    phrases = RENDERER.template("faq/_macros.j2").module
    assert [key for key in sorted(keys) if not hasattr(phrases, key)] == []


def test_field_problems_read_as_one_sentence() -> None:
    with pytest.raises(InvalidInput) as raised:
        checked_text("ok", "two\nlines", ["same", "Same"], " ")
    assert RENDERER.error(raised.value) == (
        "Field 'aliases' lists 'Same' twice; field 'body' is empty; "
        "the title 'two\\nlines' must be a single line."
    )


def test_import_problems_list_ten_lines_and_count_the_rest() -> None:
    problems = [
        ImportProblem(n, "my-key" if n % 2 else None, "entry_key_twice", {}) for n in range(12)
    ]
    said = RENDERER.error(InvalidInput("faq.import_problems", problems=problems))
    assert said.splitlines() == [
        "Nothing was imported; fix the file and try again:",
        "• line 0: this key appears twice.",
        "• line 1, entry `my-key`: this key appears twice.",
        *(
            f"• line {n}{', entry `my-key`' if n % 2 else ''}: this key appears twice."
            for n in range(2, 10)
        ),
        "… and 2 more.",
    ]


def test_history_shows_what_each_version_changed() -> None:
    version = FaqVersion(
        guild_id=1,
        key="refund",
        language="en",
        version=2,
        action="revert",
        status="edited",
        title="T",
        aliases=(),
        body="B",
        editor_id=9,
        created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        reverted_from=1,
        changes=(
            Change("restored_version", {"version": 1}),
            Change("aliases_changed", {"added": ["@everyone"], "removed": ["old"]}),
            Change("body_changed", {"added": 2, "removed": 1}),
        ),
    )
    parts = RENDERER.parts("faq/history.j2", key="refund", versions=[version], page=0, pages=1)
    assert (
        "restored version 1; aliases +@\u200beveryone −old; body +2/−1 lines"
        in (parts["description"])
    )


def test_import_files_are_refused_by_size_and_encoding() -> None:
    with pytest.raises(InvalidInput, match=r"faq\.import_too_large"):
        check_import_size(1_000_001)
    check_import_size(1_000_000)
    with pytest.raises(InvalidInput, match=r"faq\.import_not_utf8") as raised:
        import_text(b"\xff\xfe\x00binary")
    assert RENDERER.error(raised.value) == (
        "That file is not UTF-8 text: export a YAML file and try again."
    )
    assert import_text(b"entries: {}\n") == "entries: {}\n"


def test_the_faq_core_never_imports_discord() -> None:
    code = (
        "import sys, coinhelp.faq.curated, coinhelp.faq.store, coinhelp.faq.transfer;"
        " sys.exit('discord' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
