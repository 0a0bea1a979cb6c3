#!/usr/bin/python3
"""Step-for-step parity of the engine's training with PyTorch.

Reads a trace written by `gpuprelu train --trace DIR` (θ₀, the data, every epoch's mini-batch order, θ every N steps),
trains the reference module -- the paper's ShallowPreluNet: W [D, h], a_j = ReLU(x·w_j)^p / ‖w_j‖^(p−1), an output
layer, the mean loss over the mini-batch, torch.optim.SGD (or Adam) -- from the same θ₀ on the same mini-batches in
float32 and in float64, and reports at every checkpoint the largest difference of each tensor relative to the tensor's
largest entry, max|a − b| / max|b| (b the second named): engine vs float32 torch, engine vs float64 torch and float32 vs
float64 torch.
When the float32-vs-float64 column is as large as the engine-vs-float32 one, what parts them is rounding amplified by
the dynamics (chaos), not a different term.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference/parity.py DIR [--networks 0,1] [--json]
"""
import argparse
import glob
import json
import os
import struct
import sys
import time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    """{name: float64 array} and the metadata of a safetensors file (F32 or F64 tensors)."""
    with open(path, "rb") as f:
        n, = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        blob = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        out[name] = np.frombuffer(blob[a:b], dtype=DTYPES[h["dtype"]]).reshape(h["shape"]).astype(np.float64)
    return out, meta


class PaperNet(torch.nn.Module):
    """The paper's ShallowPreluNet forward (prelu_torch_modules.py): pow(ReLU(xW), p) / pow(‖W‖_col, p − 1) for p > 1,
    ReLU(xW) for p = 1, optionally divided by ‖x − c‖^(p−1), then nn.Linear(h, C)."""

    def __init__(self, w, weight, bias, center, p, normalize_input, dtype):
        super().__init__()
        self.p, self.normalize_input = p, normalize_input
        self.W = torch.nn.Parameter(torch.tensor(w, dtype=dtype))
        self.out = torch.nn.Linear(w.shape[1], weight.shape[0], bias=bias is not None).to(dtype)
        with torch.no_grad():
            self.out.weight.copy_(torch.tensor(weight, dtype=dtype))
            if bias is not None:
                self.out.bias.copy_(torch.tensor(bias, dtype=dtype))
        self.register_buffer("center", torch.tensor(center, dtype=dtype))

    def forward(self, x):
        u = x - self.center
        if self.p > 1:
            a = torch.pow(torch.relu(u @ self.W), self.p) / torch.pow(torch.linalg.norm(self.W, dim=0), self.p - 1)
            if self.normalize_input:
                a = a / torch.pow(torch.linalg.norm(u, dim=1, keepdim=True), self.p - 1)
        else:
            a = torch.relu(u @ self.W)
        return self.out(a)


def loss_of(kind, f, y):
    """The engine's losses as means over the mini-batch: exp(−y f), log(1 + exp(−y f)) with y = ±1, or cross-entropy."""
    if kind == "ce":
        return torch.nn.functional.cross_entropy(f, y.long())
    s = (2 * y - 1) * f[:, 0]
    return torch.exp(-s).mean() if kind == "exp" else torch.nn.functional.softplus(-s).mean()


def net_of(theta, b, p, normalize, dtype):
    bias = theta["output_net.bias"][b] if "output_net.bias" in theta else None
    center = theta["center"][b] if "center" in theta else np.zeros((1, theta["prelulayer.W"].shape[1]))
    return PaperNet(theta["prelulayer.W"][b], theta["output_net.weight"][b], bias, center, p, normalize, dtype)


def tensors_of(net):
    t = {"W": net.W.detach().double().numpy(), "V": net.out.weight.detach().double().numpy()}
    if net.out.bias is not None:
        t["b"] = net.out.bias.detach().double().numpy()
    return t


def engine_tensors(theta, b):
    t = {"W": theta["prelulayer.W"][b], "V": theta["output_net.weight"][b]}
    if "output_net.bias" in theta:
        t["b"] = theta["output_net.bias"][b]
    return t


def rel(a, b):
    scale = np.abs(b).max()
    return float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(a - b).max())


def run(trace_dir, networks):
    data, meta = read_safetensors(os.path.join(trace_dir, "trace.safetensors"))
    files = sorted(glob.glob(os.path.join(trace_dir, "theta_*.safetensors")))
    checkpoints = {int(os.path.basename(f)[6:14]): f for f in files}
    theta0, _ = read_safetensors(checkpoints[0])
    lr, batch, epochs = float(meta["lr"]), int(meta["batch_size"]), int(meta["epochs"])
    normalize = meta["normalize_input"] == "true"
    order = data["order"].astype(np.int64)
    rows = []
    for b in networks:
        p, k = float(data["p"][b]), int(data["set_of"][b])
        x64, y64 = torch.tensor(data["x"][k]), torch.tensor(data["y"][k])
        nets = {dt: net_of(theta0, b, p, normalize, dt) for dt in (torch.float32, torch.float64)}
        opts = {dt: (torch.optim.Adam if meta["optimizer"] == "adam" else torch.optim.SGD)(n.parameters(), lr=lr)
                for dt, n in nets.items()}
        xs = {dt: x64.to(dt) for dt in nets}
        ys = {dt: y64.to(dt) for dt in nets}
        step, t0 = 0, time.perf_counter()
        for e in range(epochs):
            perm = torch.tensor(order[e, k])
            for i in range(0, perm.shape[0], batch):
                idx = perm[i:i + batch]
                for dt, net in nets.items():
                    loss = loss_of(meta["loss"], net(xs[dt][idx]), ys[dt][idx])
                    opts[dt].zero_grad()
                    loss.backward()
                    opts[dt].step()
                step += 1
                if step in checkpoints:
                    eng = engine_tensors(read_safetensors(checkpoints[step])[0], b)
                    t32, t64 = tensors_of(nets[torch.float32]), tensors_of(nets[torch.float64])
                    for name in eng:
                        rows.append(dict(network=b, p=p, step=step, tensor=name, engine_vs_f32=rel(eng[name], t32[name]),
                                         engine_vs_f64=rel(eng[name], t64[name]), f32_vs_f64=rel(t32[name], t64[name]),
                                         scale=float(np.abs(t64[name]).max())))
        print(f"network {b} (p {p:g}): {step} steps in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--networks", default="", help="comma-separated network indices (default: all)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data, _ = read_safetensors(os.path.join(args.trace, "trace.safetensors"))
    networks = [int(s) for s in args.networks.split(",")] if args.networks else list(range(len(data["p"])))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS {blas_name()}", file=sys.stderr)
    rows = run(args.trace, networks)
    if args.json:
        print(json.dumps(rows))
        return
    print("| network | p | step | tensor | engine vs f32 | engine vs f64 | f32 vs f64 | max abs (f64) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['network']} | {r['p']:g} | {r['step']} | {r['tensor']} | {r['engine_vs_f32']:.2e} | "
              f"{r['engine_vs_f64']:.2e} | {r['f32_vs_f64']:.2e} | {r['scale']:.3g} |")


def blas_name():
    """The BLAS library mapped into this process (torch's config says BLAS_INFO=generic for Debian's build, which links
    libblas.so.3 and so runs whatever the alternatives system points at)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower()}
    return ", ".join(sorted(os.path.basename(l) for l in libs)) or "unknown"


if __name__ == "__main__":
    main()
