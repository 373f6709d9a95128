"""Every kind of notice the apps send has the Spanish label that leaders and
superusers read (``notifications.kinds``)."""

import ast
from pathlib import Path

from notifications.kinds import KINDS

ROOT = Path(__file__).resolve().parents[2]
APPS = ["members", "notifications", "courses", "councils", "home"]


def kinds_sent():
    """The first argument of every ``notify``/``notify_many`` call, where it is
    a string or a module constant holding one."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            constants = {
                target.id: node.value.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in ("notify", "notify_many"):
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    found[first.value] = path
                elif isinstance(first, ast.Name) and first.id in constants:
                    found[constants[first.id]] = path
    return found


def test_every_kind_sent_has_a_spanish_label():
    sent = kinds_sent()
    assert len(sent) >= 8, sent
    missing = {kind: str(path) for kind, path in sent.items() if kind not in KINDS}
    assert not missing
