"""The command line: flags, commands, --watch."""
