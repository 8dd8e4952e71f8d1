"""Every word a reader sees, one folder per language."""
