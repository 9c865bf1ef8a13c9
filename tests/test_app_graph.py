"""The dependency rule between the foundation apps (docs/adr/0003-app-dependencies.md):
orgs ← people ← accounts ← classes ← access ← students, and ``core.acting`` below them all. The graph is read from the
source (every import a module makes at run time, inside functions too; imports under
``if TYPE_CHECKING:`` are types only and do not count)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "manabi"
# Each app may import only the apps before it in this order.
ORDER = ("orgs", "people", "accounts", "classes", "access", "students")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def app_graph(root: Path = ROOT) -> dict[str, dict[str, list[str]]]:
    """app → {imported app: ["path:line", …]} for the modules outside tests and migrations."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        app = parts[0]
        for module, line in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            names = module.split(".")
            if names[0] == "manabi" and len(names) > 1 and names[1] != app:
                graph[app][names[1]].append(f"{path.relative_to(root.parent)}:{line}")
    return graph


def test_foundation_apps_depend_one_way() -> None:
    graph = app_graph()
    wrong = [
        f"{app} → {later}: {', '.join(graph[app][later])}"
        for index, app in enumerate(ORDER)
        for later in ORDER[index + 1 :]
        if graph[app].get(later)
    ]
    assert not wrong, "imports against the order " + " ← ".join(ORDER) + ":\n" + "\n".join(wrong)


def test_the_acting_role_value_imports_no_app() -> None:
    tree = ast.parse((ROOT / "core" / "acting.py").read_text(encoding="utf-8"))
    apps = {m.split(".")[1] for m, _ in _runtime_imports(tree) if m.startswith("manabi.")}
    assert apps <= {"core"}


def test_the_graph_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    app = tmp_path / "orgs"
    app.mkdir()
    (app / "views.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from manabi.accounts.models import Account\n"
        "def f():\n    from manabi.people.selectors import staff_search\n",
        encoding="utf-8",
    )
    graph = app_graph(tmp_path)
    assert set(graph["orgs"]) == {"people"}
