"""What every benchmark shares: databases, servers, load generation, result rows."""


class BenchError(Exception):
    """A benchmark cannot produce a trustworthy figure; the message says why."""
