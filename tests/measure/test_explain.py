"""The explanation methods, checked against the synthetic faces' ground truth.

One small CNN in the project's style (conv -> BatchNorm -> ReLU blocks, Flatten, Dense) is
trained once for the module on synthetic faces, whose classes are decided by the brows,
the eyes and the mouth. Each method's maps must put clearly more than their area's share
of mass on those regions (a map of noise does not), and must change when the model's
weights are randomized (an edge detector's map does not).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

import keras
import numpy as np
import pytest

from reportgen.data.synthetic import generate_faces
from reportgen.data.types import REGIONS
from reportgen.measure.explain.actmax import (
    default_filter_layer,
    filter_spectrum_stats,
    maximize_filters,
)
from reportgen.measure.explain.feature_maps import feature_maps
from reportgen.measure.explain.gradcam import (
    class_means,
    gradcam,
    gradcam_layer,
    last_conv_layer,
    scaled_to_peak,
)
from reportgen.measure.explain.lime_explain import (
    explain_image,
    face_segments,
    lime_explain,
    lime_overlay,
    make_classifier_fn,
)
from reportgen.measure.explain.metrics import mass_in_regions, pointing_game
from reportgen.measure.explain.regions import fer_face_regions, union
from reportgen.measure.explain.saliency import smoothgrad, vanilla_saliency
from tests.explain_checks import edge_map, mass_ratio, randomized_model, spearman

N_TRAIN = 2000
N_EVAL = 48
N_LIME = 12
LIME_SAMPLES = 300
# A map points at the deciding regions when its mass there is this many times their area.
POINTS_THERE = 1.3
# The trained and the randomized model's maps: at most this rank correlation.
UNLIKE = 0.5


def tiny_cnn(mean: float, std: float) -> keras.Model:
    inputs = keras.Input((48, 48, 1))
    x = keras.layers.Normalization(mean=mean, variance=std**2)(inputs)
    for b, filters in enumerate((8, 16), start=1):
        x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"block{b}_conv1")(
            x
        )
        x = keras.layers.BatchNormalization(name=f"block{b}_bn1")(x)
        x = keras.layers.Activation("relu", name=f"block{b}_relu1")(x)
        x = keras.layers.MaxPooling2D(name=f"block{b}_pool")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(32, activation="relu", name="fc1")(x)
    logits = keras.layers.Dense(7, name="logits")(x)
    return keras.Model(inputs, keras.layers.Activation("softmax")(logits))


@pytest.fixture(scope="module")
def faces():
    return generate_faces(N_EVAL, seed=1)


@pytest.fixture(scope="module")
def deciding(faces):
    return union(faces.masks, ("brows", "eyes", "mouth"))


@pytest.fixture(scope="module")
def trained():
    train = generate_faces(N_TRAIN, seed=0)
    x = train.images[..., None].astype(np.float32)
    keras.utils.set_random_seed(0)
    model = tiny_cnn(float(x.mean()), float(x.std()))
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.fit(x, train.labels, epochs=8, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def randomized(trained):
    return randomized_model(trained, seed=0)


def model_dependence(explain, trained: keras.Model, randomized: keras.Model) -> float:
    """The randomization check's measure: the rank correlation of a method's maps for the
    trained and for the randomized model (a method that explains the model: below UNLIKE)."""
    return spearman(explain(trained), explain(randomized))


def test_the_model_learns_the_faces(trained):
    held_out = generate_faces(200, seed=2)
    x = held_out.images[..., None].astype(np.float32)
    pred = trained.predict(x, verbose=0).argmax(axis=1)
    assert (pred == held_out.labels).mean() > 0.45  # measured 0.59-0.73; the largest class: 26%


def test_noise_does_not_point_at_the_deciding_regions(deciding):
    noise = np.random.default_rng(0).random(deciding.shape)
    assert 0.9 < mass_ratio(noise, deciding) < 1.1
    assert mass_ratio(noise, deciding) < POINTS_THERE


@pytest.mark.parametrize("method", ["saliency", "smoothgrad", "gradcam"])
def test_gradient_maps_point_at_the_deciding_regions_and_depend_on_the_model(
    method, trained, randomized, faces, deciding
):
    explain = {
        "saliency": lambda m: vanilla_saliency(m, faces.images, faces.labels),
        "smoothgrad": lambda m: smoothgrad(m, faces.images, faces.labels, samples=10),
        "gradcam": lambda m: gradcam(m, faces.images, faces.labels),
    }[method]
    maps = explain(trained)
    assert maps.shape == (N_EVAL, 48, 48)
    assert maps.dtype == np.float32
    assert mass_ratio(maps, deciding) > POINTS_THERE
    assert model_dependence(explain, trained, randomized) < UNLIKE


def test_lime_points_at_the_deciding_regions_and_depends_on_the_model(
    trained, randomized, faces, deciding
):
    x, y = faces.images[:N_LIME], faces.labels[:N_LIME]
    result = lime_explain(trained, x, y, num_samples=LIME_SAMPLES)
    assert result.maps.shape == (N_LIME, 48, 48)
    assert len(result.weights) == N_LIME
    for segments, weights, lime_map in zip(
        result.segments, result.weights, result.maps, strict=True
    ):
        assert len(weights) == segments.max() + 1
        np.testing.assert_allclose(lime_map, weights[segments], rtol=1e-6)
    assert mass_ratio(result.maps, deciding[:N_LIME]) > POINTS_THERE
    other = lime_explain(randomized, x, y, num_samples=LIME_SAMPLES)
    assert spearman(result.maps, other.maps) < UNLIKE


def test_an_edge_detector_points_at_the_regions_but_fails_the_randomization_check(
    trained, randomized, faces, deciding
):
    # The brows, eyes and mouth are where a face's edges are: the region check alone would
    # take an edge detector for an explanation of the model.
    assert mass_ratio(edge_map(faces.images), deciding) > POINTS_THERE
    # Its map ignores the model, so the randomization check refuses it: the same map for the
    # trained and the randomized model, where the gradient maps differ (the test above).
    assert model_dependence(lambda model: edge_map(faces.images), trained, randomized) >= UNLIKE
    # ... and spearman tells one face's edges from another's: the check is not always 1.
    assert spearman(edge_map(faces.images), edge_map(faces.images[::-1])) < 0.9


def test_randomized_model_keeps_the_architecture_and_the_input_scaling(trained, randomized):
    names = [layer.name for layer in trained.layers[1:]]  # past the input layer
    assert [layer.name for layer in randomized.layers[1:]] == names
    pixels = np.linspace(0, 255, 48 * 48, dtype=np.float32).reshape(1, 48, 48, 1)
    np.testing.assert_allclose(randomized.layers[1](pixels), trained.layers[1](pixels))
    bn = trained.get_layer("block1_bn1").non_trainable_weights  # the moving statistics
    same = randomized.get_layer("block1_bn1").non_trainable_weights
    for a, b in zip(bn, same, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    kernel = trained.get_layer("block1_conv1").get_weights()[0]
    assert not np.allclose(kernel, randomized.get_layer("block1_conv1").get_weights()[0])
    again = randomized_model(trained, seed=0).get_layer("block1_conv1").get_weights()[0]
    np.testing.assert_array_equal(again, randomized.get_layer("block1_conv1").get_weights()[0])


def test_smoothgrad_is_seeded_and_independent_of_the_batch_size(trained, faces):
    x, y = faces.images[:5], faces.labels[:5]
    a = smoothgrad(trained, x, y, samples=6, seed=3, batch_size=256)
    b = smoothgrad(trained, x, y, samples=6, seed=3, batch_size=6)
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    assert not np.allclose(a, smoothgrad(trained, x, y, samples=6, seed=4))


def test_saliency_is_the_gradient_of_the_logit(trained, faces):
    image = faces.images[:1].astype(np.float32)
    cls = int(faces.labels[0])
    logit = keras.Model(trained.inputs[0], trained.get_layer("logits").output)
    sal = vanilla_saliency(trained, image, cls)[0]
    row, col = np.unravel_index(sal.argmax(), sal.shape)
    step = 0.5
    up, down = image.copy(), image.copy()
    up[0, row, col] += step
    down[0, row, col] -= step
    numeric = (logit(up[..., None])[0, cls] - logit(down[..., None])[0, cls]) / (2 * step)
    assert abs(float(numeric)) == pytest.approx(sal[row, col], rel=0.05)


def test_gradcam_shape_range_and_layer(trained, faces):
    maps = gradcam(trained, faces.images[:6], faces.labels[:6])
    assert maps.shape == (6, 48, 48)
    assert maps.min() >= 0.0
    assert maps.max() <= 1.0
    peaks = maps.max(axis=(1, 2))
    assert np.all(np.isclose(peaks, 1.0) | (peaks == 0.0))
    assert last_conv_layer(trained) == "block2_conv1"
    assert gradcam_layer(trained) == "block2_relu1"
    by_class = class_means(gradcam(trained, faces.images, faces.labels), faces.labels, 7)
    assert by_class.shape == (7, 48, 48)
    assert by_class.min() >= 0.0
    assert by_class.max() <= 1.0


def test_maps_scaled_to_their_peak_and_averaged_per_class():
    maps = np.zeros((3, 4, 4), dtype=np.float32)
    maps[0, 1, 2], maps[0, 3, 3] = 2.0, 0.5
    maps[2, 0, 0] = 0.25
    scaled = scaled_to_peak(maps)
    assert scaled.dtype == np.float32
    assert scaled[0, 1, 2] == 1.0 and scaled[0, 3, 3] == 0.25
    assert scaled[2, 0, 0] == 1.0
    assert not scaled[1].any()  # zero everywhere stays zero, no division by zero
    means = class_means(scaled, np.array([4, 4, 1]), 7)
    assert means.shape == (7, 4, 4)
    np.testing.assert_allclose(means[4], (scaled[0] + scaled[1]) / 2)
    np.testing.assert_array_equal(means[1], scaled[2])
    assert not means[[0, 2, 3, 5, 6]].any()  # classes without an image


def test_activation_maximization_raises_every_filters_activation(trained):
    assert default_filter_layer(trained) == "block2_conv1"
    result = maximize_filters(trained, steps=100, seed=0)
    assert result.block == ("block2_conv1", "block2_bn1", "block2_relu1")
    assert result.images.shape == (16, 48, 48)
    assert result.images.min() >= 0.0
    assert result.images.max() <= 255.0
    # measured: every filter at least 5x its activation on the random start, median 15x
    assert np.all(result.activation_end >= 3.0 * result.activation_start)
    gain = result.activation_end / np.maximum(result.activation_start, 1e-6)
    assert np.median(gain) >= 6.0
    shorter = maximize_filters(trained, steps=30, seed=0)
    assert result.activation_end.mean() > shorter.activation_end.mean()


def test_activation_maximization_of_a_conv_with_its_own_relu():
    keras.utils.set_random_seed(1)
    inputs = keras.Input((48, 48, 1))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu", name="c1")(x)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="c2")(x)
    logits = keras.layers.Dense(7, name="logits")(keras.layers.GlobalAveragePooling2D()(x))
    model = keras.Model(inputs, keras.layers.Activation("softmax")(logits))
    result = maximize_filters(model, layer="c2", filters=np.array([0, 5]), steps=60)
    assert result.block == ("c2",)
    assert result.images.shape == (2, 48, 48)
    # Untrained filters saturate near 2x on this tiny input range; trained ones go further.
    assert np.all(result.activation_end >= 1.5 * result.activation_start)


def test_spectrum_stats_measure_gratings():
    rows, cols = np.mgrid[0:48, 0:48].astype(np.float64)
    cases = [(0, 0.1), (30, 0.25), (45, 0.18), (90, 0.3), (135, 0.12), (170, 0.2)]
    images = []
    for stripes_deg, freq in cases:
        wave = np.radians(stripes_deg + 90)  # the wave vector runs across the stripes
        phase = 2 * np.pi * freq * (np.cos(wave) * cols - np.sin(wave) * rows)
        images.append(128 + 100 * np.cos(phase + 0.7))
    stats = filter_spectrum_stats(np.stack(images))
    for (stripes_deg, freq), deg, f in zip(
        cases, stats.orientation_deg, stats.frequency, strict=True
    ):
        assert min(abs(deg - stripes_deg), 180 - abs(deg - stripes_deg)) < 3
        assert f == pytest.approx(freq, abs=0.01)
    assert np.all(stats.peak_share > 0.2)
    noise = filter_spectrum_stats(np.random.default_rng(0).normal(128, 30, (3, 48, 48)))
    assert np.all(noise.peak_share < 0.05)


def test_lime_segments_suit_48x48_faces(faces):
    counts = []
    for image in faces.images:
        segments = face_segments(image)
        assert segments.shape == (48, 48)
        labels = np.unique(segments)
        np.testing.assert_array_equal(labels, np.arange(len(labels)))
        counts.append(len(labels))
    assert min(counts) >= 20
    assert max(counts) <= 80
    rgb = np.repeat(faces.images[0][..., None], 3, axis=-1)
    np.testing.assert_array_equal(face_segments(rgb), face_segments(faces.images[0]))


def test_lime_batches_its_predictions(trained, faces):
    classify = make_classifier_fn(trained, batch_size=256)
    calls = []

    def counted(rgb):
        calls.append(len(rgb))
        return classify(rgb)

    explain_image(faces.images[0], counted, int(faces.labels[0]), num_samples=200)
    assert calls == [200]
    calls.clear()
    explain_image(faces.images[0], counted, int(faces.labels[0]), num_samples=200, batch_size=10)
    assert len(calls) == 20


def test_lime_is_seeded(trained, faces):
    x, y = faces.images[:2], faces.labels[:2]
    a = lime_explain(trained, x, y, num_samples=100, seed=5)
    b = lime_explain(trained, x, y, num_samples=100, seed=5)
    np.testing.assert_array_equal(a.maps, b.maps)
    other = lime_explain(trained, x, y, num_samples=100, seed=6)
    assert not np.array_equal(a.maps, other.maps)  # the seed is used, not only repeated


def test_lime_overlay_colours_the_strongest_superpixels():
    image = np.full((48, 48), 128, dtype=np.uint8)
    segments = np.repeat(np.arange(4), 12)[None, :].repeat(48, axis=0)  # 4 vertical bands
    weights = np.array([0.5, -0.4, 0.01, 0.0])
    rgb = lime_overlay(image, segments, weights, top=1)
    assert rgb.shape == (48, 48, 3)
    assert rgb.min() >= 0.0 and rgb.max() <= 1.0
    green, red, plain = rgb[0, 0], rgb[0, 12], rgb[0, 24]
    assert green[1] > green[0] and green[1] > green[2]
    assert red[0] > red[1] and red[0] > red[2]
    np.testing.assert_allclose(plain, 128 / 255)


def test_feature_maps(trained, faces):
    maps = feature_maps(trained, faces.images[0], "block1_relu1")
    assert maps.shape == (8, 48, 48)
    assert maps.min() >= 0.0
    assert feature_maps(trained, faces.images[0][..., None], "block2_conv1").shape == (16, 24, 24)


def test_a_sequential_model_loaded_from_disk_explains_like_the_original(tmp_path, faces):
    keras.utils.set_random_seed(2)
    model = keras.Sequential(
        [
            keras.Input((48, 48, 1)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(4, 3, activation="relu", name="c1"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(7, name="logits"),
            keras.layers.Activation("softmax"),
        ]
    )
    path = tmp_path / "seq.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    x, y = faces.images[:3], faces.labels[:3]
    np.testing.assert_allclose(
        vanilla_saliency(loaded, x, y), vanilla_saliency(model, x, y), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(gradcam(loaded, x, y), gradcam(model, x, y), rtol=1e-5, atol=1e-6)


def test_mass_metrics_on_known_maps():
    maps = np.zeros((2, 4, 4))
    maps[:, 0, 0] = 3.0
    maps[:, 3, 3] = -1.0  # counts by its magnitude
    top_left = np.zeros((4, 4), dtype=bool)
    top_left[:2, :2] = True
    bottom_right = ~top_left
    shares = mass_in_regions(maps, {"tl": top_left, "br": bottom_right})
    assert shares == pytest.approx({"tl": 0.75, "br": 0.25})
    assert mass_ratio(maps, top_left) == pytest.approx(0.75 / 0.25)
    assert mass_ratio(np.ones((3, 4, 4)), top_left) == pytest.approx(1.0)
    assert pointing_game(maps, top_left, tolerance=0) == 1.0
    assert pointing_game(maps, bottom_right, tolerance=0) == 0.0
    per_image = np.stack([top_left, bottom_right])
    assert pointing_game(maps, per_image, tolerance=0) == 0.5


def test_pointing_game_tolerance():
    maps = np.zeros((1, 8, 8))
    maps[0, 4, 4] = 1.0
    mask = np.zeros((8, 8), dtype=bool)
    mask[4, 2] = True
    assert pointing_game(maps, mask, tolerance=1) == 0.0
    assert pointing_game(maps, mask, tolerance=2) == 1.0


def test_spearman():
    rng = np.random.default_rng(0)
    a = rng.random((3, 6, 6))
    assert spearman(a, a) == pytest.approx(1.0)
    assert spearman(a, -a) == pytest.approx(-1.0)
    assert spearman(a, a**3) == pytest.approx(1.0)  # ranks only
    assert abs(spearman(a, rng.random((3, 6, 6)))) < 0.3
    constant = np.zeros((3, 6, 6))
    assert np.isnan(spearman(a, constant))


def test_fer_face_regions():
    regions = fer_face_regions()
    assert tuple(regions) == REGIONS
    total = np.zeros((48, 48), dtype=int)
    for name, mask in regions.items():
        assert mask.shape == (48, 48)
        assert mask.dtype == bool
        assert mask.sum() > 20, name
        total += mask
    assert total.max() == 1  # no overlaps
    eyes = np.argwhere(regions["eyes"])
    mouth = np.argwhere(regions["mouth"])
    brows = np.argwhere(regions["brows"])
    assert brows[:, 0].mean() < eyes[:, 0].mean() < mouth[:, 0].mean()
    # left-right symmetric about the face's centre column, 24
    for name in ("eyes", "brows", "cheeks"):
        cols = np.argwhere(regions[name])[:, 1]
        assert (cols < 24).sum() == pytest.approx((cols > 24).sum(), abs=3), name


def test_the_filter_views_say_whether_an_activation_follows_the_conv():
    """Ours: conv, BN, ReLU. A residual block's second conv: conv, BN, then the Add, so its
    output has not been through a nonlinearity (q6 must not say "after the ReLU")."""
    from reportgen.measure.explain.model import conv_block, ends_in_nonlinearity

    layers = keras.layers
    inputs = keras.Input((12, 12, 1))
    x = layers.Conv2D(4, 3, padding="same", name="a")(inputs)
    x = layers.BatchNormalization(name="a_bn")(x)
    x = layers.ReLU(name="a_relu")(x)
    y = layers.Conv2D(4, 3, padding="same", name="b")(x)
    y = layers.BatchNormalization(name="b_bn")(y)
    y = layers.Add(name="add")([x, y])
    z = layers.Conv2D(4, 3, padding="same", activation="relu", name="c")(y)
    model = keras.Model(inputs, z)
    blocks = {name: conv_block(model, name) for name in "abc"}
    assert blocks == {"a": ["a", "a_bn", "a_relu"], "b": ["b", "b_bn"], "c": ["c"]}
    assert [ends_in_nonlinearity(model, blocks[n]) for n in "abc"] == [True, False, True]


def test_grad_cam_takes_the_deepest_conv_not_the_shortcut_listed_after_it():
    layers = keras.layers
    inputs = keras.Input((12, 12, 1))
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="stem")(inputs)
    y = layers.Conv2D(4, 3, padding="same", name="b1")(x)
    y = layers.BatchNormalization(name="b1_bn")(y)
    y = layers.ReLU(name="b1_relu")(y)
    y = layers.Conv2D(4, 3, padding="same", name="b2")(y)
    y = layers.BatchNormalization(name="b2_bn")(y)
    shortcut = layers.Conv2D(4, 1, name="proj")(x)  # built last, listed last
    y = layers.ReLU(name="out")(layers.Add(name="add")([shortcut, y]))
    outputs = layers.Dense(7)(layers.GlobalAveragePooling2D()(y))
    model = keras.Model(inputs, outputs)
    assert [lyr.name for lyr in model.layers if isinstance(lyr, layers.Conv2D)][-1] == "proj"
    assert last_conv_layer(model) == "b2"
    assert gradcam_layer(model) == "b2_bn"
