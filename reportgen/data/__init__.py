"""Data: the loaders of every form students have, the embedded synthetic default, the hold-out."""

from reportgen.data.types import Dataset, LabelledImages, UnlabelledImages

__all__ = ["Dataset", "LabelledImages", "UnlabelledImages"]
