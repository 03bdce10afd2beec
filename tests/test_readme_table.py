"""The README's table of notebooks is generated from bench.json by tools/readme_table.py."""

from __future__ import annotations

import copy
import json
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import readme_table  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")
SNAPSHOT = readme_table.load_snapshot()


def test_the_readme_agrees_with_the_generator():
    assert readme_table.render(README, SNAPSHOT) == README, (
        "README.md's table differs from bench.json: run python tools/readme_table.py "
        "(make bench does, after measuring)")


def test_every_row_of_the_table_is_generated():
    rows = [line for line in README.splitlines() if readme_table._ROW.match(line)]
    assert len(rows) >= 14
    measured = {row["notebook"] for row in SNAPSHOT["notebooks"]}
    for line in rows:
        notebook = readme_table._ROW.match(line).group(2)
        assert notebook in measured and notebook in readme_table.KEY_RESULTS, notebook


def test_a_hand_edited_number_is_caught():
    edited = README.replace(" | 0.95 test accuracy |", " | 0.99 test accuracy |", 1)
    row = next(r for r in SNAPSHOT["notebooks"] if r["notebook"] == "01_neuron")
    if edited == README:  # the measured value is not 0.95 any more: edit whatever it is
        shown = readme_table.key_result("01_neuron", row["records"])
        edited = README.replace(f" | {shown} |", " | 0.99 test accuracy |", 1)
    assert edited != README
    assert readme_table.render(edited, SNAPSHOT) == README


def test_a_missing_record_or_run_names_what_is_missing():
    snapshot = copy.deepcopy(SNAPSHOT)
    row = next(r for r in snapshot["notebooks"] if r["notebook"] == "03_convnets")
    del row["records"]["cnn_test_accuracy"]
    with pytest.raises(readme_table.TableError, match="cnn_test_accuracy"):
        readme_table.render(README, snapshot)
    snapshot["notebooks"].remove(row)
    with pytest.raises(readme_table.TableError, match="03_convnets"):
        readme_table.render(README, snapshot)


def test_only_passing_canonical_runs_are_merged(capsys):
    old = copy.deepcopy(SNAPSHOT)
    claim = {"value": 0.5, "bound": ">= 0.4", "held": True, "checked": True}
    bench = {"python": "3.11", "cpus": 2, "notebooks": [
        {"notebook": "01_neuron", "seconds": 1.0, "status": "ok",
         "records": {"test_accuracy": 0.5}, "claims": {"a": {**claim, "tier": "canonical"}}},
        {"notebook": "02_mlp_xor", "seconds": 1.0, "status": "ok", "records": {},
         "claims": {"a": {**claim, "tier": "stand-in"}}},
        {"notebook": "03_convnets", "seconds": 1.0, "status": "error: ClaimFailed", "records": {},
         "claims": {}},
    ]}
    merged = readme_table.merge(old, bench)
    rows = {r["notebook"]: r for r in merged["notebooks"]}
    assert rows["01_neuron"]["records"] == {"test_accuracy": 0.5}
    assert rows["02_mlp_xor"] == next(r for r in old["notebooks"] if r["notebook"] == "02_mlp_xor")
    assert rows["03_convnets"] == next(r for r in old["notebooks"]
                                       if r["notebook"] == "03_convnets")
    assert "stand-in" in capsys.readouterr().err
    assert json.loads(json.dumps(merged)) == merged  # what the tool writes back


def test_the_results_block_is_generated_and_names_a_missing_record():
    block = README.split("<!-- results: start -->\n", 1)[1].split("<!-- results: end -->", 1)[0]
    assert len(block.splitlines()) == sum(len(t) for t in readme_table.DETAILS.values())
    edited = README.replace(block, "- 07: hand-written numbers\n", 1)
    assert readme_table.render(edited, SNAPSHOT) == README
    snapshot = copy.deepcopy(SNAPSHOT)
    row = next(r for r in snapshot["notebooks"] if r["notebook"] == "07_text_cnn")
    del row["records"]["embedding_static_test_accuracy"]
    with pytest.raises(readme_table.TableError, match="embedding_static_test_accuracy"):
        readme_table.render(README, snapshot)
