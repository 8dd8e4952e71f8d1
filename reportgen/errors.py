"""The one error type a user sees: a one-line message, exit code 2."""


class UserError(Exception):
    """Bad input or a state the user can fix. The CLI prints it as one line and exits 2."""
