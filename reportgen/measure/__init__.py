"""Measuring: the explanation methods and the facts (arrays in, numbers out)."""
