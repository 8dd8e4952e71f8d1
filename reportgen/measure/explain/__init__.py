"""Explanation methods for the project's CNN, one module per method: pure functions of a
model and numpy arrays.

    saliency       vanilla gradient and SmoothGrad
    gradcam        Grad-CAM on a conv layer (by default the block output of the deepest one:
                   the most layers from the input)
    actmax         activation maximization of a layer's filters, and their spectra
    feature_maps   one layer's outputs for one image
    lime_explain   LIME for 48x48 faces (SLIC superpixels, batched predictions)
    regions        the fixed FER face regions; metrics: where a map's mass lies
    model          what every method needs of a model: input batches, sub-models, its
                   convolutional layers and the blocks they start

This package imports nothing itself: the modules that need TensorFlow import it (quietly,
see _quiet) when they are imported, so regions and metrics stay cheap. What the report says
about each method's maps is measured in reportgen.measure.facts.<method>.
"""
