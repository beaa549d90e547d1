"""The quality bench fails with one clear line on bad data, and works on a tiny set."""

from __future__ import annotations

import gzip
import importlib.util
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pytest
from matching_fixtures import ROOT

from app.matching import CHALLENGE, SOLUTION

SCRIPT = ROOT / "bench" / "ranking_quality.py"


def _write(tmp_path, challenges=None, solutions=None, qrels=None):
    files = {
        "c.jsonl": challenges if challenges is not None else
        '{"id": "c1", "title": "flood sensors", "description": "river flood warning"}\n'
        '{"id": "c2", "title": "bus", "description": "electric bus charging"}\n',
        "s.jsonl": solutions if solutions is not None else
        '{"id": "s1", "title": "A", "description": "flood river sensors", "tags": ["water"]}\n'
        '{"id": "s2", "title": "B", "description": "bus charging depot", "sector": "Mobility"}\n',
        "q.tsv": qrels if qrels is not None else "challenge_id\tsolution_id\trelevance\nc1\ts1\t1\nc2\ts2\t1\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return ["--challenges", str(tmp_path / "c.jsonl"), "--solutions", str(tmp_path / "s.jsonl"),
            "--qrels", str(tmp_path / "q.tsv")]


def _run(args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def test_quality_bench_prints_one_json_line_and_rankings(tmp_path):
    out = tmp_path / "r.jsonl"
    result = _run([*_write(tmp_path), "--rankings", str(out)])
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["engine"]["c2s"]["ndcg@10"] == 1.0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"direction": "c2s", "query": "c1", "ranked": ["s1", "s2"]} in lines


def test_quality_bench_gives_intervals_and_the_paired_difference(tmp_path):
    result = _run([*_write(tmp_path), "--resamples", "200"])
    figures = json.loads(result.stdout)
    engine, difference = figures["engine"]["c2s"], figures["difference"]["c2s"]["ndcg@10"]
    assert engine["interval"]["ndcg@10"] == [1.0, 1.0]  # every query perfect: no spread
    assert difference["interval"][0] <= difference["mean"] <= difference["interval"][1]


def test_quality_bench_short_text_keeps_title_and_first_sentence(tmp_path):
    long = " ".join(["word"] * 60)
    args = _write(tmp_path, challenges='{"id": "c1", "title": "flood sensors", "description": '
                  f'"River flood warning. Second sentence {long}."}}\n'
                  '{"id": "c2", "title": "bus", "description": "electric bus charging"}\n')
    figures = json.loads(_run([*args, "--text", "short"]).stdout)
    assert figures["text"] == "short" and figures["median_words"] <= 40
    assert figures["engine"]["c2s"]["ndcg@10"] == 1.0


@pytest.mark.parametrize("overrides, fragment", [
    ({"challenges": '{"id": "c1", "title": "x"}\n'}, "missing key 'description'"),
    ({"solutions": '{"id": "s1", "title": "A", "description": \n'}, "bad JSON"),
    ({"qrels": "challenge_id\tsolution\trelevance\nc1\ts1\t1\n"}, "header must have columns"),
])
def test_quality_bench_rejects_bad_data_with_one_line(tmp_path, overrides, fragment):
    result = _run(_write(tmp_path, **overrides))
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and fragment in result.stderr


def test_quality_bench_rejects_missing_file(tmp_path):
    args = _write(tmp_path)
    args[1] = str(tmp_path / "nope.jsonl")
    result = _run(args)
    assert result.returncode != 0 and "cannot open" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("compress, suffix", [(gzip.compress, ".gz"), (lzma.compress, ".xz")])
def test_quality_bench_reads_compressed_files_like_plain_ones(tmp_path, compress, suffix):
    plain = _run(_write(tmp_path))
    args = _write(tmp_path)
    for i in (1, 3, 5):
        packed = Path(args[i] + suffix)
        packed.write_bytes(compress(Path(args[i]).read_bytes()))
        args[i] = str(packed)
    result = _run(args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout


def test_quality_bench_rejects_a_damaged_compressed_file_with_one_line(tmp_path):
    args = _write(tmp_path)
    (tmp_path / "c.jsonl.xz").write_bytes(b"not xz")
    args[1] = str(tmp_path / "c.jsonl.xz")
    result = _run(args)
    assert result.returncode != 0 and "cannot read" in result.stderr and result.stderr.count("\n") == 1


def test_quality_bench_defaults_to_the_vendored_sbir_set():
    """The data ships in the repository (nothing outside the repository): the defaults exist and decompress to
    the documented set of 857 challenges, 1,289 solutions and one winner per challenge."""
    spec = importlib.util.spec_from_file_location("ranking_quality", SCRIPT)
    ranking_quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ranking_quality)
    paths = {name: Path(value) for name, value in vars(ranking_quality._parser().parse_args([])).items()
             if name in ranking_quality.DEFAULTS}
    assert all(path.is_relative_to(ROOT / "bench" / "data" / "sbir-2015") for path in paths.values())
    challenges = ranking_quality.read_items(str(paths["challenges"]), CHALLENGE)
    solutions = ranking_quality.read_items(str(paths["solutions"]), SOLUTION)
    relevant = ranking_quality.read_qrels(str(paths["qrels"]))
    assert (len(challenges), len(solutions), len(relevant)) == (857, 1289, 857)
    assert set().union(*relevant.values()) <= {s.id for s in solutions}
