"""Full LTI 1.3 launches (login → redirect → signed launch → list page) beside the list page.

Readings runs as in production (``readings serve``) on 127.0.0.1 with a test
LMS registered: its own RSA key, its key set served by this process on
127.0.0.1. A Python driver (threads, plain sockets) performs each launch as
a browser and an LMS would: the login initiation GET, the state and nonce read
from the redirect to the LMS, an id_token signed for that nonce, the form post
to the launch URL with the state cookie, and the list page the launch lands
on. The claims are prepared once. As the issue asks, the tokens come from a
prepared pool (``--pool``): before the measurement the driver makes that many
logins and signs an id_token for each one's nonce (the nonce is Readings', so a
token needs its login); each measured launch still makes its own login request,
then posts a pooled token with its login's state and cookie, so the server does
all of a launch's work while the RS256 signature, which the LMS makes on its
own machine, is not made on these two cores. ``--pool 0`` signs each token
inside its launch instead, and that cost is reported either way. In the
same run wrk loads the plain list page with the student's session. The server's
CPU (workers and database backends) per launch and per list page is reported
beside, as is each request's p50: on a shared machine those move with the
code far less than launches/s do with other work.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.harness import BenchError, databases, machine, servers
from bench.harness.load import Load, ms, wrk
from bench.harness.results import Result
from bench.list_page import (
    BUSY,
    READINGS,
    ServerCpu,
    _quiet,
    app_environment,
    browser_cookies,
    check_load,
    ratio,
    student_page,
)
from readings.core.management.commands.serve import default_workers

NAME = "lti_launch"
# As readings serve starts by default: a launch waits a little on the database between
# its steps, so half again as many workers as cores (the list page, all CPU, uses one a core).
SERVE_WORKERS = default_workers()
# Enough for 10 s at twice the target rate; preparing them takes a few seconds.
POOL = 6000
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
# The course and student bench.fixtures.list_page_data makes: the launch names them.
COURSE_CODE = "GEOG2041"
STUDENT_EMAIL = "student@bench.example.edu"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--citations", type=int, default=200, help="citations on the list (200)")
    parser.add_argument("--sections", type=int, default=8, help="sections they are spread over (8)")
    parser.add_argument(
        "--workers",
        type=int,
        default=SERVE_WORKERS,
        help=f"gunicorn workers ({SERVE_WORKERS}: readings serve's default, 1.5 per core)",
    )
    parser.add_argument(
        "--worker-threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (above 1: gthread workers, which keep connections)",
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="driver threads launching at once (4)"
    )
    parser.add_argument(
        "--launches", type=int, default=20_000, help="stop after this many launches (20000)"
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=POOL,
        help=f"signed tokens prepared before the measurement ({POOL}; the run ends when they "
        "are used up); 0 signs each token during its launch, on the same cores",
    )
    databases.add_argument(parser)
    Load.add_arguments(parser)


# The LMS: a key, its key set on 127.0.0.1, and the tokens it signs ----------------------


class BenchPlatform:
    """A test LMS with its own RSA key; prepares launch claims once, signs per nonce."""

    def __init__(self, *, issuer: str = "https://lms.bench.example.edu") -> None:
        import jwt
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._jwt = jwt
        self.issuer = issuer
        self.client_id = "readings-bench"
        self.deployment_id = "bench-deployment-1"
        self.kid = f"bench-{uuid.uuid4().hex[:8]}"
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def spec(self, base: str) -> dict[str, str]:
        """What bench.fixtures registers (LtiPlatformSpec), the key set served at ``base``."""
        return {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_id": self.deployment_id,
            "keyset_url": f"{base}/jwks",
            "auth_url": f"{base}/auth",
        }

    def login_query(self, target: str) -> str:
        return urlencode(
            {
                "iss": self.issuer,
                "login_hint": "bench-student",
                "target_link_uri": target,
                "client_id": self.client_id,
                "lti_deployment_id": self.deployment_id,
            }
        )

    def claims(self, target: str) -> dict[str, Any]:
        """A student's resource-link launch into the benchmark course (no nonce or times)."""
        return {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": "bench-student",
            "name": "Sam Student",
            "given_name": "Sam",
            "family_name": "Student",
            "email": STUDENT_EMAIL,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": target,
            LTI + "roles": [LEARNER],
            LTI + "resource_link": {"id": "bench-link-1", "title": "Reading list"},
            LTI + "context": {"id": "bench-ctx-1", "label": COURSE_CODE, "title": "Cities"},
        }

    def sign(self, claims: dict[str, Any], nonce: str) -> str:
        now = int(time.time())
        return self._jwt.encode(
            {**claims, "nonce": nonce, "iat": now, "exp": now + 300},
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )


@contextmanager
def key_set_server(platform: BenchPlatform) -> Iterator[str]:
    """Serve the platform's key set on 127.0.0.1; yields the base URL."""
    body = json.dumps(platform.jwks).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/jwks" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# The driver ---------------------------------------------------------------------------


@dataclass
class Tally:
    launches: list[float] = field(default_factory=list)  # seconds, whole launch
    signing: list[float] = field(default_factory=list)  # seconds, the RS256 signature
    # Seconds each request to Readings took, by step: login, launch (the post), page.
    steps: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def step(self, name: str, started: float) -> None:
        self.steps.setdefault(name, []).append(time.perf_counter() - started)

    def add(self, other: Tally) -> None:
        self.launches += other.launches
        self.signing += other.signing
        self.failures += other.failures
        for name, times in other.steps.items():
            self.steps.setdefault(name, []).extend(times)


class LaunchError(Exception):
    pass


@dataclass(frozen=True)
class SignedLogin:
    """A login made before the measurement, with the id_token the LMS signed for its nonce."""

    path: str  # the launch URL's path, from the redirect to the LMS
    state: str
    cookies: dict[str, str]  # what the login set in the browser: the state cookie
    token: str


def login_once(conn: RawConnection, platform: BenchPlatform, *, port: int) -> tuple[str, dict]:
    """The login initiation GET; the redirect's query and the cookies it set. Raises LaunchError."""
    target = f"http://127.0.0.1:{port}/lti/launch/"
    status, headers, _ = _request(conn, "GET", "/lti/login/?" + platform.login_query(target))
    if status != 302:
        raise LaunchError(f"login answered {status}")
    return parse_qs(urlsplit(headers.get("location", "")).query), headers["set-cookie"]


def signed_login(conn: RawConnection, platform: BenchPlatform, *, port: int,
                 claims: dict[str, Any], tally: Tally) -> SignedLogin:  # fmt: skip
    query, cookies = login_once(conn, platform, port=port)
    signing = time.perf_counter()
    token = platform.sign(claims, query["nonce"][0])
    tally.signing.append(time.perf_counter() - signing)
    path = query["redirect_uri"][0].removeprefix(f"http://127.0.0.1:{port}")
    return SignedLogin(path=path, state=query["state"][0], cookies=cookies, token=token)


def launch_once(conn: RawConnection, platform: BenchPlatform, *, port: int,
                claims: dict[str, Any], list_path: str, tally: Tally,
                signed: SignedLogin | None = None) -> None:  # fmt: skip
    """One launch as browser and LMS: login, signed post, the list page. Raises LaunchError.

    With ``signed`` (from the prepared pool) the login is made all the same, and
    the post carries the token signed beforehand for an earlier login of the
    same browser: its state is as unused and unexpired as the new one, and the
    signature, which the LMS makes on its own machine, is not made here.
    """
    started = time.perf_counter()
    if signed is None:
        signed = signed_login(conn, platform, port=port, claims=claims, tally=tally)
        jar = dict(signed.cookies)  # the browser's cookies for Readings, from here on
    else:
        _query, cookies = login_once(conn, platform, port=port)
        jar = {**signed.cookies, **cookies}  # both logins' state cookies, as a browser keeps
    tally.step("login", started)
    form = urlencode({"id_token": signed.token, "state": signed.state})
    posted = time.perf_counter()
    status, headers, body = _request(
        conn,
        "POST",
        signed.path,
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookies(jar)},
    )
    tally.step("launch", posted)
    landing = headers.get("location", "")
    if status != 302 or urlsplit(landing).path != list_path:
        raise LaunchError(f"launch answered {status} → {landing!r}: {body[:200]!r}")
    jar.update(headers["set-cookie"])
    if not jar.get("sessionid"):
        raise LaunchError("the launch signed nobody in (no sessionid cookie)")
    opened = time.perf_counter()
    # As a browser: every cookie Readings set and did not expire (the session, the CSRF
    # cookie the sign-in renewed; not the used login state).
    status, _, page = _request(conn, "GET", list_path, headers={"Cookie": _cookies(jar)})
    tally.step("page", opened)
    if status != 200 or b'<li class="citation' not in page:
        raise LaunchError(f"the list page answered {status} after the launch")
    tally.launches.append(time.perf_counter() - started)


def _request(conn: RawConnection, method: str, path: str, *, body: str = "", headers=None):
    status, response_headers, data = conn.exchange(method, path, body.encode(), headers or {})
    found: dict[str, Any] = {name.lower(): value for name, value in response_headers}
    # Set-Cookie headers one by one (their dates hold commas, so they cannot be joined),
    # keeping what a browser sends back: the name and value before the first ";".
    jar: dict[str, str] = {}
    for name, value in response_headers:
        if name.lower() == "set-cookie":
            cookie, _, _ = value.partition(";")
            key, _, cookie_value = cookie.partition("=")
            jar[key.strip()] = cookie_value.strip()
    found["set-cookie"] = jar
    return status, found, data


class RawConnection:
    """HTTP/1.1 on a plain socket, with as little Python per request as a client can have.

    The driver shares the two cores with the server, so every millisecond it
    spends is taken from the launches; http.client parses headers with the
    email package, several times this cost. Keeps the connection when the
    server does (gthread workers), reconnects when it closes (sync workers).
    """

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port, self.timeout = port, timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def exchange(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        reused = self.sock is not None
        try:
            return self._exchange(method, path, body, headers)
        except (ConnectionError, EOFError):
            if not reused:
                raise
            # The server closed a kept connection between two requests: as a browser, retry.
            self.close()
            return self._exchange(method, path, body, headers)

    def _exchange(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        response_headers = []
        length, closes = None, False
        for line in header_lines:
            name, _, value = line.partition(":")
            value = value.strip()
            response_headers.append((name, value))
            lowered = name.lower()
            if lowered == "content-length":
                length = int(value)
            elif lowered == "connection" and value.lower() == "close":
                closes = True
        data = self._read_exactly(length) if length is not None else self._read_to_end()
        if closes or length is None:
            self.close()
        return status, response_headers, data

    def _receive(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        return chunk

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self.buffer += self._receive()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _read_exactly(self, length: int) -> bytes | bytearray:
        if len(self.buffer) >= length:
            data, self.buffer = self.buffer[:length], self.buffer[length:]
            return data
        # A list page is 200 KiB: received in place, not by growing a bytes object.
        assert self.sock is not None
        data = bytearray(length)
        view = memoryview(data)
        have = len(self.buffer)
        view[:have], self.buffer = self.buffer, b""
        while have < length:
            received = self.sock.recv_into(view[have:])
            if not received:
                raise EOFError("the server closed the connection")
            have += received
        return data

    def _read_to_end(self) -> bytes:
        try:
            while True:
                self.buffer += self._receive()
        except EOFError:
            data, self.buffer = self.buffer, b""
            return data


def _cookies(jar: dict[str, str]) -> str:
    # An expired cookie comes back with an empty value: a browser drops it.
    return "; ".join(f"{name}={value}" for name, value in jar.items() if value)


def drive(platform: BenchPlatform, *, port: int, list_path: str, clients: int,
          seconds: float, limit: int,
          pool: list[SignedLogin] | None = None) -> tuple[Tally, float]:  # fmt: skip
    """Launch from ``clients`` threads until ``seconds`` pass or ``limit`` launches are done.

    With a ``pool`` of signed logins each launch takes one, and the run also
    ends when the pool is used up.
    """
    claims = platform.claims(f"http://127.0.0.1:{port}/lti/launch/")
    tally = Tally()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    count = [0]

    def worker() -> None:
        conn = RawConnection(port)
        mine = Tally()
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if count[0] >= limit or (pool is not None and not pool):
                        break
                    count[0] += 1
                    signed = pool.pop() if pool is not None else None
                try:
                    launch_once(conn, platform, port=port, claims=claims,
                                list_path=list_path, tally=mine, signed=signed)  # fmt: skip
                except (LaunchError, OSError, EOFError, ValueError, KeyError) as exc:
                    mine.failures.append(str(exc))
                    conn.close()
        finally:
            conn.close()
            with lock:
                tally.add(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return tally, time.perf_counter() - started


def prepare_pool(platform: BenchPlatform, *, port: int, clients: int,
                 size: int) -> tuple[list[SignedLogin], Tally]:  # fmt: skip
    """``size`` logins made now, each with the id_token the LMS signs for it."""
    claims = platform.claims(f"http://127.0.0.1:{port}/lti/launch/")
    pool: list[SignedLogin] = []
    tally = Tally()
    lock = threading.Lock()

    def worker(count: int) -> None:
        conn, mine, made = RawConnection(port), Tally(), []
        try:
            for _ in range(count):
                made.append(signed_login(conn, platform, port=port, claims=claims, tally=mine))
        finally:
            conn.close()
            with lock:
                pool.extend(made)
                tally.add(mine)

    shares = [size // clients + (i < size % clients) for i in range(clients)]
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    if len(pool) != size:
        raise BenchError(f"only {len(pool)} of {size} logins for the token pool succeeded")
    return pool, tally


def _database_share(db: databases.Database, cpu_ms: float) -> str:
    # SQLite works inside the workers: there is no server of its own to tell apart.
    return f" ({cpu_ms:.1f} ms of it the database server's)" if db.process_marks else ""


def _worker_kind(threads: int) -> str:
    return "sync workers" if threads == 1 else f"gthread workers of {threads} threads"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(args: argparse.Namespace) -> Result:
    load = Load.from_args(args)
    if not 1 <= args.clients <= 64:
        raise BenchError("--clients must be between 1 and 64")
    platform = BenchPlatform()
    with ExitStack() as stack:
        work = stack.enter_context(servers.workdir(keep=args.keep))
        db = stack.enter_context(databases.fresh_database(args.database, work, keep=args.keep))
        lms = stack.enter_context(key_set_server(platform))
        port = servers.free_port()
        env = app_environment(work, db)
        print(f"setting up {db.label} in {work} …", file=sys.stderr)
        servers.run_step([*READINGS, "migrate", "--noinput"], env=env, what="migrate")
        servers.run_step([*READINGS, "collectstatic", "--noinput"], env=env, what="collectstatic")
        generated = servers.run_step(
            [sys.executable, "-m", "bench.fixtures", NAME, "--citations", str(args.citations),
             "--sections", str(args.sections), "--platform", json.dumps(platform.spec(lms))],
            env=env,
            what="fixtures",
        )  # fmt: skip
        data = json.loads(generated.strip().splitlines()[-1])

        serve = [*READINGS, "serve", "--host", "127.0.0.1", "--port", str(port)]
        serve += ["--workers", str(args.workers), "--threads", str(args.worker_threads)]
        server = stack.enter_context(
            servers.service("readings", serve, env=env, port=port, logs=work)
        )
        path = f"/lists/{data['list_id']}/"
        cookie = browser_cookies(port, path, f"sessionid={data['sessionid']}")
        page = student_page(port, path, cookie, citations=args.citations, sections=args.sections)
        groups = [server.pid]

        # One launch alone first: it links the LMS user and enrols them, as the first
        # launch of anyone does; the measured launches are that person's next ones.
        first, _ = drive(platform, port=port, list_path=path, clients=1, seconds=60, limit=1)
        if first.failures or not first.launches:
            raise BenchError(f"the first launch failed: {first.failures[:1]}")
        # Warm up (also fetches the key set once per worker), then measure.
        warm, _ = drive(platform, port=port, list_path=path, clients=args.clients,
                        seconds=max(load.warmup, 1), limit=args.launches)  # fmt: skip
        if warm.failures:
            raise BenchError(f"launches failed in the warm-up: {warm.failures[0]}")
        pool, signing = None, warm
        if args.pool > 0:
            print(f"preparing {args.pool:,} signed logins …", file=sys.stderr)
            pool, signing = prepare_pool(platform, port=port, clients=args.clients,
                                         size=args.pool)  # fmt: skip
        _quiet(args.wait_quiet)
        print(f"launching for {load.duration:g} s …", file=sys.stderr)
        cpu = time.process_time()
        with machine.OtherWork(groups, db.process_marks) as other:
            server_cpu = ServerCpu(server.pid, db.process_marks)
            database_cpu = ServerCpu(None, db.process_marks)
            tally, elapsed = drive(platform, port=port, list_path=path, clients=args.clients,
                                   seconds=load.duration, limit=args.launches,
                                   pool=pool)  # fmt: skip
            requests = len(tally.launches) + len(tally.failures)
            launch_cpu = server_cpu.ms_per_request(requests)
            launch_db_cpu = database_cpu.ms_per_request(requests)
        driver_cpu = time.process_time() - cpu
        if tally.failures or not tally.launches:
            raise BenchError(
                f"{len(tally.failures)} of {len(tally.failures) + len(tally.launches)} launches "
                f"failed: {tally.failures[:1]}"
            )
        _quiet(args.wait_quiet)
        print(f"loading the list page for {load.duration:g} s …", file=sys.stderr)
        with machine.OtherWork(groups, db.process_marks) as other_page:
            server_cpu = ServerCpu(server.pid, db.process_marks)
            plain = wrk(f"http://127.0.0.1:{port}{path}", load, headers=cookie)
            page_cpu = server_cpu.ms_per_request(plain.requests)
        check_load("list page", plain, len(page.body))

    rate = len(tally.launches) / elapsed
    p50 = percentile(tally.launches, 0.50) * 1000
    p99 = percentile(tally.launches, 0.99) * 1000
    sign_ms = statistics.median(signing.signing) * 1000
    if pool is not None and not pool:
        print(f"the pool ran out after {elapsed:.1f} s", file=sys.stderr)
    driver_ms = driver_cpu / len(tally.launches) * 1000
    steps = ", ".join(
        f"{name} {ms(statistics.median(tally.steps[name]) * 1000)}"
        for name in ("login", "launch", "page")
    )
    print(
        f"server CPU {launch_cpu:.1f} ms a launch{_database_share(db, launch_db_cpu)}, "
        f"{page_cpu:.1f} ms a list page "
        f"(so about {launch_cpu - page_cpu:.1f} ms for the login and the launch post); "
        f"p50 by request: {steps}",
        file=sys.stderr,
    )
    busy = max(other.share, other_page.share)
    if busy > BUSY:
        print(f"warning: other work used {busy:.0%} of the CPU during a run", file=sys.stderr)
    return Result(
        benchmark=NAME,
        size=f"list of {args.citations} citations in {args.sections} sections",
        database=db.label,
        figure=f"{rate:,.0f} launches/s, p50 {ms(p50)}, p99 {ms(p99)} ({len(tally.launches):,})",
        baseline=f"list page (wrk): {plain.summary()}",
        ratio=ratio(rate, plain.rate),
        setup=(
            f"gunicorn {args.workers} {_worker_kind(args.worker_threads)}; "
            f"driver {args.clients} threads, "
            f"{load.duration:g} s, 3 requests to Readings a launch (p50 {steps}); server CPU "
            f"{launch_cpu:.1f} ms a launch{_database_share(db, launch_db_cpu)}, "
            f"{page_cpu:.1f} ms a list page; "
            + (
                f"tokens signed beforehand (a pool of {args.pool:,} logins with their "
                f"id_tokens, RS256 {sign_ms:.1f} ms each; each launch still makes its own "
                "login request)"
                if pool is not None
                else f"RS256 signing in the driver {sign_ms:.1f} ms a launch (p50, inside the "
                "launch time)"
            )
            + "; the driver's "
            f"whole CPU {driver_ms:.1f} ms a launch ({driver_cpu / elapsed:.0%} of a core); "
            f"list page {load.describe()}"
            + (f"; other work took {busy:.0%} of the CPU" if busy > BUSY else "")
        ),
        machine=machine.describe(),
        code=machine.code_version(),
    )
