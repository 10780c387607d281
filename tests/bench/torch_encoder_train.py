#!/usr/bin/env python3
"""Training throughput (windows per second) of a PyTorch CPU twin of
NeuroSeq's default encoder: the causal long-convolution WindowClassifier.

The twin follows core/models/{encoder,encoder_blocks,time_embedding,
window_classifier}.cpp and core/nn/{long_conv,kernel_regularisation}.cpp:

    e  = Dropout(LayerNorm(Linear_{P->D}(x)))              x [B, L, P]
    h  = e + TimeEmbedding(seconds)        seconds = t * TR, TR = 2 s
    N x { h += Dropout(Linear_{D->D}(GELU(LongConv(LN(h)))))
          h += Dropout(Linear_{2D->D}(GELU(Linear_{D->2D}(LN(h))))) }
    logits = Linear_{D->C}(LayerNorm(h)[:, -1])           C = 4 states

LongConv: kernel k [D, max_frames], regularised on every forward pass as
squash(smooth(k)) (avg_pool1d window 7 with zero padding counted, then the
soft threshold at lambda = 0.003), its first L taps convolved causally via
rfft/irfft with n = 2L (state-spaces' s4d.py) plus the skip term D * u.
The (unused) mask vector is a parameter as in core::Encoder, so that the
parameter count equals the C++ model's. One timed step is zero_grad,
forward, cross-entropy, backward, clip_grad_norm(1.0) and AdamW (lr 1e-3,
weight decay 0.01 on weights and D only; the kernel at lr * 0.1, no decay).

    /usr/bin/python3 tests/bench/torch_encoder_train.py --steps 30

(/usr/bin/python3 has torch.) The last line printed is `windows_per_s <float>`.
"""

import argparse
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class TimeEmbedding(nn.Module):
    """One vector per `step` seconds, read by linear interpolation."""

    def __init__(self, bins, dim, step):
        super().__init__()
        self.step = step
        self.table = nn.Parameter(torch.randn(bins, dim) * 0.02)

    def forward(self, seconds):  # [B, L] -> [B, L, D]
        bins = self.table.size(0)
        pos = seconds / self.step
        # Past the last bin: row bins-2 with weight 1 on the last vector.
        row = pos.floor().clamp(0, bins - 2)
        w = (pos - row).clamp(max=1.0).unsqueeze(-1)
        row = row.long()
        return (1.0 - w) * self.table[row] + w * self.table[row + 1]


class LongConv(nn.Module):
    def __init__(self, channels, length, smooth_window=7, squash_lambda=0.003):
        super().__init__()
        self.kernel = nn.Parameter(torch.randn(channels, length) * 0.002)
        self.D = nn.Parameter(torch.randn(channels))
        self.window = smooth_window
        self.lam = squash_lambda

    def regularised_kernel(self):
        # Zero-padded moving average, padding counted in the divisor.
        k = F.avg_pool1d(self.kernel.unsqueeze(0), self.window, stride=1,
                         padding=self.window // 2, count_include_pad=True).squeeze(0)
        return torch.sign(k) * F.relu(k.abs() - self.lam)

    def forward(self, x):  # [B, L, H] -> [B, L, H]
        L = x.size(1)
        k = self.regularised_kernel()[:, :L]  # the taps a length-L input reaches
        u = x.transpose(1, 2)  # [B, H, L]
        k_f = torch.fft.rfft(k, n=2 * L)
        u_f = torch.fft.rfft(u, n=2 * L)
        y = torch.fft.irfft(u_f * k_f, n=2 * L)[..., :L]
        y = y + u * self.D.unsqueeze(-1)
        return y.transpose(1, 2)


class Block(nn.Module):
    def __init__(self, dim, max_frames, dropout, mlp_ratio=2):
        super().__init__()
        self.mix_norm = nn.LayerNorm(dim)
        self.conv = LongConv(dim, max_frames)
        self.mix_out = nn.Linear(dim, dim)
        self.mlp_norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp_ratio * dim)
        self.fc2 = nn.Linear(mlp_ratio * dim, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, h):
        h = h + self.drop(self.mix_out(F.gelu(self.conv(self.mix_norm(h)))))
        return h + self.drop(self.fc2(F.gelu(self.fc1(self.mlp_norm(h)))))


class WindowClassifier(nn.Module):
    def __init__(self, parcels, dim, layers, max_frames, states, dropout=0.1,
                 time_step=1.0, max_seconds=128.0):
        super().__init__()
        self.proj = nn.Linear(parcels, dim)
        self.embed_norm = nn.LayerNorm(dim)
        self.drop = nn.Dropout(dropout)
        self.mask_vector = nn.Parameter(torch.randn(dim) * 0.02)  # unused here
        bins = math.ceil(max_seconds / time_step) + 1
        self.time = TimeEmbedding(bins, dim, time_step)
        self.blocks = nn.ModuleList(Block(dim, max_frames, dropout) for _ in range(layers))
        self.final_norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, states)

    def forward(self, x, seconds):
        h = self.drop(self.embed_norm(self.proj(x))) + self.time(seconds)
        for block in self.blocks:
            h = block(h)
        return self.head(self.final_norm(h)[:, -1])  # causal: last position


def make_optimizer(model, lr, weight_decay, kernel_lr_scale=0.1):
    # As the C++ Parameter flags: decay on Linear weights and LongConv D;
    # none on biases, norms, the time table, the mask vector and the kernel.
    decay, no_decay, kernels = [], [], []
    for name, p in model.named_parameters():
        if name.endswith(".kernel"):
            kernels.append(p)
        elif (name.endswith(".weight") and p.dim() == 2) or name.endswith(".D"):
            decay.append(p)
        else:
            no_decay.append(p)
    return torch.optim.AdamW([
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
        {"params": kernels, "weight_decay": 0.0, "lr": lr * kernel_lr_scale},
    ], lr=lr, betas=(0.9, 0.999), eps=1e-8)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--frames", type=int, default=32, help="L, frames per window")
    p.add_argument("--parcels", type=int, default=48, help="P")
    p.add_argument("--dim", type=int, default=64, help="D")
    p.add_argument("--layers", type=int, default=2, help="N blocks")
    p.add_argument("--max-frames", type=int, default=64,
                   help="kernel length (EncoderConfig::max_frames, default 64)")
    p.add_argument("--states", type=int, default=4, help="C classes")
    p.add_argument("--tr", type=float, default=2.0, help="seconds per frame")
    p.add_argument("--steps", type=int, default=50, help="timed training steps")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.frames > args.max_frames:
        p.error(f"--frames {args.frames} exceeds --max-frames {args.max_frames}")

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)

    model = WindowClassifier(args.parcels, args.dim, args.layers, args.max_frames,
                             args.states)
    model.train()  # dropout p = 0.1 active
    opt = make_optimizer(model, lr=1e-3, weight_decay=0.01)
    n_params = sum(q.numel() for q in model.parameters())

    g = torch.Generator().manual_seed(args.seed)
    batches = []
    for _ in range(4):  # a few fixed random batches, cycled
        x = torch.randn(args.batch, args.frames, args.parcels, generator=g)
        y = torch.randint(0, args.states, (args.batch,), generator=g)
        batches.append((x, y))
    seconds = (torch.arange(args.frames, dtype=torch.float32) * args.tr).expand(
        args.batch, args.frames).contiguous()

    def train_step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(x, seconds), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"B={args.batch} L={args.frames} P={args.parcels} D={args.dim} "
          f"N={args.layers} kernel={args.max_frames} C={args.states}, train mode")
    print(f"parameters: {n_params}")
    for i in range(args.warmup):
        train_step(i)
    times, loss = [], float("nan")
    start = time.perf_counter()
    for i in range(args.steps):
        t0 = time.perf_counter()
        loss = train_step(args.warmup + i)
        times.append((time.perf_counter() - t0) * 1e3)
    total = time.perf_counter() - start
    # Windows per second at the median step, as `neuroseq bench train` reports.
    wps = args.batch / (statistics.median(times) / 1000.0)
    print(f"{args.steps} steps after {args.warmup} warm-up: median {statistics.median(times):.2f} "
          f"ms/step, min {min(times):.2f} ms, last loss {loss:.4f}")
    print(f"windows_per_s {wps:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
