"""NeuroSeq's decoder model against a PyTorch twin, forward and backward.

For each case the probe builds a core::WindowClassifier from an EncoderConfig
(P = 7, D = 8, 2 layers, dropout 0) and a seed, writes its parameters, runs
forward in eval mode on inputs written here and backward of a given
dL/dlogits. This script rebuilds the same model in torch from those
parameters, by name and in float64, following core/models/{encoder,
encoder_blocks,time_embedding,window_classifier}.cpp and core/nn/:

    e  = LayerNorm(Linear_{P->D}(x)), masked frames replaced by mask_vector
    h  = e + TimeEmbedding(seconds)        linear interpolation between bins
    N x { h += Mixer(LN(h));  h += Linear(GELU(Linear(LN(h)))) }
    logits = Linear_{D->C}(pool(LayerNorm(h)))   last frame if causal, else mean

Mixers: longconv = Linear(GELU(LongConv(u))), the kernel regularised as
squash(smooth(k)) (avg_pool1d with zero padding counted, soft threshold) and
convolved by FFT as in the state-spaces code (bidirectional: causal half
padded right plus the flipped backward half padded left); attention = causal
multi-head softmax attention with q/k/v/out projections. The windows are
shorter than the kernel (the leading-taps path), one TR runs past the time
table (its last-bin clamp), some frames are masked, and two longer cases take
the FFT path of the C++ long convolution instead of the direct one.

Logits, dL/dx and every parameter's gradient must agree within float32
rounding: max |C++ - torch| <= 1e-4 * max(1, max |torch|), per tensor.

Exit codes: 0 agree, 1 disagree, 77 torch or numpy is missing (skipped).
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: torch/numpy not importable by {sys.executable}: {e}")
    sys.exit(77)

probe = sys.argv[1]
RTOL = 1e-4
torch.set_num_threads(1)


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        assert info["dtype"] == "F32", info
        values = np.frombuffer(raw, dtype="<f4", count=(end - begin) // 4, offset=8 + n + begin)
        out[name] = values.reshape(info["shape"]).astype(np.float64)
    return out


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode("utf-8")
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


# --- the twin ---------------------------------------------------------------

def time_embedding(table, seconds, step):
    """table [bins, D], seconds [B, L] -> [B, L, D] (core/models/time_embedding.cpp)."""
    bins = table.size(0)
    pos = seconds / step
    row = pos.floor().clamp(0, bins - 2)  # past the last bin: row bins-2, weight 1 on bins-1
    w = (pos - row).clamp(max=1.0).unsqueeze(-1)
    row = row.long()
    return (1.0 - w) * table[row] + w * table[row + 1]


def regularised_kernel(kernel, cfg):
    """squash(smooth(k)) per row (core/nn/kernel_regularisation.cpp)."""
    shape = kernel.shape
    k = kernel.reshape(1, -1, shape[-1])  # one row per channel (and direction)
    w = cfg["smooth_window"]
    if w > 1:
        k = F.avg_pool1d(k, w, stride=1, padding=w // 2, count_include_pad=True)
    k = torch.sign(k) * F.relu(k.abs() - cfg["squash_lambda"])
    return k.reshape(shape)


def long_conv(u, kernel, skip, cfg):
    """y = k * u + D u along time, u [B, L, H] (kernels/cpu/long_conv.h)."""
    L = u.size(1)
    k = regularised_kernel(kernel, cfg)[..., :L]  # the taps a length-L window reaches
    if cfg["bidirectional"]:  # k [H, 2, L]: forward half, then backward half
        kk = F.pad(k[:, 0], (0, L)) + F.pad(k[:, 1].flip(-1), (L, 0))
    else:
        kk = F.pad(k, (0, L))
    ut = u.transpose(1, 2)  # [B, H, L]
    y = torch.fft.irfft(torch.fft.rfft(ut, n=2 * L) * torch.fft.rfft(kk, n=2 * L), n=2 * L)
    return (y[..., :L] + ut * skip.unsqueeze(-1)).transpose(1, 2)


class Twin:
    def __init__(self, params, cfg):
        self.p = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
                  for k, v in params.items()}
        self.cfg = cfg
        self.used = set()

    def __call__(self, name):
        self.used.add(name)
        return self.p[name]

    def linear(self, h, name):
        return F.linear(h, self(name + ".weight"), self(name + ".bias"))

    def norm(self, h, name):
        return F.layer_norm(h, (h.size(-1),), self(name + ".weight"), self(name + ".bias"),
                            eps=1e-5)

    def attention(self, u, name):
        """Causal multi-head attention (core/nn/causal_attention.cpp, attention_core.h)."""
        B, L, D = u.shape
        heads = self.cfg["heads"]
        q, k, v = (self.linear(u, f"{name}.{p}_proj").view(B, L, heads, D // heads).transpose(1, 2)
                   for p in "qkv")  # [B, heads, L, D / heads]
        s = q @ k.transpose(-1, -2) / math.sqrt(D // heads)
        s = s.masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), float("-inf"))
        o = (torch.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, L, D)
        return self.linear(o, name + ".out_proj")

    def forward(self, x, seconds, masked):
        cfg = self.cfg
        e = self.norm(self.linear(x, "encoder.embed.proj"), "encoder.embed.norm")
        e = torch.where(masked.unsqueeze(-1), self("encoder.mask_vector").expand_as(e), e)
        table = self("encoder.time.table")
        assert table.size(0) == math.ceil(cfg["max_seconds"] / cfg["time_step_seconds"]) + 1
        h = e + time_embedding(table, seconds, cfg["time_step_seconds"])
        for i in range(cfg["layers"]):
            b = f"encoder.blocks.{i}"
            u = self.norm(h, b + ".mix.norm")
            m = b + ".mix.mixer"
            if cfg["mixer"] == "longconv":
                c = long_conv(u, self(m + ".conv.kernel"), self(m + ".conv.D"), cfg)
                h = h + self.linear(F.gelu(c), m + ".out")
            elif cfg["mixer"] == "attention":
                h = h + self.attention(u, m + ".attn")
            else:
                raise ValueError(f"no twin for mixer {cfg['mixer']}")
            u = self.norm(h, b + ".mlp.norm")
            h = h + self.linear(F.gelu(self.linear(u, b + ".mlp.fc1")), b + ".mlp.fc2")
        y = self.norm(h, "encoder.final_norm")
        causal = not (cfg["mixer"] == "longconv" and cfg["bidirectional"])
        return self.linear(y[:, -1] if causal else y.mean(dim=1), "head")


# --- the cases --------------------------------------------------------------

BASE = {"parcels": 7, "dim": 8, "layers": 2, "mixer": "longconv", "mlp_ratio": 2,
        "dropout": 0.0, "max_frames": 12, "time_step_seconds": 1.0, "max_seconds": 16.0,
        "bidirectional": False, "squash_lambda": 0.003, "smooth_window": 7,
        "kernel_dropout": 0.0, "kernel_lr_scale": 0.1, "s4d_state": 64, "heads": 2,
        "hyena_filter_width": 32}
LONG = {"max_frames": 160, "max_seconds": 128.0}
CASES = [  # label, config changes, seed, batch, frames
    ("longconv causal", {}, 11, 3, 10),
    ("longconv bidirectional", {"bidirectional": True}, 12, 3, 10),
    ("attention", {"mixer": "attention"}, 13, 3, 10),
    ("longconv causal, long", LONG, 14, 2, 150),
    ("longconv bidirectional, long", {**LONG, "bidirectional": True}, 15, 2, 150),
]
STATES = 4


def make_inputs(rng, cfg, batch, frames):
    tr = np.array([0.72, 2.0, 1.5][:batch], dtype=np.float32)  # 2 s runs past 16 s
    seconds = tr[:, None] * np.arange(frames, dtype=np.float32)[None, :]
    masked = np.zeros((batch, frames), dtype=np.float32)
    masked[0, 3] = masked[1, 0] = masked[-1, frames // 2] = 1.0
    return {"x": rng.normal(size=(batch, frames, cfg["parcels"])).astype(np.float32),
            "seconds": seconds.astype(np.float32), "masked": masked,
            "grad_logits": rng.normal(size=(batch, STATES)).astype(np.float32)}


def run_case(work, label, changes, seed, batch, frames, problems):
    cfg = {**BASE, **changes}
    rng = np.random.default_rng(seed)
    inputs = make_inputs(rng, cfg, batch, frames)
    paths = [os.path.join(work, f"{seed}_{n}.safetensors") for n in ("in", "params", "out")]
    write_safetensors(paths[0], inputs)
    result = subprocess.run([probe, json.dumps(cfg), str(seed), *paths],
                            capture_output=True, text=True)
    if result.returncode != 0:
        problems.append(f"{label}: probe exit {result.returncode}: {result.stderr.strip()}")
        return
    params, got = read_safetensors(paths[1]), read_safetensors(paths[2])

    twin = Twin(params, cfg)
    x = torch.tensor(inputs["x"], dtype=torch.float64, requires_grad=True)
    logits = twin.forward(x, torch.tensor(inputs["seconds"], dtype=torch.float64),
                          torch.tensor(inputs["masked"] != 0))
    logits.backward(torch.tensor(inputs["grad_logits"], dtype=torch.float64))

    if twin.used | {"encoder.mask_vector"} != set(params):  # the mask vector may be unused
        problems.append(f"{label}: parameters the twin does not use: "
                        f"{sorted(set(params) - twin.used)}; missing: "
                        f"{sorted(twin.used - set(params))}")
    want = {"logits": logits.detach().numpy(), "grad_x": x.grad.numpy()}
    for name, p in twin.p.items():
        want["grad." + name] = np.zeros(p.shape) if p.grad is None else p.grad.numpy()
    if set(got) != set(want):
        problems.append(f"{label}: probe outputs {sorted(set(got) ^ set(want))} unexpected")
    worst, worst_name, compared = 0.0, "", 0
    for name in sorted(set(got) & set(want)):
        g, w = got[name], want[name]
        if g.shape != w.shape:
            problems.append(f"{label}: {name} has shape {g.shape}, torch {w.shape}")
            continue
        compared += 1
        scale = max(1.0, float(np.abs(w).max(initial=0.0)))
        err = float(np.abs(g - w).max(initial=0.0))
        if err / scale >= worst:
            worst, worst_name = err / scale, name
        if not err <= RTOL * scale:
            problems.append(f"{label}: {name} differs from torch by {err:.3e} "
                            f"(tolerance {RTOL:g} x {scale:.3g} = {RTOL * scale:.3e})")
    path = result.stdout.strip()
    print(f"{label}: B={batch} L={frames} kernel={cfg['max_frames']}"
          f"{', ' + path if path else ''}: {compared} tensors (logits, grad_x, "
          f"{compared - 2} parameter gradients), worst error {worst:.2e} x scale in {worst_name}")


problems = []
print(f"torch {torch.__version__}, float64 twin, tolerance {RTOL:g} x max(1, max |torch|)")
with tempfile.TemporaryDirectory() as work:
    for case in CASES:
        run_case(work, *case, problems)
for p in problems:
    print("FAIL", p)
print(f"{len(CASES)} cases, {len(problems)} problems")
sys.exit(1 if problems else 0)
