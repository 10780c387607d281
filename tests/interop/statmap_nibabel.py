"""NeuroSeq's statmap export and cluster tables against nibabel (and scipy).

A map of two positive blobs, one negative blob, noise, a NaN voxel and two
diagonal pairs (one touching at a corner, one at an edge) on a rotated,
x-flipped 2 mm grid is exported by statmap_probe as a z-map, a t-map and an
attribution estimate. nibabel must open each as NIfTI-1 and report the
same shape, affine (sform and qform, 1e-5 / 1e-4), xform codes (MNI 4,
scanner 1), intent ('z score' / 't test' with its dof / 'estimate', code and
name), cal_min/cal_max at the finite data range, descrip, mm units and the
very same float32 voxels; each has a JSON sidecar beside it. When scipy is
importable, the cluster tables (6, 18, 26 neighbours) must match clusters
found with scipy.ndimage.label: sizes, peaks, peak and centre-of-mass
coordinates in mm, order; and fewer neighbours must give more clusters.

Exit codes: 0 all agree, 1 some disagree, 77 nibabel is missing (skipped).
"""
import csv
import json
import math
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

try:
    from scipy import ndimage
except ImportError:  # pragma: no cover - depends on the machine
    ndimage = None

probe = sys.argv[1]
DIMS = (13, 11, 9)
THRESHOLD = 2.3


def make_affine():
    angle = math.radians(15)
    rot = np.array([[math.cos(angle), -math.sin(angle), 0],
                    [math.sin(angle), math.cos(angle), 0],
                    [0, 0, 1]])
    affine = np.eye(4)
    affine[:3, :3] = rot @ np.diag([-2.0, 2.0, 2.0])
    affine[:3, 3] = [30.5, -40.25, -18.0]
    return affine


def make_map():
    rng = np.random.default_rng(11)
    i, j, k = np.meshgrid(*[np.arange(d) for d in DIMS], indexing="ij")
    data = 0.4 * rng.standard_normal(DIMS)
    for (ci, cj, ck), amp, width in (((3, 3, 3), 5.0, 1.5), ((9, 7, 4), 4.0, 1.2),
                                     ((6, 2, 6), -4.5, 1.3)):
        data += amp * np.exp(-((i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2) / (2 * width ** 2))
    data = data.astype(np.float32)
    data[12, 10, 0] = np.nan
    # Pairs that only 26 (a corner) or 18 and 26 (an edge) neighbours join.
    data[11, 1, 1] = data[12, 2, 2] = 3.0
    data[10, 9, 8] = data[11, 10, 8] = -3.0
    return data


def check_image(path, data, affine, expect, problems):
    name = os.path.basename(path)
    img = nib.load(path)
    hdr = img.header
    if type(img) is not nib.Nifti1Image:
        problems.append(f"{name}: nibabel opened it as {type(img).__name__}")
    if img.shape != DIMS:
        problems.append(f"{name}: shape {img.shape} != {DIMS}")
    if not np.allclose(img.affine, affine, atol=1e-5, rtol=0):
        problems.append(f"{name}: affine differs by {np.abs(img.affine - affine).max():.3g}")
    sform, scode = hdr.get_sform(coded=True)
    qform, qcode = hdr.get_qform(coded=True)
    if scode != expect["code"] or qcode != expect["code"]:
        problems.append(f"{name}: sform/qform codes {scode}/{qcode} != {expect['code']}")
    if sform is None or not np.allclose(sform, affine, atol=1e-5, rtol=0):
        problems.append(f"{name}: sform differs from the affine")
    if qform is None or not np.allclose(qform, affine, atol=1e-4, rtol=0):
        problems.append(f"{name}: qform differs from the affine")
    if int(hdr["intent_code"]) != expect["intent_code"]:
        problems.append(f"{name}: intent_code {int(hdr['intent_code'])} != {expect['intent_code']}")
    intent = hdr.get_intent()
    if intent != expect["intent"]:
        problems.append(f"{name}: get_intent() {intent} != {expect['intent']}")
    lo, hi = np.float32(np.nanmin(data)), np.float32(np.nanmax(data))
    if np.float32(hdr["cal_min"]) != lo or np.float32(hdr["cal_max"]) != hi:
        problems.append(f"{name}: cal range {hdr['cal_min']}..{hdr['cal_max']} != {lo}..{hi}")
    descrip = hdr["descrip"].item().decode("ascii")
    if descrip != expect["descrip"]:
        problems.append(f"{name}: descrip '{descrip}' != '{expect['descrip']}'")
    if hdr.get_xyzt_units()[0] != "mm":
        problems.append(f"{name}: spatial units {hdr.get_xyzt_units()[0]}")
    voxels = np.asarray(img.dataobj)
    if voxels.dtype != np.float32:
        problems.append(f"{name}: stored as {voxels.dtype}, not float32")
    if voxels.shape == data.shape and not np.array_equal(voxels, data, equal_nan=True):
        problems.append(f"{name}: {np.count_nonzero(voxels != data)} voxels differ")
    sidecar = path[: -len(".nii.gz")] + ".json"
    if not os.path.isfile(sidecar):
        problems.append(f"{name}: no JSON sidecar")
    else:
        with open(sidecar) as f:
            side = json.load(f)
        for key, value in expect["sidecar"].items():
            if side.get(key) != value:
                problems.append(f"{name}: sidecar {key} = {side.get(key)!r} != {value!r}")


def check_frames(path, data, affine, problems):
    """A 4-D relevance map: frames data, 2 data, -data, 1.5 s apart."""
    name = os.path.basename(path)
    img = nib.load(path)
    if img.shape != DIMS + (3,):
        problems.append(f"{name}: shape {img.shape} != {DIMS + (3,)}")
        return
    if not np.allclose(img.affine, affine, atol=1e-5, rtol=0):
        problems.append(f"{name}: affine differs by {np.abs(img.affine - affine).max():.3g}")
    if abs(img.header.get_zooms()[3] - 1.5) > 1e-6 or img.header.get_xyzt_units()[1] != "sec":
        problems.append(f"{name}: frame spacing {img.header.get_zooms()[3]} "
                        f"{img.header.get_xyzt_units()[1]} != 1.5 sec")
    if int(img.header["intent_code"]) != 1001:
        problems.append(f"{name}: intent_code {int(img.header['intent_code'])} != 1001")
    voxels = np.asarray(img.dataobj)
    want = np.stack([data, 2 * data, -data], axis=3)
    if not np.array_equal(voxels, want, equal_nan=True):
        problems.append(f"{name}: {np.count_nonzero(voxels != want)} voxels differ")
    lo, hi = np.float32(np.nanmin(want)), np.float32(np.nanmax(want))
    if np.float32(img.header["cal_min"]) != lo or np.float32(img.header["cal_max"]) != hi:
        problems.append(f"{name}: cal range {img.header['cal_min']}..{img.header['cal_max']} "
                        f"!= {lo}..{hi}")
    with open(path[: -len(".nii.gz")] + ".json") as f:
        side = json.load(f)
    if side.get("Frames") != 3 or side.get("RepetitionTime") != 1.5:
        problems.append(f"{name}: sidecar Frames/RepetitionTime {side.get('Frames')}/"
                        f"{side.get('RepetitionTime')} != 3/1.5")


def reference_clusters(data, affine, connectivity):
    structure = ndimage.generate_binary_structure(3, {6: 1, 18: 2, 26: 3}[connectivity])
    voxel_mm3 = abs(np.linalg.det(affine[:3, :3]))
    clusters = []
    for sign in (1, -1):
        signed = np.where(np.isnan(data), -np.inf, sign * data.astype(np.float64))
        labels, count = ndimage.label(signed > THRESHOLD, structure=structure)
        for label in range(1, count + 1):
            ijk = np.argwhere(labels == label)
            values = signed[tuple(ijk.T)]
            storage = ijk[:, 0] + DIMS[0] * (ijk[:, 1] + DIMS[1] * ijk[:, 2])
            peak = np.lexsort((storage, -values))[0]
            weights = np.abs(data[tuple(ijk.T)].astype(np.float64))
            centre = (ijk * weights[:, None]).sum(axis=0) / weights.sum()
            clusters.append({
                "sign": "positive" if sign > 0 else "negative",
                "peak_value": float(data[tuple(ijk[peak])]),
                "peak_mm": (affine @ np.append(ijk[peak], 1.0))[:3],
                "size_voxels": len(ijk),
                "size_mm3": len(ijk) * voxel_mm3,
                "centre_mm": (affine @ np.append(centre, 1.0))[:3],
                "order": (-abs(float(data[tuple(ijk[peak])])), -len(ijk), -sign, storage[peak]),
            })
    clusters.sort(key=lambda c: c["order"])
    return clusters


def check_clusters(path, data, affine, connectivity, problems):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    expected = reference_clusters(data, affine, connectivity)
    where = f"clusters ({connectivity} neighbours)"
    if len(rows) != len(expected):
        problems.append(f"{where}: {len(rows)} rows, scipy finds {len(expected)}")
        return
    if len(rows) < 3:
        problems.append(f"{where}: the test map should give at least 3 clusters")
    for n, (row, ref) in enumerate(zip(rows, expected), start=1):
        bad = []
        if int(row["cluster"]) != n:
            bad.append("cluster number")
        if row["sign"] != ref["sign"]:
            bad.append("sign")
        if np.float32(float(row["peak_value"])) != np.float32(ref["peak_value"]):
            bad.append(f"peak {row['peak_value']} != {ref['peak_value']}")
        peak = [float(row[f"peak_{a}_mm"]) for a in "xyz"]
        centre = [float(row[f"centre_{a}_mm"]) for a in "xyz"]
        if not np.allclose(peak, ref["peak_mm"], atol=0.006, rtol=0):
            bad.append(f"peak mm {peak} != {np.round(ref['peak_mm'], 2).tolist()}")
        if not np.allclose(centre, ref["centre_mm"], atol=0.006, rtol=0):
            bad.append(f"centre mm {centre} != {np.round(ref['centre_mm'], 2).tolist()}")
        if int(row["size_voxels"]) != ref["size_voxels"]:
            bad.append(f"size {row['size_voxels']} != {ref['size_voxels']}")
        if abs(float(row["size_mm3"]) - ref["size_mm3"]) > 6e-4:
            bad.append(f"size mm3 {row['size_mm3']} != {ref['size_mm3']:.3f}")
        if row["peak_region"] != "n/a":
            bad.append("peak_region without an atlas")
        if bad:
            problems.append(f"{where} row {n}: " + "; ".join(bad))


def main():
    problems = []
    affine = make_affine()
    data = make_map()
    with tempfile.TemporaryDirectory() as work:
        voxels = os.path.join(work, "map.f32")
        data.reshape(-1, order="F").tofile(voxels)
        spec = os.path.join(work, "spec.json")
        with open(spec, "w") as f:
            json.dump({"dims": list(DIMS), "affine": affine.tolist(), "voxels": voxels,
                       "threshold": THRESHOLD}, f)
        out = os.path.join(work, "out")
        subprocess.run([probe, spec, out], check=True)
        with open(os.path.join(out, "result.json")) as f:
            result = json.load(f)

        expected_names = {
            "z": "sub-01_task-wm_space-MNI152NLin2009cAsym_stat-z_desc-faces_statmap.nii.gz",
            "t": "sub-01_task-wm_space-MNI152NLin2009cAsym_stat-t_desc-faces_statmap.nii.gz",
            "estimate": "sub-01_task-wm_space-T1w_stat-relevance_desc-faces_statmap.nii.gz",
        }
        for key, name in expected_names.items():
            if os.path.basename(result[key]) != name:
                problems.append(f"{key}: file name {os.path.basename(result[key])} != {name}")
        checks = {
            "z": {"code": 4, "intent_code": 5, "intent": ("z score", (), "zscore"),
                  "descrip": "NeuroSeq glm z map, state faces",
                  "sidecar": {"Method": "glm", "State": "faces", "Units": "z",
                              "Threshold": THRESHOLD, "IntentCode": 5}},
            "t": {"code": 4, "intent_code": 3, "intent": ("t test", (17.0,), "ttest"),
                  "descrip": "NeuroSeq glm t map, state faces",
                  "sidecar": {"Method": "glm", "DegreesOfFreedom": 17.0, "IntentCode": 3}},
            "estimate": {"code": 1, "intent_code": 1001,
                         "intent": ("estimate", (), "relevance-lrp"),
                         "descrip": "NeuroSeq lrp-epsilon map, state faces",
                         "sidecar": {"Method": "lrp-epsilon", "Units": "relevance",
                                     "IntentName": "relevance-lrp"}},
        }
        for key, expect in checks.items():
            before = len(problems)
            check_image(result[key], data, affine, expect, problems)
            print(("ok   " if len(problems) == before else "FAIL ") + f"{key} map")

        before = len(problems)
        check_frames(result["frames"], data, affine, problems)
        print(("ok   " if len(problems) == before else "FAIL ") + "per-frame map")

        if ndimage is None:
            print("note: scipy is missing, cluster tables not cross-checked")
        else:
            counts = []
            for connectivity in (6, 18, 26):
                before = len(problems)
                check_clusters(result["clusters"][str(connectivity)], data, affine, connectivity,
                               problems)
                with open(result["clusters"][str(connectivity)]) as f:
                    counts.append(sum(1 for _ in f) - 1)
                print(("ok   " if len(problems) == before else "FAIL ")
                      + f"cluster table, {connectivity} neighbours")
            if not counts[0] > counts[1] > counts[2]:
                problems.append(f"clusters: 6/18/26 neighbours give {counts} clusters; the "
                                "diagonal pairs should make each count smaller than the last")
    for problem in problems:
        print(f"FAIL {problem}")
    return 1 if problems else 0


sys.exit(main())
