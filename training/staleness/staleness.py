"""How fast a model goes stale: trains the small architecture on older slices of
a drifting stream and tests it on newer ones (what build.ts wrote), then
prints accuracy against the age of the training data and the retraining
interval it suggests.

For each month t, a SmallNet (training/models.py) learns the training slice of
month t (or, with --cumulative, of months 0..t) for a few epochs, and is
tested on the test slice of every month s >= t. The age is s - t. A fresh
model for month s is the one trained on month s itself; the loss at age a is
the mean, over months s, of fresh accuracy minus the accuracy of the model a
months older on the same test slice. The first age at which that loss exceeds
--tolerance points is where the data has grown too old.
Deterministic: fixed seeds, deterministic kernels, a fixed thread count.

Usage: /usr/bin/python3 training/staleness/staleness.py <data-dir> [--epochs N] [--cumulative] [--tolerance P] [--json FILE]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from models import SmallNet  # noqa: E402

SEED = 1234
THREADS = 2
BATCH = 64
LR = 6e-3


def load(data_dir):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    months, pixels = meta["months"], meta["pixels"]

    def part(name, per_month):
        x = np.fromfile(os.path.join(data_dir, f"{name}.u8"), dtype=np.uint8).reshape(months, per_month, 1, 28, 28)
        y = np.fromfile(os.path.join(data_dir, f"{name}-labels.u8"), dtype=np.uint8).astype(np.int64).reshape(months, per_month)
        assert x.shape[2] * 28 * 28 == pixels
        return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y)

    return meta, part("train", meta["trainPerMonth"]), part("test", meta["testPerMonth"])


def train(x, y, epochs, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = SmallNet()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=1e-4)
    steps = epochs * ((len(y) + BATCH - 1) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LR, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator)
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            optimizer.step()
            schedule.step()
    return model


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(x[i : i + 500]) for i in range(0, len(x), 500)]).argmax(1)
    return (predicted == y).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--cumulative", action="store_true", help="train on every slice up to month t, not on month t alone")
    parser.add_argument("--tolerance", type=float, default=1.0, help="points of accuracy below fresh that make data too old")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    started = time.time()
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    meta, (train_x, train_y), (test_x, test_y) = load(args.data_dir)
    months = meta["months"]
    scope = "months 0..t" if args.cumulative else "month t alone"
    print(
        f"{months} months, {meta['trainPerMonth']} training and {meta['testPerMonth']} test drawings a month; "
        f"SmallNet on {scope}, {args.epochs} epochs, {THREADS} threads",
        flush=True,
    )

    # acc[t][s]: the model trained at month t on month s's test slice (s >= t).
    acc = [[None] * months for _ in range(months)]
    for t in range(months):
        first = 0 if args.cumulative else t
        x = train_x[first : t + 1].reshape(-1, 1, 28, 28)
        y = train_y[first : t + 1].reshape(-1)
        model = train(x, y, args.epochs, SEED + t)
        for s in range(t, months):
            acc[t][s] = accuracy(model, test_x[s], test_y[s])
        print(f"  trained on month {t} ({len(y)} drawings), {time.time() - started:.0f}s", flush=True)

    print("\naccuracy (%) by training month (rows) and age of its training data in months (columns)")
    print("train month " + "".join(f"{a:>7}" for a in range(months)))
    for t in range(months):
        print(f"{t:>11} " + "".join(f"{acc[t][t + a] * 100:>7.2f}" for a in range(months - t)))

    # Loss at age a: on each test month s, the fresh model (trained on s) against the one trained on s - a.
    ages = []
    for a in range(months):
        pairs = [(acc[s][s], acc[s - a][s]) for s in range(a, months)]
        fresh = sum(f for f, _ in pairs) / len(pairs)
        stale = sum(x for _, x in pairs) / len(pairs)
        ages.append({"age": a, "pairs": len(pairs), "fresh": fresh, "stale": stale, "loss": fresh - stale})
    print("\nage (months)  test months  fresh %  this old %  loss (points)")
    for row in ages:
        print(f"{row['age']:>12}  {row['pairs']:>11}  {row['fresh'] * 100:>7.2f}  {row['stale'] * 100:>10.2f}  {row['loss'] * 100:>13.2f}")

    # Judged on the loss as printed (two decimals), so the table and the verdict agree.
    too_old = next((row["age"] for row in ages if round(row["loss"] * 100, 2) > args.tolerance), None)
    if too_old is None:
        verdict = f"accuracy never falls more than {args.tolerance:g} point below fresh within {months - 1} months"
    else:
        keep = max(1, too_old - 1)
        verdict = (
            f"accuracy falls more than {args.tolerance:g} point below fresh at age {too_old} month(s): "
            f"retrain at least every {keep} month(s)" + (" (or more often)" if too_old <= 1 else "")
        )
    print(f"\n{verdict}")
    elapsed = time.time() - started
    print(f"training and testing took {elapsed:.0f}s", flush=True)
    if args.json:
        json.dump(
            {"meta": meta, "epochs": args.epochs, "cumulative": args.cumulative, "tolerance_points": args.tolerance,
             "accuracy": acc, "ages": ages, "too_old_at": too_old, "seconds": elapsed},
            open(args.json, "w"), indent=2,
        )


if __name__ == "__main__":
    main()
