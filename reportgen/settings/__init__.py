"""Settings: reportgen.toml and the flags, profiles, course templates, durations."""
