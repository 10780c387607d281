"""Events of a run for fill_dataset.py: reading an events TSV into (onset,
duration, state) and the states' HRF-convolved regressors.

Condition column: trial_type, else the first of condition/stim_type/
event_type/trial/cond/stimulus/type, else the first non-numeric column with
2-50 values; with none, every event is one state, "event". The choice is
printed. Events with condition n/a or empty drive nothing.

Regressors: each state's event train (real onsets and durations; impulses for
zero durations; negative onsets kept, onsets past the end ignored) convolved
with SPM's canonical double-gamma HRF, sampled at frame starts and scaled to a
peak of 1 in the run."""

import math

import numpy as np

from bids_layout import as_float, read_tsv

CONDITION_COLUMNS = ["condition", "stim_type", "event_type", "trial", "cond", "stimulus",
                     "type", "conditions"]


# ---------------------------------------------------------------- events

def choose_condition_column(header, body):
    if "trial_type" in header:
        return "trial_type"
    lower = {h.lower(): h for h in header}
    for c in CONDITION_COLUMNS:
        if c in lower:
            return lower[c]
    for i, h in enumerate(header):
        if h in ("onset", "duration"):
            continue
        values = [r[i].strip() for r in body if i < len(r)]
        values = [v for v in values if v and v != "n/a"]
        if not values or all(as_float(v) is not None for v in values):
            continue
        if 2 <= len(set(values)) <= 50:
            return h
    return None


def read_events(path):
    """-> (events [(onset, duration, state)], condition column or None, notes)."""
    header, body = read_tsv(path)
    notes = []
    if "onset" not in header:
        return [], None, [f"{path}: no onset column; no events"]
    column = choose_condition_column(header, body)
    io, idur = header.index("onset"), header.index("duration") if "duration" in header else None
    ic = header.index(column) if column else None
    events, bad_onset, na_duration, na_state = [], 0, 0, 0
    for r in body:
        r = r + [""] * (len(header) - len(r))
        onset = as_float(r[io])
        if onset is None:
            bad_onset += 1
            continue
        duration = as_float(r[idur]) if idur is not None else 0.0
        if duration is None or duration < 0:
            na_duration += 1
            duration = 0.0
        if ic is None:
            state = "event"
        else:
            state = r[ic].strip()
            if state in ("", "n/a"):
                na_state += 1
                continue
        events.append((onset, duration, state))
    if bad_onset:
        notes.append(f"{bad_onset} row(s) without a numeric onset ignored")
    if na_duration:
        notes.append(f"{na_duration} row(s) with duration n/a simulated as impulses")
    if na_state:
        notes.append(f"{na_state} row(s) with {column} n/a drive no state")
    return events, column, notes


def block_median(events, tr):
    """Median length (s) of blocks: consecutive events of one state closer than a TR merged."""
    if not events:
        return None
    lengths = []
    by_state = {}
    for on, du, s in sorted(events):
        by_state.setdefault(s, []).append((on, on + du))
    for spans in by_state.values():
        start, end = spans[0]
        for a, b in spans[1:]:
            if a - end <= tr:
                end = max(end, b)
            else:
                lengths.append(end - start)
                start, end = a, b
        lengths.append(end - start)
    return float(np.median(lengths))


# ---------------------------------------------------------------- HRF and regressors

def spm_hrf(dt, length=32.0):
    t = np.arange(0, length + dt / 2, dt)

    def gamma_pdf(x, shape):  # unit scale
        with np.errstate(divide="ignore"):
            return np.where(x > 0, np.exp((shape - 1) * np.log(np.maximum(x, 1e-300)) - x
                                          - math.lgamma(shape)), 0.0)

    h = gamma_pdf(t, 6.0) - gamma_pdf(t, 16.0) / 6.0
    return h / h.sum()


def state_regressors(events, states, n_frames, tr, oversampling=16):
    """[n_frames, len(states)]: each state's event train convolved with the HRF,
    sampled at frame starts, scaled to a peak of 1 in the run (0 without events)."""
    dt = tr / oversampling
    t_min = min([0.0] + [on for on, _, _ in events])
    start = math.floor(t_min / dt) * dt - 32.0  # room for negative onsets
    n_fine = int(math.ceil((n_frames * tr - start) / dt)) + 1
    hrf = spm_hrf(dt)
    frame_idx = np.round((np.arange(n_frames) * tr - start) / dt).astype(int)
    out = np.zeros((n_frames, len(states)))
    index = {s: i for i, s in enumerate(states)}
    trains = np.zeros((len(states), n_fine))
    end = n_frames * tr
    for on, dur, s in events:
        if on >= end:
            continue  # past the end of the run: nothing of it is seen
        a = int(round((on - start) / dt))
        if dur <= 0:
            trains[index[s], a] += 1.0 / dt * 1.0  # an impulse of 1 s worth of stimulus
        else:
            b = max(a + 1, int(round((min(on + dur, end + 32.0) - start) / dt)))
            trains[index[s], a:b] = 1.0
    for i in range(len(states)):
        if not trains[i].any():
            continue
        conv = np.convolve(trains[i], hrf)[:n_fine]
        out[:, i] = conv[frame_idx]
        peak = np.abs(out[:, i]).max()
        if peak > 0:
            out[:, i] /= peak
    return out
