"""scikit-learn baseline for bench/evaluate.ts: reads the bench's data and times MLflow's binary metric set.

Usage: /usr/bin/python3 bench/sklearn_binary.py <dir>  (the dir holds y.f64 and p.f64 written by the bench)
Prints one JSON line: {"seconds_lists": s, "seconds_arrays": s, "metrics": {...}}.
"""
import json
import sys
import time

import numpy as np
from sklearn import metrics as m

d = sys.argv[1]
y = np.fromfile(f"{d}/y.f64", dtype=np.float64).astype(np.int64)
p = np.fromfile(f"{d}/p.f64", dtype=np.float64)


def metric_set(y, p):
    proba = np.column_stack([1 - np.asarray(p), p])
    yp = (np.asarray(p) >= 0.5).astype(np.int64)
    labels = np.array([0, 1])
    tn, fp, fn, tp = m.confusion_matrix(y, yp, labels=labels).ravel()
    return {
        "true_negatives": int(tn), "false_positives": int(fp), "false_negatives": int(fn), "true_positives": int(tp),
        "example_count": len(y),
        "accuracy_score": m.accuracy_score(y, yp),
        "recall_score": m.recall_score(y, yp, pos_label=1),
        "precision_score": m.precision_score(y, yp, pos_label=1),
        "f1_score": m.f1_score(y, yp, pos_label=1),
        "log_loss": m.log_loss(y, proba, labels=labels),
        "roc_auc": m.roc_auc_score(y, proba[:, 1]),
        "precision_recall_auc": m.average_precision_score(y, proba[:, 1], pos_label=1),
    }


t = time.perf_counter()
result = metric_set(y, p)
arrays = time.perf_counter() - t
# MLflow's evaluator hands scikit-learn pandas Series built from the user's data; lists are the closest plain form.
yl, pl = y.tolist(), p.tolist()
t = time.perf_counter()
metric_set(yl, pl)
lists = time.perf_counter() - t
print(json.dumps({"seconds_arrays": arrays, "seconds_lists": lists, "metrics": result}))
