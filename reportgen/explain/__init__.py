"""Explanation methods for the project's CNN: pure functions of numpy arrays and a model.

Saliency (vanilla, SmoothGrad), Grad-CAM, activation maximization of a layer's filters,
feature maps, LIME for 48x48 faces; the fixed FER face regions; metrics of where a map's
mass lies and of how alike two maps are; the model-randomization sanity check.
"""

from reportgen.explain import _quiet  # noqa: F401  (first: TensorFlow without chatter)
from reportgen.explain.actmax import (
    ActMaxResult,
    SpectrumStats,
    default_filter_layer,
    filter_spectrum_stats,
    maximize_filters,
)
from reportgen.explain.feature_maps import feature_maps
from reportgen.explain.gradcam import (
    class_average_gradcam,
    gradcam,
    gradcam_layer,
    last_conv_layer,
)
from reportgen.explain.lime_explain import (
    LimeResult,
    explain_image,
    face_segments,
    lime_explain,
    lime_overlay,
    make_classifier_fn,
)
from reportgen.explain.metrics import (
    mass_in_regions,
    mass_ratio,
    mass_shares,
    pointing_game,
    spearman,
    spearman_per_image,
)
from reportgen.explain.regions import DECIDING_REGIONS, fer_face_regions, union
from reportgen.explain.saliency import smoothgrad, vanilla_saliency
from reportgen.explain.sanity import edge_map, randomized_model

__all__ = [
    "DECIDING_REGIONS",
    "ActMaxResult",
    "LimeResult",
    "SpectrumStats",
    "class_average_gradcam",
    "default_filter_layer",
    "edge_map",
    "explain_image",
    "face_segments",
    "feature_maps",
    "fer_face_regions",
    "filter_spectrum_stats",
    "gradcam",
    "gradcam_layer",
    "last_conv_layer",
    "lime_explain",
    "lime_overlay",
    "make_classifier_fn",
    "mass_in_regions",
    "mass_ratio",
    "mass_shares",
    "maximize_filters",
    "pointing_game",
    "randomized_model",
    "smoothgrad",
    "spearman",
    "spearman_per_image",
    "union",
    "vanilla_saliency",
]
