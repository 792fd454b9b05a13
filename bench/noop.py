"""The baseline job for bench/notice_throughput.py: RQ running a job that does nothing."""


def noop(number: int) -> int:
    """Return the number: the cost of RQ itself, and nothing else."""
    return number
