"""Every context's api.py only checks arguments and delegates: no ORM write and no transaction
in it (they belong to its services). Checked on the syntax tree of each contexts/*/api.py, so a
context added later is held to it as well."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WRITES = {"save", "create", "update", "delete", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
          "select_for_update"}


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in WRITES or node.func.attr.startswith("bulk_")):
            found.append(f"line {node.lineno}: .{node.func.attr}(")
        if isinstance(node, ast.Attribute) and node.attr == "atomic" or isinstance(node, ast.Name) and node.id == "atomic":
            found.append(f"line {node.lineno}: atomic")
        if isinstance(node, ast.alias) and node.name == "atomic":
            found.append(f"line {node.lineno}: import atomic")
    return found


@pytest.mark.parametrize("api", sorted(ROOT.glob("contexts/*/api.py")), ids=lambda p: p.parent.name)
def test_api_modules_delegate_only(api):
    assert violations(api.read_text()) == [], f"{api.relative_to(ROOT)} writes or opens a transaction"


@pytest.mark.parametrize("planted", [
    "def f():\n    Order.objects.filter(pk=1).update(status='x')\n",
    "def f(o):\n    o.save(update_fields=['a'])\n",
    "def f():\n    Tier.objects.bulk_create([])\n",
    "from django.db import transaction\ndef f():\n    with transaction.atomic():\n        pass\n",
    "from django.db.transaction import atomic\n",
])
def test_a_planted_write_or_transaction_is_caught(planted):
    assert violations(planted)


@pytest.mark.parametrize("api", sorted(ROOT.glob("contexts/*/api.py")), ids=lambda p: p.parent.name)
def test_each_api_function_is_listed_in_the_context_readme(api):
    functions = [n.name for n in ast.parse(api.read_text()).body
                 if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    readme = api.parent / "README.md"
    text = readme.read_text() if readme.exists() else ""
    missing = [name for name in functions if f"`{name}`" not in text]
    assert missing == [], f"{readme.relative_to(ROOT)} does not list {missing}"
