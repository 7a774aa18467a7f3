"""Generate HTTP load with wrk and read its figures.

wrk is a C load generator: on a 2-core machine it leaves far more CPU to the
server than a Python client would. Its latencies come from a closed loop (a
connection sends its next request when the previous answer arrives), so they
are service times under that load, not what an open stream of users would see.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from bench.harness import BenchError

_UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_UNITS_B = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read")
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class Load:
    """How hard to push: the same for the measured server and its baseline."""

    duration: float = 10.0
    connections: int = 8
    threads: int = 2
    warmup: float = 2.0

    def describe(self) -> str:
        return f"wrk {self.threads} threads, {self.connections} connections, {self.duration:g} s"

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--duration", type=float, default=10.0, help="seconds (default 10)")
        parser.add_argument("--connections", type=int, default=8, help="open connections (8)")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
        parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not measured (2)")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Load:
        if not 0 < args.duration <= 300 or not 0 <= args.warmup <= 60:
            raise BenchError("--duration must be in (0, 300] s and --warmup in [0, 60] s")
        if not 1 <= args.connections <= 1000:
            raise BenchError("--connections must be between 1 and 1000")
        return cls(args.duration, args.connections, args.threads, args.warmup)


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    rate: float  # requests per second
    p50_ms: float
    p90_ms: float
    p99_ms: float
    bytes_read: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]

    @property
    def bytes_per_response(self) -> float:
        return self.bytes_read / self.requests if self.requests else 0.0

    def summary(self) -> str:
        return f"{self.rate:,.0f} req/s, p50 {ms(self.p50_ms)}, p99 {ms(self.p99_ms)}"


def ms(value: float) -> str:
    if value < 1:
        return f"{value:.2f} ms"
    if value < 10:
        return f"{value:.1f} ms"
    return f"{value:,.0f} ms"


def wrk(url: str, load: Load, *, headers: Mapping[str, str] | None = None) -> LoadResult:
    """Warm up, then load ``url`` for ``load.duration`` seconds; return what wrk measured."""
    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise BenchError(f"benchmarks load only this machine, not {url}")
    binary = shutil.which("wrk")
    if binary is None:
        raise BenchError("wrk is not installed; run: bash bench/setup")
    threads = max(1, min(load.threads, load.connections))
    # A long timeout keeps slow answers in the percentiles instead of dropping them.
    argv = [binary, f"-t{threads}", f"-c{load.connections}", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if load.warmup > 0:
        _run([*argv, f"-d{load.warmup:g}s", url], load.warmup)
    return parse(_run([*argv, f"-d{load.duration:g}s", url], load.duration))


def _run(argv: list[str], duration: float) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not finish within {duration + 60:.0f} s") from exc
    if done.returncode != 0:
        raise BenchError(f"wrk failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def parse(output: str) -> LoadResult:
    """Read wrk's --latency report."""
    total = _TOTAL.search(output)
    rate = _RATE.search(output)
    percentiles = {int(p): float(v) * _UNITS_S[u] * 1000 for p, v, u in _PERCENTILE.findall(output)}
    if not total or not rate or not {50, 90, 99} <= set(percentiles):
        raise BenchError("cannot read wrk's report:\n" + output)
    non_2xx = _NON_2XX.search(output)
    socket_errors = _SOCKET.search(output)
    return LoadResult(
        requests=int(total[1]),
        seconds=float(total[2]) * _UNITS_S[total[3]],
        rate=float(rate[1]),
        p50_ms=percentiles[50],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        bytes_read=float(total[4]) * _UNITS_B[total[5]],
        non_2xx_3xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=dict(
            zip(
                ("connect", "read", "write", "timeout"),
                (int(n) for n in socket_errors.groups()) if socket_errors else (0, 0, 0, 0),
                strict=True,
            )
        ),
    )
