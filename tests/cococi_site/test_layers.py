"""The base layer of ``cococi_site`` (its docstring names it) imports no app:
every app may build on it, and it on none of them."""

import ast
from pathlib import Path

import pytest

import cococi_site

PACKAGE = Path(cococi_site.__file__).parent
APPS = {"courses", "members", "notifications", "offline", "home", "councils", "outbox"}
BASE_LAYER = [
    "content",
    "page_cache",
    "cache",
    "middleware",
    "files",
    "spreadsheets",
    "pages",
    "snippets",
    "logs",
    "site_address",
    "api_fields",
    "django_strings",
    "wagtail_strings",
    "wagtail_messages",
]


def imported_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("module", BASE_LAYER)
def test_the_base_layer_imports_no_app(module):
    assert set(imported_packages(PACKAGE / f"{module}.py")) & APPS == set()


def test_the_package_names_each_module_of_its_base_layer():
    for module in BASE_LAYER:
        assert (PACKAGE / f"{module}.py").exists()
        if "strings" not in module and module != "wagtail_messages":
            assert f"``{module}``" in cococi_site.__doc__
