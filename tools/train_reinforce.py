"""REINFORCE on CartPole with and without a baseline: the learning-rate sweep and the runs behind notebook 12.

Too slow for a notebook's Run-All (about 3-4 minutes here), so run once and stored in
course_lib/datasets/reinforce_cartpole.json, which notebook 12 loads, plots and asserts on:

    .venv/bin/python tools/train_reinforce.py                 # the stored run
    .venv/bin/python tools/train_reinforce.py --quick --out /tmp/r.json   # a shortened run (the test's)

The protocol (the same for both arms, so the comparison is fair):
1. sweep Adam's learning rate over LRS on the tuning seeds; score = the mean return over all
   training episodes (the area under the learning curve, steadier than the last episodes);
2. each arm keeps its best rate (the script records whether it sits at the edge of the sweep);
3. re-run each arm at its best rate on fresh evaluation seeds: those curves are the result
   (selecting and reporting on the same seeds would flatter both arms: the winner's curse);
4. the gradient variance with and without the baseline, at fixed parameters, on the same episodes:
   at each evaluation seed's initial policy and after 100 training episodes with the baseline.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from course_lib import reinforce
from course_lib.optimizers import Adam

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "course_lib" / "datasets" / "reinforce_cartpole.json"
SETTINGS = {"episodes": 300, "gamma": 0.99, "n_hidden": 16, "baseline_momentum": 0.9,
            "lrs": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1], "tuning_seeds": [100, 101, 102, 103, 104],
            "eval_seeds": [0, 1, 2, 3, 4], "variance_episodes": 100, "variance_baseline_episodes": 50,
            "variance_trained_after": 100, "random_episodes": 200}
QUICK = {**SETTINGS, "episodes": 40, "lrs": [0.003, 0.01, 0.03], "tuning_seeds": [100], "eval_seeds": [0, 1],
         "variance_episodes": 20, "variance_baseline_episodes": 10, "variance_trained_after": 10,
         "random_episodes": 20}
ARMS = {"with_baseline": True, "without_baseline": False}


def run_arm(lr, seed, baseline, settings):
    """Per-episode returns of one training run (a list of floats)."""
    policy = reinforce.SoftmaxPolicy(n_hidden=settings["n_hidden"], seed=seed)
    totals = reinforce.train(policy, Adam(learning_rate=lr), settings["episodes"], gamma=settings["gamma"],
                             baseline=baseline, seed=seed, baseline_momentum=settings["baseline_momentum"])
    return totals.tolist()


def variance_rows(seed, best_lr, settings):
    """The gradient variance at the initial policy and after some training, for one seed."""
    rows = []
    policy = reinforce.SoftmaxPolicy(n_hidden=settings["n_hidden"], seed=seed)
    for stage in ("initial", "trained"):
        if stage == "trained":
            reinforce.train(policy, Adam(learning_rate=best_lr), settings["variance_trained_after"],
                            gamma=settings["gamma"], baseline=True, seed=seed,
                            baseline_momentum=settings["baseline_momentum"])
        v = reinforce.gradient_variance(policy, settings["variance_episodes"], gamma=settings["gamma"],
                                        seed=1000 + seed, n_baseline_episodes=settings["variance_baseline_episodes"])
        rows.append({"seed": seed, "stage": stage, "var_without": v["var_without"], "var_with": v["var_with"],
                     "ratio": v["ratio"], "mean_return": float(v["returns"].mean())})
    return rows


def run(settings):
    start = time.perf_counter()
    sweep = {arm: {str(lr): [float(np.mean(run_arm(lr, s, baseline, settings))) for s in settings["tuning_seeds"]]
                   for lr in settings["lrs"]} for arm, baseline in ARMS.items()}
    best = {arm: max(settings["lrs"], key=lambda lr: np.mean(sweep[arm][str(lr)])) for arm in ARMS}
    curves = {arm: [run_arm(best[arm], s, baseline, settings) for s in settings["eval_seeds"]]
              for arm, baseline in ARMS.items()}
    variance = [row for s in settings["eval_seeds"] for row in variance_rows(s, best["with_baseline"], settings)]
    random_returns = reinforce.random_policy_returns(settings["random_episodes"], seed=0)
    import gymnasium
    return {"settings": settings, "sweep_mean_return": sweep, "best_lr": best,
            "best_lr_at_edge": {arm: best[arm] in (settings["lrs"][0], settings["lrs"][-1]) for arm in ARMS},
            "eval_curves": curves, "variance": variance, "random_policy_mean_return": float(random_returns.mean()),
            "gymnasium_version": gymnasium.__version__, "seconds": round(time.perf_counter() - start, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a shortened run (fewer rates, seeds, episodes)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the JSON (default {OUT})")
    args = parser.parse_args(argv)
    result = run(QUICK if args.quick else SETTINGS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out} in {result['seconds']} s; best lr {result['best_lr']}")


if __name__ == "__main__":
    main()
