"""LIME (Ribeiro et al. 2016) for 48x48 grayscale faces, on the `lime` package.

Two things differ from lime's defaults, both measured on 48x48 faces:
- the segmentation: lime's default quickshift(kernel_size=4) cuts a 48x48 face into 1-3
  superpixels. SLIC with n_segments=50, compactness=0.1 (on pixels scaled to 0..1),
  sigma=0.5 gives 33-48 superpixels on 200 synthetic faces and 22-47 on 200 real FER
  faces (median 42), following the edges of eyes, brows and mouth. Quickshift with a
  small kernel and felzenszwalb vary far more on real faces (quickshift kernel_size=1,
  max_dist=4: 46-64 synthetic, 51-161 real; felzenszwalb scale=30: 18-40 and 25-67).
- the predictions: the perturbed images go through the model in batches of 256 (lime's
  default is 10: a model call per 10 images) and are built with array indexing instead of
  lime's per-sample Python loop. The random draws are lime's own: the weights are the
  ones stock lime gives for the same random_state. benchmarks/bench_lime.py: 7 faces at
  1000 samples on the quick profile's CNN, 2 CPU threads: 3.4 s with lime's defaults,
  1.2 s here.
A switched-off superpixel takes its own mean gray (lime's default hide_color): on the
synthetic faces it put more of the map on the deciding regions than black or mid-gray.
"""

from __future__ import annotations

from reportgen.measure.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)

# isort: split

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import keras
import numpy as np
from lime.lime_image import LimeImageExplainer
from skimage.segmentation import relabel_sequential, slic

from reportgen.measure.explain.model import as_classes, as_input_batch, batches

SLIC_SEGMENTS = 50
SLIC_COMPACTNESS = 0.1
SLIC_SIGMA = 0.5
BATCH_SIZE = 256

ClassifierFn = Callable[[np.ndarray], np.ndarray]


def face_segments(image: np.ndarray, n_segments: int = SLIC_SEGMENTS) -> np.ndarray:
    """Superpixels of one face: gray (H, W) or lime's RGB (H, W, 3), pixels 0..255.

    Returns int64 labels (H, W) numbered 0..K-1 without gaps (lime needs that).
    """
    gray = np.asarray(image, dtype=np.float64)
    if gray.ndim == 3:
        gray = gray[..., 0]
    seg = slic(
        gray / 255.0,
        n_segments=n_segments,
        compactness=SLIC_COMPACTNESS,
        sigma=SLIC_SIGMA,
        channel_axis=None,
        start_label=0,
    )
    relabelled: np.ndarray = relabel_sequential(seg)[0]  # type: ignore[no-untyped-call]
    return relabelled.astype(np.int64)


def make_classifier_fn(model: keras.Model, batch_size: int = BATCH_SIZE) -> ClassifierFn:
    """lime's classifier_fn: RGB (n, H, W, 3) -> the model's probabilities (n, classes).

    lime hands over gray images stacked to RGB; channel 0 is the gray image.
    """

    def classify(rgb: np.ndarray) -> np.ndarray:
        x = as_input_batch(np.asarray(rgb)[..., 0])
        # predict_on_batch runs Keras's compiled predict step: half the time of an eager
        # call on 256 images of the quick profile's CNN.
        out = [np.asarray(model.predict_on_batch(x[s])) for s in batches(len(x), batch_size)]
        return np.concatenate(out).astype(np.float64)

    return classify


class _BatchedExplainer(LimeImageExplainer):  # type: ignore[misc]  # lime has no types
    """LimeImageExplainer whose neighbourhood is built with numpy, batch by batch.

    Same random draws and the same images as lime 0.2.0.1's data_labels, without its
    per-sample loop and progress bar. The RGB batches handed to classifier_fn are
    read-only views of one gray plane.
    """

    def data_labels(
        self,
        image: np.ndarray,
        fudged_image: np.ndarray,
        segments: np.ndarray,
        classifier_fn: ClassifierFn,
        num_samples: int,
        batch_size: int = 10,
    ) -> tuple[np.ndarray, np.ndarray]:
        n_features = np.unique(segments).shape[0]
        data = self.random_state.randint(0, 2, num_samples * n_features).reshape(
            (num_samples, n_features)
        )
        data[0, :] = 1
        labels = []
        # lime's images are gray stacked to RGB: build the gray plane, hand over RGB views.
        gray, fudged = image[..., 0], fudged_image[..., 0]
        for s in batches(num_samples, batch_size):
            hidden = data[s][:, segments] == 0  # (n, H, W): the superpixels switched off
            imgs = np.where(hidden, fudged[None], gray[None])
            rgb = np.broadcast_to(imgs[..., None], (*imgs.shape, image.shape[-1]))
            labels.append(np.asarray(classifier_fn(rgb)))
        return data, np.concatenate(labels)


@dataclass(frozen=True)
class LimeResult:
    """segments: int64 (N, H, W), superpixels 0..K_i-1 of image i.
    weights: per image, float64 (K_i,), the local linear model's weight of each superpixel
    for the explained class (positive: the superpixel speaks for the class).
    maps: float32 (N, H, W), each pixel carries its superpixel's weight.
    scores: the local model's R^2 on the neighbourhood, per image.
    """

    segments: np.ndarray
    weights: tuple[np.ndarray, ...]
    maps: np.ndarray
    scores: np.ndarray


def explain_image(
    image: np.ndarray,
    classifier_fn: ClassifierFn,
    label: int,
    num_samples: int = 1000,
    batch_size: int = BATCH_SIZE,
    seed: int = 0,
    hide_color: float | None = None,
    explainer: type[LimeImageExplainer] = _BatchedExplainer,
    segments: int = SLIC_SEGMENTS,
) -> tuple[np.ndarray, np.ndarray, float]:
    """One image (H, W) explained for one label: (segments, weights (K,), R^2 score).

    hide_color: the gray a switched-off superpixel takes (None: lime's default, the
    superpixel's own mean).
    explainer: the LimeImageExplainer class (stock lime's for comparisons).
    segments: SLIC's target number of superpixels.
    """
    gray = np.asarray(image, dtype=np.float32)
    if gray.ndim == 3:
        gray = gray[..., 0]
    lime = explainer(random_state=seed)
    exp = lime.explain_instance(
        gray,
        classifier_fn,
        labels=(int(label),),
        top_labels=None,
        hide_color=hide_color,
        num_samples=num_samples,
        batch_size=batch_size,
        segmentation_fn=partial(face_segments, n_segments=segments),
        random_seed=seed,
    )
    segment_map = np.asarray(exp.segments, dtype=np.int64)
    weights = np.zeros(int(segment_map.max()) + 1, dtype=np.float64)
    for feature, weight in exp.local_exp[int(label)]:
        weights[feature] = weight
    return segment_map, weights, float(exp.score)


def lime_explain(
    model: keras.Model,
    images: np.ndarray,
    classes: np.ndarray | int,
    num_samples: int = 1000,
    batch_size: int = BATCH_SIZE,
    seed: int = 0,
    hide_color: float | None = None,
    segments: int = SLIC_SEGMENTS,
) -> LimeResult:
    """LIME for each image (N, H, W) explained for its class; see LimeResult."""
    x = as_input_batch(images)[..., 0]
    c = as_classes(classes, len(x))
    classify = make_classifier_fn(model, batch_size)
    segs, weights, scores = [], [], []
    for img, cls in zip(x, c, strict=True):
        s, w, score = explain_image(
            img, classify, int(cls), num_samples, batch_size, seed, hide_color, segments=segments
        )
        segs.append(s)
        weights.append(w)
        scores.append(score)
    maps = np.stack([w[s] for s, w in zip(segs, weights, strict=True)]).astype(np.float32)
    return LimeResult(np.stack(segs), tuple(weights), maps, np.asarray(scores))


def default_segment_counts(images: np.ndarray, seed: int = 0) -> list[int]:
    """How many superpixels lime's own default segmentation (quickshift, kernel_size=4,
    max_dist=200, ratio=0.2, on the image stacked to RGB, as explain_instance runs it when
    given no segmentation_fn) cuts each image (N, H, W) into."""
    from lime.wrappers.scikit_image import SegmentationAlgorithm
    from skimage.color import gray2rgb

    default = SegmentationAlgorithm(
        "quickshift", kernel_size=4, max_dist=200, ratio=0.2, random_seed=seed
    )
    x = as_input_batch(images)[..., 0]  # float32, as explain_image hands it to lime
    return [len(np.unique(default(gray2rgb(img)))) for img in x]  # type: ignore[no-untyped-call]


def lime_overlay(
    image: np.ndarray,
    segments: np.ndarray,
    weights: np.ndarray,
    top: int = 5,
    alpha: float = 0.5,
) -> np.ndarray:
    """RGB float (H, W, 3) in [0, 1]: the gray image with the `top` superpixels of largest
    positive weight tinted green and the `top` of most negative weight tinted red."""
    gray = np.clip(np.asarray(image, dtype=np.float64).squeeze() / 255.0, 0.0, 1.0)
    rgb = np.repeat(gray[..., None], 3, axis=-1)
    weights = np.asarray(weights, dtype=np.float64)
    order = np.argsort(weights)
    positive = [k for k in order[::-1][:top] if weights[k] > 0]
    negative = [k for k in order[:top] if weights[k] < 0]
    for chosen, color in ((positive, (0.0, 1.0, 0.0)), (negative, (1.0, 0.0, 0.0))):
        mask = np.isin(segments, chosen)
        rgb[mask] = (1 - alpha) * rgb[mask] + alpha * np.asarray(color)
    return rgb
