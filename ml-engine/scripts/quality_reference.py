"""Writes the quality benchmark's datasets and scikit-learn's default scores on the same splits.

    python3 ml-engine/scripts/quality_reference.py

For each dataset it writes <name>-train.csv and <name>-test.csv (header row, label column `label`
last, %.9g numbers) into ml-engine/src/main/resources/datasets/quality/, fits scikit-learn's default
models on the training file (what a user would do in five minutes: logistic/linear regression, random
forest, gradient boosting and an MLP, the linear model and the MLP behind a StandardScaler; random
forest, boosting and MLP with random_state=0) and records every score, the best one and the library
versions in reference.json beside the files. `learnchain bench quality` reads both.

Accuracy for classification (higher is better), mean squared error for regression (lower is better),
the chain's two metrics. Every dataset is bundled with scikit-learn or generated from a fixed seed,
so this script runs offline.
"""

import json
import pathlib
import platform
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.datasets import (load_breast_cancer, load_diabetes, load_wine, make_classification,
                              make_friedman1)
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, mean_squared_error
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OUT = (pathlib.Path(__file__).resolve().parents[1]
       / "src" / "main" / "resources" / "datasets" / "quality")
SPLIT_SEED = 42
TEST_SIZE = 0.25


def datasets():
    """name -> (X, y, task, origin). Bundled sets are real data; generated ones have fixed seeds."""
    out = {}
    bc = load_breast_cancer()
    out["breast-cancer"] = (bc.data, bc.target, "classification",
                            "scikit-learn load_breast_cancer (UCI Breast Cancer Wisconsin "
                            "(Diagnostic), Wolberg, Street and Mangasarian; CC BY 4.0)")
    wine = load_wine()
    out["wine"] = (wine.data, wine.target, "classification",
                   "scikit-learn load_wine (UCI Wine, Aeberhard and Forina; CC BY 4.0)")
    x, y = make_classification(n_samples=2000, n_features=20, n_informative=8, n_redundant=4,
                               weights=[0.85, 0.15], flip_y=0.02, class_sep=1.0, random_state=7)
    out["imbalanced"] = (x, y, "classification",
                         "scikit-learn make_classification(n_samples=2000, n_features=20, "
                         "n_informative=8, n_redundant=4, weights=[0.85, 0.15], flip_y=0.02, "
                         "random_state=7); generated, no licence needed")
    db = load_diabetes(scaled=False)
    out["diabetes"] = (db.data, db.target.astype(float), "regression",
                       "scikit-learn load_diabetes(scaled=False) (Efron, Hastie, Johnstone and "
                       "Tibshirani 2004; redistributed with scikit-learn, BSD-3-Clause)")
    x, y = make_friedman1(n_samples=1500, n_features=10, noise=1.0, random_state=11)
    out["friedman1"] = (x, y, "regression",
                        "scikit-learn make_friedman1(n_samples=1500, n_features=10, noise=1.0, "
                        "random_state=11); generated, no licence needed")
    return out


def models(task):
    if task == "classification":
        return {
            "logistic_regression": make_pipeline(StandardScaler(), LogisticRegression()),
            "random_forest": RandomForestClassifier(random_state=0),
            "gradient_boosting": GradientBoostingClassifier(random_state=0),
            "mlp": make_pipeline(StandardScaler(), MLPClassifier(random_state=0)),
        }
    return {
        "linear_regression": make_pipeline(StandardScaler(), LinearRegression()),
        "random_forest": RandomForestRegressor(random_state=0),
        "gradient_boosting": GradientBoostingRegressor(random_state=0),
        "mlp": make_pipeline(StandardScaler(), MLPRegressor(random_state=0)),
    }


def write_csv(path, x, y, task):
    cols = [f"x{i}" for i in range(x.shape[1])] + ["label"]
    with open(path, "w", newline="\n") as f:
        f.write(",".join(cols) + "\n")
        for row, label in zip(x, y):
            lab = str(int(label)) if task == "classification" else "%.9g" % label
            f.write(",".join("%.9g" % v for v in row) + "," + lab + "\n")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    report = {
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "scipy": scipy.__version__},
        "split": {"test_size": TEST_SIZE, "random_state": SPLIT_SEED,
                  "stratified": "classification only"},
        "datasets": {},
    }
    for name, (x, y, task, origin) in datasets().items():
        x_tr, x_te, y_tr, y_te = train_test_split(
            x, y, test_size=TEST_SIZE, random_state=SPLIT_SEED,
            stratify=y if task == "classification" else None)
        # Round as the CSV does, so the reference sees exactly the numbers the chain reads.
        x_tr, x_te = (np.array([[float("%.9g" % v) for v in r] for r in a]) for a in (x_tr, x_te))
        if task == "regression":
            y_tr, y_te = (np.array([float("%.9g" % v) for v in a]) for a in (y_tr, y_te))
        write_csv(OUT / f"{name}-train.csv", x_tr, y_tr, task)
        write_csv(OUT / f"{name}-test.csv", x_te, y_te, task)
        scores = {}
        for model_name, model in models(task).items():
            model.fit(x_tr, y_tr)
            pred = model.predict(x_te)
            if task == "classification":
                scores[model_name] = float(accuracy_score(y_te, pred))
            else:
                scores[model_name] = float(mean_squared_error(y_te, pred))
        pick = max if task == "classification" else min
        best_name = pick(scores, key=scores.get)
        report["datasets"][name] = {
            "task": task,
            "metric": "accuracy" if task == "classification" else "mean_squared_error",
            "classes": int(len(np.unique(y))) if task == "classification" else 0,
            "features": int(x.shape[1]),
            "train_rows": int(len(y_tr)),
            "test_rows": int(len(y_te)),
            "scores": scores,
            "best_model": best_name,
            "best": scores[best_name],
            "origin": origin,
        }
        print(name, task, scores, "best", best_name)
    with open(OUT / "reference.json", "w") as f:
        json.dump(report, f, indent=2, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
