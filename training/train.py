"""Trains the full and the small digit classifiers and exports them to ONNX.

Reads what training/data/build.ts wrote (every input already through the app's
preprocessing) and writes <out>/full.onnx, <out>/small-fp32.onnx,
<out>/reference.json (PyTorch outputs on the first validation inputs) and <out>/train-report.json.
Deterministic: fixed seeds, deterministic kernels, a fixed thread count.

Usage: /usr/bin/python3 training/train.py <data-dir> <out-dir>
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

from models import FullNet, SmallNet, count_parameters, fold_batchnorm

SEED = 1234
PIXELS = 784
THREADS = 2


def load(data_dir):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    copies = meta["copies"]
    train_labels = np.fromfile(os.path.join(data_dir, "train-labels.u8"), dtype=np.uint8).astype(np.int64)
    n = len(train_labels)
    train = np.fromfile(os.path.join(data_dir, "train.u8"), dtype=np.uint8).reshape(copies, n, 1, 28, 28)
    parts = {}
    # The held-out split is never read here: it is measured only once the pack is built.
    for part in ("validation",):
        x = np.fromfile(os.path.join(data_dir, f"{part}.f32"), dtype="<f4").reshape(-1, 1, 28, 28)
        y = np.fromfile(os.path.join(data_dir, f"{part}-labels.u8"), dtype=np.uint8).astype(np.int64)
        parts[part] = (torch.from_numpy(x.copy()), torch.from_numpy(y))
    return train, torch.from_numpy(train_labels), parts


def epoch_batch_source(train, generator, clean_share=0.3):
    """Per sample, the clean copy with probability clean_share, else a random augmented copy."""
    copies, n = train.shape[0], train.shape[1]
    pick_clean = torch.rand(n, generator=generator) < clean_share
    augmented = torch.randint(1, copies, (n,), generator=generator)
    chosen = torch.where(pick_clean, torch.zeros_like(augmented), augmented).numpy()
    x = train[chosen, np.arange(n)].astype(np.float32) / 255.0
    return torch.from_numpy(x)


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i : i + 500]) for i in range(0, len(x), 500)])
    return (logits.argmax(1) == y).float().mean().item(), logits


def train_model(name, model, train, labels, parts, epochs, lr):
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    batch = 128
    steps = epochs * ((len(labels) + batch - 1) // batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    started = time.time()
    for epoch in range(epochs):
        model.train()
        x = epoch_batch_source(train, generator)
        order = torch.randperm(len(labels), generator=generator)
        total = 0.0
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), labels[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(idx)
        val_acc, _ = accuracy(model, *parts["validation"])
        print(f"{name} epoch {epoch + 1}/{epochs} loss {total / len(labels):.4f} validation {val_acc * 100:.2f}% ({time.time() - started:.0f}s)", flush=True)
    return model


def export(model, path):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(
        model, dummy, path,
        input_names=["pixels"], output_names=["logits"],
        dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=17, do_constant_folding=True,
    )


def main():
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    train, labels, parts = load(data_dir)

    report = {}
    reference_inputs = parts["validation"][0][:16]
    reference = {"inputs": reference_inputs.reshape(16, -1).tolist(), "outputs": {}}
    specs = [("full", FullNet(), 24, 3e-3), ("small", SmallNet(), 30, 6e-3)]
    for name, model, epochs, lr in specs:
        torch.manual_seed(SEED)
        model = train_model(name, model, train, labels, parts, epochs, lr)
        val_acc, _ = accuracy(model, *parts["validation"])
        model = fold_batchnorm(model)
        val_folded, _ = accuracy(model, *parts["validation"])
        assert abs(val_folded - val_acc) < 1e-3, f"folding batch norm changed {name}'s accuracy"
        report[name] = {"parameters": count_parameters(model), "epochs": epochs, "validation_accuracy": val_acc}
        print(f"{name}: {count_parameters(model)} parameters (as exported), validation {val_acc * 100:.2f}%", flush=True)
        file = "full.onnx" if name == "full" else "small-fp32.onnx"
        export(model, os.path.join(out_dir, file))
        with torch.no_grad():
            reference["outputs"][name] = model(reference_inputs).tolist()

    json.dump(reference, open(os.path.join(out_dir, "reference.json"), "w"))
    json.dump(report, open(os.path.join(out_dir, "train-report.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
