"""Submit a public dataset to a learnchain node, wait for the chain to train it, and compare the
winning model with a scikit-learn baseline trained on the same split.

    python clients/python/examples/wine_vs_sklearn.py --node 127.0.0.1:30301 \
        --token-file testnet/node0/api.token [--dataset wine|diabetes]

wine: 3-class classification (accuracy, higher is better), baseline standardised logistic
regression. diabetes: regression (mean squared error, lower is better), baseline least squares.
Both datasets ship in examples/data (see the README there for their provenance).
"""

import argparse
import pathlib
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import learnchain

DATA = pathlib.Path(__file__).resolve().parent / "data"
DATASETS = {
    # name: (file, label column, task, test rows)
    "wine": ("wine.csv", "cultivar", "classification", 45),
    "diabetes": ("diabetes.csv", "progression", "regression", 110),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--node", default="127.0.0.1:30301", help="the node's gRPC address")
    ap.add_argument("--token-file", required=True, help="the node's api.token")
    ap.add_argument("--dataset", choices=sorted(DATASETS), default="wine")
    ap.add_argument("--reward", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7, help="shuffle seed of the train/test split")
    args = ap.parse_args()

    file, label, task, test_rows = DATASETS[args.dataset]
    df = pd.read_csv(DATA / file).sample(frac=1.0, random_state=args.seed).reset_index(drop=True)
    test, train = df.iloc[:test_rows], df.iloc[test_rows:]
    x_train, y_train = train.drop(columns=[label]), train[label]
    x_test, y_test = test.drop(columns=[label]), test[label]

    client = learnchain.connect(args.node, token_file=args.token_file)
    started = time.monotonic()
    problem = client.submit(train, test, label=label, task=task, reward=args.reward)
    print(f"submitted {args.dataset}: problem {problem.id} ({len(train)} train, {len(test)} test)")
    problem.watch()
    result = problem.result()
    elapsed = time.monotonic() - started
    print(f"solved at height {result.height} by {result.winner} in {elapsed:.1f} s after submit")

    # The chain's model, run by the node on the held-out inputs (labels left out by the client).
    pred = problem.predict(x_test)
    if task == "classification":
        chain = float((pred.labels == y_test.to_numpy()).mean())
        baseline_model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        baseline_model.fit(x_train, y_train)
        baseline = float((baseline_model.predict(x_test) == y_test.to_numpy()).mean())
        metric = "accuracy (higher is better)"
    else:
        chain = float(np.mean((pred.values - y_test.to_numpy()) ** 2))
        baseline_model = make_pipeline(StandardScaler(), LinearRegression()).fit(x_train, y_train)
        baseline = float(np.mean((baseline_model.predict(x_test) - y_test.to_numpy()) ** 2))
        metric = "mean squared error (lower is better)"
    print(f"{metric}:")
    certified = result.score if task == "classification" else -result.score
    print(f"  learnchain winning model  {chain:.4f}  (certified on chain: {certified:.4f})")
    print(f"  scikit-learn baseline     {baseline:.4f}  ({type(baseline_model[-1]).__name__})")
    print(problem.leaderboard().to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
