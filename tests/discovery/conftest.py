"""A real Zebra SRU server on 127.0.0.1 for the session, holding records the tests build."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from pymarc import XMLWriter

from discovery.builders import HISTORY_COUNT, book, control, field, record

REPO = Path(__file__).resolve().parents[2]


def catalogue_records():
    records = [
        book(
            "rec-middlemarch",
            "Middlemarch",
            subtitle="a study of provincial life",
            author="Eliot, George",
            isbn="9780141439549",
            subjects=("Provincial life", "Fiction"),
        ),
        book("rec-marner", "Silas Marner", author="Eliot, George", isbn="0141439750"),
        book("rec-quote", 'The "quoted" title and * stars', author="Writer, Anne", year="2001"),
        record(
            control("001", "rec-journal"),
            field("022", "a", "0317-8471"),
            field("245", "a", "Journal of things.", ind="00"),
            leader="00000cas a2200000 a 4500",
        ),
    ]
    records += [
        book(f"rec-history-{n:02d}", f"History volume {n}", author="Historian, Hal", year="2010")
        for n in range(1, HISTORY_COUNT + 1)
    ]
    return records


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def zebra_url(tmp_path_factory):
    """Start zebrasrv for the test session; yield its SRU base URL (database included)."""
    if not shutil.which("zebrasrv"):
        subprocess.run(["bash", str(REPO / "scripts/zebra-up"), "--install-only"], check=False)
    if not shutil.which("zebrasrv"):
        pytest.fail("Zebra is not installed: run 'bash scripts/zebra-up --install-only' as root.")
    work = tmp_path_factory.mktemp("zebra")
    records_file = work / "records.xml"
    writer = XMLWriter(records_file.open("wb"))
    for marc in catalogue_records():
        writer.write(marc)
    writer.close()
    port = free_port()
    started = subprocess.run(
        [
            "bash",
            str(REPO / "scripts/zebra-up"),
            str(work / "server"),
            str(port),
            str(records_file),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        pytest.fail(f"zebra-up failed: {started.stderr[-2000:]}")
    pid_file = work / "server" / "zebrasrv.pid"
    _wait_for_port(port)
    yield started.stdout.strip().splitlines()[-1]
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


def _wait_for_port(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"zebrasrv did not start listening on 127.0.0.1:{port}")


@pytest.fixture
def silent_server():
    """A socket that accepts connections and never answers: a hung catalogue."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def closed_port_url():
    return f"http://127.0.0.1:{free_port()}"
