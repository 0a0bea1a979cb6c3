#!/usr/bin/python3
"""The fig2 experiment as the strongest PyTorch a user would write: every network of the batch stacked.

Written for GpuPRelu's benchmarks (not the authors' code): the same data model, network, loss, optimizer, attack and
distance as fig2_reference.py (one network at a time, the paper's way), but W [B, D, h] and V [B, h, 1] of all
networks trained together with torch.bmm (torch 1.13 has no torch.func.vmap; bmm is what vmap would lower to), the
attack batched over networks × points (one radius at a time; stacking the radii too was slower), and the
distance batched over networks × starts. Prints one JSON object: phase timings, the BLAS actually loaded, threads.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference/fig2_stacked.py --config compare --threads 2
"""
import argparse
import json
import time

import torch

import torch_info
from fig2_reference import CONFIGS, ideal, subclass_data


def stacked_forward(W, V, x, p):
    """f [B, n] of every network b on its own rows x [B, n, D]; p [B, 1, 1] per network."""
    z = torch.bmm(x, W)
    zr = torch.relu(z)
    a = zr * (zr / W.norm(dim=1, keepdim=True)) ** (p - 1)
    return torch.bmm(a, V).squeeze(-1)


def train(W, V, p, xs, ys, set_of, c, gen):
    """Mini-batch SGD of every network at once: the sum over networks of each one's mean loss, so each network's
    gradient is its own; every data set reshuffled per epoch."""
    n = xs.shape[1]
    for _ in range(c["epochs"]):
        perms = torch.stack([torch.randperm(n, generator=gen) for _ in range(xs.shape[0])])
        for i in range(0, n, c["batch"]):
            idx = perms[:, i:i + c["batch"]][set_of]  # [B, batch]
            x = torch.gather(xs[set_of], 1, idx.unsqueeze(-1).expand(-1, -1, xs.shape[2]))
            y = torch.gather(ys[set_of], 1, idx)
            loss = torch.exp(-y * stacked_forward(W, V, x, p)).mean(dim=1).sum()
            gW, gV = torch.autograd.grad(loss, (W, V))
            with torch.no_grad():
                W -= c["lr"] * gW
                V -= c["lr"] * gV


def pgd_l2(W, V, p, x, y, radius, c):
    """The paper's l2 PGD on every network × point at once (zero start, normalized step, projection); robust acc [B]."""
    delta = torch.zeros_like(x, requires_grad=True)
    for _ in range(c["pgd_steps"]):
        loss = torch.exp(-y * stacked_forward(W, V, x + delta, p)).sum()
        g, = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            delta += c["pgd_step"] * g / g.norm(dim=2, keepdim=True).clamp_min(1e-12)
            delta *= torch.clamp(radius / delta.norm(dim=2, keepdim=True).clamp_min(1e-12), max=1.0)
    with torch.no_grad():
        return (y * stacked_forward(W, V, x + delta, p) > 0).float().mean(dim=1)


def distance(W, V, p, q, c, gen):
    """max over the unit sphere of |s_b f_b − F^(q_b)| for every network b at once (p, q [B, 1, 1]: each network's
    degree and its ideal's)."""
    B, D = W.shape[0], W.shape[1]
    with torch.no_grad():
        xs = torch.stack([subclass_data(D, c["K"], c["K1"], 0.1, 1000, gen)[0] for _ in range(B)])
        f = stacked_forward(W, V, xs, p)
        g = ideal(xs, c["K"], c["K1"], q)
        s = ((f * g).mean(dim=1) / (f * f).mean(dim=1)).view(B, 1)
    best = torch.zeros(B)
    for _ in range(c.get("dist_repeats", 1)):
        x = torch.randn(B, c["dist_starts"], D, generator=gen)
        x = (x / x.norm(dim=2, keepdim=True)).requires_grad_(True)
        for _ in range(c["dist_steps"]):
            gap = ((s * stacked_forward(W, V, x, p) - ideal(x, c["K"], c["K1"], q)) ** 2).sum()
            grad, = torch.autograd.grad(gap, x)
            with torch.no_grad():
                x += c["dist_step"] * grad / grad.norm(dim=2, keepdim=True).clamp_min(1e-12)
                x /= x.norm(dim=2, keepdim=True)
        with torch.no_grad():
            best = torch.maximum(best, (s * stacked_forward(W, V, x, p) - ideal(x, c["K"], c["K1"], q)).abs().amax(dim=1))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="compare", choices=sorted(CONFIGS))
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    c = CONFIGS[args.config]
    gen = torch.Generator().manual_seed(0)
    sets = [(alpha, seed) for alpha in c["alphas"] for seed in range(c["seeds"])]
    data = [subclass_data(c["D"], c["K"], c["K1"], a, c["n"], gen) for a, _ in sets]
    test = [subclass_data(c["D"], c["K"], c["K1"], a, c["pgd_points"], gen) for a, _ in sets]
    xs, ys = torch.stack([d[0] for d in data]), torch.stack([d[1] for d in data])
    nets = [(k, p) for k in range(len(sets)) for p in c["ps"]]
    B = len(nets)
    set_of = torch.tensor([k for k, _ in nets])
    p = torch.tensor([q for _, q in nets]).view(B, 1, 1)
    W = (c["init"] * torch.randn(B, c["D"], c["h"], generator=gen)).requires_grad_(True)
    V = (c["init"] * torch.randn(B, c["h"], 1, generator=gen)).requires_grad_(True)
    timings = {}

    t0 = time.perf_counter()
    train(W, V, p, xs, ys, set_of, c, gen)
    timings["train"] = time.perf_counter() - t0

    # the networks of the smallest α, attacked on their test points at every radius
    first = [b for b, (k, _) in enumerate(nets) if sets[k][0] == c["alphas"][0]]
    xt = torch.stack([test[nets[b][0]][0] for b in first])
    yt = torch.stack([test[nets[b][0]][1] for b in first])
    Wa, Va, pa = W.detach()[first], V.detach()[first], p[first]
    radii = [c["max_radius"] * i / (c["radii"] - 1) for i in range(c["radii"])]
    t0 = time.perf_counter()
    robust = [pgd_l2(Wa, Va, pa, xt, yt, r, c).tolist() for r in radii]
    timings["pgd"] = time.perf_counter() - t0

    # every network's distance to F (q = 1) and to its own F^(p)
    Wd, Vd = W.detach().requires_grad_(False), V.detach().requires_grad_(False)
    t0 = time.perf_counter()
    dist_f = distance(Wd, Vd, p, torch.ones(B, 1, 1), c, gen).tolist()
    dist_fp = distance(Wd, Vd, p, p, c, gen).tolist()
    timings["distance"] = time.perf_counter() - t0
    timings["total"] = sum(timings.values())
    print(json.dumps(dict(config=args.config, method="stacked (bmm)", **torch_info.describe(), seconds=timings,
                          pgd_networks=len(first), distance_networks=B, robust_acc=robust,
                          dist_f=dist_f, dist_fp=dist_fp)))


if __name__ == "__main__":
    main()
