"""The goals package holds its shape: error keys worded, modules small, no Discord."""

import ast
import re
from pathlib import Path

import pytest

from coinhelp.errors import UserError
from coinhelp.render import Renderer

PACKAGE = Path(__file__).resolve().parents[2] / "coinhelp" / "goals"
MODULES = sorted(PACKAGE.glob("*.py"))
_KEY = re.compile(r"^goals\.([a-z_]+)$")


def error_keys() -> set[str]:
    """Every "goals.<name>" string in the package's code."""
    keys = set()
    for module in MODULES:
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and _KEY.match(str(node.value)):
                keys.add(node.value)
    return keys


def test_every_error_key_has_a_macro_that_words_it() -> None:
    keys = error_keys()
    assert len(keys) > 20, keys
    module = Renderer().template("errors/goals.j2").module
    for key in sorted(keys):
        name = key.partition(".")[2]
        assert hasattr(module, name), f"templates/errors/goals.j2 has no macro {name}"


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (UserError("goals.not_found"), "There is no such goal in this server."),
        (UserError("goals.closed", goal_id=7), "Goal #7 is closed and takes no more pledges."),
        (
            UserError("goals.too_long", field="creator", limit=100, given=1500),
            "The creator's name can be at most 100 characters (1500 given).",
        ),
        (
            UserError("goals.description_too_long", limit=1000, given=1500),
            "The description can be at most 1,000 characters (1,500 given).",
        ),
    ],
)
def test_error_sentences(error: UserError, sentence: str) -> None:
    assert Renderer().error(error).startswith(sentence)


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_modules_stay_small_and_never_import_discord(module: Path) -> None:
    text = module.read_text("utf-8")
    assert len(text.splitlines()) <= 500
    tree = ast.parse(text)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "discord" for name in imported)
