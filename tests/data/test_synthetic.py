"""The embedded synthetic faces (reportgen/data/synthetic.py, drawn by
reportgen/data/synthetic_draw.py): deterministic, well-formed, masks where the parts are,
learnable."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.data.classes import IMAGE_SIZE, NUM_CLASSES
from reportgen.data.synthetic import SyntheticFaces, generate_faces, synthetic_dataset
from reportgen.data.synthetic_params import CLASS_FREQUENCIES
from reportgen.data.types import REGIONS, Dataset

N = 2500  # 2000 to train the tiny CNN on, 500 to hold out
DISGUST = 1


@pytest.fixture(scope="module")
def faces() -> SyntheticFaces:
    return generate_faces(N, seed=11)


def test_same_seed_same_arrays_other_seed_other_arrays():
    a, b, c = generate_faces(40, seed=3), generate_faces(40, seed=3), generate_faces(40, seed=4)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    for region in REGIONS:
        np.testing.assert_array_equal(a.masks[region], b.masks[region])
    assert not np.array_equal(a.images, c.images)


def test_shapes_and_dtypes(faces):
    assert faces.images.shape == (N, IMAGE_SIZE, IMAGE_SIZE)
    assert faces.images.dtype == np.uint8
    assert faces.labels.shape == (N,)
    assert faces.labels.dtype == np.int64
    assert set(np.unique(faces.labels)) == set(range(NUM_CLASSES))
    assert tuple(faces.masks) == REGIONS
    for mask in faces.masks.values():
        assert mask.shape == faces.images.shape
        assert mask.dtype == bool
    # not blank, not saturated
    assert 60 < faces.images.mean() < 190
    assert faces.images.std(axis=(1, 2)).min() > 5


def test_empty_batch():
    empty = generate_faces(0)
    assert empty.images.shape == (0, IMAGE_SIZE, IMAGE_SIZE)
    assert empty.labels.shape == (0,)


def test_label_frequencies_like_fer(faces):
    observed = np.bincount(faces.labels, minlength=NUM_CLASSES) / N
    np.testing.assert_allclose(observed, CLASS_FREQUENCIES, atol=0.03)
    assert observed.argmin() == DISGUST


def test_masks_non_empty_inside_and_disjoint(faces):
    for region, mask in faces.masks.items():
        assert mask.any(axis=(1, 2)).all(), f"{region}: some image has no {region} pixels"
        border = mask.copy()
        border[:, 2:-2, 2:-2] = False
        assert not border.any(), f"{region} reaches the image border"
    for i, first in enumerate(REGIONS):
        for second in REGIONS[i + 1 :]:
            assert not (faces.masks[first] & faces.masks[second]).any(), (first, second)


def _mean_inside(images: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (images * mask).sum(axis=(1, 2)) / mask.sum(axis=(1, 2))


def test_parts_are_where_the_masks_say(faces):
    images = faces.images.astype(np.float64)
    cheeks = _mean_inside(images, faces.masks["cheeks"])
    for region in ("brows", "mouth"):  # drawn in dark ink on skin
        darker = _mean_inside(images, faces.masks[region]) < cheeks - 3
        assert darker.mean() > 0.85, region


def test_class_not_given_away_by_global_brightness(faces):
    # class means within sampling error (plus a few grey levels: open mouths are dark) of the
    # overall mean, which is tiny against the spread between images
    brightness = faces.images.mean(axis=(1, 2))
    for c in range(NUM_CLASSES):
        mine = brightness[faces.labels == c]
        allowed = 4.0 + 3.0 * brightness.std() / np.sqrt(len(mine))
        assert abs(mine.mean() - brightness.mean()) < allowed, c
    assert brightness.std() > 15


def test_synthetic_dataset():
    a, b = synthetic_dataset(30, seed=2), synthetic_dataset(30, seed=2)
    assert isinstance(a, Dataset)
    assert a.source == "synthetic" and a.synthetic
    assert len(a.train) == 30 and a.tests == {} and a.unlabelled is None
    assert set(a.masks) == set(REGIONS)
    assert len(a.fingerprint) == 64 and a.fingerprint == b.fingerprint
    assert synthetic_dataset(30, seed=3).fingerprint != a.fingerprint
    # The faces are byte for byte those every run key was made from (a change to the
    # generator's draws changes this, and every run key with it).
    assert a.fingerprint == "feaca5569bd73820191f05abcdae876a5cc64c7fccc4fb002fd672452d182bb7"


def test_tiny_cnn_learns_it(faces):
    tf = pytest.importorskip("tensorflow")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(2)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # TF already initialized by an earlier test
        pass
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1)),
            layers.Rescaling(1 / 255),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    x = faces.images[..., None].astype(np.float32)
    model.fit(x[:2000], faces.labels[:2000], epochs=6, batch_size=32, verbose=0)
    predicted = model.predict(x[2000:], verbose=0).argmax(axis=1)
    accuracy = (predicted == faces.labels[2000:]).mean()
    majority = np.bincount(faces.labels[2000:]).max() / len(predicted)
    assert accuracy > 0.45 > majority + 0.1, (accuracy, majority)  # measured: 0.61-0.68
