"""NeuroSeq's first-level and group GLM against an independent numpy/scipy GLM.

glm_probe simulates three runs of a block design (4 states, TR 2 s, 150
frames, 10 columns, Y = X B + AR(1) noise with rho 0.4) and fits them. Here:
  * the design is rebuilt from events.tsv with numpy and scipy.stats.gamma
    (SPM's double gamma on a TR/16 grid, boxes convolved and read at t * TR,
    nilearn's cosine drift, a constant) and must equal NeuroSeq's;
  * OLS: numpy.linalg.lstsq on that design; betas, residual variance, and the
    one-vs-rest t maps must agree to 1e-4 relative (the must-show);
  * AR(1): the lag-1 autocorrelation of the OLS residuals, truncated to two
    decimals as nilearn does; data and design whitened with that rho
    (Prais-Winsten) and refitted with lstsq; betas, residual variance and t;
  * fixed effects over the three runs (inverse-variance weights) from the
    numpy contrasts;
  * t -> z: scipy.stats.norm.isf(scipy.stats.t.sf(t, dof)) for t values and
    for the maps above; for t so large that scipy's tail underflows, NeuroSeq's
    z must still be finite and increasing;
  * the group one-sample t against scipy.stats.ttest_1samp.

Exit codes: 0 agree, 1 disagree, 77 numpy (or scipy) is missing (skipped).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: numpy not importable by {sys.executable}: {e}")
    sys.exit(77)
try:
    from scipy import stats
except ImportError as e:  # pragma: no cover - depends on the machine
    stats = None
    scipy_error = e

probe = sys.argv[1]
problems = []
checks = 0
worst = {}
RTOL = 1e-4


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        problems.append(message)


def relative(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    floor = 1e-12 * max(1.0, float(np.abs(want).max()))
    return float((np.abs(got - want) / np.maximum(np.abs(want), floor)).max())


def agree(label, got, want, key):
    r = relative(got, want)
    worst[key] = max(worst.get(key, 0.0), r)
    check(r <= RTOL, f"{label}: relative difference {r:.2e} > {RTOL}")


def spm_hrf_kernel(dt, length=32.0):
    t = np.arange(int(math.ceil(length / dt)) + 1) * dt
    from math import lgamma
    def gamma_pdf(x, shape):  # scale 1; scipy.stats.gamma when present
        if stats is not None:
            return stats.gamma.pdf(x, shape)
        with np.errstate(divide="ignore"):
            return np.where(x > 0, np.exp((shape - 1) * np.log(np.maximum(x, 1e-300)) - x
                                          - lgamma(shape)), 0.0)
    h = gamma_pdf(t, 6.0) - gamma_pdf(t, 16.0) / 6.0
    return h / h.sum()


def numpy_design(events, frames, tr, names, bins=16, high_pass=1.0 / 128):
    dt = tr / bins
    kernel = spm_hrf_kernel(dt)
    columns = []
    states = [n for n in names if not n.startswith("drift_") and n != "constant"]
    for state in states:
        box = np.zeros(frames * bins)
        for onset, duration, kind in events:
            if kind != state:
                continue
            start, stop = onset, min(onset + duration, frames * bins * dt)
            for b in range(int(math.floor(start / dt)), int(math.ceil(stop / dt))):
                box[b] += max(0.0, min(stop, (b + 1) * dt) - max(start, b * dt)) / dt
        columns.append(np.convolve(box, kernel)[:frames * bins][::bins])
    order = min(frames - 1, int(math.floor(2 * frames * high_pass * tr)))
    t = np.arange(frames)
    for k in range(1, order + 1):
        columns.append(np.sqrt(2.0 / frames) * np.cos(np.pi / frames * (t + 0.5) * k))
    columns.append(np.ones(frames))
    return np.column_stack(columns)


def z_of(t, dof):
    # By symmetry from the upper tail: for t < 0, t.sf(t) is 1 - tiny and
    # norm.isf of it keeps only the digits that 1 - tiny has (or gives -inf).
    t = np.asarray(t, float)
    return np.sign(t) * stats.norm.isf(stats.t.sf(np.abs(t), dof))


def glm(x, y, contrasts):
    """OLS by lstsq: betas, residuals, residual variance, dof, contrasts."""
    beta, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    dof = x.shape[0] - rank
    s2 = (resid ** 2).sum(0) / dof
    cov = np.linalg.inv(x.T @ x)
    out = []
    for c in contrasts:
        effect = c @ beta
        variance = s2 * (c @ cov @ c)
        out.append((effect, variance, effect / np.sqrt(variance)))
    return beta, resid, s2, dof, out


def whiten(a, rho):
    w = a.copy()
    w[1:] = a[1:] - rho * a[:-1]
    w[0] = np.sqrt(1.0 - rho * rho) * a[0]
    return w


with tempfile.TemporaryDirectory() as work:
    subprocess.run([probe, "run", work], check=True)
    with open(os.path.join(work, "run.json")) as fh:
        got = json.load(fh)
    events = []
    with open(os.path.join(work, "events.tsv")) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            events.append((float(row["onset"]), float(row["duration"]), row["trial_type"]))

    frames, tr, v = got["frames"], got["tr"], got["columns"]
    names = got["names"]
    k = len(names)
    x_cpp = np.array(got["design"]).reshape(frames, k)
    x = numpy_design(events, frames, tr, names)
    check(x.shape == x_cpp.shape, f"design shape {x_cpp.shape}, numpy {x.shape}")
    design_diff = float(np.abs(x - x_cpp).max()) if x.shape == x_cpp.shape else float("inf")
    check(design_diff < 1e-10, f"design differs from numpy's by {design_diff:.2e}")
    contrasts = [np.array(w) for w in got["contrast_weights"]]
    check(len(contrasts) == 4, f"{len(contrasts)} one-vs-rest contrasts, expected 4")

    per_run = {"ols": [], "ar1": []}
    for r, run in enumerate(got["runs"]):
        y = np.array(run["y"]).reshape(frames, v)
        # OLS
        beta, resid, s2, dof, con = glm(x, y, contrasts)
        ols = run["ols"]
        check(ols["dof"] == dof, f"run {r}: OLS dof {ols['dof']} != {dof}")
        agree(f"run {r} OLS betas", np.array(ols["betas"]).reshape(k, v), beta, "ols_betas")
        agree(f"run {r} OLS residual variance", ols["residual_variance"], s2, "ols_residual_variance")
        for c, (effect, variance, t) in enumerate(con):
            cc = ols["contrasts"][c]
            agree(f"run {r} OLS {cc['name']} effect", cc["effect"], effect, "ols_effect")
            agree(f"run {r} OLS {cc['name']} t", cc["t"], t, "ols_t")
            if stats is not None:
                agree(f"run {r} OLS {cc['name']} z", cc["z"], z_of(t, dof), "ols_z")
        per_run["ols"].append([(e, var) for e, var, _ in con])

        # AR(1): rho of the OLS residuals, binned, whiten, refit.
        ar1 = run["ar1"]
        rho_np = (resid[1:] * resid[:-1]).sum(0) / (resid ** 2).sum(0)
        rho_diff = float(np.abs(np.array(ar1["rho_estimate"]) - rho_np).max())
        worst["ar1_rho_abs"] = max(worst.get("ar1_rho_abs", 0.0), rho_diff)
        check(rho_diff < 1e-10, f"run {r}: AR(1) estimates differ by {rho_diff:.2e}")
        rho_used = np.array(ar1["rho"])
        binned = np.trunc(rho_np * 100) / 100
        near_edge = np.abs(rho_np * 100 - np.round(rho_np * 100)) < 1e-9
        check(np.all((rho_used == binned) | near_edge), f"run {r}: binned rho {rho_used} vs {binned}")
        ar1_betas = np.zeros((k, v))
        ar1_s2 = np.zeros(v)
        ar1_t = np.zeros((len(contrasts), v))
        ar1_var = np.zeros((len(contrasts), v))
        ar1_eff = np.zeros((len(contrasts), v))
        for col in range(v):
            xw, yw = whiten(x, rho_used[col]), whiten(y[:, col:col + 1], rho_used[col])
            b, _, s, d, cw = glm(xw, yw, contrasts)
            ar1_betas[:, col], ar1_s2[col] = b[:, 0], s[0]
            for c, (effect, variance, t) in enumerate(cw):
                ar1_eff[c, col], ar1_var[c, col], ar1_t[c, col] = effect[0], variance[0], t[0]
        check(ar1["dof"] == dof, f"run {r}: AR(1) dof {ar1['dof']} != {dof}")
        agree(f"run {r} AR(1) betas", np.array(ar1["betas"]).reshape(k, v), ar1_betas, "ar1_betas")
        agree(f"run {r} AR(1) residual variance", ar1["residual_variance"], ar1_s2,
              "ar1_residual_variance")
        for c in range(len(contrasts)):
            cc = ar1["contrasts"][c]
            agree(f"run {r} AR(1) {cc['name']} t", cc["t"], ar1_t[c], "ar1_t")
            if stats is not None:
                agree(f"run {r} AR(1) {cc['name']} z", cc["z"], z_of(ar1_t[c], dof), "ar1_z")
        per_run["ar1"].append([(ar1_eff[c], ar1_var[c]) for c in range(len(contrasts))])

    # Fixed effects over the runs, from numpy's own run estimates.
    for model in ("ols", "ar1"):
        for c in range(len(contrasts)):
            e = np.array([run[c][0] for run in per_run[model]])
            var = np.array([run[c][1] for run in per_run[model]])
            w = 1.0 / var
            effect, variance = (w * e).sum(0) / w.sum(0), 1.0 / w.sum(0)
            t = effect / np.sqrt(variance)
            fx = got["fixed_effects"][model][c]
            check(fx["dof"] == 3 * dof, f"fixed effects dof {fx['dof']} != {3 * dof}")
            agree(f"fixed effects {model} {fx['name']} effect", fx["effect"], effect, "fx_effect")
            agree(f"fixed effects {model} {fx['name']} variance", fx["variance"], variance,
                  "fx_variance")
            agree(f"fixed effects {model} {fx['name']} t", fx["t"], t, "fx_t")
            if stats is not None:
                agree(f"fixed effects {model} {fx['name']} z", fx["z"], z_of(t, 3 * dof), "fx_z")

    if stats is None:
        for p in problems:
            print("FAIL", p)
        print(f"{checks - len(problems)} passed, {len(problems)} failed")
        if problems:
            sys.exit(1)
        print(f"SKIPPED: scipy not importable by {sys.executable}: {scipy_error}")
        sys.exit(77)

    # t -> z against scipy where its tail is representable.
    pairs = [(0.1, 5), (2.0, 10), (-3.5, 20), (1.0, 1), (6.0, 2.5), (8.0, 100), (15.0, 30),
             (30.0, 148), (-40.0, 140), (4.0, 1e6)]
    out = os.path.join(work, "z.json")
    subprocess.run([probe, "z", out] + [repr(float(a)) for p in pairs for a in p], check=True)
    with open(out) as fh:
        zs = json.load(fh)
    for (t, dof), entry in zip(pairs, zs):
        want = z_of(t, dof)
        err = abs(entry["z"] - want) / max(1.0, abs(want))
        worst["z_scipy"] = max(worst.get("z_scipy", 0.0), err)
        check(err < 1e-9, f"z({t}, {dof}) = {entry['z']}, scipy {want}")
        ls = stats.t.logsf(t, dof)
        check(abs(entry["log_sf"] - ls) <= 1e-9 * max(1.0, abs(ls)),
              f"log sf({t}, {dof}) = {entry['log_sf']}, scipy {ls}")
    # Beyond scipy's range (its t.sf underflows to 0 for the last two): z
    # finite and increasing, log sf equal to the tail's asymptotic form
    # log(C) - dof log(t), C = dof^(dof/2 - 1) Gamma((dof+1)/2) / (sqrt(pi) Gamma(dof/2)),
    # and z past 38, where the normal tail of a double p would underflow.
    extreme = [(50.0, 10), (1e3, 10), (1e6, 10), (1e12, 10), (1e40, 10), (1e100, 10)]
    subprocess.run([probe, "z", out] + [repr(float(a)) for p in extreme for a in p], check=True)
    with open(out) as fh:
        entries = json.load(fh)
    zs = [e["z"] for e in entries]
    check(all(math.isfinite(z) for z in zs) and all(a < b for a, b in zip(zs, zs[1:])),
          f"extreme z not finite and increasing: {zs}")
    check(stats.t.sf(1e100, 10) == 0.0 and zs[-1] > 38, f"z of t = 1e100 is {zs[-1]}")
    for (t, dof), e in zip(extreme[2:], entries[2:]):
        log_c = ((dof / 2 - 1) * math.log(dof) + math.lgamma((dof + 1) / 2)
                 - 0.5 * math.log(math.pi) - math.lgamma(dof / 2))
        want = log_c - dof * math.log(t)
        check(abs(e["log_sf"] - want) <= 1e-9 * abs(want), f"log sf({t}) {e['log_sf']} vs {want}")
        # Normal side: log(1 - Phi(z)) must be log sf; scipy's norm.logsf is
        # accurate there (asymptotic) even where its sf underflows.
        check(abs(stats.norm.logsf(e["z"]) - want) <= 1e-9 * abs(want),
              f"norm.logsf(z({t})) {stats.norm.logsf(e['z'])} vs {want}")

    # Group one-sample t.
    rng = np.random.default_rng(8)
    effects = rng.normal(loc=0.4, scale=1.0, size=(8, 6))
    effects[:, 0] += 3.0
    path = os.path.join(work, "effects.tsv")
    with open(path, "w") as fh:
        for row in effects:
            fh.write("\t".join(repr(float(e)) for e in row) + "\n")
    subprocess.run([probe, "group", path, out], check=True)
    with open(out) as fh:
        g = json.load(fh)
    ref = stats.ttest_1samp(effects, 0.0, axis=0)
    check(g["dof"] == 7, f"group dof {g['dof']}")
    agree("group mean", g["effect"], effects.mean(0), "group_effect")
    agree("group variance", g["variance"], effects.var(0, ddof=1) / 8, "group_variance")
    agree("group t", g["t"], ref.statistic, "group_t")
    agree("group z", g["z"], z_of(ref.statistic, 7), "group_z")

print("design max |difference|:", f"{design_diff:.2e}")
for key, value in sorted(worst.items()):
    print(f"max relative difference {key}: {value:.2e}")
for p in problems:
    print("FAIL", p)
print(f"{checks - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
