"""One error type for everything a user can get wrong, so the CLI can print one line and exit 2."""

EXIT_OK = 0
EXIT_FAIL = 1  # a check ran and found problems (e.g. a quote not in its source)
EXIT_USAGE = 2  # bad usage or bad input: unreadable file, syntax error, unknown name
EXIT_ANCHOR = 3  # every quote is verbatim, but a stored position (oa:TextPositionSelector) does not fit its source


class NctsError(Exception):
    """A user-facing error: ``str(err)`` is the one line the CLI prints."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code
