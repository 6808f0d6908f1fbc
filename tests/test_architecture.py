"""The shape the house rules promise, checked on the source: no import circle between modules, no view imports
another domain's views, and no query written in a view or the API (reads go through queries.py and the
permission helpers)."""
import ast
import importlib
import pkgutil
import re
from pathlib import Path

import eic

ROOT = Path(eic.__file__).parent


def modules():
    return sorted(m.name for m in pkgutil.walk_packages([str(ROOT)], "eic.") if ".translations" not in m.name)


def module_path(name):
    path = ROOT.parent / Path(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def imported_modules(name):
    """The eic modules ``name`` imports anywhere, at the top or inside a function: a circle hidden by a deferred
    import is still a circle."""
    tree = ast.parse(module_path(name).read_text())
    package = name if module_path(name).name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in ALL else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in ALL and m != name}


ALL = set(modules())


def test_every_module_imports_on_its_own():
    for name in sorted(ALL):
        importlib.import_module(name)


def test_no_import_circle_between_modules():
    graph = {name: imported_modules(name) for name in ALL}
    assert graph["eic.therapy.views.sessions"] >= {"eic.therapy.services", "eic.core.permissions"}  # the graph is read
    # A submodule importing its own package (``from . import x``) is not a circle through the package.
    for name, targets in graph.items():
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    state, stack, cycles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    assert cycles == []


def view_modules():
    return [p for p in ROOT.glob("*/*.py") if p.name in ("views.py", "api.py") or p.name.endswith("_views.py")] + \
        list(ROOT.glob("*/views/*.py"))


def test_no_view_imports_another_domains_views():
    for path in view_modules():
        domain = path.relative_to(ROOT).parts[0]
        for match in re.finditer(r"from eic\.(\w+)(?:\.\w+)* import .*views|from eic\.(\w+)\.views", path.read_text()):
            assert (match.group(1) or match.group(2)) == domain, f"{path}: {match.group(0)}"


def test_views_and_api_write_no_queries():
    """Loads go through ``core.permissions.get_visible_or_404``; lists through each domain's queries.py."""
    for path in view_modules():
        text = path.read_text()
        assert "select(" not in text, path


# The modules a newcomer reads to learn what the domain does: each public function and class says what it does
# (and, for services, what it raises).
DOCUMENTED = ("services", "queries", "permissions", "figures", "exports", "tasks", "served", "snapshots", "outcomes",
              "imports", "calendar")


def test_services_queries_and_rules_say_what_they_do():
    undocumented = []
    for path in ROOT.rglob("*.py"):
        if not (path.stem in DOCUMENTED or path.parent.name == "services"):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_") \
                    and not ast.get_docstring(node):
                undocumented.append(f"{path.relative_to(ROOT.parent)}:{node.lineno} {node.name}")
    assert undocumented == []
