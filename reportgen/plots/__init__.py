"""The report's figures, drawn with matplotlib and saved as PNG through reportgen.plots.style."""
