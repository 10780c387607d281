"""Reference signal cleaning computed with numpy and scipy, for NeuroSeq's
interop test (tests/interop/test_signal_scipy.cpp).

nilearn is not required: the cleaning follows nilearn.signal.clean's
documented algorithm (detrend -> butterworth or cosine drift -> confound
regression on a pivoted QR -> standardize), written out here with the same
numpy/scipy calls nilearn makes.

Usage: signal_reference.py INPUT.json OUTPUT.json
Exit status 77 when numpy or scipy cannot be imported.
"""

import json
import sys

try:
    import numpy as np
    from scipy import linalg
    from scipy import signal as sp_signal
except ImportError as error:  # the peer is missing: the test skips
    print(f"signal_reference.py: {error}", file=sys.stderr)
    sys.exit(77)

EPS = np.finfo(np.float64).eps


def butter_sos(order, high, low, fs):
    if high > 0 and low > 0:
        return sp_signal.butter(order, [high, low], btype="band", output="sos", fs=fs)
    if high > 0:
        return sp_signal.butter(order, high, btype="high", output="sos", fs=fs)
    return sp_signal.butter(order, low, btype="low", output="sos", fs=fs)


def butterworth(signals, fs, high, low, order):
    sos = butter_sos(order, high, low, fs)
    return sp_signal.sosfiltfilt(sos, signals, axis=0, padtype="odd", padlen=None)


def cosine_drift(high_pass, frame_times):
    """nilearn.glm.first_level.design_matrix.create_cosine_drift."""
    n_frames = len(frame_times)
    n_times = np.arange(n_frames)
    dt = (frame_times[-1] - frame_times[0]) / (n_frames - 1)
    order = np.minimum(n_frames - 1, int(np.floor(2 * n_frames * high_pass * dt)))
    drift = np.zeros((n_frames, order + 1))
    normalizer = np.sqrt(2.0 / n_frames)
    for k in range(1, order + 1):
        drift[:, k - 1] = normalizer * np.cos((np.pi / n_frames) * (n_times + 0.5) * k)
    drift[:, -1] = 1.0
    return drift


def add_cosine_drift(confounds, n_frames, high_pass, t_r):
    """nilearn.signal._create_cosine_drift_terms and _check_cosine_by_user."""
    drift = cosine_drift(high_pass, np.arange(n_frames) * t_r)[:, :-1]
    n_cosines = drift.shape[1]
    if n_cosines == 0:
        return confounds
    if confounds is None:
        return drift.copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(drift.T, confounds.T)
    np.fill_diagonal(corr, 0)
    if np.sum(corr[:n_cosines, :].flatten() > 0.9) > 0:
        return confounds
    return np.hstack((confounds, drift))


def detrend(signals):
    """nilearn.signal._detrend (linear)."""
    signals = signals - signals.mean(axis=0)
    regressor = np.arange(signals.shape[0], dtype=np.float64)
    regressor -= regressor.mean()
    std = np.sqrt((regressor**2).sum())
    if not std < EPS:
        regressor /= std
    return signals - np.outer(regressor, regressor @ signals)


def standardize(signals, how):
    """nilearn.signal.standardize_signal with detrend=False."""
    if how == "none" or signals.shape[0] == 1:
        return signals
    if how in ("zscore", "zscore_sample"):
        signals = signals - signals.mean(axis=0)
        std = signals.std(axis=0, ddof=1 if how == "zscore_sample" else 0)
        std[std < EPS] = 1.0
        return signals / std
    mean = signals.mean(axis=0)
    invalid = np.abs(mean) < EPS
    out = (signals - mean) / np.abs(mean) * 100
    out[:, invalid] = 0
    return out


def clean(case):
    signals = np.array(case["signals"], dtype=np.float64)
    n_frames = signals.shape[0]
    confounds = case.get("confounds")
    if confounds is not None:
        # JSON null is a missing cell: the column mean of the other rows, as
        # nilearn's load_confounds fills fMRIPrep's n/a.
        confounds = np.array(confounds, dtype=np.float64)
        means = np.nanmean(confounds, axis=0)
        rows, cols = np.nonzero(np.isnan(confounds))
        confounds[rows, cols] = means[cols]
    t_r, high, low = case["tr"], case["high"], case["low"]
    filter_type = case["filter"]

    if filter_type == "cosine":
        confounds = add_cosine_drift(confounds, n_frames, high, t_r)

    original_mean = signals.mean(axis=0)
    if case["detrend"]:
        signals = detrend(signals)
        if confounds is not None:
            confounds = detrend(confounds)

    if filter_type == "butterworth":
        signals = butterworth(signals, 1.0 / t_r, high, low, case["order"])
        if confounds is not None:
            confounds = butterworth(confounds, 1.0 / t_r, high, low, case["order"])

    if confounds is not None:
        if case["standardize_confounds"]:
            confounds = standardize(confounds, "zscore")
        else:
            largest = np.max(np.abs(confounds), axis=0)
            largest[largest == 0] = 1
            confounds = confounds / largest
        q, r, _ = linalg.qr(confounds, mode="economic", pivoting=True)
        q = q[:, np.abs(np.diag(r)) > EPS * 100.0]
        signals = signals - q.dot(q.T).dot(signals)

    how = case["standardize"]
    if how == "none":
        return signals
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_vanished = (
            np.abs(signals.mean(0)).mean() / np.abs(original_mean).mean() < 1e-1
        )
    if how == "psc" and mean_vanished:
        return standardize(signals + original_mean, how)
    return standardize(signals, how)


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    signal = np.array(request["filter_signal"], dtype=np.float64)
    sos_out, filtered_out = [], []
    for d in request["designs"]:
        sos = butter_sos(d["order"], d["high"], d["low"], d["fs"])
        sos_out.append(sos.tolist())
        filtered_out.append(
            sp_signal.sosfiltfilt(sos, signal, padtype="odd", padlen=None).tolist()
        )
    cleaned_out = [clean(case).tolist() for case in request["cleans"]]
    with open(sys.argv[2], "w") as f:
        json.dump({"sos": sos_out, "filtered": filtered_out, "cleaned": cleaned_out}, f)


if __name__ == "__main__":
    main()
