#!/usr/bin/python3
"""Training fidelity: the same measurements on networks trained by the engine and by the paper's code.

  train    trains seeds × p networks the way the paper's synthetic script does (numpy `generate_data`: centers e_k,
           k uniform, N(0, α²/D) noise; ShallowPreluNet with normal init of std ε on W and the output layer, no bias;
           a reshuffling DataLoader of batch 100, drop_last False; the mean exponential loss; torch.optim.SGD) and
           writes them in the engine's batched networks.safetensors layout (p tensor, alpha and seed metadata).
  compare  engine vs PyTorch distributions of `measure --json` files, with permutation p-values.
  measure  reads any such file (the engine's `--save`, or `train`'s) and prints per network: dist(f, F), dist(f, F^(p))
           by the paper's estimator (scale c = E[fG]/E[f²] on fresh samples, normalized gradient ascent of
           (c f − G)² on the unit sphere, step 0.01, the max |c f − G| at the end), the dominant neurons
           (|v_j|·‖w_j‖ ≥ 0.1 × the largest) and the per-subclass weight totals T_k = Σ_{cos(w_j, μ_k) ≥ 0.95} |v_j|‖w_j‖
           with their spread (max − min)/mean over k.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference/fidelity.py train --out ref.safetensors \
      --seeds 16 --p 1,3 --alpha 0.01
  .../fidelity.py measure ref.safetensors --starts 100 --steps 200 --repeats 1 --json out.json
  .../fidelity.py compare --engine e1.json,e2.json --torch t1.json,t2.json
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity import read_safetensors  # noqa: E402
from shallow_prelu import write_safetensors  # noqa: E402

SHAPE = dict(D=200, K=10, K1=6, h=400, n=2000, epochs=100, batch=100, lr=0.2, init=1e-7)  # fig2 `scaled`


def generate_data(rng, k, k1, D, n, sigma):
    """The paper's generate_data, on a seeded numpy generator."""
    label = rng.integers(k, size=n)
    x = np.concatenate([np.eye(k)[label], np.zeros((n, D - k))], axis=1) + rng.normal(0, sigma, [n, D])
    return torch.tensor(x).float(), torch.tensor(1 - 2 * (label >= k1)).float()


def prelu(x, w, v, p):
    z = torch.relu(x @ w)
    a = torch.pow(z, p) / torch.pow(torch.linalg.norm(w, dim=0), p - 1) if p > 1 else z
    return a @ v.T


def train(args):
    c = dict(SHAPE)
    ws, vs, ps, seeds, alphas = [], [], [], [], []
    trace = read_safetensors(os.path.join(args.data, "trace.safetensors"))[0] if args.data else None
    theta0 = read_safetensors(os.path.join(args.data, "theta_00000000.safetensors"))[0] if args.engine_init else None
    for alpha in [float(a) for a in args.alpha.split(",")]:
        for seed in range(args.seed, args.seed + args.seeds):
            for p in [float(q) for q in args.p.split(",")]:
                if args.data:  # the engine's training set of this seed (a trace of one α, seeds from --seed on)
                    x = torch.tensor(trace["x"][seed - args.seed]).float()
                    y = torch.tensor(2 * trace["y"][seed - args.seed] - 1).float()
                else:
                    rng = np.random.default_rng(seed)
                    x, y = generate_data(rng, c["K"], c["K1"], c["D"], c["n"], alpha / math.sqrt(c["D"]))
                torch.manual_seed(seed)
                w = torch.nn.Parameter(torch.empty(c["D"], c["h"]).normal_(std=c["init"]))
                v = torch.nn.Parameter(torch.empty(1, c["h"]).normal_(std=c["init"]))
                if theta0 is not None:  # the engine's θ₀ of this seed's network of this p
                    b = [i for i in range(len(trace["p"])) if trace["set_of"][i] == seed - args.seed and trace["p"][i] == p][0]
                    w.data = torch.tensor(theta0["prelulayer.W"][b]).float()
                    v.data = torch.tensor(theta0["output_net.weight"][b]).float()
                opt = torch.optim.SGD([w, v], lr=c["lr"])
                loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=c["batch"], shuffle=True)
                orders = trace["order"][:, seed - args.seed].astype(np.int64) if args.engine_order else None
                t0 = time.perf_counter()
                for e in range(c["epochs"]):
                    batches = loader if orders is None else (
                        (x[i], y[i]) for i in torch.tensor(orders[e]).split(c["batch"]))
                    for xb, yb in batches:
                        loss = torch.exp(-prelu(xb, w, v, p).reshape(-1) * yb).mean()
                        loss.backward()
                        opt.step()
                        opt.zero_grad()
                print(f"alpha {alpha} seed {seed} p {p:g}: loss {loss.item():.4g} in {time.perf_counter() - t0:.1f} s",
                      file=sys.stderr)
                ws.append(w.detach())
                vs.append(v.detach())
                ps.append(p)
                seeds.append(seed)
                alphas.append(alpha)
    tensors = {"prelulayer.W": torch.stack(ws), "output_net.weight": torch.stack(vs), "p": torch.tensor(ps)}
    meta = {"format": "gpuprelu-networks", "format_version": "1", "normalize_input": "false",
            "alpha": ",".join(repr(a) for a in alphas), "seed": ",".join(str(s) for s in seeds),
            "trained_by": f"bench/reference/fidelity.py train (torch {torch.__version__})"}
    write_safetensors(args.out, tensors, meta)


def ideal(x, k, k1, p, average):
    """F (average: √K1 ReLU(⟨μ̄₊, x⟩) − √K2 ReLU(⟨μ̄₋, x⟩)) or F^(p) = Σ± ReLU(x_k)^p, centers e_k."""
    if average:
        return torch.relu(x[:, :k1].sum(1)) - torch.relu(x[:, k1:k].sum(1))
    r = torch.relu(x[:, :k]) ** p
    return r[:, :k1].sum(1) - r[:, k1:].sum(1)


def distance(w, v, p, alpha, average, args, gen):
    k, k1, D = args.subclasses, args.positive, w.shape[0]
    f = lambda x: prelu(x, w, v, p)[:, 0]  # noqa: E731
    rng = np.random.default_rng(int(torch.randint(1 << 30, (1,), generator=gen)))
    with torch.no_grad():
        xs, _ = generate_data(rng, k, k1, D, args.scale_samples, alpha / math.sqrt(D))
        xs = xs.double()
        fx, g = f(xs), ideal(xs, k, k1, p, average)
        c = (fx * g).mean() / (fx * fx).mean()
    best = 0.0
    for _ in range(args.repeats):
        x = torch.randn(args.starts, D, generator=gen, dtype=torch.float64)
        x = x / x.norm(dim=1, keepdim=True)
        for _ in range(args.steps):
            x.requires_grad_(True)
            gap = ((c * f(x) - ideal(x, k, k1, p, average)) ** 2).mean()
            grad, = torch.autograd.grad(gap, x)
            with torch.no_grad():
                x = x + args.step * grad / (grad.norm(dim=1, keepdim=True) + 1e-7)
                x = x / x.norm(dim=1, keepdim=True)
        with torch.no_grad():
            best = max(best, (c * f(x) - ideal(x, k, k1, p, average)).abs().max().item())
    return best, c.item()


def measure(args):
    t, meta = read_safetensors(args.networks)
    W, V, P = t["prelulayer.W"], t["output_net.weight"], t["p"]
    alphas = [float(a) for a in meta["alpha"].split(",")]
    seeds = [int(s) for s in meta["seed"].split(",")]
    rows = []
    for b in range(W.shape[0]):
        gen = torch.Generator().manual_seed(1000 + b)
        w, v, p = torch.tensor(W[b]), torch.tensor(V[b]), float(P[b])
        t0 = time.perf_counter()
        d_f, c_f = distance(w, v, p, alphas[b], True, args, gen)
        d_fp, c_fp = distance(w, v, p, alphas[b], False, args, gen)
        contrib = np.abs(V[b][0]) * np.linalg.norm(W[b], axis=0)
        dominant = contrib >= args.dominant * contrib.max()
        cos = W[b][:args.subclasses].T / np.linalg.norm(W[b], axis=0)[:, None]  # [h, K]: cosine of w_j with e_k
        totals = [float(contrib[cos[:, k] >= args.align].sum()) for k in range(args.subclasses)]
        mean = sum(totals) / len(totals)
        rows.append(dict(network=b, p=p, alpha=alphas[b], seed=seeds[b], dist_F=d_f, dist_Fp=d_fp, scale_F=c_f, scale_Fp=c_fp,
                         dominant=int(dominant.sum()), subclass_totals=totals,
                         spread=(max(totals) - min(totals)) / mean if mean > 0 else float("nan"),
                         covered=sum(1 for x in totals if x > 0)))
        r = rows[-1]
        print(f"network {b} p {p:g} seed {r['seed']}: dist F {d_f:.4f} F^(p) {d_fp:.4f} dominant {r['dominant']} "
              f"spread {r['spread']:.3f} covered {r['covered']} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f)
    for p in sorted({r["p"] for r in rows}):
        sel = [r for r in rows if r["p"] == p]
        own = "dist_F" if p == 1 else "dist_Fp"
        print(f"p {p:g} ({len(sel)} networks): {own} {summary([r[own] for r in sel])}; dominant "
              f"{summary([r['dominant'] for r in sel], '.1f')}; spread {summary([r['spread'] for r in sel])}")


def compare(args):
    """Engine vs PyTorch distributions from `measure --json` files: per quantity, both summaries and the two-sided
    permutation p-values of the difference of means and of medians (20000 relabellings, seeded)."""
    load = lambda names: [r for n in names.split(",") for r in json.load(open(n))]  # noqa: E731
    eng, ref = load(args.engine), load(args.torch)
    rng = np.random.default_rng(0)

    def perm(a, b, stat):
        a, b = np.asarray(a, float), np.asarray(b, float)
        both, obs, hits = np.concatenate([a, b]), abs(stat(a) - stat(b)), 0
        for _ in range(20000):
            rng.shuffle(both)
            hits += abs(stat(both[:len(a)]) - stat(both[len(a):])) >= obs
        return hits / 20000

    for p, key in ((3.0, "dist_Fp"), (3.0, "spread"), (3.0, "dominant"), (1.0, "dist_F"), (1.0, "dominant")):
        a, b = [r[key] for r in eng if r["p"] == p], [r[key] for r in ref if r["p"] == p]
        if a and b:
            print(f"p {p:g} {key}: engine ({len(a)}) {summary(a)} | torch ({len(b)}) {summary(b)} | "
                  f"permutation p: mean {perm(a, b, np.mean):.2f}, median {perm(a, b, np.median):.2f}")


def summary(xs, fmt=".3f"):
    xs = np.asarray(xs, float)
    q = lambda f: np.quantile(xs, f)  # noqa: E731
    return (f"mean {xs.mean():{fmt}} median {q(0.5):{fmt}} sd {xs.std(ddof=1):{fmt}} [min {xs.min():{fmt}}, q25 {q(0.25):{fmt}}, "
            f"q75 {q(0.75):{fmt}}, max {xs.max():{fmt}}]")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="verb", required=True)
    t = sub.add_parser("train")
    t.add_argument("--out", required=True)
    t.add_argument("--seeds", type=int, default=16)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--p", default="1,3")
    t.add_argument("--alpha", default="0.01")
    t.add_argument("--data", help="a `gpuprelu train --trace` folder (one α, the same seeds): train on its data sets instead "
                   "of generate_data, the engine's data with PyTorch's init and shuffle")
    t.add_argument("--engine-init", action="store_true", help="with --data: start from the trace's θ₀ instead of PyTorch's init")
    t.add_argument("--engine-order", action="store_true", help="with --data: the trace's mini-batch orders instead of the DataLoader's")
    m = sub.add_parser("measure")
    m.add_argument("networks")
    m.add_argument("--subclasses", type=int, default=SHAPE["K"])
    m.add_argument("--positive", type=int, default=SHAPE["K1"])
    m.add_argument("--starts", type=int, default=100)
    m.add_argument("--steps", type=int, default=200)
    m.add_argument("--repeats", type=int, default=1)
    m.add_argument("--step", type=float, default=0.01)
    m.add_argument("--scale-samples", type=int, default=10000)
    m.add_argument("--dominant", type=float, default=0.1)
    m.add_argument("--align", type=float, default=0.95)
    m.add_argument("--json")
    c = sub.add_parser("compare")
    c.add_argument("--engine", required=True, help="comma-separated `measure --json` files of engine networks")
    c.add_argument("--torch", required=True, help="comma-separated `measure --json` files of PyTorch networks")
    for p in (t, m, c):
        p.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads", file=sys.stderr)
    {"train": train, "measure": measure, "compare": compare}[args.verb](args)


if __name__ == "__main__":
    main()
