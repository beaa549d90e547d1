"""The engine imports nothing of the app, and a saved model scores identically elsewhere."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

from matching_fixtures import NOW, ROOT

from app.matching import MatchModel, fit, rank_solutions_for_challenge, term_index
from app.matching.model import _Unpickler

MATCHING = ROOT / "app" / "matching"
ALLOWED_APP_PREFIX = "app.matching"
FORBIDDEN_ROOTS = {"flask", "flask_login", "flask_wtf", "sqlalchemy", "alembic", "wtforms"}


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def test_matching_modules_import_only_stdlib_science_and_themselves():
    modules = sorted(MATCHING.rglob("*.py"))  # fast/ too
    assert len(modules) >= 6
    for module in modules:
        for name in _imports(module):
            root = name.split(".")[0]
            assert root not in FORBIDDEN_ROOTS, f"{module.name} imports {name}"
            if root == "app" or name.startswith("."):
                assert name.startswith(ALLOWED_APP_PREFIX), f"{module.name} imports {name}"


def test_serialised_model_gives_identical_scores_in_another_process(corpus, tmp_path):
    challenges, solutions = corpus
    model = fit(challenges, solutions)
    path = tmp_path / "model.bin"
    path.write_bytes(model.to_bytes())
    here = [(m.solution_id, m.score, [r.text for r in m.reasons])
            for m in rank_solutions_for_challenge(model, challenges[0], now=NOW)]
    script = (
        "import sys, pathlib; sys.path.insert(0, sys.argv[2]); sys.path.insert(0, sys.argv[3])\n"
        "from conftest import corpus\nfrom matching_fixtures import NOW\n"
        "from app.matching import MatchModel, rank_solutions_for_challenge\n"
        "m = MatchModel.from_bytes(pathlib.Path(sys.argv[1]).read_bytes())\n"
        "c = corpus.__wrapped__()[0][0]\n"
        "print(m.version)\n"
        "print([(x.solution_id, x.score, [r.text for r in x.reasons])"
        " for x in rank_solutions_for_challenge(m, c, now=NOW)])\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path), str(ROOT), str(Path(__file__).parent)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [model.version, repr(here)]
    assert MatchModel.from_bytes(path.read_bytes()).version == model.version


def test_version_changes_with_the_vocabulary(corpus):
    challenges, solutions = corpus
    assert fit(challenges, solutions).version == fit(challenges, solutions).version
    assert fit(challenges, solutions).version != fit(challenges[:1], solutions).version


def test_models_stored_before_the_term_index_was_renamed_still_load():
    # Stored bytes name the class by the module path it had when they were written.
    unpickler = _Unpickler(io.BytesIO(b""))
    assert unpickler.find_class("app.matching.vocab", "Vocabulary") is term_index.TermIndex
    assert unpickler.find_class("app.matching.term_index", "TermIndex") is term_index.TermIndex
