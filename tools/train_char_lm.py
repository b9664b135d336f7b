"""Train the character-level Transformer of notebook 12 with AdamW, SGD+momentum and SGD+momentum+clipping.

Usage:  python tools/train_char_lm.py                   (the stored results: about 10 minutes on 2 cores)
        python tools/train_char_lm.py --quick --out DIR (a shortened run, about 30 s: what the test runs)

The same tuning budget for every optimizer: a sweep of the peak learning rate over the same number of points
spanning two decades (seed 0), then more seeds at each optimizer's best rate. Every run has the same schedule shape
(linear warm-up over the first 10 % of the steps, then a cosine decay to 0), the same initial weights and the same
batches for a given seed. Writes ``char_lm_results.json`` (every validation-perplexity curve, the settings) and
``char_lm_weights.npz`` (the weights of the sweeps' best run: the lowest final validation perplexity among the
seed-0 runs) into ``--out``
(default: course_lib/datasets, where the notebook reads them).
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import time
from pathlib import Path

import numpy as np

from course_lib import char_lm
from course_lib import char_transformer as ct
from course_lib.tf_quiet import quiet_tensorflow

ROOT = Path(__file__).resolve().parents[1]
# Peak learning rates: five points a factor sqrt(10) apart (two decades) per optimizer, centred by pilot runs.
GRIDS = {"adamw": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2], "sgd": [0.03, 0.1, 0.3, 1.0, 3.0],
         "sgd_clip": [0.03, 0.1, 0.3, 1.0, 3.0]}
FULL = dict(steps=600, eval_every=50, batch_size=32, context=64, d_model=64, num_heads=4, num_blocks=2,
            val_windows=128, seeds=[0, 1, 2], arms=list(GRIDS), grids=GRIDS, jit_compile="auto")
# XLA compilation costs seconds per model, which 20 steps do not earn back
QUICK = dict(FULL, steps=20, eval_every=10, val_windows=16, num_blocks=1, seeds=[0, 1], arms=["adamw", "sgd"], jit_compile=False,
             grids={"adamw": [1e-3, 1e-2], "sgd": [0.1, 1.0]})
VAL_SEED = 12_345          # the fixed validation windows


def run_one(config, data, arm, lr, seed):
    """One training run; returns (record, model)."""
    train_ids, val_x, val_y, vocab_size = data
    model = ct.build_transformer(vocab_size, config["context"], config["d_model"], config["num_heads"],
                                 config["num_blocks"], seed=seed)
    optimizer = ct.make_optimizer(arm, lr, config["steps"], warmup_steps=config["steps"] // 10)
    start = time.perf_counter()
    curve = ct.train(model, optimizer, train_ids, val_x, val_y, config["steps"], config["eval_every"],
                     config["batch_size"], seed=seed, jit_compile=config["jit_compile"])
    record = {"optimizer": arm, "lr": lr, "seed": seed, "seconds": round(time.perf_counter() - start, 2), **curve}
    final = curve["val_perplexity"][-1]
    print(f"{arm:>8}  lr {lr:<7g} seed {seed}: final validation perplexity {final:7.3f}  "
          f"({record['seconds']:.0f} s)", flush=True)
    return record, model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a shortened run (the test's)")
    parser.add_argument("--out", type=Path, default=ROOT / "course_lib" / "datasets")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else FULL
    with quiet_tensorflow():
        import keras
    text = char_lm.load_shakespeare()
    vocab = char_lm.Vocabulary(text)
    train_ids, val_ids = char_lm.split_text(vocab.encode(text), 0.1)
    val_x, val_y = char_lm.next_char_batches(val_ids, config["val_windows"], config["context"], seed=VAL_SEED)
    data = (train_ids, val_x, val_y, vocab.size)

    started = time.perf_counter()
    runs, best_lr, best = [], {}, (math.inf, None)
    for arm in config["arms"]:
        sweep = []
        for lr in config["grids"][arm]:                              # the sweep: seed 0 only
            record, model = run_one(config, data, arm, lr, seed=config["seeds"][0])
            runs.append(record)
            sweep.append(record["val_perplexity"][-1])
            if record["val_perplexity"][-1] < best[0]:              # the sweeps' best run keeps its weights
                best = (record["val_perplexity"][-1], [w.copy() for w in model.get_weights()])
        best_lr[arm] = config["grids"][arm][int(np.argmin(sweep))]
        for seed in config["seeds"][1:]:                             # more seeds at the best rate
            record, model = run_one(config, data, arm, best_lr[arm], seed)
            runs.append(record)
    results = {"config": {k: v for k, v in config.items()}, "vocabulary": "".join(vocab.chars),
               "val_seed": VAL_SEED, "val_fraction": 0.1, "best_lr": best_lr, "runs": runs,
               "keras": keras.__version__, "backend": keras.backend.backend(), "python": platform.python_version(),
               "seconds": round(time.perf_counter() - started, 1)}
    args.out.mkdir(parents=True, exist_ok=True)
    # json writes inf as Infinity, which json.loads reads back
    (args.out / "char_lm_results.json").write_text(json.dumps(results, indent=1) + "\n")
    np.savez_compressed(args.out / "char_lm_weights.npz", *best[1])
    print(f"best learning rates {best_lr}; {results['seconds']:.0f} s in all; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
