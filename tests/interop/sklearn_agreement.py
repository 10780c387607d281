"""NeuroSeq's linear baseline and decoding scores against scikit-learn/scipy.

The multinomial logistic regression must reach the same optimum as
sklearn.linear_model.LogisticRegression (lbfgs, C = 1 / (l2 * N)): weights and
intercepts within 1e-3 (after removing the per-feature mean over classes that
leaves softmax unchanged); accuracy, balanced accuracy, macro-F1 and the
confusion matrix equal sklearn.metrics on the same predictions; the binomial
p-value equals scipy.stats.binomtest.

Exit codes: 0 agree, 1 disagree, 77 a peer is missing (skipped).
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from scipy import stats
    from sklearn.linear_model import LogisticRegression
    from sklearn import metrics
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: scikit-learn/scipy not importable by {sys.executable}: {e}")
    sys.exit(77)

probe = sys.argv[1]
problems = []
rng = np.random.default_rng(5)
n_per, k, f = 60, 4, 6
centres = rng.normal(scale=1.2, size=(k, f))
x = np.vstack([centres[c] + rng.normal(size=(n_per, f)) for c in range(k)]).astype(np.float32)
y = np.repeat(np.arange(k), n_per)
l2 = 0.02

with tempfile.TemporaryDirectory() as work:
    data = os.path.join(work, "train.tsv")
    np.savetxt(data, np.column_stack([x, y]), delimiter="\t", fmt="%.9g")
    out = os.path.join(work, "out.json")
    subprocess.run([probe, data, str(l2), out], check=True)
    with open(out) as fh:
        got = json.load(fh)

ref = LogisticRegression(C=1.0 / (l2 * len(y)), multi_class="multinomial", solver="lbfgs",
                         tol=1e-12, max_iter=100000)
ref.fit(x.astype(np.float64), y)
w = np.array(got["weights"]).reshape(k, f)
b = np.array(got["intercepts"])
# Softmax is unchanged by adding the same vector to every class: compare centred.
dw = (w - w.mean(0)) - (ref.coef_ - ref.coef_.mean(0))
db = (b - b.mean()) - (ref.intercept_ - ref.intercept_.mean())
if np.abs(dw).max() > 1e-3 or np.abs(db).max() > 1e-3:
    problems.append(f"weights differ from sklearn by {np.abs(dw).max():.2e} / {np.abs(db).max():.2e}")

pred = np.array(got["predicted"])
checks = {
    "accuracy": metrics.accuracy_score(y, pred),
    "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
    "macro_f1": metrics.f1_score(y, pred, average="macro"),
}
for name, want in checks.items():
    if abs(got[name] - want) > 1e-12:
        problems.append(f"{name} {got[name]} != sklearn {want}")
if not np.array_equal(np.array(got["confusion"]).reshape(k, k), metrics.confusion_matrix(y, pred)):
    problems.append("confusion matrix differs from sklearn")
if not np.array_equal(pred, ref.predict(x.astype(np.float64))):
    problems.append(f"{np.count_nonzero(pred != ref.predict(x))} predictions differ from sklearn")
p_ref = stats.binomtest(got["correct"], len(y), 1.0 / k, alternative="greater").pvalue
if abs(got["binomial_p"] - p_ref) > 1e-9 * max(p_ref, 1e-300) + 1e-300:
    problems.append(f"binomial p {got['binomial_p']} != scipy {p_ref}")

for p in problems:
    print("FAIL", p)
print(f"{len(checks) + 4 - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
