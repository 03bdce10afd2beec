"""helpers.claim: stated results checked, recorded, skipped by tier or in grading runs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import helpers
from helpers import claims, data


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(helpers, "_RECORDS", {})
    monkeypatch.setattr(claims, "_CLAIMS", {})
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def test_a_true_claim_prints_one_line_and_is_recorded(capsys):
    helpers.claim("test_accuracy", np.float32(0.9), at_least=0.8)
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["claim test_accuracy = 0.9 >= 0.8: holds"]
    assert helpers.recorded()["test_accuracy"] == pytest.approx(0.9)
    entry = claims.claims()["test_accuracy"]
    assert entry["held"] and entry["checked"] and entry["bound"] == ">= 0.8"


@pytest.mark.parametrize("kwargs, value, bound", [
    ({"at_least": 0.8}, 0.1, ">= 0.8"),
    ({"at_most": 0.01}, 0.2, "<= 0.01"),
    ({"between": (0.4, 0.6)}, 0.7, "in [0.4, 0.6]"),
    ({"at_least": 0.2, "at_most": 0.3}, 0.1, "in [0.2, 0.3]"),
])
def test_a_false_claim_names_itself_the_value_and_the_bound(kwargs, value, bound):
    with pytest.raises(helpers.ClaimFailed) as info:
        helpers.claim("cnn_accuracy", value, **kwargs)
    message = str(info.value)
    assert "cnn_accuracy" in message and str(value) in message and bound in message
    assert isinstance(info.value, AssertionError)  # nbval and nbgrader see a failed cell
    # Recorded all the same, so that make bench shows what the false claim measured.
    assert claims.claims()["cnn_accuracy"]["held"] is False
    assert helpers.recorded()["cnn_accuracy"] == value


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, None, np.float64("nan")])
def test_nan_inf_and_none_always_fail(value):
    with pytest.raises(helpers.ClaimFailed, match="loss"):
        helpers.claim("loss", value, at_most=1e9)
    with pytest.raises(helpers.ClaimFailed):
        helpers.claim("loss_no_upper", value, at_least=-1e9)


def test_bools_state_comparisons():
    helpers.claim("gru_beats_simplernn", np.bool_(True))
    with pytest.raises(helpers.ClaimFailed, match="finetuning_beats_scratch.*is True"):
        helpers.claim("finetuning_beats_scratch", 0.7 > 0.8)
    assert helpers.recorded()["finetuning_beats_scratch"] == 0


def test_bounds_are_inclusive():
    helpers.claim("a", 0.5, between=(0.5, 0.5))
    helpers.claim("b", 3, at_least=3, at_most=3)


@pytest.mark.parametrize("kwargs, problem", [
    ({}, "needs a bound"),
    ({"between": (0.1, 0.2), "at_least": 0.1}, "not both"),
    ({"between": 0.5}, "between="),
    ({"at_least": 0.9, "at_most": 0.1}, "empty"),
    ({"at_least": math.nan}, "finite"),
    ({"at_least": 0.1, "tiers": "canonical"}, "tiers"),
    ({"at_least": 0.1, "tiers": ("colab",)}, "tiers"),
])
def test_bad_calls_say_what_is_wrong(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        helpers.claim("x", 0.5, **kwargs)


def test_bad_names_and_values_are_refused():
    with pytest.raises(ValueError, match="name"):
        helpers.claim("not a name", 0.5, at_least=0)
    with pytest.raises(TypeError, match="number or a bool"):
        helpers.claim("x", "0.9", at_least=0)
    with pytest.raises(ValueError, match="taken"):
        helpers.record("claims", 1)


def test_the_tier_is_that_of_the_loaded_datasets(monkeypatch):
    xor = data.load("xor", n=20)  # generated: canonical on every tier
    standin = data.REGISTRY["fashion_mnist"].standin(n_train=10, n_test=10)
    assert claims.data_tier({"xor": xor}) == "canonical"
    assert claims.data_tier({"xor": xor, "ds": standin}) == "stand-in"
    # No Dataset loaded: COURSE_OFFLINE decides (conftest sets it).
    assert claims.data_tier({}) == "stand-in"
    monkeypatch.delenv("COURSE_OFFLINE")
    assert claims.data_tier({}) == "canonical"


def _run_as_notebook(code: str) -> None:
    """Execute code with its own globals, as a notebook's cells run."""
    exec(code, {"__name__": "__main__"})


def test_a_claim_on_another_tier_is_skipped_with_one_line(capsys, monkeypatch):
    monkeypatch.delenv("COURSE_OFFLINE")  # the tier must come from the Dataset loaded
    _run_as_notebook(
        "import helpers\nfrom helpers import data\n"
        "ds = data.REGISTRY['fashion_mnist'].standin(n_train=10, n_test=10)\n"
        "helpers.claim('canonical_only', 0.1, at_least=0.9, tiers=('canonical',))\n")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "not checked" in out[0] and "canonical" in out[0]
    assert claims.claims()["canonical_only"]["checked"] is False
    assert claims.claims()["canonical_only"]["tier"] == "stand-in"
    with pytest.raises(helpers.ClaimFailed, match="stand-in"):
        _run_as_notebook(
            "import helpers\nfrom helpers import data\n"
            "ds = data.REGISTRY['fashion_mnist'].standin(n_train=10, n_test=10)\n"
            "helpers.claim('standin_only', 0.1, at_least=0.9, tiers=('stand-in',))\n")
    # The same claim in a notebook that loaded canonical (here: generated) data is skipped.
    _run_as_notebook("import helpers\nfrom helpers import data\nxor = data.load('xor', n=20)\n"
                     "helpers.claim('standin_only', 0.1, at_least=0.9, tiers=('stand-in',))\n")
    assert claims.claims()["standin_only"]["tier"] == "canonical"


def test_grading_false_skips_only_in_grading_runs(monkeypatch, capsys):
    with pytest.raises(helpers.ClaimFailed):
        helpers.claim("full_training", 0.1, at_least=0.9, grading=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    capsys.readouterr()
    helpers.claim("full_training", 0.1, at_least=0.9, grading=False)
    assert "NBGRADER_EXECUTION" in capsys.readouterr().out
    with pytest.raises(helpers.ClaimFailed):  # grading=True claims are checked there too
        helpers.claim("always", 0.1, at_least=0.9)


def test_claims_reach_the_record_file(monkeypatch, tmp_path):
    sidecar = tmp_path / "records.json"
    monkeypatch.setenv("COURSE_RECORD_FILE", str(sidecar))
    helpers.record("seconds", 3.5)
    helpers.claim("accuracy", 0.9, between=(0.8, 1.0))
    with pytest.raises(helpers.ClaimFailed):
        helpers.claim("loss", math.nan, at_most=1.0)
    saved = json.loads(sidecar.read_text())
    assert saved["seconds"] == 3.5 and saved["accuracy"] == 0.9
    assert saved["claims"]["accuracy"] == {"value": 0.9, "bound": "in [0.8, 1]", "held": True,
                                           "checked": True, "tier": "stand-in"}
    assert saved["claims"]["loss"]["value"] == "nan" and not saved["claims"]["loss"]["held"]
    # numpy bounds and values (np.log, np.float64) are written as plain JSON too.
    helpers.claim("game_value", np.float64(-np.log(4)), between=(-np.log(4) - 1e-3, np.float64(0)))
    assert json.loads(sidecar.read_text())["claims"]["game_value"]["held"] is True
