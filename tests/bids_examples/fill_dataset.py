#!/usr/bin/env python3
"""Fill one BIDS example layout with simulated BOLD data that follows its own events.

    fill_dataset.py SRC DST [--max-subjects N] [--subjects 01,02] [--seed S]
                    [--voxel-size MM] [--raw RAWDIR] [--atlas PATH] [--summary JSON]
                    [--tasks a,b]

SRC is one dataset of /work/shared/bids-examples (raw BIDS, an fMRIPrep
derivatives dataset, or a raw dataset with derivatives/ inside); its BOLD files
are empty placeholders. DST receives a copy of its layout (every small file;
subjects beyond --max-subjects left out) in which every BOLD image of a run is
filled:

  - raw `*_bold.nii[.gz]` and derivatives `*_bold.nii[.gz]` (desc-preproc and
    any other desc, e.g. smoothAROMAnonaggr), in MNI space on a --voxel-size mm
    grid (default 4 mm), int16 (scl_slope 1), gzipped where the name says so;
  - derivatives: `*_desc-brain_mask.nii.gz` / `*_label-brain_mask.nii` of each
    run (and MNI-space anatomical masks), `*_boldref.nii.gz` (the mean image),
    and a `*_desc-confounds_timeseries.tsv` with fMRIPrep >= 1.4 column names
    whose motion columns drive the motion artefact of the image (columns of
    compcor and AROMA follow the run's confounds JSON sidecar when it has one).
    A non-empty confounds file already in the layout is kept, and its motion
    columns drive the artefact instead.

The signal (an independent maker of data: nothing of NeuroSeq is used): every
state (a value of the events' condition column) activates its own random set
of 3-5 regions of the Harvard-Oxford cortical max-prob atlas (the one users
pass to `neuroseq --atlas`), with a smooth spatial pattern inside each region;
its time course is the state's event train (real onsets and durations;
impulses for zero durations; negative onsets kept, onsets past the end
ignored) convolved with SPM's canonical double-gamma HRF, scaled so that the
peak response of the run is 1-3 % of the baseline. On top: AR(1) noise per
region, a shared physiological fluctuation (strongest in CSF), slow drift,
white voxel noise, a motion artefact (-grad(baseline) . displacement) and, in
some runs, a non-steady-state transient in the first one or two volumes.
Baseline ~1000 inside a brain mask (ch2bet of mricron-data, else the filled
atlas), 0 outside. The state -> regions map depends on --seed and the state's
name only, so raw data and its derivatives, and all subjects, share it; the
noise depends on --seed and the run's entities (sub, ses, task, acq, run), so
a raw run and its preprocessed copy hold the same data.

Repetition time: RepetitionTime of the BOLD JSON sidecars by the BIDS
inheritance principle (the most specific file wins, key by key), or the
header's when the placeholder has an intact header. Number of volumes: the
events' extent (last onset + duration + 20 s, rounded up to TRs), 150 for runs
without events (rest), or the intact header's. An intact header keeps its
dimensions and voxel size; its affine is re-centred on the MNI brain (the
synthetic example's affine puts voxel 0 at the origin, which would leave most
of the brain outside the field of view).

Condition column: trial_type, else the first of condition/stim_type/
event_type/trial/cond/stimulus/type, else the first non-numeric column with
2-50 values; with none, every event is one state, "event". The choice is
printed. Events with condition n/a or empty drive nothing.

Only python3 with numpy, nibabel and scipy. Deterministic given --seed.
"""

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import re
import shutil
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import nibabel as nib
from scipy import ndimage

ATLAS_CANDIDATES = [
    "/usr/share/mricron/templates/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
    "/usr/share/mricron/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
]
BRAIN_CANDIDATES = ["/usr/share/mricron/templates/ch2bet.nii.gz"]

CONDITION_COLUMNS = ["condition", "stim_type", "event_type", "trial", "cond", "stimulus",
                     "type", "conditions"]
NO_EVENTS_VOLUMES = 150
TAIL_SECONDS = 20.0
BIG_FILE = 50 * 1024 * 1024
MNI_BRAIN_CENTRE = np.array([0.0, -18.0, 18.0])

nib.openers.Opener.default_compresslevel = 1  # fast gzip; the data is noise anyway


def note(message):
    print(message, flush=True)


def stable_seed(*parts):
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


def rng_for(*parts):
    return np.random.default_rng(stable_seed(*parts))


# ---------------------------------------------------------------- BIDS names

ENTITY_RE = re.compile(r"^([a-zA-Z0-9]+)-(.*)$")
NIFTI_EXT = (".nii.gz", ".nii")


def split_name(filename):
    """'sub-01_task-x_run-01_bold.nii.gz' -> ({'sub':'01',...}, 'bold', '.nii.gz')."""
    ext = ""
    for e in (".nii.gz", ".nii", ".tsv.gz", ".tsv", ".json", ".func.gii", ".gii", ".txt", ".h5",
              ".csv", ".html"):
        if filename.endswith(e):
            ext = e
            break
    if not ext:
        ext = os.path.splitext(filename)[1]
    stem = filename[: len(filename) - len(ext)] if ext else filename
    parts = stem.split("_")
    entities, suffix = {}, None
    for i, part in enumerate(parts):
        m = ENTITY_RE.match(part)
        if m and (i < len(parts) - 1 or "-" in part):
            entities[m.group(1)] = m.group(2)
        else:
            suffix = part
    return entities, suffix, ext


def norm_entity(key, value):
    if key in ("run", "echo") and value.isdigit():
        return str(int(value))
    return value


def entities_match(sidecar, target):
    """Every entity of `sidecar` is in `target` with the same value (run-1 == run-01)."""
    for k, v in sidecar.items():
        if k not in target or norm_entity(k, target[k]) != norm_entity(k, v):
            return False
    return True


RUN_ENTITIES = ("sub", "ses", "task", "acq", "ce", "rec", "dir", "run", "echo")


def run_key(entities):
    return tuple((k, norm_entity(k, entities[k])) for k in RUN_ENTITIES if k in entities)


class Inheritance:
    """Files of one suffix/extension in a dataset, for the inheritance principle."""

    def __init__(self, root, suffix, ext, skip_dirs=("derivatives", "sourcedata", "code")):
        self.root = root
        self.items = []  # (reldir, entities)
        for dirpath, dirnames, filenames in os.walk(root):
            rel = os.path.relpath(dirpath, root)
            if rel == ".":
                rel = ""
                dirnames[:] = [d for d in dirnames if d not in skip_dirs]
            for f in filenames:
                ent, suf, e = split_name(f)
                if suf == suffix and e == ext:
                    self.items.append((rel, ent, os.path.join(dirpath, f)))

    def applicable(self, reldir, entities):
        """Paths that apply to a file in `reldir` with `entities`, least specific first."""
        out = []
        for rel, ent, path in self.items:
            if rel and not (reldir == rel or reldir.startswith(rel + os.sep)):
                continue
            if entities_match(ent, entities):
                depth = 0 if not rel else rel.count(os.sep) + 1
                out.append((depth, len(ent), path))
        out.sort()
        return [p for _, _, p in out]


# ---------------------------------------------------------------- events

def read_tsv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    body = [r for r in rows[1:] if r and "".join(r).strip()]
    return header, body


def as_float(text):
    try:
        v = float(text.strip())
        return v if math.isfinite(v) else None
    except (ValueError, AttributeError):
        return None


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


# ---------------------------------------------------------------- space

class Grid:
    """A simulation grid in MNI space with atlas labels, brain mask and spatial maps."""

    def __init__(self, shape, affine, atlas_img, brain_img, seed):
        self.shape = tuple(int(s) for s in shape)
        self.affine = affine
        ijk = np.indices(self.shape).reshape(3, -1)
        xyz = affine[:3, :3] @ ijk + affine[:3, 3:4]
        self.labels = self._sample(atlas_img, xyz, order=0).astype(np.int32).reshape(self.shape)
        if brain_img is not None:
            brain = self._sample(brain_img, xyz, order=1).reshape(self.shape)
            inside = brain > 0.15 * np.percentile(brain[brain > 0], 95) if (brain > 0).any() else brain > 0
            mask = inside | (self.labels > 0)
        else:
            mask = ndimage.binary_dilation(self.labels > 0, iterations=2)
        mask = ndimage.binary_fill_holes(ndimage.binary_closing(mask, iterations=2))
        if mask.sum() < 50:  # the grid misses the brain: a centred ellipsoid instead
            c = (np.array(self.shape) - 1) / 2.0
            r = np.maximum(np.array(self.shape) * 0.4, 1)
            d = (((np.indices(self.shape).T - c) / r) ** 2).sum(-1).T
            mask = d <= 1
        self.mask = mask
        self.labels = np.where(mask, self.labels, 0)
        self.vox = np.flatnonzero(mask.ravel())
        self.n = self.vox.size
        self.vox_f = np.ravel_multi_index(np.unravel_index(self.vox, self.shape), self.shape,
                                          order="F")
        self.xyz = xyz[:, self.vox]  # mm, [3, N]
        self.region_of = self.labels.ravel()[self.vox]  # 0 = not cortical
        self.regions = np.unique(self.region_of[self.region_of > 0])
        # Compartments: cortex (atlas labels), CSF (around the lateral ventricles), white matter.
        rel = (self.xyz.T - np.array([0.0, -8.0, 14.0])) / np.array([14.0, 26.0, 10.0])
        csf = ((rel ** 2).sum(1) <= 1) & (self.region_of == 0)
        depth = ndimage.distance_transform_edt(mask).ravel()[self.vox] * min(self.zooms())
        wm = (self.region_of == 0) & ~csf & (depth > 8.0)
        if not csf.any():
            csf = (self.region_of == 0) & ~wm
        if not wm.any():
            wm = (self.region_of == 0) & ~csf
        self.csf, self.wm = csf, wm
        rng = rng_for(seed, "baseline", self.shape)
        smooth = ndimage.gaussian_filter(rng.standard_normal(self.shape), 2.0).ravel()[self.vox]
        smooth /= smooth.std() + 1e-12
        base = np.full(self.n, 1000.0)
        base[wm] = 880.0
        base[csf] = 1250.0
        base *= 1.0 + 0.04 * smooth
        edge = np.clip(depth / 6.0, 0.35, 1.0)  # darker towards the edge (coil, partial volume)
        self.baseline = base * edge
        # Motion: intensity change of a displacement field d(v) = t + r x (x - c).
        full = np.zeros(self.shape)
        full.ravel()[self.vox] = self.baseline
        zooms = self.zooms()
        grads = [g.ravel()[self.vox] / z for g, z in zip(np.gradient(full), zooms)]
        g = np.stack(grads)  # [3, N] intensity per mm along the voxel axes
        rot = affine[:3, :3] / np.array(zooms)
        g = rot @ g  # per mm along world axes (rot is orthonormal for our grids)
        p = self.xyz - MNI_BRAIN_CENTRE[:, None]
        # displacement basis for (tx, ty, tz, rx, ry, rz): rotation by small angles.
        basis = np.zeros((6, self.n))
        basis[0], basis[1], basis[2] = g[0], g[1], g[2]
        # r x p for r = (rx,0,0): (0, -rx*pz, rx*py)
        basis[3] = -g[1] * p[2] + g[2] * p[1]
        basis[4] = g[0] * p[2] - g[2] * p[0]
        basis[5] = -g[0] * p[1] + g[1] * p[0]
        self.motion_basis = -basis  # intensity change per mm / per rad

    def zooms(self):
        return tuple(float(np.linalg.norm(self.affine[:3, i])) for i in range(3))

    @staticmethod
    def _sample(img, xyz, order):
        data = np.asanyarray(img.dataobj).astype(np.float32)
        if data.ndim > 3:
            data = data[..., 0]
        inv = np.linalg.inv(img.affine)
        ijk = inv[:3, :3] @ xyz + inv[:3, 3:4]
        return ndimage.map_coordinates(data, ijk, order=order, mode="constant", cval=0.0)


class StateMaps:
    """State -> regions and spatial patterns; depends on the seed and state names only."""

    def __init__(self, grid, seed):
        self.grid, self.seed, self.cache = grid, seed, {}

    def of(self, state):
        if state in self.cache:
            return self.cache[state]
        g = self.grid
        rng = rng_for(self.seed, "state", state)
        k = int(rng.integers(3, 6))
        all_regions = g.regions if g.regions.size else np.arange(1, 49)
        chosen = rng.choice(all_regions, size=min(k, all_regions.size), replace=False)
        k = chosen.size
        psc = rng.uniform(0.01, 0.03, size=k)  # peak percent signal change
        # A smooth spatial pattern (in world coordinates, so every grid agrees).
        centre = rng.uniform(-60, 60, size=(4, 3))
        width = rng.uniform(15, 35, size=4)
        field = np.zeros(g.n)
        for c, w in zip(centre, width):
            field += np.exp(-((g.xyz.T - c) ** 2).sum(1) / (2 * w * w))
        field = 0.5 + 0.5 * field / (field.max() + 1e-12)
        m = np.zeros(g.n)
        for region, amp in zip(chosen, psc):
            sel = g.region_of == region
            m[sel] = amp * field[sel]
        self.cache[state] = (m, sorted(int(r) for r in chosen))
        return self.cache[state]


def ar1(rng, n, cols, phi, sd):
    e = rng.standard_normal((n, cols)) * sd * math.sqrt(1 - phi * phi)
    x = np.empty_like(e)
    x[0] = e[0] / math.sqrt(1 - phi * phi)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


def simulate_motion(rng, n):
    """[n, 6] realistic head motion: translations (mm), rotations (rad)."""
    steps = rng.standard_normal((n, 6)) * np.array([0.02, 0.03, 0.04, 0.0004, 0.0003, 0.0003])
    walk = np.cumsum(steps, axis=0)
    walk = ndimage.gaussian_filter1d(walk, 1.0, axis=0)
    n_spikes = rng.poisson(n / 120.0)
    for t in rng.integers(1, max(2, n), size=n_spikes):
        walk[t:] += rng.standard_normal(6) * np.array([0.15, 0.2, 0.25, 0.002, 0.0015, 0.0015])
    return walk - walk[0]


def simulate_run(grid, maps, states, events, n_frames, tr, seed, key, motion=None, dummies=0):
    """-> (data [T, N] float32 (in-mask voxels), motion [T, 6], parts for confounds)."""
    rng = rng_for(seed, "run", key)
    t = np.arange(n_frames) * tr
    X = state_regressors(events, states, n_frames, tr) if states else np.zeros((n_frames, 0))
    subject_gain = rng_for(seed, "subject", dict(key).get("sub", "")).uniform(0.8, 1.2)
    R = 49
    region_terms = ar1(rng, n_frames, R, 0.5, 0.004)  # 0.4 % AR(1) noise per region
    region_terms[:, 0] *= 0.5
    physio = ar1(rng, n_frames, 1, 0.3, 0.004)[:, 0]
    # Slow drift: linear and two cosines per region, ~1 % over the run.
    duration = max(n_frames * tr, tr)
    basis = np.stack([t / duration - 0.5, np.cos(np.pi * t / duration),
                      np.cos(2 * np.pi * t / duration)], axis=1)
    coefs = rng.standard_normal((3, R)) * np.array([[0.008], [0.004], [0.002]])
    region_terms += basis @ coefs
    signal = region_terms.astype(np.float32)[:, grid.region_of]  # [T, N]
    signal += 1.0
    if states:
        M = np.stack([maps.of(s)[0] for s in states]).astype(np.float32)  # [S, N]
        signal += (subject_gain * X).astype(np.float32) @ M
    weight = np.where(grid.csf, 2.5, np.where(grid.wm, 0.6, 1.0)).astype(np.float32)
    signal += physio.astype(np.float32)[:, None] * weight[None, :]
    data = signal
    data *= grid.baseline.astype(np.float32)[None, :]
    if motion is None:
        motion = simulate_motion(rng, n_frames)
    data += motion.astype(np.float32) @ grid.motion_basis.astype(np.float32)
    noise = rng.standard_normal((n_frames, grid.n), dtype=np.float32)
    noise *= 12.0  # white voxel noise (tSNR ~80)
    data += noise
    for i in range(min(dummies, n_frames)):
        data[i] *= 1.0 + 0.10 / (i + 1) ** 1.5  # non-steady-state magnetisation
    return data, motion, X


# ---------------------------------------------------------------- confounds

def confounds_table(grid, data, motion, tr, dummies, sidecar):
    T = data.shape[0]
    cols = {}
    cols["global_signal"] = data.mean(1)
    cols["csf"] = data[:, grid.csf].mean(1)
    cols["white_matter"] = data[:, grid.wm].mean(1)
    cols["csf_wm"] = data[:, grid.csf | grid.wm].mean(1)
    cols["tcompcor"] = None  # filled below when the sidecar names it

    def pcs(values, k):
        if k <= 0 or values.shape[1] == 0:
            return np.zeros((T, 0))
        v = values - values.mean(0)
        tt = np.arange(T) - (T - 1) / 2
        if T > 2:
            v = v - np.outer(tt, (tt @ v) / (tt @ tt))
        v = v / (v.std(0) + 1e-6)
        w, u = np.linalg.eigh(v.astype(np.float64) @ v.T.astype(np.float64))  # [T, T]
        u = u[:, ::-1][:, :k]
        u = u * np.sign(u[0] + 1e-12)  # a fixed sign
        if u.shape[1] < k:
            u = np.hstack([u, np.zeros((T, k - u.shape[1]))])
        return u

    names = list(sidecar.keys()) if sidecar else []
    n_a = sum(1 for n in names if n.startswith("a_comp_cor_")) or 5
    n_t = sum(1 for n in names if n.startswith("t_comp_cor_")) or 5
    n_aroma = sum(1 for n in names if n.startswith("aroma_motion_"))
    sub = np.flatnonzero(grid.csf | grid.wm)
    sub = sub[:: max(1, sub.size // 4000)]
    a = pcs(data[:, sub], n_a)
    var = data.var(0)
    top = np.argsort(var)[-max(20, int(0.02 * grid.n)):]
    tc = pcs(data[:, top], n_t)
    cols["tcompcor"] = data[:, top].mean(1) if "tcompcor" in names else None
    if "csf_wm" not in names:
        cols.pop("csf_wm")
    if cols.get("tcompcor") is None:
        cols.pop("tcompcor")

    def deriv(x):
        d = np.full(T, np.nan)
        d[1:] = np.diff(x)
        return d

    out = dict(cols)
    for name, x in (("global_signal", cols["global_signal"]), ("csf", cols["csf"]),
                    ("white_matter", cols["white_matter"])):
        out[name + "_derivative1"] = deriv(x)
        out[name + "_power2"] = x ** 2
        out[name + "_derivative1_power2"] = deriv(x) ** 2
    diff = np.diff(data, axis=0)
    dvars = np.concatenate([[np.nan], np.sqrt((diff ** 2).mean(1))])
    out["std_dvars"] = dvars / np.nanmedian(dvars) if T > 1 else dvars
    out["dvars"] = dvars
    motion_names = ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"]
    d = np.vstack([np.zeros((1, 6)), np.abs(np.diff(motion, axis=0))])
    fd = d[:, :3].sum(1) + 50.0 * d[:, 3:].sum(1)
    fd[0] = np.nan
    out["framewise_displacement"] = fd
    for i, name in enumerate(motion_names):
        x = motion[:, i]
        out[name] = x
        out[name + "_derivative1"] = deriv(x)
        out[name + "_power2"] = x ** 2
        out[name + "_derivative1_power2"] = deriv(x) ** 2
    for i in range(a.shape[1]):
        out[f"a_comp_cor_{i:02d}"] = a[:, i]
    for i in range(tc.shape[1]):
        out[f"t_comp_cor_{i:02d}"] = tc[:, i]
    n_cos = int(math.floor(2 * T * tr / 128.0))
    k = np.arange(T)
    for i in range(1, n_cos + 1):
        out[f"cosine{i - 1:02d}"] = math.sqrt(2.0 / T) * np.cos(np.pi * (2 * k + 1) * i / (2 * T))
    for i in range(dummies):
        col = np.zeros(T)
        col[i] = 1
        out[f"non_steady_state_outlier{i:02d}"] = col
    for i in range(n_aroma):
        rng = rng_for("aroma", i, T)
        out[f"aroma_motion_{i + 1}"] = ndimage.gaussian_filter1d(rng.standard_normal(T), 1.0)
    return out


def write_confounds(path, table):
    names = list(table.keys())
    T = len(next(iter(table.values())))
    values = np.stack([np.asarray(table[n], dtype=float) for n in names], axis=1)
    buf = io.StringIO()
    np.savetxt(buf, values, fmt="%.6g", delimiter="\t")
    text = re.sub(r"(?<![\w.])nan(?![\w.])", "n/a", buf.getvalue())
    with open(path, "w") as f:
        f.write("\t".join(names) + "\n" + text)


def motion_from_existing(path, n_frames):
    """Motion [T, 6] from an existing, non-empty confounds file (new or old names)."""
    try:
        header, body = read_tsv(path)
    except OSError:
        return None
    if len(body) != n_frames:
        return None
    for names in (["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"],
                  ["X", "Y", "Z", "RotX", "RotY", "RotZ"]):
        if all(n in header for n in names):
            idx = [header.index(n) for n in names]
            m = np.array([[as_float(r[i]) if i < len(r) else None for i in idx] for r in body],
                         dtype=float)
            return np.nan_to_num(m)
    return None


# ---------------------------------------------------------------- images

def header_of(path):
    """An intact NIfTI header of a placeholder, or None (empty or unreadable file)."""
    if os.path.getsize(path) < 348:
        return None
    try:
        img = nib.load(path)
        if len(img.shape) >= 3 and all(s > 0 for s in img.shape):
            return img
    except Exception:
        return None
    return None


def mni_grid(voxel):
    lo = np.array([-78.0, -114.0, -60.0])
    hi = np.array([78.0, 78.0, 90.0])
    shape = np.ceil((hi - lo) / voxel).astype(int) + 1
    affine = np.diag([voxel, voxel, voxel, 1.0])
    affine[:3, 3] = lo
    return tuple(shape), affine


def recentred_affine(img):
    zooms = np.array(img.header.get_zooms()[:3], dtype=float)
    shape = np.array(img.shape[:3])
    affine = np.diag(list(zooms) + [1.0])
    affine[:3, 3] = MNI_BRAIN_CENTRE - zooms * (shape - 1) / 2.0
    return affine


class Writer:
    """Writes images on background threads (zlib releases the GIL), at most 2 pending."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.pending = []

    def submit(self, fn, *args, **kwargs):
        while len(self.pending) >= 2:
            self.pending.pop(0).result()
        self.pending.append(self.pool.submit(fn, *args, **kwargs))

    def wait(self):
        for f in self.pending:
            f.result()
        self.pending = []


_WRITER = {}


def writer():
    """This process's writer (created after a fork, never inherited)."""
    pid = os.getpid()
    if pid not in _WRITER:
        _WRITER[pid] = Writer()
    return _WRITER[pid]


def save_image(path, full, affine, tr=None, dtype=np.int16, intent=None, xform_code=4):
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(dtype)
    img = nib.Nifti1Image(full, affine, hdr)
    img.set_sform(affine, code=xform_code)
    img.set_qform(affine, code=xform_code)
    zooms = list(img.header.get_zooms()[:3])
    if tr is not None:
        img.header.set_zooms(zooms + [float(tr)])
    img.header.set_xyzt_units("mm", "sec")
    if dtype == np.int16:
        img.header.set_slope_inter(1.0, 0.0)
    if path.endswith(".gz"):
        # gzip with zlib's run-length strategy: as small as level 1 on this data
        # (zeros outside the brain, noise inside) and faster.
        raw = img.to_bytes()
        c = zlib.compressobj(1, zlib.DEFLATED, 31, 9, zlib.Z_RLE)
        with open(path, "wb") as f:
            for i in range(0, len(raw), 1 << 24):
                f.write(c.compress(raw[i:i + (1 << 24)]))
            f.write(c.flush())
    else:
        img.to_filename(path)


def to_volume(grid, values, dtype):
    """values [T, N] or [N] -> full grid array [X, Y, Z(, T)], Fortran-ordered (as NIfTI
    stores it, so that writing needs no transposed copy)."""
    if values.ndim == 1:
        values = values[None, :]
        squeeze = True
    else:
        squeeze = False
    T = values.shape[0]
    buf = np.zeros((T, int(np.prod(grid.shape))), dtype=dtype)
    v = values
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        v = np.clip(np.rint(v), info.min, info.max)
    buf[:, grid.vox_f] = v
    full = buf.T.reshape(grid.shape + (T,), order="F")
    return full[..., 0] if squeeze else full


# ---------------------------------------------------------------- the filler

class Filler:
    def __init__(self, args):
        self.args = args
        self.seed = args.seed
        self.atlas_path = args.atlas or next((p for p in ATLAS_CANDIDATES if os.path.exists(p)), None)
        if not self.atlas_path:
            sys.exit("fill_dataset: no Harvard-Oxford atlas found (install mricron-data or pass --atlas)")
        self.atlas_img = nib.load(self.atlas_path)
        brain = next((p for p in BRAIN_CANDIDATES if os.path.exists(p)), None)
        self.brain_img = nib.load(brain) if brain else None
        self.grids = {}
        self.tasks = {t.strip().removeprefix("task-") for t in args.tasks.split(",") if t.strip()}
        self.summary = {"dataset": os.path.basename(os.path.normpath(args.src)), "runs": [],
                        "states": set(), "condition_columns": set(), "subjects": [],
                        "notes": [], "atlas": self.atlas_path}
        self.events_cache = {}
        self.run_cache = {}  # the last run simulated: key -> (data, motion, grid, T, X)
        self.means = {}  # (run key, space, res) -> mean image of the run, for boldrefs
        self.confounds_written = set()
        self.last_written = None

    def grid(self, shape, affine):
        key = (tuple(shape), tuple(np.round(affine, 4).ravel()))
        if key not in self.grids:
            g = Grid(shape, affine, self.atlas_img, self.brain_img, self.seed)
            self.grids[key] = (g, StateMaps(g, self.seed))
        return self.grids[key]

    # -- layout

    def subjects_of(self, root):
        subs = sorted(d[4:] for d in os.listdir(root)
                      if d.startswith("sub-") and os.path.isdir(os.path.join(root, d)))
        if self.args.subjects:
            wanted = [s.strip().removeprefix("sub-") for s in self.args.subjects.split(",") if s.strip()]
            subs = [s for s in subs if s in wanted]
        if self.args.max_subjects and self.args.max_subjects > 0:
            subs = subs[: self.args.max_subjects]
        return subs

    def fill(self, src, dst, raw_root=None, derivative=False, top=True):
        subjects = set(self.subjects_of(src))
        if top:
            self.summary["subjects"] = sorted(subjects)
        os.makedirs(dst, exist_ok=True)
        bolds, masks, refs, confounds = [], [], [], []
        nested = []
        for dirpath, dirnames, filenames in os.walk(src):
            rel = os.path.relpath(dirpath, src)
            rel = "" if rel == "." else rel
            first = rel.split(os.sep)[0] if rel else ""
            if first.startswith("sub-") and first[4:] not in subjects:
                dirnames[:] = []
                continue
            if rel == "derivatives":
                for d in list(dirnames):
                    p = os.path.join(dirpath, d)
                    if os.path.exists(os.path.join(p, "dataset_description.json")):
                        nested.append(d)
                        dirnames.remove(d)
            os.makedirs(os.path.join(dst, rel), exist_ok=True)
            for f in sorted(filenames):
                s, d = os.path.join(dirpath, f), os.path.join(dst, rel, f)
                ent, suffix, ext = split_name(f)
                if not rel and f.startswith("sub-") and f.endswith(".html"):
                    if f[4:-5] not in subjects:
                        continue
                in_func = os.path.basename(rel) == "func" and first.startswith("sub-")
                if in_func and self.tasks and "task" in ent and ent["task"] not in self.tasks:
                    continue
                if in_func and suffix == "bold" and ext in NIFTI_EXT:
                    bolds.append((rel, f, ent, ext))
                    continue
                if derivative and suffix == "mask" and ext in NIFTI_EXT and "space" in ent:
                    masks.append((rel, f, ent, ext))
                    continue
                if derivative and in_func and suffix == "boldref" and ext in NIFTI_EXT:
                    refs.append((rel, f, ent, ext))
                    continue
                if derivative and in_func and suffix == "timeseries" and ent.get("desc") == "confounds" \
                        and ext == ".tsv":
                    confounds.append((rel, f, ent))
                    if os.path.getsize(s) == 0:
                        continue
                if f == "participants.tsv" and not rel:
                    self.copy_participants(s, d, subjects)
                    continue
                if os.path.getsize(s) > BIG_FILE:
                    continue
                shutil.copyfile(s, d)
        events_root = raw_root if derivative else src
        events_index = Inheritance(events_root, "events", ".tsv") if events_root else None
        sidecars = Inheritance(src, "bold", ".json")
        raw_sidecars = Inheritance(raw_root, "bold", ".json") if derivative and raw_root else None
        existing_confounds = {}
        for rel, f, ent in confounds:
            existing_confounds[run_key(ent)] = os.path.join(src, rel, f)
        # Old-style fMRIPrep confounds (synthetic: *_timeseries.tsv without desc).
        if derivative:
            for dirpath, _, filenames in os.walk(src):
                for f in filenames:
                    ent, suffix, ext = split_name(f)
                    if suffix == "timeseries" and ext == ".tsv" and "desc" not in ent \
                            and os.path.getsize(os.path.join(dirpath, f)) > 0:
                        existing_confounds.setdefault(run_key(ent), os.path.join(dirpath, f))
        written = {}  # (run key, space, res) -> grid
        groups = {}
        for item in sorted(bolds):  # one group per subject: the unit of parallel work
            groups.setdefault(item[0].split(os.sep)[0], []).append(item)
        context = (src, dst, events_index, sidecars, raw_sidecars, derivative,
                   existing_confounds, confounds)
        for result in run_groups(self, context, list(groups.values()), self.args.jobs):
            self.summary["runs"] += result["runs"]
            self.summary["notes"] += result["notes"]
            self.summary["states"].update(result["states"])
            self.summary["condition_columns"].update(result["condition_columns"])
            self.means.update(result["means"])
            for key, shape, affine in result["written"]:
                written[key] = self.grid(shape, affine)[0]
        for rel, f, ent, ext in masks + refs:
            key = (run_key(ent), ent.get("space"), ent.get("res"))
            g = written.get(key)
            if g is None:  # an anatomical mask, or a run not filled: the default grid
                if ent.get("space", "").startswith("MNI") or key[0]:
                    g = self.grid(*mni_grid(self.args.voxel_size))[0]
                else:
                    shutil.copyfile(os.path.join(src, rel, f), os.path.join(dst, rel, f))
                    continue
            out = os.path.join(dst, rel, f)
            if split_name(f)[1] == "mask":
                save_image(out, to_volume(g, np.ones(g.n, np.uint8), np.uint8), g.affine,
                           dtype=np.uint8)
            else:
                mean = self.means.get(key)
                if mean is None or mean.shape[0] != g.n:
                    mean = g.baseline
                save_image(out, to_volume(g, mean, np.float32), g.affine, dtype=np.float32)
        for d in nested:
            s, t = os.path.join(src, "derivatives", d), os.path.join(dst, "derivatives", d)
            note(f"derivatives/{d}: filling with events of the raw dataset {src}")
            self.fill(s, t, raw_root=src, derivative=True, top=False)

    def copy_participants(self, s, d, subjects):
        header, body = read_tsv(s)
        if "participant_id" not in header:
            shutil.copyfile(s, d)
            return
        i = header.index("participant_id")
        with open(d, "w") as f:
            f.write("\t".join(header) + "\n")
            for r in body:
                if r[i].strip().removeprefix("sub-") in subjects:
                    f.write("\t".join(r) + "\n")

    # -- one run

    def repetition_time(self, paths):
        tr = None
        for p in paths:  # least specific first: the most specific wins
            try:
                with open(p) as f:
                    j = json.load(f)
            except (OSError, ValueError):
                continue
            if isinstance(j, dict) and isinstance(j.get("RepetitionTime"), (int, float)):
                tr = float(j["RepetitionTime"])
        return tr

    def events_for(self, index, rel, ent):
        if index is None:
            return None, ([], None, [])
        target = {k: v for k, v in ent.items() if k in RUN_ENTITIES}
        paths = index.applicable(rel, target)
        if not paths:
            return None, ([], None, [])
        path = paths[-1]  # the most specific events file
        if path not in self.events_cache:
            self.events_cache[path] = read_events(path)
        return path, self.events_cache[path]

    def fill_bold(self, src, dst, rel, f, ent, events_index, sidecars, raw_sidecars, derivative,
                  existing_confounds, confounds):
        label = os.path.join(rel, f)
        intact = header_of(os.path.join(src, rel, f))
        tr = self.repetition_time(sidecars.applicable(rel, ent))
        if tr is None and raw_sidecars is not None:
            tr = self.repetition_time(
                raw_sidecars.applicable(rel, {k: v for k, v in ent.items() if k in RUN_ENTITIES}))
        if intact is not None and len(intact.shape) == 4:
            htr = float(intact.header.get_zooms()[3])
            units = intact.header.get_xyzt_units()[1]
            htr = htr / 1000.0 if units == "msec" else htr
            if htr > 0:
                if tr is not None and abs(tr - htr) > 1e-3:
                    self.summary["notes"].append(f"{label}: header TR {htr} s, sidecar {tr} s; header used")
                tr = htr
        if tr is None or tr <= 0:
            tr = 2.0
            self.summary["notes"].append(f"{label}: no RepetitionTime anywhere; 2 s assumed")
        key = run_key(ent)
        events_path, (events, column, notes) = self.events_for(events_index, rel, ent)
        if events_path and column != "trial_type":
            msg = f"{label}: no trial_type column in {os.path.basename(events_path)}; " + \
                (f"using column '{column}' as the condition" if column
                 else "every event is one state, 'event'")
            note(msg)
            self.summary["notes"].append(msg)
        states = sorted({s for _, _, s in events})
        if intact is not None and len(intact.shape) == 4:
            n_frames = int(intact.shape[3])
        elif events:
            extent = max(on + du for on, du, _ in events)
            n_frames = max(8, int(math.ceil((extent + TAIL_SECONDS) / tr)))
        else:
            n_frames = NO_EVENTS_VOLUMES
        if intact is not None:
            shape, affine = intact.shape[:3], recentred_affine(intact)
        else:
            shape, affine = mni_grid(self.args.voxel_size)
        g, maps = self.grid(shape, affine)
        dummies = int(rng_for(self.seed, "dummies", key).choice([0, 0, 1, 2]))
        cached = self.run_cache.get(key)
        existing = existing_confounds.get(key)
        motion = motion_from_existing(existing, n_frames) if existing else None
        if cached is not None and cached[2] is g and cached[3] == n_frames:
            data, motion, X = cached[0], cached[1], cached[4]
        else:
            data, motion, X = simulate_run(g, maps, states, events, n_frames, tr, self.seed, key,
                                           motion=motion, dummies=dummies)
            self.run_cache = {key: (data, motion, g, n_frames, X)}  # keep one run in memory
        out = os.path.join(dst, rel, f)
        same = self.last_written
        if same and same[0] == (key, id(g), n_frames, tr) and \
                same[1].endswith(".gz") == f.endswith(".gz"):
            writer().wait()  # the same run on the same grid (another space or desc): a copy
            shutil.copyfile(same[1], out)
        else:
            writer().submit(save_image, out, to_volume(g, data, np.int16), affine, tr=tr,
                          dtype=np.int16, xform_code=4)
            self.last_written = ((key, id(g), n_frames, tr), out)
        self.means[(key, ent.get("space"), ent.get("res"))] = data.mean(0)
        if derivative and key not in self.confounds_written:
            # One confounds file per run (not per space), unless the layout has a real one.
            self.confounds_written.add(key)
            name = "_".join(f"{k}-{v}" for k, v in ent.items() if k in RUN_ENTITIES) + \
                "_desc-confounds_timeseries.tsv"
            path = os.path.join(dst, rel, name)
            if not (os.path.exists(path) and os.path.getsize(path) > 0):
                side = None
                sidecar_path = os.path.join(src, rel, name[:-4] + ".json")
                if os.path.exists(sidecar_path):
                    try:
                        with open(sidecar_path) as fh:
                            side = json.load(fh)
                    except ValueError:
                        side = None
                write_confounds(path, confounds_table(g, data, motion, tr, dummies, side))
        run_states = {s: int(sum(1 for _, _, x in events if x == s)) for s in states}
        self.summary["runs"].append({
            "file": label, "run": "_".join(f"{k}-{v}" for k, v in key), "tr": tr, "volumes": n_frames, "events": events_path and
            os.path.relpath(events_path, events_index.root), "condition_column": column,
            "states": run_states, "durations_median": float(np.median([d for _, d, _ in events]))
            if events else None, "dummies": dummies, "derivative": derivative,
            "block_seconds_median": block_median(events, tr)})
        self.summary["states"].update(states)
        if column:
            self.summary["condition_columns"].add(column)
        elif events:
            self.summary["condition_columns"].add("(none)")
        for n in notes:
            self.summary["notes"].append(f"{label}: {n}")
        return g


_GROUP_CONTEXT = None


def fill_group(items):
    """Fills the BOLD images of one subject; -> what the summary and masks need."""
    filler, context = _GROUP_CONTEXT
    filler.summary["runs"], filler.summary["notes"] = [], []
    filler.summary["states"], filler.summary["condition_columns"] = set(), set()
    filler.means = {}
    written = []
    for rel, f, ent, ext in items:
        g = filler.fill_bold(context[0], context[1], rel, f, ent, *context[2:])
        if g is not None:
            written.append(((run_key(ent), ent.get("space"), ent.get("res")), g.shape, g.affine))
    writer().wait()
    s = filler.summary
    return {"runs": s["runs"], "notes": s["notes"], "states": s["states"],
            "condition_columns": s["condition_columns"], "means": filler.means,
            "written": written}


def run_groups(filler, context, groups, jobs):
    global _GROUP_CONTEXT
    saved = {k: filler.summary[k] for k in ("runs", "notes", "states", "condition_columns")}
    saved_means = filler.means
    _GROUP_CONTEXT = (filler, context)
    try:
        if jobs > 1 and len(groups) > 1:
            import multiprocessing
            with multiprocessing.get_context("fork").Pool(min(jobs, len(groups))) as pool:
                results = pool.map(fill_group, groups, chunksize=1)
        else:
            results = [fill_group(g) for g in groups]
    finally:
        for k, v in saved.items():
            filler.summary[k] = v
        filler.means = saved_means
        _GROUP_CONTEXT = None
    return results


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


def find_raw(src):
    """The raw dataset of a derivatives dataset from its DatasetLinks / SourceDatasets."""
    try:
        with open(os.path.join(src, "dataset_description.json")) as f:
            d = json.load(f)
    except (OSError, ValueError):
        return None
    candidates = []
    links = d.get("DatasetLinks") or {}
    if isinstance(links.get("raw"), str):
        candidates.append(links["raw"])
    for s in d.get("SourceDatasets") or []:
        if isinstance(s, dict) and isinstance(s.get("URL"), str):
            candidates.append(s["URL"])
    for c in candidates:
        if "://" in c or c.startswith("doi:"):
            continue
        p = os.path.normpath(os.path.join(src, c))
        if os.path.isdir(p):
            return p
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--max-subjects", type=int, default=0, help="first N subjects (0: all)")
    ap.add_argument("--subjects", default="", help="comma-separated subject labels to keep")
    ap.add_argument("--tasks", default="",
                    help="comma-separated task labels: only their runs are copied and filled")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--voxel-size", type=float, default=4.0, help="grid spacing in mm (default 4)")
    ap.add_argument("--raw", default=None, help="raw dataset holding the events (derivatives)")
    ap.add_argument("--atlas", default=None, help="label atlas (default: Harvard-Oxford cortical)")
    ap.add_argument("--summary", default=None, help="write a JSON summary here")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                    help="subjects filled in parallel (default: CPUs, at most 4)")
    args = ap.parse_args()
    t0 = time.time()
    src = os.path.normpath(args.src)
    if not os.path.isdir(src):
        sys.exit(f"fill_dataset: {src}: not a folder")
    if os.path.exists(args.dst) and os.listdir(args.dst):
        sys.exit(f"fill_dataset: {args.dst}: exists and is not empty")
    derivative = False
    try:
        with open(os.path.join(src, "dataset_description.json")) as f:
            derivative = json.load(f).get("DatasetType") == "derivative"
    except (OSError, ValueError):
        pass
    raw = args.raw
    if derivative and not raw:
        raw = find_raw(src)
        if raw:
            note(f"{src}: derivatives; events from the raw dataset {raw}")
        else:
            note(f"{src}: derivatives without --raw: runs get no events")
    filler = Filler(args)
    filler.fill(src, args.dst, raw_root=raw, derivative=derivative)
    writer().wait()
    s = filler.summary
    s["states"] = sorted(s["states"])
    s["condition_columns"] = sorted(s["condition_columns"])
    s["derivative"] = derivative
    s["raw"] = raw
    s["seconds"] = round(time.time() - t0, 2)
    runs = [r for r in s["runs"] if not r["derivative"]] or s["runs"]
    blocks = [r["block_seconds_median"] for r in runs if r["block_seconds_median"] is not None]
    trs = [r["tr"] for r in runs if r["events"]]
    if blocks and trs:
        s["design"] = "block" if np.median(blocks) >= 4 * np.median(trs) else "event-related"
    else:
        s["design"] = "none"
    s["n_runs"] = len({r["run"] for r in runs})
    s["n_runs_with_events"] = len({r["run"] for r in runs if r["events"]})
    s["n_images"] = len(s["runs"])
    for n in s["notes"][:20]:
        print("note:", n)
    if len(s["notes"]) > 20:
        print(f"note: ... and {len(s['notes']) - 20} more")
    print(f"filled {s['dataset']}: {len(s['subjects'])} subjects, {len(s['runs'])} images, "
          f"{len(s['states'])} states, design {s['design']}, in {s['seconds']} s")
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(s, f, indent=1)


if __name__ == "__main__":
    main()
