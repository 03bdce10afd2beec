"""Generate the README's table of notebooks (seconds, key result) from `make bench`'s results.

The README states measured numbers: how long each notebook runs and its key result. They
are not typed in: ``make bench`` runs every notebook on canonical data into
``build/bench.json``, then this tool merges its rows into ``bench.json`` (the committed
snapshot: seconds, records and claims per notebook) and rewrites the "seconds" and
"key result" columns of the README table and the sentence under it from that snapshot.
The other columns (title, what it teaches, dataset) are prose and stay as written.

    python tools/readme_table.py build/bench.json   # merge a bench run, rewrite README.md
    python tools/readme_table.py --check            # README.md agrees with bench.json?

A bench row is only taken from a run on canonical data that passed: the README states
results on canonical data, and a notebook that failed has no result to state.
tests/test_readme_table.py fails when README.md and this generator disagree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SNAPSHOT = ROOT / "bench.json"

# The key result of each notebook, formatted from its records (helpers.record/claim names).
KEY_RESULTS: dict[str, str] = {
    "00_setup": "XOR test accuracy {xor_test_accuracy:.2f}",
    "01_neuron": "{test_accuracy:.2f} test accuracy",
    "02_mlp_xor": "k-means NMI {nmi_pixels:.2f} on pixels, {nmi_features:.2f} on learned features",
    "03_convnets": "{cnn_test_accuracy:.3f} test accuracy",
    "04_transfer_learning": "2 labels/class: {acc_scratch_2:.3f} scratch, "
                            "{acc_finetuned_2:.3f} fine-tuned",
    "05_occlusion_heatmaps": "{face_mass_occlusion:.0%} of the occlusion map on the face",
    "06_audio_spectrograms": "{test_accuracy:.2f} test accuracy, {heldout_speaker_accuracy:.2f} "
                             "on unseen speakers",
    "07_text_cnn": "CNN {cnn_test_accuracy:.3f} vs logistic regression "
                   "{logreg_test_accuracy:.3f}",
    "08_rnn_gru_lstm": "adding problem MSE: SimpleRNN {adding_mse_simplernn:.3f}, "
                       "GRU {adding_mse_gru:.4f}",
    "09_word2vec": "WordSim-353 Spearman {wordsim_spearman_skipgram:.2f} (skip-gram)",
    "10_localization": "mean IoU {mean_iou_regression:.3f}",
    "11_gans": "{gan_confident_fraction:.0%} of samples labelled with confidence > 0.5",
    "12_playground": "the spiral at {spiral_accuracy:.2f} with {spiral_neurons} neurons",
    "13_attention": "12 digits: seq2seq {seq2seq_accuracy_longest:.2f}, with attention "
                    "{attention_accuracy_longest:.2f}",
}


def _faces(method: str) -> str:
    """Notebook 04's accuracies of one method at 1, 2, 5, 10 and 20 labels per class."""
    return ", ".join(f"{{faces_{method}_{n}:.2f}}" for n in (1, 2, 5, 10, 20))


# What the lessons measure beyond their key result: one line per comparison, written
# between the README's "results" markers under the table.
DETAILS: dict[str, list[str]] = {
    "02_mlp_xor": [
        "optimizers from scratch vs `keras.optimizers`, largest difference over 10 steps: "
        "momentum {momentum_numpy_vs_keras_max_diff:.0e}, RMSprop "
        "{rmsprop_numpy_vs_keras_max_diff:.0e}, Adam {adam_numpy_vs_keras_max_diff:.0e}",
    ],
    "04_transfer_learning": [
        "faces vs non-faces (lfw_subset), mean accuracy at 1, 2, 5, 10, 20 labels per class: "
        "pixels " + _faces("pixels") + "; frozen ImageNet features " + _faces("frozen")
        + "; fine-tuned " + _faces("finetuned") + "; CNN from scratch " + _faces("scratch"),
    ],
    "05_occlusion_heatmaps": [
        "share of each map on the face (median over test faces; chance 25%): occlusion "
        "{face_mass_occlusion:.0%}, saliency {face_mass_saliency:.0%}, CAM {face_mass_cam:.0%} "
        "(its GAP detector: {gap_test_accuracy:.3f} test accuracy), Grad-CAM "
        "{face_mass_gradcam:.0%}",
    ],
    "06_audio_spectrograms": [
        "accuracy on a speaker held out of training ({heldout_speakers} in turn: mean, and "
        "each), by recipe: baseline {heldout_mean_baseline:.2f} ({heldout_per_speaker_baseline}); "
        "+ per-clip normalisation {heldout_mean_normalised:.2f} "
        "({heldout_per_speaker_normalised}); + waveform augmentation "
        "{heldout_mean_augmented:.2f} ({heldout_per_speaker_augmented}); + SpecAugment "
        "{heldout_mean_specaugment:.2f} ({heldout_per_speaker_specaugment}); the final recipe "
        "(normalisation) on FSDD's own split {final_recipe_test_accuracy:.3f}",
    ],
    "07_text_cnn": [
        "Kim's CNN by how its embedding starts (test accuracy on MR): random "
        "{embedding_rand_test_accuracy:.3f}, word2vec frozen {embedding_static_test_accuracy:.3f}, "
        "word2vec fine-tuned {embedding_non_static_test_accuracy:.3f} (vectors from the "
        "training sentences)",
    ],
}
_DETAILS_BLOCK = re.compile(r"(<!-- results: start -->\n).*?(<!-- results: end -->)", re.S)

_ROW = re.compile(r"^\| (\d\d) \| \[[^\]]*\]\(notebooks/(\d\d_[a-z0-9_]+)\.ipynb\) \|")
_FOOTER = re.compile(r"^Seconds: `make bench`.*?recorded result\.\n", re.M | re.S)


class TableError(RuntimeError):
    """The README table cannot be generated: a row, a record or a bench run is missing."""


def load_snapshot(path: Path = SNAPSHOT) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def merge(snapshot: dict, bench: dict) -> dict:
    """The snapshot with the rows of a bench run that passed on canonical data."""
    rows = {row["notebook"]: row for row in snapshot.get("notebooks", [])}
    taken = []
    for row in bench["notebooks"]:
        tiers = {c.get("tier") for c in row.get("claims", {}).values()}
        if row["status"] != "ok" or "stand-in" in tiers:
            why = row["status"] if row["status"] != "ok" else "it ran on stand-in data"
            print(f"not taken: {row['notebook']} ({why})", file=sys.stderr)
            continue
        rows[row["notebook"]] = {k: row[k] for k in ("notebook", "seconds", "records", "claims")
                                 if k in row}
        taken.append(row["notebook"])
    print(f"bench rows taken: {', '.join(taken) or 'none'}")
    merged = {"python": bench.get("python", snapshot.get("python")),
              "cpus": bench.get("cpus", snapshot.get("cpus")),
              "notebooks": [rows[k] for k in sorted(rows)]}
    if bench.get("note"):  # how the run was made, when not on a quiet machine
        merged["note"] = bench["note"]
    return merged


def key_result(notebook: str, records: dict) -> str:
    template = KEY_RESULTS.get(notebook)
    if template is None:
        raise TableError(f"tools/readme_table.py has no key result for {notebook}: "
                         "add it to KEY_RESULTS")
    try:
        return template.format(**records)
    except KeyError as exc:
        raise TableError(f"{notebook}'s key result needs the record {exc.args[0]!r}, which its "
                         "last bench run did not record") from None


def render(readme: str, snapshot: dict) -> str:
    """README text with the seconds and key results of every table row from the snapshot."""
    rows = {row["notebook"]: row for row in snapshot["notebooks"]}
    out, seen = [], []
    for line in readme.splitlines(keepends=True):
        match = _ROW.match(line)
        if match:
            notebook = match.group(2)
            if notebook not in rows:
                raise TableError(f"bench.json has no run of {notebook}: "
                                 f"run make bench (or tools/run_notebooks.py on it)")
            cells = line.rstrip("\n").split(" | ")
            row = rows[notebook]
            cells[-2] = f"{row['seconds']:.0f}"
            cells[-1] = key_result(notebook, row["records"]) + " |"
            line = " | ".join(cells) + "\n"
            seen.append(notebook)
        out.append(line)
    if not seen:
        raise TableError("README.md has no table of notebooks")
    total = sum(rows[n]["seconds"] for n in seen)
    footer = (f"Seconds: `make bench` on a {snapshot['cpus']}-core CPU (Python "
              f"{snapshot['python']}), canonical data, one notebook at a time; the whole course "
              f"takes about {total / 60:.0f} minutes"
              + (f" ({snapshot['note']})" if snapshot.get("note") else "")
              + ". `tools/readme_table.py` writes this table "
              "from `bench.json` (kept up to date by `make bench`), which holds each notebook's "
              "claims with their bounds and every recorded result.\n")
    text, count = _FOOTER.subn(footer.replace("\\", r"\\"), "".join(out))
    if count != 1:
        raise TableError("README.md lacks the 'Seconds: `make bench` ...' note under the table")
    lines = "".join(f"- {notebook[:2]}: " + detail(notebook, template, rows) + "\n"
                    for notebook, templates in DETAILS.items() for template in templates)
    text, count = _DETAILS_BLOCK.subn(lambda m: m.group(1) + lines + m.group(2), text)
    if count != 1:
        raise TableError("README.md lacks the '<!-- results: start -->' ... "
                         "'<!-- results: end -->' block")
    return text


def detail(notebook: str, template: str, rows: dict) -> str:
    """One line of the results block, formatted from ``notebook``'s bench records."""
    if notebook not in rows:
        raise TableError(f"bench.json has no run of {notebook}: run make bench")
    try:
        return template.format(**rows[notebook]["records"])
    except KeyError as exc:
        raise TableError(f"{notebook}'s results line needs the record {exc.args[0]!r}, which "
                         "its last bench run did not record") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", nargs="?", type=Path, help="a bench run to merge in")
    parser.add_argument("--check", action="store_true",
                        help="only check that README.md agrees with bench.json")
    args = parser.parse_args(argv)
    snapshot = load_snapshot() if SNAPSHOT.exists() else {"notebooks": []}
    if args.bench:
        snapshot = merge(snapshot, json.loads(args.bench.read_text(encoding="utf-8")))
    readme = README.read_text(encoding="utf-8")
    try:
        text = render(readme, snapshot)
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if text != readme:
            print("README.md's table differs from what bench.json gives: "
                  "run python tools/readme_table.py", file=sys.stderr)
            return 1
        print("README.md agrees with bench.json")
        return 0
    if args.bench:
        SNAPSHOT.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")
    README.write_text(text, encoding="utf-8")
    print(f"wrote {README.name}" + (f" and {SNAPSHOT.name}" if args.bench else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
