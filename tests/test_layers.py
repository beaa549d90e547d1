"""The layer rules of STYLE.md hold: import-linter checks the contracts in .importlinter, and a deliberate
violation in a copy of the app breaks the matching contract (so the check cannot pass vacuously)."""
from __future__ import annotations

import ast
import dataclasses
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".importlinter"
BROKEN_LINE = re.compile(r"(.+) BROKEN(?: \(.*\))?")  # "<contract name> BROKEN (2 ignored imports)"
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(project: Path) -> tuple[int, str, list[str]]:
    """Run lint-imports on the ``app`` package found in ``project``; returns (exit code, output, broken names)."""
    # A separate process: grimp finds ``app`` by import path, and this process has already imported the real one.
    env = {**os.environ, "PYTHONPATH": str(project)}
    result = subprocess.run(
        [sys.executable, "-c", LINT, "--config", str(CONFIG), "--no-cache", "--no-logo"],
        cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    broken = [match[1] for line in output.splitlines() if (match := BROKEN_LINE.fullmatch(line.strip()))]
    return result.returncode, output, broken


def test_every_layer_contract_is_kept():
    code, output, broken = lint_imports(ROOT)
    assert code == 0, "broken import contracts:\n  " + "\n  ".join(broken or ["(see output)"]) + "\n\n" + output
    assert "Contracts: 8 kept, 0 broken." in output  # all eight contracts were read and checked


# One deliberate violation per contract, each in a module that only that contract reads as a source, so one
# lint run shows every contract catching its own violation (the reported import names which one it was).
VIOLATIONS = [
    ("Views", "app/challenges/routes.py", "from sqlalchemy import select", "app.challenges.routes -> sqlalchemy"),
    ("Views", "app/api/matches.py", "from app.matching import ranking", "app.api.matches -> app.matching.ranking"),
    ("Forms", "app/solutions/forms.py", "from app.models import Solution", "app.solutions.forms -> app.models"),
    ("Services", "app/services/marketplace/solutions.py", "from flask import request",
     "app.services.marketplace.solutions -> flask"),
    ("Matching", "app/matching/text.py", "import sqlalchemy", "app.matching.text -> sqlalchemy"),
    ("Models", "app/models/challenge.py", "from app.services import errors", "app.models.challenge -> app.services"),
    ("Mail", "app/mail/outbox.py", "from app.services import errors", "app.mail.outbox -> app.services.errors"),
    ("CLI", "app/cli/users.py", "from sqlalchemy import select", "app.cli.users -> sqlalchemy"),
    ("Direction", "app/services/pagination.py", "from app.challenges import routes",
     "app.services.pagination -> app.challenges.routes"),
]


def test_a_deliberate_violation_breaks_its_contract(tmp_path):
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    for _contract, module, statement, _reported in VIOLATIONS:
        path = tmp_path / module
        path.write_text(path.read_text() + f"\n{statement}\n")
    code, output, broken = lint_imports(tmp_path)
    assert code != 0, output
    for contract, _module, _statement, reported in VIOLATIONS:
        assert any(name.startswith(contract) for name in broken), f"{contract} contract not broken:\n{output}"
        assert reported in output, f"{reported} not reported:\n{output}"
    assert len(broken) == 8, output


def _service_names_imported_by_forms() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted((ROOT / "app").rglob("forms*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.services"):
                found += [(path.relative_to(ROOT).as_posix(), node.module, alias.name) for alias in node.names]
    return found


def test_forms_take_only_constants_and_input_dataclasses_from_services():
    """The forms contract lets forms import app.services for limits and input shapes, never a use case."""
    found = _service_names_imported_by_forms()
    assert found  # the rule below is exercised: forms do reuse service limits today
    for path, module, name in found:
        value = getattr(importlib.import_module(module), name)
        is_constant = re.fullmatch(r"[A-Z][A-Z0-9_]*", name) is not None
        assert is_constant or dataclasses.is_dataclass(value), f"{path} imports {name} from {module}"
