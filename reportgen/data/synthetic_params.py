"""The synthetic faces' parameters: the class table and the nuisances, drawn for a whole batch.

Units: the face's half-width is 1; x to the right, y down, origin at the face's centre.
Each class moves a few expression parameters away from Neutral. An image's expression is
``neutral + intensity * (class mean - neutral) + noise``, so weak expressions drift towards
Neutral, the class means of the pairs that real FER confuses (sad/neutral, fear/surprise,
angry/disgust) lie close together, and a few ambiguous faces show their look-alike's
expression. Global brightness, face size and pose are drawn independently of the class.
"""

from __future__ import annotations

import numpy as np

# FER2013's training-set class frequencies (Angry, Disgust, Fear, Happy, Sad, Surprise, Neutral).
CLASS_FREQUENCIES: tuple[float, ...] = (0.139, 0.015, 0.143, 0.251, 0.169, 0.112, 0.173)

# Expression parameters: per class mean (label order), then the per-image spread.
#   brow_raise: both brows up (+) or down (-);  brow_tilt: inner ends up (+) or down (-)
#   brow_gap: inner ends drawn together (+);    eye_open: eye height / eye width
#   mouth_curve: corners up (+, smile) or down;  mouth_width: half-width
#   mouth_open: lip gap when the mouth is open (P_OPEN: chance that it is)
#   mouth_skew: one corner raised (Disgust; random side)
EXPRESSION: dict[str, tuple[tuple[float, ...], float]] = {
    "brow_raise": ((-0.05, -0.04, 0.09, 0.01, 0.02, 0.11, 0.00), 0.035),
    "brow_tilt": ((-0.14, -0.11, 0.06, 0.00, 0.08, 0.01, 0.00), 0.035),
    "brow_gap": ((0.04, 0.03, 0.035, 0.00, 0.02, -0.005, 0.00), 0.015),
    "eye_open": ((0.36, 0.36, 0.76, 0.46, 0.42, 0.80, 0.53), 0.08),
    "mouth_curve": ((-0.03, -0.05, -0.03, 0.16, -0.06, 0.00, 0.00), 0.025),
    "mouth_width": ((0.25, 0.27, 0.31, 0.36, 0.27, 0.23, 0.28), 0.03),
    "mouth_open": ((0.09, 0.08, 0.15, 0.13, 0.06, 0.26, 0.05), 0.04),
    "mouth_skew": ((0.00, 0.06, 0.00, 0.00, 0.00, 0.00, 0.00), 0.02),
}
P_OPEN: tuple[float, ...] = (0.2, 0.35, 0.7, 0.5, 0.1, 0.9, 0.05)
NEUTRAL = 6
# Ambiguous faces, as FER's annotators met them: per class, this share of its images shows the
# expression of its look-alike (Angry<->Disgust, Fear<->Surprise, Sad<->Neutral, Happy->Neutral).
# Few angry faces look disgusted: Angry is nine times as frequent, so more would swamp Disgust.
LOOKALIKE: tuple[int, ...] = (1, 0, 5, 6, 6, 2, 4)
P_LOOKALIKE: tuple[float, ...] = (0.015, 0.1, 0.07, 0.04, 0.08, 0.07, 0.06)
# how strongly an image shows its class: uniform from this low end (per class) to INTENSITY_HIGH;
# sad faces are often subtle, which is what makes Sad and Neutral the hardest pair
INTENSITY_LOW: tuple[float, ...] = (0.7, 0.6, 0.7, 0.65, 0.3, 0.6, 1.0)
INTENSITY_HIGH = 1.3

P_HAIR = 0.85
P_HAND = 0.10
P_BAR = 0.07
P_GLASSES = 0.15
P_SUNGLASSES = 0.2  # of the glasses

Params = dict[str, np.ndarray]


def class_probabilities() -> np.ndarray:
    p = np.asarray(CLASS_FREQUENCIES, dtype=np.float64)
    return p / p.sum()


def _normal(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    """Normal, cut at 2.5 sd so that no face part leaves the image."""
    return mean + sd * np.clip(rng.standard_normal(n), -2.5, 2.5)


def draw_params(n: int, rng: np.random.Generator) -> Params:
    """Labels and every per-image parameter, each an array with first axis n.

    The draw order is part of the generator's output: changing it changes the faces.
    """
    labels = rng.choice(len(CLASS_FREQUENCIES), size=n, p=class_probabilities()).astype(np.int64)
    p: Params = {"labels": labels}
    _expression(p, rng, n)
    _identity(p, rng, n)
    _tones(p, rng, n)
    _pose_and_camera(p, rng, n)
    _occluders(p, rng, n)
    return p


def _expression(p: Params, rng: np.random.Generator, n: int) -> None:
    """What the class shows: brows, eyes and mouth, more or less strongly."""
    labels = p["labels"]
    ambiguous = rng.random(n) < np.asarray(P_LOOKALIKE)[labels]
    shown = np.where(ambiguous, np.asarray(LOOKALIKE)[labels], labels)
    intensity = rng.uniform(np.asarray(INTENSITY_LOW)[shown], INTENSITY_HIGH)
    for name, (means, spread) in EXPRESSION.items():
        mean = np.asarray(means)
        base = mean[NEUTRAL] + intensity * (mean[shown] - mean[NEUTRAL])
        p[name] = base + _normal(rng, 0.0, spread, n)
    p["eye_open"] = np.clip(p["eye_open"], 0.12, 1.0)
    p["mouth_width"] = np.clip(p["mouth_width"], 0.15, 0.45)
    is_open = rng.random(n) < np.asarray(P_OPEN)[shown]
    p["mouth_open"] = np.where(is_open, np.clip(p["mouth_open"], 0.02, 0.35), 0.0)
    p["mouth_skew"] *= rng.choice((-1.0, 1.0), size=n)
    p["teeth"] = (rng.random(n) < 0.5) & (p["mouth_open"] > 0.06)


def _identity(p: Params, rng: np.random.Generator, n: int) -> None:
    """Proportions that vary between people, not between expressions."""
    p["eye_x"] = _normal(rng, 0.37, 0.02, n)
    p["eye_y"] = _normal(rng, -0.16, 0.03, n)
    p["eye_w"] = rng.uniform(0.17, 0.21, size=n)
    p["gaze_x"] = _normal(rng, 0.0, 0.03, n)
    p["gaze_y"] = _normal(rng, 0.0, 0.015, n)
    p["brow_y"] = _normal(rng, -0.47, 0.03, n)
    p["brow_arch"] = rng.uniform(0.0, 0.06, size=n)
    p["brow_thick"] = rng.uniform(0.045, 0.075, size=n)
    p["nose_y"] = _normal(rng, 0.30, 0.03, n)
    p["nose_side"] = rng.choice((-1.0, 1.0), size=n)
    p["mouth_y"] = _normal(rng, 0.63, 0.03, n)
    p["face_aspect"] = rng.uniform(1.2, 1.36, size=n)
    p["jaw"] = rng.uniform(0.05, 0.22, size=n)


def _tones(p: Params, rng: np.random.Generator, n: int) -> None:
    """Skin, background, hair and ink, 0..255."""
    p["skin"] = rng.uniform(105, 215, size=n)
    p["background"] = rng.uniform(15, 240, size=n)
    p["bg_texture"] = rng.uniform(3, 35, size=n)[:, None, None] * rng.standard_normal((n, 6, 6))
    p["has_hair"] = rng.random(n) < P_HAIR
    p["hair"] = rng.uniform(10, 160, size=n)
    p["hairline"] = rng.uniform(-0.95, -0.6, size=n)
    p["hair_part"] = rng.uniform(-0.3, 0.3, size=n)
    p["cheek_shade"] = rng.uniform(-12, 12, size=n)
    p["ink"] = rng.uniform(0.15, 0.45, size=n)  # brows, eyelids, lips: this fraction of skin


def _pose_and_camera(p: Params, rng: np.random.Generator, n: int) -> None:
    """Where the face is and how the camera saw it."""
    p["angle"] = np.deg2rad(_normal(rng, 0.0, 6.0, n))
    p["scale"] = 18.0 * rng.uniform(0.92, 1.08, size=n)  # pixels per face unit
    p["shift_x"] = rng.uniform(-2.0, 2.0, size=n)
    p["shift_y"] = rng.uniform(-2.0, 2.0, size=n)
    p["soft"] = rng.uniform(0.7, 1.7, size=n)  # edge width in pixels: the blur
    p["light_x"] = rng.uniform(-0.3, 0.3, size=n)
    p["light_y"] = rng.uniform(-0.3, 0.3, size=n)
    p["contrast"] = rng.uniform(0.65, 1.25, size=n)
    p["noise"] = rng.uniform(1.0, 9.0, size=n)


def _occluders(p: Params, rng: np.random.Generator, n: int) -> None:
    """A hand, a bar or glasses in front of the face."""
    p["has_hand"] = rng.random(n) < P_HAND
    p["hand_xy"] = np.stack([rng.uniform(-0.8, 0.8, n), rng.uniform(0.2, 1.3, n)], axis=1)
    p["hand_ab"] = rng.uniform(0.25, 0.5, size=(n, 2))
    p["hand_angle"] = rng.uniform(0, np.pi, size=n)
    p["hand_tone"] = rng.uniform(0.8, 1.2, size=n)
    p["has_bar"] = rng.random(n) < P_BAR
    p["bar_xy"] = np.stack([rng.uniform(-0.9, 0.9, n), rng.uniform(-0.6, 1.2, n)], axis=1)
    p["bar_angle"] = rng.uniform(0, np.pi, size=n)
    p["bar_width"] = rng.uniform(0.06, 0.16, size=n)
    p["bar_tone"] = rng.uniform(10, 245, size=n)
    p["has_glasses"] = rng.random(n) < P_GLASSES
    p["sunglasses"] = rng.random(n) < P_SUNGLASSES
    p["glasses_r"] = rng.uniform(0.24, 0.3, size=n)
    p["glasses_tone"] = rng.uniform(5, 80, size=n)
