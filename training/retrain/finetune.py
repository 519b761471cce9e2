"""Fine-tunes a model version of the pack on labelled feedback mixed with the original training data.

The starting weights are the current version's own ONNX file: its float
initializers, or, for an int8 QDQ model, its weights dequantized (int8 x
scale per channel). They load into the architecture of training/models.py
with batch norm already folded, as exported. Each epoch holds every feedback
sample (repeated so feedback is about FEEDBACK_SHARE of the epoch, at most
MAX_REPEAT times), a fresh random draw of ORIGINAL training digits (clean or
augmented, as train.py draws them) and training negatives labelled "not a
digit" at train.py's share. The exported weights mix the start's back in as
far as the validation digits need (START_SHARES), against forgetting.
Deterministic: fixed seed, deterministic kernels, two threads. Writes the
fp32 ONNX model and a JSON report.

Usage: /usr/bin/python3 training/retrain/finetune.py --model small|full --start <model.onnx>
       --data <data-dir> --feedback <finetune.samples.json> --out <model.onnx> --report <report.json>
       [--epochs 3] [--original 3000]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from models import REJECT, FullNet, SmallNet, count_parameters, fold_batchnorm  # noqa: E402
from train import NEGATIVE_SHARE, SEED, THREADS, accuracy, export, read_samples, run_epoch, weighted_loss  # noqa: E402

FEEDBACK_SHARE = 0.25
MAX_REPEAT = 8
# Against forgetting (WiSE-FT, Wortsman et al. 2022): the exported weights are the start's and the fine-tuned
# ones mixed, with the least of the start's (the first share here) that keeps the validation digits within
# MAX_VALIDATION_LOSS of the start. Validation chooses; the held-out split stays for the gate.
START_SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_VALIDATION_LOSS = 0.002
# Learning rates below the original training's peaks (3e-3, 6e-3): the start is already trained.
SPECS = {"full": (FullNet, 5e-4, 1.0), "small": (SmallNet, 1e-3, 0.5)}
BATCH = 128


def onnx_weights(path):
    """Float weights by initializer name; QDQ weights (<name>_quantized, _scale, _zero_point) dequantized."""
    graph = onnx.load(path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    axes = {}
    for node in graph.node:
        if node.op_type == "DequantizeLinear":
            axis = next((onnx.helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 1)
            axes[node.input[0]] = axis
    weights = {}
    for name, value in arrays.items():
        if name.endswith("_quantized"):
            base = name[: -len("_quantized")]
            scale = arrays[f"{base}_scale"].astype(np.float64)
            zero = arrays.get(f"{base}_zero_point", np.zeros_like(scale)).astype(np.float64)
            shape = [1] * value.ndim
            if scale.ndim == 1 and value.ndim > 0:
                shape[axes.get(name, 0)] = -1
            weights[base] = ((value.astype(np.float64) - zero.reshape(shape)) * scale.reshape(shape)).astype(np.float32)
        elif value.dtype == np.float32:
            weights[name] = value
    return weights


def load_start(name, path):
    model = fold_batchnorm(SPECS[name][0]())
    weights = onnx_weights(path)
    state = model.state_dict()
    missing = [k for k in state if k not in weights]
    if missing:
        raise SystemExit(f"finetune: {path} has no weights for {', '.join(missing)}: is it a {name} model of training/models.py?")
    model.load_state_dict({k: torch.from_numpy(np.array(weights[k]).reshape(state[k].shape).copy()) for k in state})
    return model


def load_original(data_dir):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    labels = np.fromfile(os.path.join(data_dir, "train-labels.u8"), dtype=np.uint8).astype(np.int64)
    train = np.fromfile(os.path.join(data_dir, "train.u8"), dtype=np.uint8).reshape(meta["copies"], len(labels), 1, 28, 28)
    negatives = np.fromfile(os.path.join(data_dir, "negatives-train.u8"), dtype=np.uint8).reshape(-1, 1, 28, 28)
    x = np.fromfile(os.path.join(data_dir, "validation.f32"), dtype="<f4").reshape(-1, 1, 28, 28)
    y = np.fromfile(os.path.join(data_dir, "validation-labels.u8"), dtype=np.uint8).astype(np.int64)
    return train, labels, negatives, (torch.from_numpy(x.copy()), torch.from_numpy(y))


def epoch_data(train, labels, negatives, feedback, repeat, original, generator):
    copies, n = train.shape[0], train.shape[1]
    rows = torch.randperm(n, generator=generator)[:original].numpy()
    clean = torch.rand(len(rows), generator=generator) < 0.3
    augmented = torch.randint(1, copies, (len(rows),), generator=generator)
    chosen = torch.where(clean, torch.zeros_like(augmented), augmented).numpy()
    negative_count = round(original * NEGATIVE_SHARE / (1 - NEGATIVE_SHARE))
    drawn = torch.randperm(len(negatives), generator=generator)[:negative_count].numpy()
    x = np.concatenate([train[chosen, rows], negatives[drawn]]).astype(np.float32) / 255.0
    y = np.concatenate([labels[rows], np.full(len(drawn), REJECT)])
    fx, fy = feedback
    x = np.concatenate([x] + [fx] * repeat)
    y = np.concatenate([y] + [fy] * repeat)
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def main():
    parser = argparse.ArgumentParser()
    for flag in ["model", "start", "data", "feedback", "out", "report"]:
        parser.add_argument(f"--{flag}", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--original", type=int, default=3000)
    args = parser.parse_args()
    if args.model not in SPECS:
        raise SystemExit(f"finetune: --model must be one of {', '.join(SPECS)}")
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    started = time.time()

    train, labels, negatives, validation = load_original(args.data)
    fb = read_samples(args.feedback).astype(np.float32).reshape(-1, 1, 28, 28)
    fb_labels = np.array(json.load(open(args.feedback))["labels"], dtype=np.int64)
    original = min(args.original, train.shape[1])
    repeat = max(1, min(MAX_REPEAT, round(FEEDBACK_SHARE * original / (1 - FEEDBACK_SHARE) / max(1, len(fb_labels)))))

    model = load_start(args.model, args.start)
    start_weights = {k: v.clone() for k, v in model.state_dict().items()}
    before = accuracy(model, *validation)
    print(f"{args.model}: start {args.start}, validation digits {before * 100:.2f}%", flush=True)
    _, lr, reject_weight = SPECS[args.model]
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = weighted_loss(reject_weight)
    per_epoch = 0
    for epoch in range(args.epochs):
        x, y = epoch_data(train, labels, negatives, (fb, fb_labels), repeat, original, generator)
        per_epoch = len(y)
        # Cosine decay, epoch by epoch, from lr towards a tenth of it (reached after the last epoch).
        for group in optimizer.param_groups:
            group["lr"] = lr * (0.55 + 0.45 * np.cos(np.pi * epoch / max(1, args.epochs)))
        loss = run_epoch(model, optimizer, loss_fn, x, y, generator, BATCH)
        print(
            f"{args.model} epoch {epoch + 1}/{args.epochs}: loss {loss:.4f}, validation digits "
            f"{accuracy(model, *validation) * 100:.2f}% ({time.time() - started:.0f}s)",
            flush=True,
        )
    tuned_weights = {k: v.clone() for k, v in model.state_dict().items()}
    mixes = []
    for share in START_SHARES:
        model.load_state_dict({k: share * start_weights[k] + (1 - share) * tuned_weights[k] for k in tuned_weights})
        mixes.append({"start_share": share, "validation_accuracy": accuracy(model, *validation)})
        if mixes[-1]["validation_accuracy"] >= before - MAX_VALIDATION_LOSS:
            break
    chosen = mixes[-1]
    print(f"{args.model}: start weights mixed in at {chosen['start_share']:.2f}, validation digits {chosen['validation_accuracy'] * 100:.2f}%", flush=True)
    after = chosen["validation_accuracy"]
    export(model, args.out)
    report = {
        "parameters": count_parameters(model),
        "seed": SEED,
        "epochs": args.epochs,
        "learning_rate": lr,
        "reject_loss_weight": reject_weight,
        "feedback": int(len(fb_labels)),
        "feedback_repeat": repeat,
        "original_digits_per_epoch": original,
        "original_negatives_per_epoch": round(original * NEGATIVE_SHARE / (1 - NEGATIVE_SHARE)),
        "samples_per_epoch": per_epoch,
        "validation_accuracy_before": before,
        "validation_accuracy": after,
        "start_share": chosen["start_share"],
        "mixes": mixes,
        "seconds": round(time.time() - started, 1),
    }
    json.dump(report, open(args.report, "w"), indent=2)


if __name__ == "__main__":
    main()
