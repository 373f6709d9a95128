"""The shape of the house, measured: largest files, function-local imports per
app, and the import circles between the project's modules.

    python -m bench.rooms            # a report in Markdown
    python -m bench.rooms --circles  # the edges of every circle as well

An import circle is a set of modules each of which imports (at the module head
or inside a function) another of the set, directly or through the others: a
strongly connected component of the import graph with more than one module.
Migrations and tests are left out; they import what they test.
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "cococi_site",
    "outbox",
    "members",
    "notifications",
    "courses",
    "councils",
    "home",
)


def project_modules():
    """{dotted name: path} of every module of the apps, migrations aside."""
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _absolute(module, node, is_package):
    """The dotted name a ``from … import`` refers to."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    drop = node.level - 1 if is_package else node.level
    base = base[: len(base) - drop] if drop else base
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module, path, modules):
    """[(imported module, local)] for one module; ``local`` when the import
    sits inside a function."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((_known(alias.name, modules), inner))
            elif isinstance(child, ast.ImportFrom):
                target = _absolute(module, child, is_package)
                for alias in child.names:
                    name = f"{target}.{alias.name}"
                    found.append(
                        (name if name in modules else _known(target, modules), inner)
                    )
            visit(child, inner)

    visit(tree, False)
    return [(target, local) for target, local in found if target and target != module]


def _known(name, modules):
    """The longest prefix of ``name`` that is a project module, or None."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def graph(modules):
    edges = defaultdict(dict)  # module -> {target: local only?}
    local_counts = defaultdict(int)
    for module, path in modules.items():
        for target, local in imports_of(module, path, modules):
            if local:
                local_counts[module.split(".")[0]] += 1
            edges[module][target] = edges[module].get(target, True) and local
    return edges, local_counts


def circles(modules, edges):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def connect(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            connect(module)
    return sorted(found, key=len, reverse=True)


def report(show_edges=False, out=sys.stdout):
    modules = project_modules()
    edges, local_counts = graph(modules)
    sizes = sorted(
        (
            (len(path.read_text().splitlines()), path.relative_to(ROOT))
            for path in modules.values()
        ),
        reverse=True,
    )
    print("## Largest files (lines)\n", file=out)
    for lines, path in sizes[:10]:
        print(f"- `{path}`: {lines}", file=out)
    print("\n## Function-local imports of project modules, per app\n", file=out)
    for app in APPS:
        print(f"- {app}: {local_counts.get(app, 0)}", file=out)
    print(f"- total: {sum(local_counts.values())}", file=out)
    found = circles(modules, edges)
    print(f"\n## Import circles: {len(found)}\n", file=out)
    for component in found:
        members = set(component)
        print(f"- {len(component)} modules: {', '.join(component)}", file=out)
        if show_edges:
            for module in component:
                for target, local in sorted(edges[module].items()):
                    if target in members:
                        kind = "inside a function" if local else "at the head"
                        print(f"  - {module} → {target} ({kind})", file=out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circles", action="store_true", help="print the edges")
    report(show_edges=parser.parse_args().circles)


if __name__ == "__main__":
    main()
