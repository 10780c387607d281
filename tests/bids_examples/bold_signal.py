"""The simulated BOLD signal of fill_dataset.py: the simulation grid (atlas
labels, brain mask, compartments, baseline, motion basis), each state's
regions and spatial pattern, and the data of one run.

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
"""

import hashlib
import math

import numpy as np
from scipy import ndimage

from events_model import state_regressors
from nifti_io import MNI_BRAIN_CENTRE

ATLAS_CANDIDATES = [
    "/usr/share/mricron/templates/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
    "/usr/share/mricron/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
]
BRAIN_CANDIDATES = ["/usr/share/mricron/templates/ch2bet.nii.gz"]


def stable_seed(*parts):
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


def rng_for(*parts):
    return np.random.default_rng(stable_seed(*parts))


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


# ---------------------------------------------------------------- one run

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
