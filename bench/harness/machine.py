"""The machine a figure was measured on, and how much other work shared it."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cores() -> int:
    """Cores this process may run on (what ``nproc`` prints)."""
    return len(os.sched_getaffinity(0))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> str:
    django = metadata.version("Django")
    return f"{cores()} cores, {cpu_model()}, Python {platform.python_version()}, Django {django}"


def code_version() -> str:
    """The commit measured, marked '+changes' when the working tree differs from it."""
    repo = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "diff", "--quiet", "HEAD", "--", "src"], cwd=repo, check=False
        ).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if changed else head


def _cpu_ticks() -> tuple[int, int]:
    """(all, idle) ticks of every core since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # idle + iowait


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores busy over ``seconds`` (0-1)."""
    try:
        total0, idle0 = _cpu_ticks()
        time.sleep(seconds)
        total1, idle1 = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        return 0.0
    elapsed = total1 - total0
    return 1 - (idle1 - idle0) / elapsed if elapsed else 0.0


def wait_until_quiet(*, limit: float, threshold: float) -> float:
    """Wait up to ``limit`` seconds for the cores to be at most ``threshold`` busy.

    Return the last share seen; the caller reports it when still above threshold.
    """
    deadline = time.monotonic() + limit
    busy = cpu_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return busy


class OtherWork:
    """Measure the CPU that processes other than the benchmark's used during a block.

    The benchmark's own CPU is this process, its finished children (wrk), the
    process groups of the servers it started, and processes whose command line
    contains one of ``marks`` (PostgreSQL names each backend after its
    database); everything else busy on the cores meanwhile is other work, which
    makes the figure low.
    """

    def __init__(self, server_groups: Iterable[int], marks: Iterable[str] = ()) -> None:
        self.groups = set(server_groups)
        self.marks = tuple(m.encode() for m in marks)
        self.share = 0.0  # of all cores' time, once the block has ended

    def __enter__(self) -> OtherWork:
        self._start = self._sample()
        return self

    def __exit__(self, *exc_info: object) -> None:
        end = self._sample()
        if self._start is None or end is None:
            return
        total, idle, ours = (b - a for a, b in zip(self._start, end, strict=True))
        if total > 0:
            self.share = max(0, total - idle - ours) / total

    def _sample(self) -> tuple[int, int, float] | None:
        try:
            total, idle = _cpu_ticks()
        except (OSError, ValueError, IndexError):
            return None
        ours = _ticks_of(self.groups, self.marks)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            usage = resource.getrusage(who)
            ours += (usage.ru_utime + usage.ru_stime) * _TICKS_PER_SECOND
        return total, idle, ours


def _ticks_of(groups: set[int], marks: tuple[bytes, ...]) -> int:
    """User + system ticks of the live processes in ``groups`` or showing a mark."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # After the command name in parentheses: state, ppid, pgrp, ... utime, stime.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            ours = int(fields[2]) in groups or (
                marks and any(m in (entry / "cmdline").read_bytes() for m in marks)
            )
        except OSError:
            continue
        if ours:
            ticks += int(fields[11]) + int(fields[12])
    return ticks
