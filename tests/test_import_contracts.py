"""The context boundaries are code: import-linter keeps them, and a planted violation fails."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _copy_tree(dst: Path) -> Path:
    for name in ("config", "contexts", "crm"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / ".importlinter", dst / ".importlinter")
    return dst


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"}, timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return _copy_tree(tmp_path_factory.mktemp("tree"))


def test_contracts_hold_on_the_real_tree(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "target, planted, contract",
    [
        ("contexts/commercial/services_planted.py", "from contexts.catalog import models\n", "Contexts meet only through api and events"),
        ("contexts/finance/events.py", "import django.db\n", "events modules are plain data"),
        ("crm/planted.py", "import contexts.core.api\n", "config > contexts > crm"),
        # core is at the bottom: it calls no context above it, not even through api.py
        ("contexts/core/planted.py", "import contexts.finance.api\n",
         "engagement > commercial, pos, logistics > catalog, inventory, finance > core"),
        ("contexts/finance/planted.py", "from contexts.commercial import events\n",
         "engagement > commercial, pos, logistics > catalog, inventory, finance > core"),
        # catalog reads inventory's stock: inventory asking catalog back would close a cycle
        ("contexts/inventory/planted.py", "from contexts.catalog import api\n", "Contexts form no cycle"),
    ],
)
def test_a_planted_violation_breaks_a_contract(tmp_path, target, planted, contract):
    tree = _copy_tree(tmp_path)
    path = tree / target
    path.write_text((path.read_text() if path.exists() else "") + planted)
    result = _lint(tree)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout, result.stdout
