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

The signal (an independent maker of data: nothing of NeuroSeq is used) is
described in bold_signal.py: every state activates its own regions of the
Harvard-Oxford cortical atlas with its HRF-convolved event train, on top of
noise, drift, physiology and motion.

Repetition time: RepetitionTime of the BOLD JSON sidecars by the BIDS
inheritance principle (the most specific file wins, key by key), or the
header's when the placeholder has an intact header. Number of volumes: the
events' extent (last onset + duration + 20 s, rounded up to TRs), 150 for runs
without events (rest), or the intact header's. An intact header keeps its
dimensions and voxel size; its affine is re-centred on the MNI brain (the
synthetic example's affine puts voxel 0 at the origin, which would leave most
of the brain outside the field of view).

Condition column: see events_model.py (trial_type, else a likely column, else
one state, "event"). The choice is printed.

Modules beside this script: bids_layout.py (names, inheritance, copying the
layout), events_model.py (events, HRF regressors), bold_signal.py (grid, atlas,
mask, signal and noise), nifti_io.py (headers, grids, writing images),
fmriprep_outputs.py (confounds TSVs, masks, boldrefs).

Only python3 with numpy, nibabel and scipy. Deterministic given --seed.
"""

import argparse
import json
import math
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the modules beside this script, from any working directory

import numpy as np  # noqa: E402
import nibabel as nib  # noqa: E402

from bids_layout import (RUN_ENTITIES, Inheritance, copy_layout, find_events,  # noqa: E402
                         find_raw, list_subjects, repetition_time, run_key)
from bold_signal import (ATLAS_CANDIDATES, BRAIN_CANDIDATES, Grid, StateMaps,  # noqa: E402
                         rng_for, simulate_run)
from events_model import block_median, read_events  # noqa: E402
from fmriprep_outputs import (find_existing_confounds, motion_from_existing,  # noqa: E402
                              write_masks_and_refs, write_run_confounds)
from nifti_io import (header_of, mni_grid, recentred_affine, save_image,  # noqa: E402
                      to_volume, writer)

NO_EVENTS_VOLUMES = 150
TAIL_SECONDS = 20.0


def note(message):
    print(message, flush=True)


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
        return list_subjects(root, self.args.subjects, self.args.max_subjects)

    def fill(self, src, dst, raw_root=None, derivative=False, top=True):
        subjects = set(self.subjects_of(src))
        if top:
            self.summary["subjects"] = sorted(subjects)
        os.makedirs(dst, exist_ok=True)
        bolds, masks, refs, confounds, nested = copy_layout(src, dst, subjects, self.tasks,
                                                            derivative)
        events_root = raw_root if derivative else src
        events_index = Inheritance(events_root, "events", ".tsv") if events_root else None
        sidecars = Inheritance(src, "bold", ".json")
        raw_sidecars = Inheritance(raw_root, "bold", ".json") if derivative and raw_root else None
        existing_confounds = find_existing_confounds(src, confounds, derivative)
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
        write_masks_and_refs(src, dst, masks + refs, written, self.means,
                             lambda: self.grid(*mni_grid(self.args.voxel_size))[0])
        for d in nested:
            s, t = os.path.join(src, "derivatives", d), os.path.join(dst, "derivatives", d)
            note(f"derivatives/{d}: filling with events of the raw dataset {src}")
            self.fill(s, t, raw_root=src, derivative=True, top=False)

    # -- one run

    def events_for(self, index, rel, ent):
        path = find_events(index, rel, ent)
        if path is None:
            return None, ([], None, [])
        if path not in self.events_cache:
            self.events_cache[path] = read_events(path)
        return path, self.events_cache[path]

    def fill_bold(self, src, dst, rel, f, ent, events_index, sidecars, raw_sidecars, derivative,
                  existing_confounds, confounds):
        label = os.path.join(rel, f)
        intact = header_of(os.path.join(src, rel, f))
        tr = repetition_time(sidecars.applicable(rel, ent))
        if tr is None and raw_sidecars is not None:
            tr = repetition_time(
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
            write_run_confounds(src, dst, rel, ent, g, data, motion, tr, dummies)
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
