#!/usr/bin/env python3
"""APGD (CE or DLR, l-inf or l2) on MNIST with AutoAttack's own implementation, beside `gpuprelu attack` on the same networks.

Trains one shallow pReLU network per p the way the paper's code does (PyTorch, one network at a time: center = mean
training image, Kaiming-uniform W [D, h], nn.Linear output with bias, input normalization, Adam 1e-3, batch 1000,
softmax cross-entropy), writes them as one safetensors file in the reference's state-dict layout with a leading
network axis (`networks.safetensors`, readable by `gpuprelu attack --network`), then attacks the first N images of
the validation split (the last 10000 of the training file) with AutoAttack's APGDAttack (loss 'ce' or 'dlr', norm
'Linf' or 'L2', 100 iterations, 1 restart, seed 0) at every radius, one network and one radius at a time, as AutoAttack is run. Writes
robust_accuracy_autoattack.csv (p, radius, robust_acc, robust_acc_monotone, n, seconds) and prints the gpuprelu
command that attacks the same networks and points.

With --attacks standard it runs AutoAttack's standard evaluation instead (AutoAttack(version='standard'): APGD-CE, APGD-T,
FAB-T, Square, each on the points still robust, one batch of all N points, seed --seed), at every radius: the robust
accuracy after each attack of that sequence (what `gpuprelu attack --attack standard` runs), of the sequence without
FAB-T, and of each attack alone on the clean-correct points (AutoAttack's run_standard_evaluation_individual); written
to ensemble_autoattack.csv (p, radius, sequence, attack, robust_acc, n, seconds), with the gpuprelu commands for the
same numbers.

AutoAttack is not a dependency of the project: install it (pip install git+https://github.com/fra31/auto-attack) or
point --autoattack at a checkout. Runs on the CPU with Debian's python3-torch (1.13).
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

from shallow_prelu import ShallowPreluNet, load_mnist, write_safetensors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist-dir", default="data/mnist")
    ap.add_argument("--autoattack", help="folder holding the autoattack package (default: installed)")
    ap.add_argument("--p", default="1,2,3,4")
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--width", type=int, default=500)
    ap.add_argument("--n-train", type=int, default=50000)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--n", type=int, default=500, help="attacked validation images")
    ap.add_argument("--radii", default="0:0.2:15", help="start:stop:count (np.linspace)")
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--norm", default="Linf", choices=["Linf", "L2"])
    ap.add_argument("--loss", default="ce", choices=["ce", "dlr"])
    ap.add_argument("--attacks", default="apgd", choices=["apgd", "standard"],
                    help="apgd: APGDAttack with --loss; standard: AutoAttack's standard sequence, its parts and each attack alone")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="runs/apgd-autoattack")
    args = ap.parse_args()
    if args.autoattack:
        sys.path.insert(0, args.autoattack)
    from autoattack.autopgd_base import APGDAttack

    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    x, y = load_mnist(args.mnist_dir, args.classes)
    x_train, y_train = x[:args.n_train], y[:args.n_train]
    x_test, y_test = x[50000:50000 + args.n], y[50000:50000 + args.n]
    center = x[:50000].mean(dim=0, keepdim=True)

    ps = [float(v) for v in args.p.split(",")]
    start, stop, count = args.radii.split(":")
    radii = np.linspace(float(start), float(stop), int(count))
    nets, train_s = [], 0.0
    for p in ps:
        torch.manual_seed(args.seed)
        net = ShallowPreluNet(center, args.width, args.classes, p)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        t0 = time.perf_counter()
        for epoch in range(args.epochs):
            perm = torch.randperm(len(x_train))
            for i in range(0, len(perm), 1000):
                idx = perm[i:i + 1000]
                loss = nn.functional.cross_entropy(net(x_train[idx]), y_train[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        train_s += time.perf_counter() - t0
        with torch.no_grad():
            acc = (net(x_test).argmax(1) == y_test).float().mean().item()
        print(f"p={p}: trained {args.epochs} epochs on {args.n_train} images, clean accuracy {acc:.4f} on {args.n}", flush=True)
        nets.append(net.eval())

    tensors = {
        "center": torch.stack([n.center for n in nets]),
        "prelulayer.W": torch.stack([n.prelulayer.W for n in nets]),
        "output_net.weight": torch.stack([n.output_net.weight for n in nets]),
        "output_net.bias": torch.stack([n.output_net.bias for n in nets]),
        "p": torch.tensor(ps),
    }
    write_safetensors(os.path.join(args.out, "networks.safetensors"), tensors, {"normalize_input": "true"})

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS: {blas()}", flush=True)
    if args.attacks == "standard":
        ensemble(args, ps, nets, x_test, y_test, radii)
        return
    rows, attack_s = [], 0.0
    for p, net in zip(ps, nets):
        for param in net.parameters():
            param.requires_grad_(False)
        broken = torch.zeros(args.n, dtype=torch.bool)
        for r in radii:
            t0 = time.perf_counter()
            with torch.no_grad():
                correct = net(x_test).argmax(1) == y_test
            if r > 0:
                attack = APGDAttack(net, n_iter=args.iterations, norm=args.norm, n_restarts=1, eps=float(r), seed=args.seed,
                                    loss=args.loss, rho=0.75, device="cpu")
                adv = attack.perturb(x_test, y_test)
                size = (adv - x_test).abs().amax(1) if args.norm == "Linf" else (adv - x_test).norm(dim=1)
                assert size.max() <= r * (1 + 1e-5) + 1e-6 and adv.min() >= 0 and adv.max() <= 1
                with torch.no_grad():
                    correct &= net(adv).argmax(1) == y_test
            seconds = time.perf_counter() - t0
            attack_s += seconds
            broken |= ~correct
            rows.append((p, r, correct.float().mean().item(), 1 - broken.float().mean().item(), args.n, seconds))
            print(f"p={p} radius {r:.4f}: robust {rows[-1][2]:.4f} (monotone {rows[-1][3]:.4f}), {seconds:.1f} s", flush=True)

    path = os.path.join(args.out, "robust_accuracy_autoattack.csv")
    with open(path + ".tmp", "w") as f:
        f.write("p,radius,robust_acc,robust_acc_monotone,n,seconds\n")
        for row in rows:
            f.write("%g,%.6g,%.6g,%.6g,%d,%.3f\n" % row)
    os.replace(path + ".tmp", path)
    print(f"training {train_s:.1f} s, AutoAttack APGD-{args.loss.upper()} {args.norm} {attack_s:.1f} s for {len(ps)} networks x {len(radii)} radii x {args.n} points")
    print(f"wrote {path}; the same attack here:")
    print(f"  gpuprelu attack --network {args.out}/networks.safetensors --data mnist --split valid --n {args.n} "
          f"--classes {args.classes} --attack apgd-{args.loss} --norm {args.norm.lower()} --radii {args.radii} --steps {args.iterations} "
          "--box 0,1 --out ...")


def blas():
    """The BLAS libblas.so.3 resolves to (Debian's alternatives), else what torch was built with."""
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                if "blas" in line.lower():
                    return line.split()[-1]
    except OSError:
        pass
    return torch.__config__.show().split("BLAS_INFO=")[-1].split(",")[0]


def run_attack(adversary, name, x, y):
    """One attack of AutoAttack's run_standard_evaluation on (x, y), seeded as it seeds them (autoattack.py L183-219)."""
    if name == "apgd-ce":
        adversary.apgd.loss = "ce"
        adversary.apgd.seed = adversary.get_seed()
        return adversary.apgd.perturb(x, y)
    if name == "apgd-t":
        adversary.apgd_targeted.seed = adversary.get_seed()
        return adversary.apgd_targeted.perturb(x, y)
    if name == "fab-t":
        adversary.fab.targeted = True
        adversary.fab.n_restarts = 1
        adversary.fab.seed = adversary.get_seed()
        return adversary.fab.perturb(x, y)
    adversary.square.seed = adversary.get_seed()
    return adversary.square.perturb(x, y)


def sequence(net, adversary, names, x, y, correct):
    """AutoAttack's cascade (autoattack.py L155-236) with one batch: each attack on the points still robust; returns the
    robust accuracy after each attack and its seconds, and each attack's robust flags after it."""
    robust, out, flags = correct.clone(), [], []
    for name in names:
        t0 = time.perf_counter()
        idx = robust.nonzero().squeeze(1)
        if len(idx) > 0:
            adv = run_attack(adversary, name, x[idx], y[idx])
            with torch.no_grad():
                fooled = net(adv).argmax(1) != y[idx]
            robust[idx[fooled]] = False
        out.append((name, robust.float().mean().item(), time.perf_counter() - t0))
        flags.append(robust.clone())
        print(f"  robust accuracy after {name}: {out[-1][1]:.4f} ({out[-1][2]:.1f} s)", flush=True)
    return out, flags


def ensemble(args, ps, nets, x_test, y_test, radii):
    from autoattack import AutoAttack

    norm = args.norm
    x = x_test.reshape(-1, 1, 28, 28)  # Square needs images; the network flattens them
    rows, total = [], 0.0
    for p, net in zip(ps, nets):
        for param in net.parameters():
            param.requires_grad_(False)
        with torch.no_grad():
            correct = net(x).argmax(1) == y_test
        for r in radii[radii > 0]:
            adversary = AutoAttack(net, norm=norm, eps=float(r), version="standard", seed=args.seed, device="cpu", verbose=False)
            steps, flags = sequence(net, adversary, ["apgd-ce", "apgd-t", "fab-t", "square"], x, y_test, correct)
            # the sequence without FAB-T shares the first two steps: its Square runs on what APGD-T left
            no_fab = steps[:2] + sequence(net, adversary, ["square"], x, y_test, flags[1])[0]
            # alone: each attack on every clean-correct point (APGD-CE alone is the sequence's first step)
            alone = [steps[0]] + [sequence(net, adversary, [name], x, y_test, correct)[0][0] for name in ["apgd-t", "fab-t", "square"]]
            for label, part in (("standard", steps), ("no-fab", no_fab), ("alone", alone)):
                for name, acc, seconds in part:
                    rows.append((p, r, label, name, acc, args.n, seconds))
                    total += seconds
                    print(f"p={p} radius {r:.4f} {label}: {name} {acc:.4f} ({seconds:.1f} s)", flush=True)
    path = os.path.join(args.out, "ensemble_autoattack.csv")
    with open(path + ".tmp", "w") as f:
        f.write("p,radius,sequence,attack,robust_acc,n,seconds\n")
        for row in rows:
            f.write("%g,%.6g,%s,%s,%.6g,%d,%.3f\n" % row)
    os.replace(path + ".tmp", path)
    print(f"AutoAttack {total:.1f} s in all; wrote {path}; the same here:")
    common = (f"gpuprelu attack --network {args.out}/networks.safetensors --data mnist --split valid --n {args.n} "
              f"--classes {args.classes} --norm {norm.lower()} --radii {args.radii} --box 0,1 --seed {args.seed}")
    print(f"  {common} --attack standard --out ...")
    for name in ["apgd-ce", "apgd-t", "fab-t", "square"]:
        print(f"  {common} --attack {name} --out ...")


if __name__ == "__main__":
    main()
