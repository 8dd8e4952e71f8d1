"""Levers of accuracy per FLOP, screened on the course's data (issue 23).

    python benchmarks/bench_levers.py speed [--laptop] [--only NAME ...]
    python benchmarks/bench_levers.py screen --design NAME --minutes M [--clock cpu|wall]
        [--members N] [--laptop]

speed: seconds of CPU and of wall a training step, for each model design and for the
training loop's two ways of setting the learning rate (a per-step Python callback, as
before issue 23, and the schedule in the graph). screen: one design trained on the 10%
stratified hold-out of train.csv (the project's split, seed 0) for as many epochs as fit in
M minutes of this process's CPU time, or of wall time with --clock wall (planned again
after every epoch from the seconds the epochs took, through the training loop's own
re-planning), then its validation accuracy with flip TTA, its standard error, and the
accuracy of the weights averaged over the last epochs of the cosine (SWA). A screen prints
one JSON line a model (--members N: N models, each 1/N of the time with its own seed, then
the accuracy of their averaged predictions); nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_accuracy import DEFAULT_DATA, LAPTOP, standard_error

# Model designs: convs per block (at 24, 12, 6 px after the space-to-depth stem), filters,
# separable convolutions after a block's first, and the dense layer.
DESIGNS = {
    "full": {"filters": (32, 64, 128), "convs": (2, 2, 2), "dense": 256},
    "lite1": {"filters": (32, 64, 128), "convs": (1, 2, 2), "dense": 256},
    "sep": {"filters": (32, 64, 128), "convs": (2, 2, 2), "dense": 256, "separable": True},
    "twin16": {"filters": (16, 32, 64), "convs": (2, 2, 2), "dense": 128},
    "twin24": {"filters": (24, 48, 96), "convs": (2, 2, 2), "dense": 192},
    # Khaireddin & Chen 2021 (arXiv:2105.03588): SGD with Nesterov momentum was their best
    # optimizer on FER2013 (lr 0.01 at batch 64: 0.02 at 128 here), with the same cosine
    "sgd": {
        "filters": (32, 64, 128),
        "convs": (2, 2, 2),
        "dense": 256,
        "recipe": {"optimizer": "sgd", "learning_rate": 0.02, "weight_decay": 5e-3},
    },
    # Progressive resizing (Howard's fast.ai DAWNBench recipe; Tan & Le 2021, EfficientNetV2,
    # arXiv:2104.00298): the first half of the epochs on 32x32 images (44% of the FLOPs), the
    # rest at 48x48. A flattened head fixes the input size, so both take a global-average head;
    # "gap" is that model at 48x48 all along, to tell the head's effect from the resizing's.
    "gap": {"filters": (32, 64, 128), "convs": (2, 2, 2), "dense": 256, "head": "gap"},
    "prog": {
        "filters": (32, 64, 128),
        "convs": (2, 2, 2),
        "dense": 256,
        "head": "gap",
        "progressive": {"size": 32, "until": 0.5},
    },
    # Random erasing (Zhong et al. 2020, arXiv:1708.04896; in Khaireddin & Chen's FER2013
    # recipe): half the training images get a rectangle of 2-25% of their area, of aspect
    # 0.3-3.3, filled with noise; no FLOPs, a regularizer for runs long enough to overfit.
    "erase": {"filters": (32, 64, 128), "convs": (2, 2, 2), "dense": 256, "erase": 0.5},
    # No augmentation: q3's grids found it costs accuracy below about 14 epochs, which is what
    # --budget 45m gives the CNN on a 2-vCPU AVX2 machine (8-10 epochs).
    "noaug": {"filters": (32, 64, 128), "convs": (2, 2, 2), "dense": 256, "augment": False},
}
SWA_EPOCHS = (3, 5)  # the weights of the last n epochs, averaged


def laptop_env() -> None:
    os.environ.update(LAPTOP)


def base_spec(design: str):
    from reportgen.runs.spec import AugmentSpec, ModelSpec, RunSpec

    d = DESIGNS[design]
    model = ModelSpec(
        kind="cnn", filters=d["filters"], convs_per_block=2, dense_units=d["dense"],
        dropout=0.3, block_dropout=0.1, stem="s2d",
    )  # fmt: skip
    recipe = {"learning_rate": 3e-3, "weight_decay": 0.01, **d.get("recipe", {})}
    augment = AugmentSpec() if d.get("augment", True) else None
    return RunSpec(
        name=design, role="cnn", model=model, normalize=True, augment=augment, epochs=1,
        batch_size=128, **recipe,
    )  # fmt: skip


def build(design: str, mean: float, std: float):
    """The design's Keras model (the profile's CNN layers, with the design's changes)."""
    import keras

    from reportgen.runs.models import _dense_block, _space_to_depth

    d, spec = DESIGNS[design], base_spec(design).model
    gap = d.get("head") == "gap"
    inputs = keras.Input((None, None, 1) if gap else (48, 48, 1))
    x = keras.layers.Normalization(mean=mean, variance=std**2)(inputs)
    x = keras.layers.Lambda(space_to_depth)(x) if gap else _space_to_depth(x)
    for b, (filters, convs) in enumerate(zip(d["filters"], d["convs"], strict=True), start=1):
        for c in range(convs):
            sep = d.get("separable") and c > 0
            layer = keras.layers.SeparableConv2D if sep else keras.layers.Conv2D
            x = layer(filters, 3, padding="same", use_bias=False)(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
        x = keras.layers.Dropout(0.1 * b / 3)(x)
    head = keras.layers.GlobalAveragePooling2D() if gap else keras.layers.Flatten()
    x = _dense_block(spec, head(x), d["dense"], "fc1")
    logits = keras.layers.Dense(7)(x)
    return keras.Model(inputs, keras.layers.Activation("softmax", dtype="float32")(logits))


def space_to_depth(x):
    """The stem for any input size (the profile's reshapes fix it at 48x48)."""
    from reportgen.tfenv import tensorflow

    return tensorflow().nn.space_to_depth(x, 2)


def compiled(design: str, mean: float, std: float, total_steps: int):
    import keras

    from reportgen.runs.loop import RunSchedule
    from reportgen.runs.schedule import warmup_steps
    from reportgen.runs.train import optimizer

    spec = base_spec(design)
    model = build(design, mean, std)
    schedule = RunSchedule(spec.learning_rate, warmup_steps(0.05, total_steps), total_steps)
    model.compile(
        optimizer=optimizer(spec, schedule),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=spec.label_smoothing),
        metrics=["accuracy"],
    )
    return model


def parts(data_path: str):
    from reportgen.data.loader import load_dataset
    from reportgen.runs.train import held_out

    data = load_dataset(data_path)
    return held_out(base_spec("full"), data)


class PerStepRate:
    """The loop before issue 23: the learning rate set from Python before every step."""

    def __new__(cls, steps: int, total: int):
        import keras

        from reportgen.runs.schedule import learning_rate

        class Callback(keras.callbacks.Callback):
            def on_train_batch_begin(self, batch, logs=None):
                rate = learning_rate(batch, 3e-3, round(0.05 * total), total)
                self.model.optimizer.learning_rate.assign(rate)

            def on_train_batch_end(self, batch, logs=None):
                pass

        return Callback()


def speed_one(design: str, loop: str, p, steps: int) -> dict:
    """CPU and wall seconds a training step (after tracing) of design with loop."""
    import keras

    from reportgen.runs.loop import EpochLoop
    from reportgen.runs.pipeline import train_dataset

    keras.utils.set_random_seed(0)
    spec = base_spec(design)
    ds = train_dataset(p.x_train, p.y_train, 128, spec.augment, 0).repeat()
    if loop == "callback":
        model = build(design, p.mean, p.std)
        model.compile(optimizer=keras.optimizers.AdamW(3e-3, weight_decay=0.01),
                      loss="categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
        callback = PerStepRate(steps, 10 * steps)
    else:
        model = compiled(design, p.mean, p.std, 10 * steps)
        state = {"epochs": 10, "epoch": 0, "history": {}, "seconds": 0.0}
        callback = EpochLoop(spec, state, steps, lambda s: None, None, lambda: None)
        callback.on_epoch_end = lambda *a, **k: None  # no validation here
    model.fit(ds, steps_per_epoch=5, epochs=1, verbose=0)  # tracing
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[callback])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"design": design, "loop": loop, "steps": steps, "wall_per_step": wall / steps,
            "cpu_per_step": cpu / steps, "img_per_s": 128 * steps / wall}  # fmt: skip


def speed(args: argparse.Namespace) -> None:
    from reportgen.tfenv import tensorflow

    tensorflow()
    p = parts(args.data)
    for item in args.only:
        design, loop = item.split(":")
        print(json.dumps(speed_one(design, loop, p, args.steps)), flush=True)


def averaged(weights: list[list]) -> list:
    import numpy as np

    return [np.mean(ws, axis=0) for ws in zip(*weights, strict=True)]


def accuracy(model, p) -> tuple[float, float, float]:
    """Validation accuracy with flip TTA, its standard error, and without TTA."""
    from reportgen.runs.pipeline import predict_probs

    tta = float((predict_probs(model, p.x_val, tta_flip=True).argmax(1) == p.y_val).mean())
    plain = float((predict_probs(model, p.x_val).argmax(1) == p.y_val).mean())
    return tta, standard_error(tta, len(p.y_val)), plain


def screen(args: argparse.Namespace) -> None:
    """One JSON line a member (--members N: N models of the design, each trained for 1/N of
    the minutes with its own seed), then, for N > 1, the accuracy of their averaged
    probabilities (flip TTA each)."""
    import numpy as np

    from reportgen.runs.pipeline import predict_probs
    from reportgen.tfenv import tensorflow

    tensorflow()
    p = parts(args.data)
    probs = []
    for member in range(args.members):
        model, figures = screen_one(args, p, member, args.minutes / args.members)
        print(json.dumps({"member": member, **figures}), flush=True)
        probs.append(predict_probs(model, p.x_val, tta_flip=True))
    if args.members > 1:
        acc = float((np.mean(probs, axis=0).argmax(1) == p.y_val).mean())
        print(json.dumps({"design": args.design, "members": args.members, "val_tta": acc,
                          "se": standard_error(acc, len(p.y_val))}), flush=True)  # fmt: skip


def screen_one(args: argparse.Namespace, p, seed: int, minutes: float) -> tuple:
    import keras

    from reportgen.progress import Reporter
    from reportgen.runs.loop import fit_epochs
    from reportgen.runs.pipeline import eval_dataset, train_dataset
    from reportgen.runs.train import new_state, steps_per_epoch

    spec = base_spec(args.design)
    keras.utils.set_random_seed(seed)
    steps = steps_per_epoch(spec, len(p.y_train))
    first = args.epochs or 8
    model = compiled(args.design, p.mean, p.std, first * steps)
    state = new_state(spec.with_(epochs=first), steps)
    kept: list = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    phases = Phases(DESIGNS[args.design].get("progressive"), clock)

    def keep(s: dict) -> None:
        kept.append(model.get_weights())
        del kept[: -max(SWA_EPOCHS)]
        phases.epoch_done(s)

    def replan(done: int, seconds) -> int:
        return phases.replan(done, minutes * 60) if not args.epochs else first

    train = train_dataset(p.x_train, p.y_train, 128, spec.augment, seed)
    if DESIGNS[args.design].get("erase"):
        train = train.map(lambda x, y: (erased(x, DESIGNS[args.design]["erase"]), y))
    datasets = (phases.resized(train), eval_dataset(p.x_val, p.y_val, 256, one_hot=True))
    fit_epochs(model, spec, state, datasets, steps, Reporter(), args.design, keep, replan)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return model, screen_figures(args, minutes, model, p, state, kept, (cpu, wall), phases)


def erased(x, p: float):
    """A batch of 48x48 images, each erased with probability p (random erasing)."""
    from reportgen.tfenv import tensorflow

    tf = tensorflow()
    n, side = tf.shape(x)[0], 48.0
    area = tf.random.uniform([n], 0.02, 0.25) * side * side
    aspect = tf.exp(tf.random.uniform([n], math.log(0.3), math.log(3.3)))
    h, w = tf.sqrt(area * aspect), tf.sqrt(area / aspect)
    cy, cx = tf.random.uniform([n], 0.0, side), tf.random.uniform([n], 0.0, side)
    grid = tf.range(side)
    rows = tf.abs(grid[None, :] - cy[:, None]) < h[:, None] / 2
    cols = tf.abs(grid[None, :] - cx[:, None]) < w[:, None] / 2
    chosen = tf.random.uniform([n]) < p
    mask = rows[:, :, None] & cols[:, None, :] & chosen[:, None, None]
    return tf.where(mask[..., None], tf.random.uniform(tf.shape(x), 0.0, 255.0), x)


class Phases:
    """The training images' size epoch by epoch: progressive = {"size", "until"} trains at
    size until that fraction of the planned epochs, then at 48x48 (None: 48 all along). The
    size is a variable the input pipeline reads; Keras makes a new iterator every epoch, so
    a change made after an epoch holds for the whole next one. The planner counts each
    phase at its own cost an epoch (before the first 48x48 epoch, the small one's scaled by
    the pixels), so that the run ends on its budget."""

    def __init__(self, progressive: dict | None, clock) -> None:
        from reportgen.tfenv import tensorflow

        self.tf, self.progressive, self.clock = tensorflow(), progressive, clock
        self.size = self.tf.Variable(progressive["size"] if progressive else 48)
        self.costs: dict[int, list[float]] = {}
        self.mark = clock()

    def resized(self, dataset):
        if self.progressive is None:
            return dataset
        tf = self.tf
        return dataset.map(lambda x, y: (tf.image.resize(x, (self.size, self.size)), y))

    def record(self, done: int) -> None:
        """The last epoch's cost, once (the loop re-plans before it calls on_epoch)."""
        if sum(map(len, self.costs.values())) < done:
            now, size = self.clock(), int(self.size.numpy())
            self.costs.setdefault(size, []).append(now - self.mark)
            self.mark = now

    def epoch_done(self, state: dict) -> None:
        self.record(state["epoch"])
        if self.progressive and state["epoch"] >= self.progressive["until"] * state["epochs"]:
            self.size.assign(48)

    def mean_costs(self) -> dict[int, float]:
        """An epoch's mean cost at each size trained so far."""
        return {size: sum(c) / len(c) for size, c in self.costs.items()}

    def replan(self, done: int, budget_seconds: float) -> int:
        self.record(done)
        mean = self.mean_costs()
        big = mean.get(48) or next(iter(mean.values())) * (48 / next(iter(mean))) ** 2
        small = mean.get(self.progressive["size"], big) if self.progressive else big
        share = self.progressive["until"] if self.progressive else 0.0
        n = math.floor(budget_seconds / (share * small + (1 - share) * big))
        return max(done + 1, n)


def screen_figures(args, minutes, model, p, state, kept, times, phases) -> dict:
    tta, se, plain = accuracy(model, p)
    cpu, wall = times
    out = {"design": args.design, "clock": args.clock, "minutes": minutes,
           "epoch_seconds_by_size": phases.mean_costs(), "epochs": state["epoch"],
           "val_tta": tta, "se": se,
           "val_plain": plain, "cpu_s": cpu, "wall_s": wall, "cpu_per_epoch": cpu / state["epoch"],
           "img_per_s": len(p.y_train) * state["epoch"] / wall, "cpu_per_wall": cpu / wall,
           "val_acc_by_epoch": state["history"]["val_accuracy"]}  # fmt: skip
    last = model.get_weights()
    for n in SWA_EPOCHS:
        if len(kept) >= n:
            model.set_weights(averaged(kept[-n:]))
            out[f"swa{n}_tta"] = accuracy(model, p)[0]
    model.set_weights(last)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("speed", "screen"))
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--laptop", action="store_true", help="AVX2, float32, 2 threads")
    parser.add_argument("--only", nargs="*", default=["full:callback", "full:graph"])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--design", default="full", choices=sorted(DESIGNS))
    parser.add_argument("--minutes", type=float, default=10.0, help="the screen's budget")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="of the budget")
    parser.add_argument("--epochs", type=int, default=0, help="a set length instead")
    parser.add_argument("--members", type=int, default=1, help="models averaged, 1/N the time each")
    args = parser.parse_args()
    if args.laptop:
        laptop_env()
        print(json.dumps({"laptop": LAPTOP}), flush=True)
    speed(args) if args.what == "speed" else screen(args)


if __name__ == "__main__":
    main()
