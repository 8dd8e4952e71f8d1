"""A student's project folder: its settings, its runs, its answers, init."""
