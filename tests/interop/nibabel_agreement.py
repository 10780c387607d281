"""NeuroSeq's NIfTI/Analyze reader and writer against nibabel.

For every image in nibabel's test data, every header edge case in the shared
nifti-cases folder, and every file NeuroSeq writes from them: the shape, the
affine (1e-5) and the voxels (exact for integer data without scaling, 1e-6
relative otherwise) must agree with what nibabel reads. Files nibabel can only
read the header of (a .hdr without its .img) or that are not volumes (CIFTI)
must make NeuroSeq fail with a message naming the file.

Exit codes: 0 all agree, 1 some disagree, 77 nibabel is missing (skipped).
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import nibabel as nib
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: nibabel/numpy not importable by {sys.executable}: {e}")
    sys.exit(77)

probe, shared = sys.argv[1], sys.argv[2]
nib_data = os.path.join(os.path.dirname(nib.__file__), "tests", "data")
SUFFIXES = (".nii", ".nii.gz", ".hdr", ".hdr.gz")


def candidates():
    for folder in (nib_data, os.path.join(shared, "nifti-cases")):
        if not os.path.isdir(folder):
            print(f"note: {folder} is missing")
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(SUFFIXES):
                yield os.path.join(folder, name)


def nibabel_image(path):
    img = nib.load(path)
    if isinstance(img, nib.Cifti2Image):
        img = nib.Nifti2Image.from_filename(path)
    return img


def run_probe(path, workdir, rewrite=None):
    prefix = os.path.join(workdir, "probe")
    cmd = [probe, path, prefix] + (["--rewrite", rewrite] if rewrite else [])
    subprocess.run(cmd, check=True)
    with open(prefix + ".json") as f:
        found = json.load(f)
    if "voxels" in found:
        found["data"] = np.fromfile(prefix + ".f32", dtype=np.float32)
    return found


def compare(path, img, found, label):
    problems = []
    shape = list(img.shape)
    if "header_error" in found:
        return [f"header not read: {found['header_error']}"]
    if found["dims"] != shape:
        problems.append(f"dims {found['dims']} != nibabel {shape}")
    aff = np.array(found["affine"])
    if not np.allclose(aff, img.affine, atol=1e-5, rtol=0):
        problems.append(f"affine differs by {np.abs(aff - img.affine).max():.3g}")
    volume_like = len(shape) <= 4 or all(s == 1 for s in shape[4:])
    try:
        expected = np.asarray(img.dataobj)
    except Exception as e:  # nibabel cannot read the voxels either
        if "volume_error" not in found or os.path.basename(path) not in found["volume_error"]:
            problems.append(f"nibabel cannot read voxels ({e}) but NeuroSeq did not say so")
        return problems
    if not volume_like:
        if "volume_error" not in found:
            problems.append("a non-volume (CIFTI) was read as a volume")
        return problems
    if "volume_error" in found:
        return problems + [f"voxels not read: {found['volume_error']}"]
    expected = expected.astype(np.float64).reshape(-1, order="F")
    got = found["data"].astype(np.float64)
    if got.shape != expected.shape:
        return problems + [f"{got.size} voxels != nibabel {expected.size}"]
    raw_dtype = img.get_data_dtype()
    slope, inter = (img.header.get_slope_inter() if hasattr(img.header, "get_slope_inter")
                    else (None, None))
    scaled = slope not in (None, 1.0) or inter not in (None, 0.0)
    if np.issubdtype(raw_dtype, np.integer) and not scaled:
        bad = np.count_nonzero(got != expected.astype(np.float32))
        if bad:
            problems.append(f"{bad} integer voxels differ")
    else:
        nan_mismatch = np.count_nonzero(np.isnan(got) != np.isnan(expected))
        if nan_mismatch:
            problems.append(f"{nan_mismatch} voxels differ in being NaN")
        finite = ~np.isnan(expected) & ~np.isnan(got)
        bad = np.count_nonzero(np.abs(got[finite] - expected[finite])
                               > 1e-6 * np.abs(expected[finite]))
        if bad:
            problems.append(f"{bad} voxels differ beyond 1e-6 relative")
    return problems


def main():
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for path in candidates():
            label = os.path.relpath(path, os.path.dirname(os.path.dirname(path)))
            img = nibabel_image(path)
            rewritten = os.path.join(work, "rewritten.nii.gz")
            if os.path.exists(rewritten):
                os.remove(rewritten)
            found = run_probe(path, work, rewrite=rewritten)
            problems = compare(path, img, found, label)
            # What NeuroSeq writes must read back in nibabel as the source did.
            if os.path.exists(rewritten):
                back = nib.load(rewritten)
                if not np.allclose(back.affine, img.affine, atol=1e-5, rtol=0):
                    problems.append("written file: affine differs in nibabel")
                if list(back.shape) != [s for s in img.shape]:
                    if not (len(img.shape) == 4 and img.shape[3] == 1
                            and list(back.shape) == list(img.shape[:3])):
                        problems.append(f"written file: shape {back.shape} != {img.shape}")
                source = np.asarray(img.dataobj, dtype=np.float64).reshape(-1, order="F")
                again = np.asarray(back.dataobj, dtype=np.float64).reshape(-1, order="F")
                if again.size == source.size and not np.allclose(
                        again, source.astype(np.float32), rtol=1e-6, atol=0, equal_nan=True):
                    problems.append("written file: voxels differ in nibabel")
                if back.header["sform_code"] == 0 or back.header["qform_code"] == 0:
                    problems.append("written file: xform codes left at 0")
            if problems:
                failed += 1
                print(f"FAIL {label}: " + "; ".join(problems))
            else:
                passed += 1
                print(f"ok   {label}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
