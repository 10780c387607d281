#!/usr/bin/python3
"""Writes a realistic 2 mm MNI BOLD run as nibabel writes it, for
bench_load_extract:

    /usr/bin/python3 tests/bench/make_mni_run.py /tmp/mni_run.nii.gz [--frames 300]

The file must compress as a real run does, or the benchmark measures the
wrong thing: float32 noise keeps most of its mantissa bits random, so a real
fMRIPrep run in MNI space shrinks only to about three quarters. The series is
therefore a brain-shaped ellipsoid with smooth tissue contrast, slow drifts, a
global signal and thermal noise of about 1 %, with Rayleigh background noise
elsewhere (fMRIPrep does not mask its preproc_bold), zero only where the
registered field of view ends. It is written with nibabel's default gzip
level (1); the script holds the run once in memory (1.1 GB for 300 frames).
"""

import argparse
import sys

import numpy as np
import nibabel as nib

SHAPE = (91, 109, 91)
AFFINE = np.array([[-2.0, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]])


def ellipsoid(centre, radii):
    i, j, k = np.meshgrid(*(np.arange(n, dtype=np.float32) for n in SHAPE), indexing="ij")
    return sum(((a - c) / r) ** 2 for a, c, r in zip((i, j, k), centre, radii))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the .nii.gz to write")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--tr", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    # A brain with a bumpy surface.
    r_brain = ellipsoid((45, 58, 38), (34, 44, 33))
    bumps = 0.08 * np.sin(np.arange(SHAPE[0])[:, None, None] * 0.45) * np.cos(
        np.arange(SHAPE[1])[None, :, None] * 0.33 + np.arange(SHAPE[2])[None, None, :] * 0.21)
    brain = r_brain < 1.0 + bumps
    # The EPI's field of view, resampled, covers most of the MNI box: only a
    # few slabs at its edges fall outside and are zero.
    fov = np.zeros(SHAPE, dtype=bool)
    fov[2:-2, 3:-3, 4:-6] = True

    # Tissue contrast: smooth, grey/white-like, 500..1100.
    i, j, k = np.meshgrid(*(np.arange(n, dtype=np.float32) for n in SHAPE), indexing="ij")
    tissue = 800 + 150 * np.sin(0.21 * i) * np.cos(0.17 * j) + 120 * np.cos(0.13 * k + 0.05 * i)
    tissue += 80 * rng.standard_normal(SHAPE).astype(np.float32)
    tissue = np.where(brain, tissue, 0).astype(np.float32)
    n_brain = int(brain.sum())
    n_background = int((fov & ~brain).sum())

    # Per-voxel drift amplitudes and a network signal of a few components.
    t = np.arange(args.frames, dtype=np.float32)
    drift = (rng.standard_normal(n_brain).astype(np.float32) * 4.0)
    loading = rng.standard_normal((n_brain, 4)).astype(np.float32) * 3.0
    components = np.stack([np.sin(2 * np.pi * t / p + rng.uniform(0, 6)) for p in (37, 53, 71, 23)])
    global_signal = 2.0 * np.sin(2 * np.pi * t / 97.0)

    data = np.zeros(SHAPE + (args.frames,), dtype=np.float32, order="F")
    base = tissue[brain]
    for f in range(args.frames):
        frame = np.zeros(SHAPE, dtype=np.float32)
        signal = (base * (1 + 0.01 * rng.standard_normal(n_brain, dtype=np.float32))
                  + drift * (t[f] / args.frames) + loading @ components[:, f].astype(np.float32)
                  + global_signal[f])
        frame[brain] = signal
        # Magnitude noise outside the brain: Rayleigh, as in a magnitude image.
        frame[fov & ~brain] = rng.rayleigh(12.0, n_background).astype(np.float32)
        data[..., f] = frame

    image = nib.Nifti1Image(data, AFFINE)
    image.header.set_xyzt_units("mm", "sec")
    image.header["pixdim"][4] = args.tr
    image.set_sform(AFFINE, code=4)
    image.set_qform(AFFINE, code=4)
    image.to_filename(args.output)
    print(f"{args.output}: {args.frames} frames, {n_brain} brain voxels, "
          f"{n_background} background voxels", file=sys.stderr)


if __name__ == "__main__":
    main()
