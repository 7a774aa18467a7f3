"""The benchmark harness reads wrk's report and keeps the results table correctly.

Plain functions over text: no server, no load, nothing timed.
"""

from __future__ import annotations

import pytest
from bench.harness import BenchError
from bench.harness.load import parse
from bench.harness.results import END, START, Result, record

WRK_REPORT = """\
Running 10s test @ http://127.0.0.1:51755/page.html
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   690.17us    1.22ms   8.88ms   87.98%
    Req/Sec     8.43k     3.91k   16.56k    81.82%
  Latency Distribution
     50%  127.00us
     75%  597.00us
     90%    2.35ms
     99%    1.02s
  184570 requests in 10.01s, 1.59GB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  18438.56
Transfer/sec:    162.91MB
"""


def test_wrk_report_is_read_with_its_units():
    result = parse(WRK_REPORT)
    assert result.requests == 184570
    assert result.rate == pytest.approx(18438.56)
    assert result.p50_ms == pytest.approx(0.127)
    assert result.p90_ms == pytest.approx(2.35)
    assert result.p99_ms == pytest.approx(1020)
    assert result.bytes_read == pytest.approx(1.59 * 1024**3)
    assert result.non_2xx_3xx == 3
    assert result.socket_errors == {"connect": 0, "read": 2, "write": 0, "timeout": 1}


def test_wrk_report_without_errors_counts_none():
    clean = "\n".join(
        line for line in WRK_REPORT.splitlines() if "Non-2xx" not in line and "Socket" not in line
    )
    result = parse(clean)
    assert result.non_2xx_3xx == 0
    assert set(result.socket_errors.values()) == {0}


def test_unreadable_wrk_report_is_refused():
    with pytest.raises(BenchError):
        parse("unable to connect to 127.0.0.1:1 Connection refused")


def _result(figure: str, *, benchmark="list_page", database="SQLite 3.40.1") -> Result:
    return Result(
        benchmark=benchmark,
        size="200 citations in 8 sections",
        database=database,
        figure=figure,
        baseline="nginx: 1 | 2",
        ratio="0.5",
        setup="gunicorn",
        machine="2 cores",
        code="abc1234",
        date="2026-01-01",
    )


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text(f"# Benchmarks\n\nintro\n\n{START}\n{END}\n\n## After\n\ntext\n")
    return path


def _rows(doc) -> list[str]:
    return [line for line in doc.read_text().splitlines() if line.startswith("| list_page")]


def test_recording_replaces_the_row_of_the_same_benchmark_size_and_engine(doc):
    record(_result("10 req/s"), doc)
    record(_result("20 req/s", database="PostgreSQL 15.20"), doc)
    record(_result("30 req/s", database="SQLite 3.45.0"), doc)  # a newer SQLite, same engine
    rows = _rows(doc)
    assert len(rows) == 2
    assert "30 req/s" in rows[0] and "SQLite 3.45.0" in rows[0]
    assert "20 req/s" in rows[1]


def test_recording_keeps_other_benchmarks_and_the_surrounding_text(doc):
    record(_result("1,000 rows/s", benchmark="loader"), doc)
    record(_result("10 req/s"), doc)
    text = doc.read_text()
    assert "| loader |" in text
    assert "| list_page |" in text
    assert text.startswith("# Benchmarks\n\nintro\n")
    assert text.endswith("## After\n\ntext\n")
    assert "nginx: 1 \\| 2" in text  # a pipe inside a cell cannot break the table


def test_recording_into_a_document_without_the_table_fails(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n")
    with pytest.raises(BenchError):
        record(_result("10 req/s"), path)
