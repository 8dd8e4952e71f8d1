"""Rendering: course templates as data, the Jinja HTML report, the PDF and its check."""
