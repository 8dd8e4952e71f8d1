"""Runs: frozen specs, the cache that trains each missing run once, training itself."""
