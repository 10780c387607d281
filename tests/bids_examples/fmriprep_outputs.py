"""fMRIPrep outputs beside the BOLD images, for fill_dataset.py: the
`*_desc-confounds_timeseries.tsv` of a run (fMRIPrep >= 1.4 column names; its
motion columns are the motion that drives the image's artefact; compcor and
AROMA columns follow the run's confounds JSON sidecar when it has one), the
motion of a non-empty confounds file already in the layout, and the brain
masks and boldrefs (the mean image) of derivatives."""

import io
import json
import math
import os
import re
import shutil

import numpy as np
from scipy import ndimage

from bids_layout import RUN_ENTITIES, as_float, read_tsv, run_key, split_name
from bold_signal import rng_for
from nifti_io import save_image, to_volume


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


def find_existing_confounds(src, confounds, derivative):
    """run key -> path of a confounds file of the layout: the listed `confounds`
    (rel, f, entities), and in derivatives old-style non-empty `*_timeseries.tsv`."""
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
    return existing_confounds


def write_run_confounds(src, dst, rel, ent, g, data, motion, tr, dummies):
    """The confounds TSV of one run in dst/rel, unless the layout has a real one."""
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


# ---------------------------------------------------------------- masks and boldrefs

def write_masks_and_refs(src, dst, items, written, means, default_grid):
    """Brain masks and boldrefs (rel, f, entities, ext) on the grid of their run
    (`written`: (run key, space, res) -> grid), else on `default_grid()` when in MNI
    space or of a run; others are copied. A boldref is the run's mean (`means`), or
    the grid's baseline."""
    for rel, f, ent, ext in items:
        key = (run_key(ent), ent.get("space"), ent.get("res"))
        g = written.get(key)
        if g is None:  # an anatomical mask, or a run not filled: the default grid
            if ent.get("space", "").startswith("MNI") or key[0]:
                g = default_grid()
            else:
                shutil.copyfile(os.path.join(src, rel, f), os.path.join(dst, rel, f))
                continue
        out = os.path.join(dst, rel, f)
        if split_name(f)[1] == "mask":
            save_image(out, to_volume(g, np.ones(g.n, np.uint8), np.uint8), g.affine,
                       dtype=np.uint8)
        else:
            mean = means.get(key)
            if mean is None or mean.shape[0] != g.n:
                mean = g.baseline
            save_image(out, to_volume(g, mean, np.float32), g.affine, dtype=np.float32)
