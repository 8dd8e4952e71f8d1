"""The epochs of one run: a single model.fit over the whole schedule, steered by a callback.

The learning rate is computed in the graph, at every step, from the optimizer's step count
and the run's length in steps, which is a variable (RunSchedule: runs/schedule.py's
function, as TensorFlow ops). After each epoch the callback records the history, has the
checkpoint saved (on_epoch: the store's Checkpoint) and, under a budget, asks the planner
how many epochs the run should have now that its epochs have been timed; it sets the
length variable to that, so the decay is laid out again without any Python between the
steps, and fit stops when the run reaches it. One fit for all epochs, not one per epoch:
Keras builds its iterators and callbacks once. The progress bar moves once per step from
a callback Keras calls asynchronously (it does not wait for the step).

Imported only to train: it imports Keras.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import keras

from reportgen.progress import Reporter
from reportgen.runs.schedule import learning_rate
from reportgen.runs.spec import RunSpec
from reportgen.settings.recipe import WARMUP_START

# Under a budget: (epochs done, the seconds each took) -> how many epochs the run should have
# (more than it has done: runs/plan.Pace.replan).
Replan = Callable[[int, Sequence[float]], int]

NO_LIMIT = 1_000_000  # fit's epoch bound; the callback stops the run at its planned length


@keras.saving.register_keras_serializable(package="reportgen")
class RunSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """runs/schedule.learning_rate in the graph: a warm-up of warmup_steps, then a cosine to
    zero at total_steps, which is a variable (set_total: the run re-planned). Saved with the
    checkpoint's optimizer (get_config), so a resumed run goes on with its schedule."""

    def __init__(self, peak: float, warmup_steps: int, total_steps: int, kind: str = "cosine"):
        self.peak, self.warmup, self.kind = float(peak), int(warmup_steps), kind
        self.total = keras.Variable(float(total_steps), dtype="float32", trainable=False)

    def set_total(self, total_steps: int) -> None:
        self.total.assign(float(total_steps))

    def __call__(self, step: Any) -> Any:
        ops = keras.ops
        step = ops.cast(step, "float32")
        if self.kind == "constant":
            return ops.ones_like(step) * self.peak
        # As in schedule.learning_rate: a run re-planned shorter than its warm-up decays in
        # its last step.
        warmup = ops.minimum(float(self.warmup), ops.maximum(self.total - 1.0, 0.0))
        warm = self.peak * (WARMUP_START + (1.0 - WARMUP_START) * step / ops.maximum(1.0, warmup))
        decay = ops.maximum(1.0, self.total - warmup)
        progress = ops.minimum(1.0, (step - warmup) / decay)
        cosine = self.peak * 0.5 * (1.0 + ops.cos(math.pi * progress))
        return ops.where(step < warmup, warm, cosine)

    def get_config(self) -> dict[str, Any]:
        total = round(float(keras.ops.convert_to_numpy(self.total)))
        return {"peak": self.peak, "warmup_steps": self.warmup, "total_steps": total,
                "kind": self.kind}  # fmt: skip


def run_schedule(optimizer: Any) -> RunSchedule:
    """The optimizer's RunSchedule (Keras keeps it in a private attribute, with no getter)."""
    schedule = getattr(optimizer, "_learning_rate", None)
    if not isinstance(schedule, RunSchedule):
        raise TypeError(f"the optimizer's learning rate is not a RunSchedule: {schedule!r}")
    return schedule


class EpochLoop(keras.callbacks.Callback):
    """state: the checkpoint's state (epochs: the run's length; epoch: epochs done; history;
    seconds; warmup_steps), updated in place after every epoch, then handed to on_epoch
    (which writes the checkpoint)."""

    def __init__(
        self,
        spec: RunSpec,
        state: dict[str, Any],
        steps: int,
        on_epoch: Callable[[dict[str, Any]], None],
        replan: Replan | None = None,
        on_step: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.spec, self.state, self.steps = spec, state, steps
        self.on_epoch, self.replan, self.on_step = on_epoch, replan, on_step
        self.mark = self.cpu_mark = 0.0
        self.async_safe = True  # on_train_batch_end only moves the progress bar

    @property
    def schedule(self) -> RunSchedule:
        return run_schedule(self.model.optimizer)

    def rate(self, step: int) -> float:
        s = self.state
        total = s["epochs"] * self.steps
        return learning_rate(
            step, self.spec.learning_rate, s["warmup_steps"], total, self.spec.schedule
        )

    def on_train_begin(self, logs: Any = None) -> None:
        self.schedule.set_total(self.state["epochs"] * self.steps)
        self.mark, self.cpu_mark = time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        if self.on_step is not None:
            self.on_step()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        # An epoch's seconds run from the end of the last one's training to the end of its
        # own validation, so they hold the last checkpoint's writing too.
        now, cpu = time.perf_counter(), time.process_time()
        s, history = self.state, self.state["history"]
        for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
            history.setdefault(name, []).append(float(logs[name]))
        history.setdefault("epoch_seconds", []).append(now - self.mark)
        s["seconds"] += now - self.mark
        s["cpu_seconds"] = s.get("cpu_seconds", 0.0) + cpu - self.cpu_mark
        s["epoch"] += 1
        if self.replan is not None and s["epoch"] < s["epochs"]:
            s["epochs"] = self.replan(s["epoch"], history["epoch_seconds"])
            self.schedule.set_total(s["epochs"] * self.steps)
        history.setdefault("lr", []).append(self.rate(s["epoch"] * self.steps))
        self.mark, self.cpu_mark = now, cpu
        self.on_epoch(s)
        if s["epoch"] >= s["epochs"]:
            self.model.stop_training = True


def fit_epochs(
    model: Any,
    spec: RunSpec,
    state: dict[str, Any],
    data: tuple[Any, Any],
    steps: int,
    report: Reporter,
    label: str,
    on_epoch: Callable[[dict[str, Any]], None],
    replan: Replan | None = None,
    on_step: Callable[[], None] | None = None,
) -> None:
    """Train from state["epoch"] to the run's (possibly re-planned) length. data: the
    training and validation datasets; on_epoch(state): after each epoch (the checkpoint)."""
    task = report.task(f"{label} epoch {state['epoch'] + 1}/{state['epochs']}", total=steps)

    def step_done() -> None:
        report.advance(task)
        if on_step is not None:
            on_step()

    def epoch_done(s: dict[str, Any]) -> None:
        on_epoch(s)
        _epoch_shown(report, task, label, s, steps)

    loop = EpochLoop(spec, state, steps, epoch_done, replan, step_done)
    try:
        if state["epoch"] < state["epochs"]:
            model.fit(
                data[0],
                validation_data=data[1],
                epochs=NO_LIMIT,
                initial_epoch=state["epoch"],
                verbose=0,
                shuffle=False,  # the tf.data pipeline shuffles
                callbacks=[loop],
            )
    finally:
        report.done(task)


def _epoch_shown(report: Reporter, task: Any, label: str, s: dict[str, Any], steps: int) -> None:
    """An epoch's line in the log, and the progress bar set for the next one."""
    h = s["history"]
    report.log(
        f"{label} epoch {s['epoch']}/{s['epochs']}: loss {h['loss'][-1]:.3f}, "
        f"val_loss {h['val_loss'][-1]:.3f}, val_accuracy {h['val_accuracy'][-1]:.3f} "
        f"({h['epoch_seconds'][-1]:.1f} s)"
    )
    if s["epoch"] < s["epochs"]:
        description = f"{label} epoch {s['epoch'] + 1}/{s['epochs']}"
        report.reset(task, total=steps, description=description)
