"""Exit statuses and :class:`CliError`, the one way a command reports a failure."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class CliError(Exception):
    """A failure to report as one ``error:`` line and an exit status.

    Parameters
    ----------
    message : str
        What went wrong, naming the offending value.
    code : int
        Exit status: :data:`EXIT_USAGE` for a bad command line, :data:`EXIT_DATA`
        for a file or data problem.
    """

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
