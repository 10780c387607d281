"""BIDS layouts for fill_dataset.py: file names and entities, the inheritance
principle (sidecars, events), TSV reading, the repetition time, and copying a
dataset's layout (every small file; subjects and tasks left out as asked)."""

import csv
import json
import math
import os
import re
import shutil

BIG_FILE = 50 * 1024 * 1024

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


def find_events(index, rel, ent):
    """The most specific events file of a run (by inheritance), or None."""
    if index is None:
        return None
    target = {k: v for k, v in ent.items() if k in RUN_ENTITIES}
    paths = index.applicable(rel, target)
    if not paths:
        return None
    return paths[-1]


def repetition_time(paths):
    """RepetitionTime of the sidecars `paths` (least specific first), or None."""
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


# ---------------------------------------------------------------- TSV

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


# ---------------------------------------------------------------- datasets

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


def list_subjects(root, subjects="", max_subjects=0):
    """Subject labels of `root`, sorted; only `subjects` (comma-separated) when given,
    at most `max_subjects` (0: all)."""
    subs = sorted(d[4:] for d in os.listdir(root)
                  if d.startswith("sub-") and os.path.isdir(os.path.join(root, d)))
    if subjects:
        wanted = [s.strip().removeprefix("sub-") for s in subjects.split(",") if s.strip()]
        subs = [s for s in subs if s in wanted]
    if max_subjects and max_subjects > 0:
        subs = subs[: max_subjects]
    return subs


def copy_participants(s, d, subjects):
    """participants.tsv with the rows of the kept subjects only."""
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


def copy_layout(src, dst, subjects, tasks, derivative):
    """Copies the layout of `src` into `dst` (kept subjects and tasks; files over
    BIG_FILE left out) and lists what is to be filled rather than copied.

    -> (bolds, masks, refs, confounds, nested): BOLD images, MNI/native masks and
    boldrefs of derivatives as (rel, f, entities, ext); confounds TSVs as (rel, f,
    entities) (a non-empty one is copied too); names of nested derivatives
    datasets under derivatives/ (not walked)."""
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
            if in_func and tasks and "task" in ent and ent["task"] not in tasks:
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
                copy_participants(s, d, subjects)
                continue
            if os.path.getsize(s) > BIG_FILE:
                continue
            shutil.copyfile(s, d)
    return bolds, masks, refs, confounds, nested
