"""Pure functions that turn finished runs into plain-dict facts (JSON-able, no numpy types)."""
