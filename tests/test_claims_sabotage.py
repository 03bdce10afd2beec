"""A notebook whose model never trained must fail, naming the false claim.

tests/fixtures/sabotage/sitecustomize.py, on the kernel's PYTHONPATH, turns every optimizer
step into a no-op (the step counter advances, `fit` and `train_step` run and log as usual,
the weights stay as initialised). Under it, notebooks 02 and 03 must stop at a claim, with
ClaimFailed and the claim's name, instead of running to the end as `--nbval-lax` alone
would let them. The notebooks run on the stand-in tier (conftest: COURSE_OFFLINE=1), where
their claims hold when training works (make test-notebooks checks that).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

SABOTAGE = ROOT / "tests" / "fixtures" / "sabotage"

pytestmark = pytest.mark.slow


def _sabotaged_env(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(SABOTAGE)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))


def test_the_sabotage_freezes_the_weights_but_not_the_api(monkeypatch):
    _sabotaged_env(monkeypatch)
    script = textwrap.dedent("""
        import numpy as np, keras
        x = np.random.rand(64, 3).astype("float32"); y = (x.sum(1) > 1.5).astype("float32")
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        before = [w.copy() for w in model.get_weights()]
        history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        frozen = all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
        print(int(model.optimizer.iterations.numpy()), len(history.history["loss"]), frozen)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.stdout.split() == ["12", "3", "True"], out.stdout + out.stderr


@pytest.mark.parametrize("notebook, claim", [
    ("02_mlp_xor", "xor_mlp_accuracy"),
    ("03_convnets", "cnn_test_accuracy"),
])
def test_a_notebook_that_never_trained_fails_naming_the_claim(monkeypatch, notebook, claim):
    _sabotaged_env(monkeypatch)
    path = ROOT / "notebooks" / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    message = str(info.value)
    assert "ClaimFailed" in message and f"claim {claim} is false" in message, message[-2000:]
