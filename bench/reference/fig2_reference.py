#!/usr/bin/python3
"""The fig2 experiment the way the paper's PyTorch code runs it: one network at a time, in a Python loop.

Written for GpuPRelu's benchmarks (not the authors' code): same data model, network, loss, optimizer and attack as
docs/design.md §1-2, so `gpuprelu bench` and this script time the same work. Prints one JSON object of phase timings.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/reference/fig2_reference.py --config compare --threads 2
"""
import argparse
import json
import math
import time

import torch

import torch_info

CONFIGS = {
    # fig2 scaled down (the fig2-scaled preset): D 200, h 400, n 2000, 100 epochs, 12 networks, PGD and distance included
    "fig2-scaled": dict(D=200, K=10, K1=6, h=400, n=2000, alphas=[0.01, 0.05, 0.1], seeds=2, ps=[1.0, 3.0], epochs=100,
                        batch=100, lr=0.2, init=1e-7, radii=15, max_radius=1.5, pgd_steps=200, pgd_step=0.1,
                        pgd_points=500, dist_starts=100, dist_steps=200, dist_step=0.01),
    # the comparison's timing configuration (gpuprelu bench --compare): fig2-scaled with the whole test set of 2000 points attacked at 7 radii, and the
    # distance of every attacked network to F and to its own F^(p) with 200 starts × 200 steps × 2 repeats
    "compare": dict(D=200, K=10, K1=6, h=400, n=2000, alphas=[0.01, 0.05, 0.1], seeds=2, ps=[1.0, 3.0], epochs=100,
                    batch=100, lr=0.2, init=1e-7, radii=7, max_radius=1.5, pgd_steps=200, pgd_step=0.1,
                    pgd_points=2000, dist_starts=200, dist_steps=200, dist_step=0.01, dist_repeats=2, both_ideals=True),
    # seconds, for checking the scripts
    "smoke": dict(D=20, K=4, K1=2, h=16, n=200, alphas=[0.05, 0.1], seeds=1, ps=[1.0, 3.0], epochs=3, batch=50, lr=0.2,
                  init=1e-3, radii=3, max_radius=1.0, pgd_steps=5, pgd_step=0.1, pgd_points=50, dist_starts=8, dist_steps=5,
                  dist_step=0.01, dist_repeats=2, both_ideals=True),
    # the quick preset's training
    "quick": dict(D=50, K=6, K1=3, h=100, n=1000, alphas=[0.05, 0.1, 0.2], seeds=2, ps=[1.0, 3.0], epochs=30,
                  batch=50, lr=0.2, init=1e-3, radii=15, max_radius=1.5, pgd_steps=200, pgd_step=0.1,
                  pgd_points=500, dist_starts=100, dist_steps=200, dist_step=0.01),
}


class PReLUNet(torch.nn.Module):
    """a_j = ReLU(<w_j, x>)^p / ||w_j||^(p-1), f = V^T a (no bias, no center, as the fig2 runs)."""

    def __init__(self, D, h, p, init):
        super().__init__()
        self.p = p
        self.W = torch.nn.Parameter(init * torch.randn(D, h))
        self.V = torch.nn.Parameter(init * torch.randn(h, 1))

    def forward(self, x):
        z = x @ self.W
        r = self.W.norm(dim=0)
        zr = torch.relu(z)
        a = zr * (zr / r) ** (self.p - 1)
        return (a @ self.V).squeeze(-1)


def subclass_data(D, K, K1, alpha, n, gen):
    k = torch.randint(0, K, (n,), generator=gen)
    x = alpha / math.sqrt(D) * torch.randn(n, D, generator=gen)
    x[torch.arange(n), k] += 1.0
    y = torch.where(k < K1, 1.0, -1.0)
    return x, y


def ideal(x, K, K1, p):
    """F^(p)(x) = sum_{k<=K1} ReLU(x_k)^p - sum_{k>K1} ReLU(x_k)^p (centers e_k)."""
    r = torch.relu(x[..., :K]) ** p
    return r[..., :K1].sum(-1) - r[..., K1:].sum(-1)


def train(net, x, y, c):
    opt = torch.optim.SGD(net.parameters(), lr=c["lr"])
    n = x.shape[0]
    for _ in range(c["epochs"]):
        perm = torch.randperm(n)
        for i in range(0, n, c["batch"]):
            idx = perm[i:i + c["batch"]]
            loss = torch.exp(-y[idx] * net(x[idx])).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()


def pgd_l2(net, x, y, radius, c):
    """The paper's attack: l2 PGD on exp(-y f) from zero, fixed step, projection onto the ball."""
    delta = torch.zeros_like(x, requires_grad=True)
    for _ in range(c["pgd_steps"]):
        loss = torch.exp(-y * net(x + delta)).sum()
        g, = torch.autograd.grad(loss, delta)
        with torch.no_grad():
            delta += c["pgd_step"] * g / g.norm(dim=1, keepdim=True).clamp_min(1e-12)
            norm = delta.norm(dim=1, keepdim=True)
            delta *= torch.clamp(radius / norm.clamp_min(1e-12), max=1.0)
    with torch.no_grad():
        return (y * net(x + delta) > 0).float().mean().item()


def distance(net, c, p, gen):
    """max over the unit sphere of |s f(x) - F^(p)(x)|, by normalized gradient ascent from random starts (the best of
    dist_repeats rounds)."""
    with torch.no_grad():
        xs, _ = subclass_data(c["D"], c["K"], c["K1"], 0.1, 1000, gen)
        f, g = net(xs), ideal(xs, c["K"], c["K1"], p)
        s = (f * g).mean() / (f * f).mean()
    best = 0.0
    for _ in range(c.get("dist_repeats", 1)):
        x = torch.randn(c["dist_starts"], c["D"], generator=gen)
        x = (x / x.norm(dim=1, keepdim=True)).requires_grad_(True)
        for _ in range(c["dist_steps"]):
            gap = ((s * net(x) - ideal(x, c["K"], c["K1"], p)) ** 2).sum()
            g, = torch.autograd.grad(gap, x)
            with torch.no_grad():
                x += c["dist_step"] * g / g.norm(dim=1, keepdim=True).clamp_min(1e-12)
                x /= x.norm(dim=1, keepdim=True)
        with torch.no_grad():
            best = max(best, (s * net(x) - ideal(x, c["K"], c["K1"], p)).abs().max().item())
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="fig2-scaled", choices=sorted(CONFIGS))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: leave PyTorch's default)")
    ap.add_argument("--skip-attack", action="store_true")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    c = CONFIGS[args.config]
    dev = torch.device(args.device)
    torch.set_default_device(dev) if hasattr(torch, "set_default_device") else None
    timings = {"train": 0.0, "pgd": 0.0, "distance": 0.0}
    results = []
    radii = [c["max_radius"] * i / (c["radii"] - 1) for i in range(c["radii"])]
    for a_i, alpha in enumerate(c["alphas"]):
        for seed in range(c["seeds"]):
            gen = torch.Generator().manual_seed(seed)
            x, y = subclass_data(c["D"], c["K"], c["K1"], alpha, c["n"], gen)
            xt, yt = subclass_data(c["D"], c["K"], c["K1"], alpha, c["pgd_points"], gen)
            for p in c["ps"]:
                torch.manual_seed(seed)
                net = PReLUNet(c["D"], c["h"], p, c["init"])
                t0 = time.perf_counter()
                train(net, x, y, c)
                timings["train"] += time.perf_counter() - t0
                with torch.no_grad():
                    acc = (yt * net(xt) > 0).float().mean().item()
                row = dict(alpha=alpha, seed=seed, p=p, test_acc=acc)
                if not args.skip_attack and a_i == 0:  # the reference attacks the networks of the smallest alpha
                    t0 = time.perf_counter()
                    row["robust_acc"] = [pgd_l2(net, xt, yt, r, c) for r in radii]
                    timings["pgd"] += time.perf_counter() - t0
                # the reference measures the distance of those networks to their own ideal; compare of every network to both
                if not args.skip_attack and (a_i == 0 or c.get("both_ideals")):
                    t0 = time.perf_counter()
                    row["dist"] = distance(net, c, p, gen)
                    if c.get("both_ideals"):
                        row["dist_f"] = distance(net, c, 1.0, gen)
                    timings["distance"] += time.perf_counter() - t0
                results.append(row)
    timings["total"] = sum(timings.values())
    print(json.dumps(dict(config=args.config, method="one network at a time (the paper's way)", device=str(dev),
                          **torch_info.describe(), seconds=timings, networks=results)))


if __name__ == "__main__":
    main()
