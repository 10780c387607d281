#!/usr/bin/env python3
"""Time PyTorch's FFT long convolution, the reference the CPU kernel is held to.

The convolution is the one in state-spaces' models/s4/s4d.py (S4D.forward):

    k_f = rfft(k, n=2L); u_f = rfft(u, n=2L)
    y = irfft(u_f * k_f, n=2L)[..., :L] + u * D

on u [B, H, L] (PyTorch's layout there), k [H, L], D [H], in float32 on CPU.
With --backward it times forward + autograd backward for du, dk and dD.

With --neuroseq PATH (the `neuroseq` CLI) the same shape is timed through
`neuroseq bench longconv` in the same run, interleaved with the PyTorch
rounds so that both see the same machine load, and the ratio is printed.

    python3 tests/bench/torch_long_conv.py --neuroseq build-conv/app/cli/neuroseq

Median of several runs; torch.set_num_threads(--threads) (2 by default).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import torch


def s4d_fft_conv(u, k, D):
    L = u.size(-1)
    k_f = torch.fft.rfft(k, n=2 * L)  # (H, L+1)
    u_f = torch.fft.rfft(u, n=2 * L)  # (B, H, L+1)
    y = torch.fft.irfft(u_f * k_f, n=2 * L)[..., :L]  # (B, H, L)
    return y + u * D.unsqueeze(-1)


def time_torch(args, repeats):
    g = torch.Generator().manual_seed(1)
    u = torch.randn(args.batch, args.channels, args.length, generator=g)
    k = torch.randn(args.channels, args.length, generator=g) / args.length
    D = torch.randn(args.channels, generator=g)
    dy = torch.randn(args.batch, args.channels, args.length, generator=g)
    if args.backward:
        u.requires_grad_(True)
        k.requires_grad_(True)
        D.requires_grad_(True)

    def call():
        if args.backward:
            u.grad = k.grad = D.grad = None
            s4d_fft_conv(u, k, D).backward(dy)
        else:
            with torch.no_grad():
                s4d_fft_conv(u, k, D)

    call()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def time_neuroseq(args, repeats):
    cmd = [args.neuroseq, "bench", "longconv",
           "--batch", str(args.batch), "--channels", str(args.channels),
           "--length", str(args.length), "--threads", str(args.threads),
           "--repeats", str(repeats)]
    if args.backward:
        cmd.append("--backward")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    # The last line is the median in ms; one median per round.
    return float(lines[-1].split()[0]), lines[0]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--channels", type=int, default=256)
    p.add_argument("--length", type=int, default=4096)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=7, help="timed calls per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--backward", action="store_true")
    p.add_argument("--neuroseq", help="path to the neuroseq CLI to compare with")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    if args.neuroseq:
        # Let FFTW's measured plans carry over between the CLI's rounds.
        os.environ.setdefault("NEUROSEQ_FFTW_WISDOM", os.path.join(
            os.environ.get("TMPDIR", "/tmp"), "neuroseq_fftw_wisdom.txt"))

    pass_name = "forward+backward" if args.backward else "forward"
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"B={args.batch} H={args.channels} L={args.length}, {pass_name}")
    torch_times, ours, description = [], [], None
    for _ in range(args.rounds):
        torch_times += time_torch(args, args.repeats)
        if args.neuroseq:
            median, description = time_neuroseq(args, args.repeats)
            ours.append(median)
    t = statistics.median(torch_times)
    print(f"pytorch s4d fft_conv: median {t:.2f} ms, min {min(torch_times):.2f} ms "
          f"({len(torch_times)} runs)")
    if ours:
        o = statistics.median(ours)
        print(f"neuroseq: {description}")
        print(f"neuroseq: median {o:.2f} ms over {len(ours)} rounds")
        print(f"speed-up over pytorch: {t / o:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
