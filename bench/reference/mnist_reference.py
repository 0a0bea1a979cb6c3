#!/usr/bin/python3
"""The MNIST experiment (paper §5.2, Figure 3) the way the paper's PyTorch code runs it: one network at a time, a
Python loop over mini-batches, metrics after every epoch.

Written for GpuPRelu's benchmarks (not the authors' code): the model and training of docs/design.md §2-3 (center = mean
training image, Kaiming-uniform W [D, h], nn.Linear output with bias, input normalization, softmax cross-entropy,
Adam 1e-3, batch 1000, the first 50000 training images for training and the last 10000 for testing), and per epoch
the train loss, train and test accuracy and the stable ranks ||H||_F^2/||H||_2^2 of the hidden features of the first
`--rank-samples` training images and of W. With --autoattack, APGD-CE l-inf at the given radii on the first --n test
images, one network and one radius at a time (AutoAttack's APGDAttack). Prints per-network lines and one JSON object
of phase timings.

  /usr/bin/python3 bench/reference/mnist_reference.py --classes 2 --p 1,2,3,4 --repeats 1 --epochs 51 [--autoattack DIR]
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn

from shallow_prelu import ShallowPreluNet, load_mnist


def stable_rank(m):
    s = torch.linalg.svdvals(m)
    return (s.square().sum() / s[0].square()).item()


def hidden(net, x):
    u = x - net.center
    w = net.prelulayer.W
    relu = torch.relu(u @ w)
    a = relu * (relu / w.norm(dim=0)) ** (net.p - 1)
    return a / u.norm(dim=1, keepdim=True) ** (net.p - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist-dir", default="data/mnist")
    ap.add_argument("--classes", type=int, default=2)
    ap.add_argument("--p", default="1,2,3,4")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--width", type=int, default=500)
    ap.add_argument("--epochs", type=int, default=51)
    ap.add_argument("--n-train", type=int, default=50000)
    ap.add_argument("--n-test", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--rank-samples", type=int, default=1000)
    ap.add_argument("--autoattack", help="folder holding the autoattack package; without it no attack is run")
    ap.add_argument("--n", type=int, default=1000, help="attacked test images")
    ap.add_argument("--radii", default="0:0.2:15", help="start:stop:count (np.linspace)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    x, y = load_mnist(args.mnist_dir, args.classes)
    x_train, y_train = x[:args.n_train], y[:args.n_train]
    x_test, y_test = x[50000:50000 + args.n_test], y[50000:50000 + args.n_test]
    center = x[:50000].mean(dim=0, keepdim=True)
    times = {"train": 0.0, "metrics": 0.0, "attack": 0.0}
    nets = []
    for p in [float(v) for v in args.p.split(",")]:
        for repeat in range(args.repeats):
            torch.manual_seed(repeat)
            net = ShallowPreluNet(center, args.width, args.classes, p)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            for epoch in range(args.epochs):
                t0 = time.perf_counter()
                perm = torch.randperm(len(x_train))
                total = 0.0
                for i in range(0, len(perm), args.batch):
                    idx = perm[i:i + args.batch]
                    loss = nn.functional.cross_entropy(net(x_train[idx]), y_train[idx])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += loss.item() * len(idx)
                t1 = time.perf_counter()
                with torch.no_grad():
                    train_acc = (net(x_train).argmax(1) == y_train).float().mean().item()
                    test_acc = (net(x_test).argmax(1) == y_test).float().mean().item()
                    rank_h = stable_rank(hidden(net, x_train[:args.rank_samples]))
                    rank_w = stable_rank(net.prelulayer.W)
                times["train"] += t1 - t0
                times["metrics"] += time.perf_counter() - t1
            print(f"p={p} repeat {repeat}: loss {total / len(x_train):.4f}, train {train_acc:.4f}, test {test_acc:.4f}, "
                  f"stable rank H {rank_h:.2f}, W {rank_w:.2f}", flush=True)
            nets.append((p, net.eval()))

    if args.autoattack:
        sys.path.insert(0, args.autoattack)
        from autoattack.autopgd_base import APGDAttack
        start, stop, count = args.radii.split(":")
        xa, ya = x_test[:args.n], y_test[:args.n]
        t0 = time.perf_counter()
        for p, net in nets:
            for param in net.parameters():
                param.requires_grad_(False)
            line = []
            for r in np.linspace(float(start), float(stop), int(count)):
                with torch.no_grad():
                    correct = net(xa).argmax(1) == ya
                if r > 0:
                    adv = APGDAttack(net, n_iter=100, norm="Linf", eps=float(r), loss="ce", device="cpu").perturb(xa, ya)
                    with torch.no_grad():
                        correct &= net(adv).argmax(1) == ya
                line.append(f"{r:.3g}:{correct.float().mean().item():.3f}")
            print(f"p={p}: robust accuracy {' '.join(line)}", flush=True)
        times["attack"] = time.perf_counter() - t0
    print(json.dumps({k: round(v, 2) for k, v in times.items()}))


if __name__ == "__main__":
    main()
