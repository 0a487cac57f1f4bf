"""The layout's promise (docs/architecture.md): imports go one way, and no module circles.

Read from the source with ``ast``: every ``from complaintflow... import`` and
``import complaintflow...``, at any depth (a function-level import is still an
arrow), except those under ``if TYPE_CHECKING:`` (no arrow at run time).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).parent.parent / "src" / "complaintflow"

#: Which layers a layer may import (besides itself), from the bottom up.
#: The base every layer may use: errors, the clock and instants, durations as people read
#: them, and the helper that names a missing extra.
BASE = {"errors", "clock", "durations", "_extras"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "_extras": {"errors"},
    "durations": {"errors"},
    "clock": {"errors"},
    "domain": BASE,
    "sla": BASE | {"domain"},
    "approval": BASE | {"domain"},
    "routing": BASE | {"domain"},
    "classify": BASE | {"domain"},
    "storage": BASE | {"domain"},
    "metrics": BASE | {"domain", "sla"},
    "satisfaction": BASE | {"domain", "sla"},
    "service": BASE | {"domain", "sla", "approval", "routing", "classify"},
    # integrations with a host's engines (Celery): they run the service, as a host does
    "contrib": BASE | {"service"},
    # channels deliver what the service composed; they read the outbox only through it
    "delivery": BASE | {"domain", "service"},
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(("complaintflow", *parts)).removesuffix(".__init__")


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "root"


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for sub in node.body for child in ast.walk(sub))
    package = _module(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module(path)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("complaintflow"):
                base = node.module
            elif node.level:
                base = package
            else:
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (
                    candidate
                    if (SRC.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                    or (SRC.parent / candidate.replace(".", "/")).is_dir()
                    else base
                )
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("complaintflow"))


GRAPH = {_module(path): set(_imports(path)) for path in SRC.rglob("*.py")}


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _layer(module) == layer
        for target in targets
        if _layer(target) != layer
        and _layer(target) not in ALLOWED[layer]
        # the service knows the storage protocol, never an adapter
        and not (layer == "service" and target.startswith("complaintflow.storage.protocol"))
    )
    assert not wrong, "\n".join(wrong)


def test_nothing_but_the_command_line_imports_the_demo() -> None:
    users = sorted(
        module
        for module, targets in GRAPH.items()
        if any(_layer(t) == "demo" for t in targets) and _layer(module) not in ("demo", "cli")
    )
    assert users == []


def test_no_module_imports_itself_in_a_circle() -> None:
    known = set(GRAPH)
    edges = {
        module: {t for t in targets if t in known and t != module}
        for module, targets in GRAPH.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    assert circles == []
