"""The shape of the house, held by tests rather than hoped for.

- The core (`coinhelp`) never imports discord, nor the Discord side, the
  sandbox, the stand-in or the benchmark: it takes and returns plain values.
- The core's modules import each other without cycles, so any of them can be
  read (and loaded) from the bottom up.
- Nothing imports bot.py: it is only the entry point.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORE = REPO / "coinhelp"
OUTSIDE_THE_CORE = {"discord", "aiohttp", "coinhelp_discord", "cogs", "sandbox", "standin", "bench"}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The modules `path` imports when it runs (not those only for type checkers)."""
    tree = ast.parse(path.read_text("utf-8"))
    type_checking_only = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for statement in branch.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_checking_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def core_modules() -> dict[str, set[str]]:
    return {module_name(path): runtime_imports(path) for path in sorted(CORE.rglob("*.py"))}


def test_the_core_imports_nothing_of_discord_or_the_layers_above_it() -> None:
    offenders = {
        module: sorted(name for name in imports if name.split(".")[0] in OUTSIDE_THE_CORE)
        for module, imports in core_modules().items()
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_the_core_modules_import_each_other_without_cycles() -> None:
    modules = core_modules()
    graph = {
        module: {name for name in imports if name in modules and name != module}
        for module, imports in modules.items()
    }
    # A package's __init__ is imported with each of its modules: not an edge of its own.
    graph = {
        module: {other for other in edges if not module.startswith(other + ".")}
        for module, edges in graph.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                cycles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_nothing_imports_the_entry_point() -> None:
    importers = [
        str(path.relative_to(REPO))
        for folder in ("coinhelp", "coinhelp_discord", "cogs", "sandbox", "standin", "bench")
        for path in (REPO / folder).rglob("*.py")
        if "bot" in {name.split(".")[0] for name in runtime_imports(path)}
    ]
    assert importers == []
