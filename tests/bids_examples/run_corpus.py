#!/usr/bin/env python3
"""Decode every task dataset of the BIDS example corpus with NeuroSeq, one row each.

    run_corpus.py NEUROSEQ_BINARY WORKDIR [DATASET...]
                  [--corpus DIR] [--max-subjects N] [--timeout S] [--keep]
                  [--seed S] [--voxel-size MM] [--atlas PATH] [--tasks a,b] [--assert]

For every dataset of the corpus that has events (raw datasets with
*_events.tsv, and fMRIPrep derivatives whose raw dataset has them), or those
named:

  1. fill it into WORKDIR/<dataset> with fill_dataset.py (at most
     --max-subjects subjects, default 8, to keep the run time reasonable;
     a derivatives dataset also gets its raw dataset, with the same subjects,
     in WORKDIR/<dataset>.raw/<raw name>);
  2. `neuroseq ls DATASET` (when the binary has it; its absence is no failure);
  3. `neuroseq decode DATASET --atlas ATLAS -o OUT` (linear, default options)
     and `neuroseq glm DATASET --atlas ATLAS -o OUT`, each under --timeout.
     A derivatives dataset is given as `RAW --derivatives DERIV` when decode
     has --derivatives, else alone. Events without trial_type get
     `--state-column COL` when the filler found a condition column and the
     binary has the flag;
  4. print one row: dataset, design (block when the median length of blocks of
     one state — events closer than a TR merged — is at least 4 TRs, else
     event-related), subjects, runs, states, windows, balanced accuracy,
     chance, binomial p, above chance (p < 0.05), GLM ok, seconds, and the
     reason it stopped (the first `neuroseq: error:` line) or a note.
     A dataset whose events hold a single state is not decoded: "1 state:
     nothing to decode" (its GLM still runs);
  5. delete the filled data unless --keep (the logs and results stay in
     WORKDIR/<dataset>.out/).

The table is also written to WORKDIR/results.tsv. With --assert the exit
status is 1 unless every dataset decoded above chance (binomial p < 0.05) or
had a single state, and its GLM finished. Exit status 77 (skip) when numpy,
nibabel, scipy or the Harvard-Oxford atlas (mricron-data) are missing.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FILLER = os.path.join(HERE, "fill_dataset.py")
ATLAS_CANDIDATES = [
    "/usr/share/mricron/templates/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
    "/usr/share/mricron/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz",
]
DEFAULT_CORPUS = os.environ.get("NEUROSEQ_BIDS_EXAMPLES", "/work/shared/bids-examples")
SKIP = 77
COLUMNS = ["dataset", "design", "subjects", "runs", "states", "windows", "balanced_accuracy",
           "chance", "binomial_p", "above_chance", "ls_agrees", "glm_ok", "fill_s", "decode_s",
           "glm_s", "reason"]


def python_with_numpy():
    """An interpreter that imports numpy, nibabel and scipy: this one, else the system's."""
    probe = "import numpy, nibabel, scipy"
    for exe in [sys.executable, "/usr/bin/python3", shutil.which("python3") or ""]:
        if exe and os.path.exists(exe):
            if subprocess.run([exe, "-c", probe], capture_output=True).returncode == 0:
                return exe
    return None


def is_derivative(path):
    try:
        with open(os.path.join(path, "dataset_description.json")) as f:
            return json.load(f).get("DatasetType") == "derivative"
    except (OSError, ValueError):
        return False


def has_events(path):
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d not in ("derivatives", "sourcedata")]
        if any(f.endswith("_events.tsv") for f in filenames):
            return True
    return False


def raw_of(corpus, name):
    """The raw dataset of a derivatives dataset: its DatasetLinks / SourceDatasets, else
    by name (ds000001-fmriprep -> ds001)."""
    path = os.path.join(corpus, name)
    try:
        with open(os.path.join(path, "dataset_description.json")) as f:
            d = json.load(f)
        links = [(d.get("DatasetLinks") or {}).get("raw")]
        links += [s.get("URL") for s in d.get("SourceDatasets") or [] if isinstance(s, dict)]
        for link in links:
            if isinstance(link, str) and "://" not in link:
                p = os.path.normpath(os.path.join(path, link))
                if os.path.isdir(p) and has_events(p):
                    return p
    except (OSError, ValueError):
        pass
    m = re.match(r"^ds0*(\d+)", name)
    if m:
        n = int(m.group(1))
        for candidate in (f"ds{n:03d}", f"ds{n:06d}", f"ds{n}"):
            p = os.path.join(corpus, candidate)
            if candidate != name and os.path.isdir(p) and has_events(p):
                return p
    return None


def corpus_datasets(corpus):
    names = []
    for name in sorted(os.listdir(corpus)):
        p = os.path.join(corpus, name)
        if not os.path.isdir(p) or name.startswith("."):
            continue
        if is_derivative(p):
            if raw_of(corpus, name):
                names.append(name)
        elif has_events(p):
            names.append(name)
    return names


def run(cmd, timeout, log):
    """-> (exit status or 'timeout', seconds, stdout+stderr)."""
    t0 = time.time()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out, status = p.stdout + p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        def text(b):
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        out, status = text(e.stdout) + text(e.stderr), "timeout"
    except OSError as e:
        out, status = str(e), 127
    seconds = time.time() - t0
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n" + out + f"\n[exit {status}, {seconds:.1f} s]\n\n")
    return status, seconds, out


def reason_of(status, out, timeout, what):
    for line in out.splitlines():
        if line.startswith("neuroseq: error:"):
            return line.strip()
    if status == "timeout":
        return f"{what}: timed out after {timeout} s"
    lines = [l for l in out.splitlines() if l.strip()]
    return f"{what}: exit {status}" + (f": {lines[-1].strip()}" if lines else "")


def help_text(binary, *sub):
    try:
        p = subprocess.run([binary, *sub, "--help"], capture_output=True, text=True, timeout=60)
        return p.stdout + p.stderr
    except (OSError, subprocess.TimeoutExpired):
        return ""


def fmt(v, column=""):
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and column.endswith("_s"):
        return f"{v:.1f}"
    if isinstance(v, float):
        return f"{v:.3g}" if (v < 1e-3 and v != 0) else f"{v:.3f}"
    return str(v)


def print_table(rows, stream=sys.stdout):
    cells = [[fmt(r.get(c), c) for c in COLUMNS] for r in rows]
    widths = [max(len(c), *(len(x[i]) for x in cells)) if cells else len(c)
              for i, c in enumerate(COLUMNS)]
    widths[-1] = 0
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip(), file=stream)
    for x in cells:
        print("  ".join(v.ljust(w) for v, w in zip(x, widths)).rstrip(), file=stream)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("workdir")
    ap.add_argument("datasets", nargs="*")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--max-subjects", type=int, default=8)
    ap.add_argument("--timeout", type=int, default=900, help="seconds per neuroseq command")
    ap.add_argument("--keep", action="store_true", help="keep the filled datasets")
    ap.add_argument("--tasks", default="",
                    help="comma-separated task labels: fill (and decode) only their runs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--voxel-size", type=float, default=4.0)
    ap.add_argument("--atlas", default=None)
    ap.add_argument("--assert", dest="check", action="store_true",
                    help="exit 1 unless every dataset decodes above chance and its GLM finishes")
    args = ap.parse_args()

    python = python_with_numpy()
    if python is None:
        print("SKIP: python3 with numpy, nibabel and scipy is needed "
              "(apt-get install python3-numpy python3-nibabel python3-scipy)")
        return SKIP
    atlas = args.atlas or next((p for p in ATLAS_CANDIDATES if os.path.exists(p)), None)
    if not atlas or not os.path.exists(atlas):
        print("SKIP: the Harvard-Oxford atlas of mricron-data is needed (apt-get install mricron-data)")
        return SKIP
    if not os.path.isdir(args.corpus):
        print(f"SKIP: no corpus at {args.corpus} (set --corpus or NEUROSEQ_BIDS_EXAMPLES)")
        return SKIP
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"run_corpus: {binary}: not an executable", file=sys.stderr)
        return 2
    os.makedirs(args.workdir, exist_ok=True)
    workdir = os.path.abspath(args.workdir)
    datasets = args.datasets or corpus_datasets(args.corpus)
    main_help = help_text(binary)
    has_ls = re.search(r"^\s+ls\b", main_help, re.M) is not None
    decode_help = help_text(binary, "decode")
    glm_help = help_text(binary, "glm")

    rows, t_all = [], time.time()
    print(f"corpus {args.corpus}: {len(datasets)} dataset(s); at most {args.max_subjects} subjects "
          f"each; binary {binary}; `ls` {'present' if has_ls else 'absent'}", flush=True)
    for name in datasets:
        row = process(name, args, python, atlas, binary, workdir, has_ls, decode_help, glm_help)
        rows.append(row)
        print("\t".join(fmt(row.get(c), c) for c in COLUMNS), flush=True)
        write_tsv(os.path.join(workdir, "results.tsv"), rows)
    total = time.time() - t_all
    print()
    print_table(rows)
    print(f"\n{len(rows)} dataset(s) in {total:.0f} s; "
          f"{sum(1 for r in rows if r.get('above_chance'))} decoded above chance, "
          f"{sum(1 for r in rows if r.get('glm_ok'))} GLM ok; table: "
          f"{os.path.join(workdir, 'results.tsv')}")
    if args.check:
        bad = [r["dataset"] for r in rows if not passed(r)]
        if bad:
            print("FAILED: " + ", ".join(bad))
            return 1
    return 0


def passed(row):
    decoded = row.get("above_chance") is True or str(row.get("reason", "")).startswith("1 state")
    return decoded and row.get("glm_ok") is True and row.get("ls_agrees", True) is True


def write_tsv(path, rows):
    with open(path, "w") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(fmt(r.get(c), c).replace("\t", " ") for c in COLUMNS) + "\n")


def process(name, args, python, atlas, binary, workdir, has_ls, decode_help, glm_help):
    row = {"dataset": name}
    src = os.path.join(args.corpus, name)
    if not os.path.isdir(src):
        row["reason"] = f"no dataset {src}"
        return row
    out_dir = os.path.join(workdir, name + ".out")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    log = os.path.join(out_dir, "log.txt")
    filled = os.path.join(workdir, name)
    raw_filled = None
    shutil.rmtree(filled, ignore_errors=True)
    derivative = is_derivative(src)
    common = ["--seed", str(args.seed), "--voxel-size", str(args.voxel_size), "--atlas", atlas]
    if args.tasks:
        common += ["--tasks", args.tasks]
    t0 = time.time()
    try:
        summary_path = os.path.join(out_dir, "fill.json")
        cmd = [python, FILLER, src, filled, "--max-subjects", str(args.max_subjects),
               "--summary", summary_path] + common
        raw = raw_of(args.corpus, name) if derivative else None
        if derivative and raw:
            cmd += ["--raw", raw]
        status, _, out = run(cmd, None, log)
        if status != 0:
            row["reason"] = "fill failed: " + (out.strip().splitlines() or ["?"])[-1]
            return row
        with open(summary_path) as f:
            summary = json.load(f)
        if derivative and raw:
            raw_filled = os.path.join(workdir, name + ".raw", os.path.basename(raw))
            shutil.rmtree(os.path.dirname(raw_filled), ignore_errors=True)
            status, _, out = run([python, FILLER, raw, raw_filled, "--subjects",
                                  ",".join(summary["subjects"]), "--summary",
                                  os.path.join(out_dir, "fill-raw.json")] + common, None, log)
            if status != 0:
                row["reason"] = "fill of the raw dataset failed: " + \
                    (out.strip().splitlines() or ["?"])[-1]
                return row
        row["fill_s"] = round(time.time() - t0, 1)
        row["design"] = summary.get("design")
        row["subjects"] = len(summary.get("subjects", []))
        row["runs"] = summary.get("n_runs_with_events")
        row["states"] = len(summary.get("states", []))

        # The dataset as NeuroSeq is given it.
        if derivative and raw_filled and "--derivatives" in decode_help:
            target = [raw_filled, "--derivatives", filled]
        else:
            target = [filled]
        columns = [c for c in summary.get("condition_columns", [])
                   if c not in ("trial_type", "(none)")]
        column = columns[0] if len(columns) == 1 else None
        extra = ["--atlas", atlas]
        if column and "--state-column" in decode_help:
            extra += ["--state-column", column]
        listing = None
        if has_ls:
            ls_extra = extra[2:]  # ls reads no atlas
            status, _, out = run([binary, "ls", "--json"] + target + ls_extra, args.timeout, log)
            if status == 0:
                try:
                    listing = json.JSONDecoder().raw_decode(out[out.index("{"):])[0]
                except ValueError:
                    listing = None

        reasons = []
        if row["states"] <= 1:
            reasons.append(f"{row['states']} state: nothing to decode")
        else:
            dec_out = os.path.join(out_dir, "decode")
            status, secs, out = run([binary, "decode"] + target + extra + ["-o", dec_out],
                                    args.timeout, log)
            row["decode_s"] = round(secs, 1)
            scores = sorted(glob.glob(os.path.join(dec_out, "model-*_scores.json")))
            if status == 0 and scores:
                with open(scores[0]) as f:
                    j = json.load(f)
                row["states"] = len(j.get("states", [])) or row["states"]
                row["subjects"] = len(j.get("subjects", [])) or row["subjects"]
                row["windows"] = j.get("windows")
                row["balanced_accuracy"] = j.get("balanced_accuracy")
                row["chance"] = j.get("chance")
                row["binomial_p"] = j.get("binomial_p")
                p = row["binomial_p"]
                row["above_chance"] = bool(p is not None and p < 0.05 and
                                           (row["balanced_accuracy"] or 0) > (row["chance"] or 1))
                if listing is not None:
                    # What ls said decoding would use is what it used.
                    decodable = [x for x in listing.get("states", []) if x.get("decodable")]
                    row["ls_agrees"] = (
                        [x["state"] for x in decodable] == j.get("states") and
                        sum(x["windows"] for x in decodable) == row["windows"])
                    if not row["ls_agrees"]:
                        reasons.append("ls listed other states or windows than decode used")
            else:
                reasons.append(reason_of(status, out, args.timeout, "decode") if status != 0
                               else "decode: no scores file")
                row["above_chance"] = False
        glm_extra = ["--atlas", atlas]
        if column and "--state-column" in glm_help:
            glm_extra += ["--state-column", column]
        glm_target = target if ("--derivatives" in glm_help or len(target) == 1) else [filled]
        status, secs, out = run([binary, "glm"] + glm_target + glm_extra +
                                ["-o", os.path.join(out_dir, "glm")], args.timeout, log)
        row["glm_s"] = round(secs, 1)
        row["glm_ok"] = status == 0
        if status != 0:
            reasons.append(reason_of(status, out, args.timeout, "glm"))
        row["reason"] = " | ".join(dict.fromkeys(reasons))
        return row
    finally:
        if not args.keep:
            shutil.rmtree(filled, ignore_errors=True)
            if raw_filled:
                shutil.rmtree(os.path.dirname(raw_filled), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
