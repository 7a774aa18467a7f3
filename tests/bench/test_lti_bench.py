"""The launch benchmark's LMS and driver make launches Readings accepts, landing on the list.

Nothing is timed: this proves the prepared claims, the per-nonce signature and
the registered platform still fit the launch code, so the benchmark cannot
measure refusals without anyone noticing.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bench.fixtures import LtiPlatformSpec, lti_launch_data
from bench.lti_launch import BenchPlatform, key_set_server

from readings.accounts.models import User

LAUNCH_URL = "http://testserver/lti/launch/"


@pytest.fixture(scope="module")
def platform():
    return BenchPlatform()


@pytest.fixture
def launch_setup(db, platform):
    with key_set_server(platform) as base:
        spec = LtiPlatformSpec(**platform.spec(base))
        yield lti_launch_data(platform=spec, citations=3, sections=1)


def login(client, platform):
    response = client.get("/lti/login/?" + platform.login_query(LAUNCH_URL))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    return query["state"][0], query["nonce"][0]


def test_a_prepared_launch_signs_the_student_in_and_lands_on_the_list(
    client, platform, launch_setup
):
    state, nonce = login(client, platform)
    token = platform.sign(platform.claims(LAUNCH_URL), nonce)

    response = client.post("/lti/launch/", {"id_token": token, "state": state})

    assert response.status_code == 302
    assert response["Location"] == f"/lists/{launch_setup.list_id}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == launch_setup.student_id
    assert User.objects.filter(email="student@bench.example.edu").count() == 1


def test_a_token_signed_for_another_nonce_is_refused(client, platform, launch_setup):
    """The driver must sign per launch: a token from the pool for an old nonce fails."""
    state, _ = login(client, platform)
    token = platform.sign(platform.claims(LAUNCH_URL), "a-nonce-readings-never-issued")

    response = client.post("/lti/launch/", {"id_token": token, "state": state})

    assert response.status_code != 302
    assert "_auth_user_id" not in client.session


@pytest.fixture
def echo_server():
    """A local HTTP/1.1 server: answers with the request line, keeps or closes the connection."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    connections = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            connections.append(self.client_address)

        def do_GET(self):
            self._answer(b"")

        def do_POST(self):
            self._answer(self.rfile.read(int(self.headers["Content-Length"])))

        def _answer(self, posted: bytes):
            body = f"{self.command} {self.path} ".encode() + posted
            self.send_response(200)
            self.send_header("Set-Cookie", "a=1; Path=/; HttpOnly")
            self.send_header("Set-Cookie", "b=two; expires=Thu, 01 Jan 1970 00:00:00 GMT")
            if self.path.endswith("close"):
                self.send_header("Connection", "close")
                self.close_connection = True
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], connections
    server.shutdown()
    server.server_close()


def test_the_driver_connection_keeps_or_reconnects_as_the_server_says(echo_server):
    from bench.lti_launch import RawConnection, _request

    port, connections = echo_server
    conn = RawConnection(port)
    status, headers, body = _request(conn, "GET", "/one")
    assert (status, body) == (200, b"GET /one ")
    assert headers["set-cookie"] == {"a": "1", "b": "two"}
    assert _request(conn, "POST", "/two", body="x=1")[2] == b"POST /two x=1"
    assert len(connections) == 1  # kept alive
    assert _request(conn, "GET", "/close")[2] == b"GET /close "
    assert _request(conn, "GET", "/after")[2] == b"GET /after "
    assert len(connections) == 2  # a new connection after the server closed
    conn.close()
