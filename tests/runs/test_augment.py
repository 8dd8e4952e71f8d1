"""reportgen/runs/augment.py's maths: one affine transform per image, output pixel -> input pixel.

The images are float32 (n, 48, 48, 1): rows (y) on axis 1, columns (x) on axis 2. The expected
images are written here by hand with numpy indexing, never from the code's matrices. To know
the amount a transform moves by, its random draws are forced to one end of their range
(`extremes`), or read back from a ramp image whose pixels are their own column number.
"""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.runs.augment import augment_batch
from reportgen.runs.spec import AugmentSpec
from reportgen.tfenv import tensorflow

OFF = AugmentSpec(flip=False, shift=0.0, rotation_degrees=0.0, zoom=0.0)
SIZE = 48


def images(n: int = 6, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, (n, SIZE, SIZE, 1)).astype(np.float32)


def ramp(n: int = 32) -> np.ndarray:
    """Images whose every pixel is its column number (x): a transform's x shows in them."""
    row = np.arange(SIZE, dtype=np.float32)
    return np.broadcast_to(row[None, None, :, None], (n, SIZE, SIZE, 1)).copy()


def augmented(x: np.ndarray, spec: AugmentSpec, seed: tuple[int, int] = (1, 2)) -> np.ndarray:
    tf = tensorflow()
    return augment_batch(tf.constant(x), spec, tf.constant(seed, tf.int64)).numpy()


@pytest.fixture
def extremes(monkeypatch):
    """extremes("max" | "min"): every draw is its range's upper (lower) end. A flip is drawn
    as u < 0.5 from [0, 1): "max" never flips, "min" always does."""
    tf = tensorflow()

    def force(end: str) -> None:
        def uniform(shape, seed, minval=0.0, maxval=None, *args, **kwargs):
            value = (1.0 if maxval is None else maxval) if end == "max" else minval
            return tf.fill(tf.stack(shape), tf.cast(value, tf.float32))

        monkeypatch.setattr(tf.random, "stateless_uniform", uniform)

    return force


def test_an_all_off_spec_returns_the_image_unchanged():
    x = images()
    out = augmented(x, OFF)
    assert out.shape == x.shape and out.dtype == np.float32
    np.testing.assert_array_equal(out, x)


def test_a_flip_mirrors_the_columns(extremes):
    x = images()
    extremes("min")  # every image flipped
    np.testing.assert_allclose(
        augmented(x, AugmentSpec(True, 0.0, 0.0, 0.0)), x[:, :, ::-1], atol=1e-3
    )
    extremes("max")  # none
    np.testing.assert_allclose(augmented(x, AugmentSpec(True, 0.0, 0.0, 0.0)), x, atol=1e-3)


def test_a_random_flip_mirrors_about_half_the_images_and_leaves_the_rest():
    x = images(n=200, seed=3)
    out = augmented(x, AugmentSpec(flip=True, shift=0.0, rotation_degrees=0.0, zoom=0.0))
    same = np.all(np.isclose(out, x, atol=1e-3), axis=(1, 2, 3))
    mirrored = np.all(np.isclose(out, x[:, :, ::-1], atol=1e-3), axis=(1, 2, 3))
    assert np.all(same ^ mirrored)  # each image is one or the other, nothing else
    assert 70 < mirrored.sum() < 130  # half of 200 (a fixed seed: the same count every run)


def test_a_shift_moves_the_pixels_by_the_amount_asked(extremes):
    x = images()
    spec = AugmentSpec(flip=False, shift=0.125, rotation_degrees=0.0, zoom=0.0)  # 6 px of 48
    extremes("max")  # +6 px in x and in y: output (y, x) reads input (y + 6, x + 6)
    np.testing.assert_allclose(augmented(x, spec)[:, :-6, :-6], x[:, 6:, 6:], atol=1e-3)
    extremes("min")  # -6 px: the content moves 6 px down and right
    np.testing.assert_allclose(augmented(x, spec)[:, 6:, 6:], x[:, :-6, :-6], atol=1e-3)


def test_random_shifts_stay_within_the_fraction_asked_and_differ_per_image():
    spec = AugmentSpec(flip=False, shift=0.1, rotation_degrees=0.0, zoom=0.0)  # at most 4.8 px
    out = augmented(ramp(), spec)[..., 0]
    inner = out[:, 8:40, 8:40] - np.arange(8, 40, dtype=np.float32)  # x_in - x: the shift
    shift = inner.mean(axis=(1, 2))
    np.testing.assert_allclose(inner, np.broadcast_to(shift[:, None, None], inner.shape), atol=1e-3)
    assert np.all(np.abs(shift) <= 0.1 * SIZE + 1e-3)
    assert np.abs(shift).max() > 1.0 and len(np.unique(shift.round(3))) > 16


def test_a_rotation_of_90_degrees_is_a_quarter_turn(extremes):
    x = images()
    extremes("max")  # +90 degrees: output (y, x) reads input (x, 47 - y)
    spec = AugmentSpec(flip=False, shift=0.0, rotation_degrees=90.0, zoom=0.0)
    np.testing.assert_allclose(augmented(x, spec), np.rot90(x, k=1, axes=(1, 2)), atol=1e-2)


def test_a_zoom_scales_about_the_centre(extremes):
    extremes("max")  # zoom 0.5: scale 1.5, output x reads input (x - 23.5) / 1.5 + 23.5
    spec = AugmentSpec(flip=False, shift=0.0, rotation_degrees=0.0, zoom=0.5)
    out = augmented(ramp(2), spec)[..., 0]
    expected = (np.arange(SIZE) - 23.5) / 1.5 + 23.5
    np.testing.assert_allclose(out, np.broadcast_to(expected, out.shape), atol=1e-3)


def test_flip_and_shift_are_one_transform_of_the_image(extremes):
    """Composed into one matrix, one resampling: output (y, x) reads input (y - 6, 41 - x),
    the mirror (47 - x) moved by the shift (-6 px in each direction)."""
    x = images()
    extremes("min")  # flipped, shifted by -6 px
    out = augmented(x, AugmentSpec(flip=True, shift=0.125, rotation_degrees=0.0, zoom=0.0))
    ys, xs = np.arange(6, SIZE), np.arange(0, 42)
    expected = x[:, ys - 6][:, :, 41 - xs]
    np.testing.assert_allclose(out[:, 6:, :42], expected, atol=1e-3)


def test_a_seed_repeats_its_transforms_and_another_seed_differs():
    x, spec = images(), AugmentSpec()
    np.testing.assert_array_equal(augmented(x, spec, (5, 6)), augmented(x, spec, (5, 6)))
    assert not np.allclose(augmented(x, spec, (5, 6)), augmented(x, spec, (5, 7)), atol=1.0)
