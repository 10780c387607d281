"""NeuroSeq's safetensors checkpoints against an independent reader and writer.

The Python `safetensors` package is not assumed; this script implements the
format from its specification with json + numpy:
  * a checkpoint written by NeuroSeq is read here: the 8-byte little-endian
    header length, a JSON header padded with spaces to a multiple of 8, F32
    tensors back to back in name order with offsets from 0 to the end of the
    file, values bit for bit, and the JSON config beside the weights (also
    embedded in the metadata);
  * files written here (tensors listed out of data order, an unpadded header,
    4-D and empty tensors, metadata) are read by NeuroSeq bit for bit;
  * malformed files written here are rejected by NeuroSeq with one line
    "<file>: <problem>" and a non-zero exit.

Exit codes: 0 agree, 1 disagree, 77 numpy is missing (skipped).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: numpy not importable by {sys.executable}: {e}")
    sys.exit(77)

probe = sys.argv[1]
problems = []
checks = 0


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        problems.append(message)


def read_safetensors(path):
    """Header, data offset and tensors, checking the layout as it goes."""
    with open(path, "rb") as fh:
        raw = fh.read()
    (n,) = struct.unpack("<Q", raw[:8])
    text = raw[8:8 + n].decode("utf-8")
    header = json.loads(text)
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", info
        values = np.frombuffer(raw, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin)
        tensors[name] = values.reshape(info["shape"])
    return raw, n, text, header, tensors


def write_safetensors(path, entries, metadata=None, pad=False):
    """entries: list of (name, float32 array) in data order; the header lists
    them in reverse to show that header order does not matter."""
    header, offset, blobs = {}, 0, []
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, array in reversed(entries):
        header[name] = None  # fixes the key order (reversed); filled below
    for name, array in entries:
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"data_offsets": [offset, offset + len(blob)], "dtype": "F32",
                        "shape": list(array.shape)}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def raw_file(path, header_text, data=b""):
    text = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + data)


def probe_read(path, work):
    out = os.path.join(work, "read.json")
    result = subprocess.run([probe, "read", path, out], capture_output=True, text=True)
    if result.returncode != 0:
        return None, result
    with open(out) as fh:
        return json.load(fh), result


with tempfile.TemporaryDirectory() as work:
    # 1. NeuroSeq writes, this script reads.
    weights = os.path.join(work, "model.safetensors")
    subprocess.run([probe, "write", weights], check=True)
    raw, n, text, header, tensors = read_safetensors(weights)
    body = text.rstrip(" ")
    check(n % 8 == 0 and len(text) - len(body) < 8 and body.endswith("}"),
          f"header of {n} bytes is not a JSON object padded with spaces to a multiple of 8")
    names = [k for k in header if k != "__metadata__"]
    spans = sorted((header[k]["data_offsets"], k) for k in names)
    check([k for _, k in spans] == sorted(names), "data is not in name order")
    cursor = 0
    for (begin, end), k in spans:
        check(begin == cursor, f"{k}: data starts at {begin}, expected {cursor}")
        cursor = end
    check(8 + n + cursor == len(raw), "data does not end at the end of the file")
    f32 = np.float32
    want = {
        "encoder.embed.weight": ((np.arange(12, dtype=f32) - f32(5)) * f32(0.375)).reshape(3, 4),
        "encoder.blocks.0.kernel": (f32(1) / np.arange(1, 25, dtype=f32)).reshape(2, 2, 3, 2),
        "head.bias": np.array([np.finfo(f32).max, -np.finfo(f32).tiny], dtype=f32),
        "a.extremes": np.array([np.float32(1.4e-45), -0.0, 65504.0], dtype=f32),
        "z.empty": np.zeros((0, 4), dtype=f32),
    }
    check(sorted(tensors) == sorted(want), f"tensor names {sorted(tensors)}")
    for k, w in want.items():
        got = tensors.get(k)
        check(got is not None and got.shape == w.shape and got.tobytes() == w.tobytes(),
              f"{k}: values or shape differ")
    meta = header.get("__metadata__", {})
    check(meta.get("format") == "pt" and meta.get("epoch") == "3", f"metadata {meta}")
    with open(os.path.join(work, "model.json")) as fh:
        config = json.load(fh)
    check(config == {"model": "hyena", "d_model": 16, "layers": [2, 2], "dropout": 0.125},
          f"config {config}")
    check(json.loads(meta.get("neuroseq.config", "null")) == config,
          "embedded config differs from the sidecar")

    # 2. This script writes, NeuroSeq reads.
    rng = np.random.default_rng(3)
    entries = [
        ("blocks.1.norm.scale", rng.normal(size=(7,)).astype(f32)),
        ("blocks.0.conv.kernel", rng.normal(size=(2, 3, 4, 5)).astype(f32)),
        ("empty", np.zeros((3, 0), dtype=f32)),
        ("head.weight", rng.normal(size=(4, 6)).astype(f32)),
    ]
    for pad in (False, True):
        path = os.path.join(work, f"peer_{pad}.safetensors")
        write_safetensors(path, entries, {"source": "numpy", "unicode": "Zürich"}, pad=pad)
        got, result = probe_read(path, work)
        check(got is not None, f"NeuroSeq rejected a valid file: {result.stderr.strip()}")
        if got is None:
            continue
        check(got["order"] == [k for k, _ in entries], f"data order {got['order']}")
        check(got["metadata"] == {"source": "numpy", "unicode": "Zürich"}, "metadata differs")
        for k, w in entries:
            g = got["tensors"][k]
            arr = np.array(g["data"], dtype=f32).reshape(g["shape"])
            check(list(arr.shape) == list(w.shape) and arr.tobytes() == w.tobytes(),
                  f"{k} read back differently (pad={pad})")

    # 3. Malformed files: NeuroSeq refuses each with one line naming the file.
    ok_entry = '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}'
    cases = {
        "header length beyond the file": (b'{}', b"", 1000),
        "not an object": ('[1,2]', b""),
        "unknown dtype": ('{"w":{"dtype":"Q8","shape":[2],"data_offsets":[0,2]}}', b"\0\0"),
        "shape vs offsets": ('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', b"\0" * 8),
        "out-of-order offsets": ('{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}', b"\0" * 8),
        "overlap": ('{' + ok_entry + ',"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
                    b"\0" * 8),
        "gap": ('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8),
        "trailing bytes": ('{' + ok_entry + '}', b"\0" * 12),
        "duplicate name": ('{' + ok_entry + ',' + ok_entry + '}', b"\0" * 8),
        "non-finite": ('{' + ok_entry + '}', struct.pack("<2f", 1.0, float("nan"))),
    }
    for label, case in cases.items():
        path = os.path.join(work, f"bad {label}.safetensors")
        raw_file(path, case[0], case[1])
        if len(case) == 3:  # a length field larger than what follows
            with open(path, "r+b") as fh:
                fh.write(struct.pack("<Q", case[2]))
        got, result = probe_read(path, work)
        lines = result.stderr.strip().splitlines()
        check(got is None and len(lines) == 1 and lines[0].startswith(path + ": "),
              f"{label}: exit {result.returncode}, stderr {result.stderr!r}")

for p in problems:
    print("FAIL", p)
print(f"{checks - len(problems)} passed, {len(problems)} failed")
sys.exit(1 if problems else 0)
