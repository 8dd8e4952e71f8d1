"""The learning-rate schedule as a pure function of the step and the run's current length.

A linear warm-up from WARMUP_START x the peak, then a cosine decay that reaches zero at the
last step of the last epoch. The warm-up's length is set once, when the run starts; the
decay is laid out again whenever the budget re-plans the run's length (runs/plan.py), so
whatever length the run ends with, its schedule ends at zero there: no run is cut off.
"""

from __future__ import annotations

import math

from reportgen.settings.recipe import WARMUP_START


def warmup_steps(warmup_fraction: float, total_steps: int) -> int:
    """The warm-up's length in steps, from the run's first planned length."""
    return round(warmup_fraction * total_steps)


def learning_rate(step: int, peak: float, warmup: int, total: int, kind: str = "cosine") -> float:
    """The rate for training step `step` (0-based; step == total gives the rate after the
    last step: zero for the cosine)."""
    if kind == "constant":
        return peak
    # A re-plan may make the run shorter than its warm-up: the decay then takes its last step.
    warmup = min(warmup, max(total - 1, 0))
    if step < warmup:
        return peak * (WARMUP_START + (1.0 - WARMUP_START) * step / warmup)
    decay = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / decay)
    return peak * 0.5 * (1.0 + math.cos(math.pi * progress))
