"""A test LMS: its own RSA keys, its JWKS served over real HTTP on 127.0.0.1.

It drives the real OIDC round trip through Django's test client: login
initiation → redirect to the platform's auth URL with state and nonce → a
signed id_token posted to the launch URL with that state. Tokens are signed
with PyJWT, the library Readings verifies with; ``sign_raw`` forges the
tokens PyJWT refuses to make (``alg: none``, HS256 with the public key).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from readings.lti.services import platform_register

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LAUNCH_URL = "http://testserver/lti/launch/"
DEEP_LINKING_URL = "http://testserver/lti/launch/deep-linking/"


_POOL_SIZE = 8
_KEY_POOL: list[rsa.RSAPrivateKey] = []
_next_key = -1


@dataclass
class PlatformKey:
    kid: str
    private: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls, kid: str) -> PlatformKey:
        """A key distinct from the previous seven (RSA generation is slow, so keys recycle)."""
        global _next_key
        if len(_KEY_POOL) < _POOL_SIZE:
            _KEY_POOL.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
            return cls(kid=kid, private=_KEY_POOL[-1])
        _next_key = (_next_key + 1) % _POOL_SIZE
        return cls(kid=kid, private=_KEY_POOL[_next_key])

    @property
    def private_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @property
    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwk(self) -> dict[str, Any]:
        data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**data, "kid": self.kid, "alg": "RS256", "use": "sig"}


class JwksServer:
    """Serves a platform's key set; can be told to hang or answer garbage."""

    def __init__(self, platform: TestPlatform) -> None:
        self.platform = platform
        self.mode = "ok"
        self.fetches = 0
        self.release = threading.Event()
        self.holding = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if self.path == "/register":
                    answer = server.platform.answer_registration(
                        json.loads(raw), dict(self.headers)
                    )
                    self._send(*answer)
                    return
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                status, body, headers = server.platform.answer_token_request(form)
                self._send(status, body, headers)

            def do_GET(self) -> None:
                route = urlsplit(self.path)
                if route.path in ("/course", "/auth"):
                    query = {k: v[0] for k, v in parse_qs(route.query).items()}
                    page = server.platform.browser_page(route.path, query)
                    self._send(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
                    return
                if self.path == "/.well-known/openid-configuration":
                    self._send(200, json.dumps(server.platform.openid_configuration()).encode(), {})
                    return
                if self.path.startswith("/members"):
                    status, body, headers = server.platform.answer_members_request(
                        self.path, dict(self.headers)
                    )
                    self._send(status, body, headers)
                    return
                server.fetches += 1
                if server.mode == "slow":
                    server.holding.set()
                    server.release.wait(timeout=30)
                    server.holding.clear()
                if server.mode == "garbage":
                    body = b"<html>Service temporarily unavailable</html>"
                else:
                    body = json.dumps({"keys": server.platform.published_jwks()}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first, as it should

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/jwks"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def unused_port_url() -> str:
    """A loopback URL where nothing listens (a key set that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks"


@dataclass
class Login:
    """What login initiation gave the platform: the auth redirect's parameters."""

    state: str
    nonce: str
    redirect_uri: str
    params: dict[str, str]


class TestPlatform:
    __test__ = False  # not a test class

    def __init__(
        self,
        issuer: str | None = "https://lms.example.edu",
        client_id: str = "readings-client-1",
        deployment_id: str = "deployment-1",
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.keys = [PlatformKey.generate(f"{uuid.uuid4().hex[:8]}-k1")]
        self.server = JwksServer(self)
        if issuer is None:  # an LMS whose issuer is its own address (dynamic registration)
            self.issuer = self.server.base
        self.registration = None
        self.registrations = []
        self.members = []
        self.token_requests: list[dict[str, str]] = []
        self.issued_tokens: set[str] = set()

    # Services: access tokens and the Names and Role Provisioning roster -------------------

    members: list[dict[str, Any]]
    tool_key_set: dict[str, Any] | None = None
    page_size = 2

    def answer_token_request(self, form: dict[str, str]) -> tuple[int, bytes, dict]:
        """Check the tool's client assertion with lti1p3platform, as a real LMS would."""
        from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
        from lti1p3platform.registration import Registration

        class Checker(LTI1P3PlatformConfAbstract):
            def init_platform_config(self, **kwargs) -> None:
                self._registration = kwargs["registration"]

            def get_registration_by_params(self, **kwargs):
                return self._registration

        self.token_requests.append(form)
        registration = (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(self.client_id)
            .set_platform_private_key(self.key.private_pem.decode())
            .set_tool_key_set(self.tool_key_set or {"keys": []})
        )
        try:
            token = Checker(registration=registration).get_access_token(form)
        except Exception as exc:  # the LMS answers 400 to any bad request
            return 400, json.dumps({"error": "invalid_client", "why": str(exc)}).encode(), {}
        self.issued_tokens.add(token["access_token"])
        return 200, json.dumps(token).encode(), {}

    def answer_members_request(self, path: str, headers: dict) -> tuple[int, bytes, dict]:
        auth = headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.issued_tokens:
            return 401, b"{}", {}
        page = int(parse_qs(urlsplit(path).query).get("page", ["0"])[0])
        chunk = self.members[page * self.page_size : (page + 1) * self.page_size]
        extra = {}
        if (page + 1) * self.page_size < len(self.members):
            # Mixed case on purpose: the URL must be followed exactly as given.
            extra["Link"] = f'<{self.server.base}/members/Roster?page={page + 1}>; rel="next"'
        body = {"id": "roster", "context": {"id": "ctx-1"}, "members": chunk}
        return (
            200,
            json.dumps(body).encode(),
            {
                "Content-Type": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                **extra,
            },
        )

    # A course page with the tool in an iframe, and the OIDC auth endpoint --------------

    tool_base = ""  # Readings' address, for the browser tests
    browser_claims: dict[str, Any] = {}  # what the browser launch says (payload() options)

    def browser_page(self, path: str, query: dict[str, str]) -> str:
        if path == "/course":
            login = (
                self.tool_base
                + "/lti/login/?"
                + urlencode(
                    {
                        "iss": self.issuer,
                        "client_id": self.client_id,
                        "login_hint": "browser-user",
                        "lti_deployment_id": self.deployment_id,
                        "target_link_uri": self.tool_base + "/lti/launch/",
                    }
                )
            )
            return (
                "<!doctype html><title>LMS course</title><h1>LMS course page</h1>"
                f'<iframe id="tool" src="{login}" width="900" height="600"></iframe>'
            )
        # The authorisation endpoint: sign a launch for the nonce, post it to redirect_uri.
        redirect_uri = query.get("redirect_uri", "")
        assert redirect_uri == self.tool_base + "/lti/launch/", redirect_uri
        claims = {"sub": "browser-user", **self.browser_claims}
        token = self.sign(self.payload(query["nonce"], target=redirect_uri, **claims))
        return (
            f'<!doctype html><form id="f" method="post" action="{redirect_uri}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{query["state"]}"></form>'
            '<script>document.getElementById("f").submit()</script>'
        )

    # Dynamic registration -------------------------------------------------------------

    registrations: list[dict[str, Any]]

    def openid_configuration(self) -> dict[str, Any]:
        base = self.server.base
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "jwks_uri": self.server.url,
            "registration_endpoint": f"{base}/register",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "test-lms",
                "version": "1.0",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest"},
                    {"type": "LtiDeepLinkingRequest"},
                ],
            },
        }

    def answer_registration(self, body: dict, headers: dict) -> tuple[int, bytes, dict]:
        self.registrations.append({"body": body, "authorization": headers.get("Authorization")})
        answer = {
            **body,
            "client_id": self.client_id,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                **body.get("https://purl.imsglobal.org/spec/lti-tool-configuration", {}),
                "deployment_id": self.deployment_id,
            },
        }
        return 200, json.dumps(answer).encode(), {}

    @property
    def memberships_url(self) -> str:
        return f"{self.server.base}/members/Roster?page=0"

    @property
    def key(self) -> PlatformKey:
        return self.keys[-1]

    def published_jwks(self) -> list[dict[str, Any]]:
        return [k.jwk() for k in self.keys]

    def rotate(self, *, keep_old: bool = False) -> PlatformKey:
        new = PlatformKey.generate(f"{uuid.uuid4().hex[:8]}-k{len(self.keys) + 1}")
        self.keys = [*self.keys, new] if keep_old else [new]
        return new

    def register(self, institution, **overrides):
        fields = {
            "institution": institution,
            "issuer": self.issuer,
            "client_id": self.client_id,
            "auth_login_url": f"{self.server.base}/auth",
            "auth_token_url": f"{self.server.base}/token",
            "keyset_url": self.server.url,
            "deployment_ids": [self.deployment_id],
            "name": "Test LMS",
        }
        self.registration = platform_register(**{**fields, **overrides})
        return self.registration

    def stop(self) -> None:
        self.server.stop()

    # The OIDC round trip ---------------------------------------------------------------

    def login(self, client, *, method: str = "get", target: str = LAUNCH_URL, **extra) -> Login:
        params = {
            "iss": self.issuer,
            "login_hint": "hint-123",
            "target_link_uri": target,
            "client_id": self.client_id,
            "lti_message_hint": "msg-456",
            "lti_deployment_id": self.deployment_id,
            **extra,
        }
        params = {k: v for k, v in params.items() if v is not None}
        if method == "get":
            response = client.get("/lti/login/?" + urlencode(params))
        else:
            response = client.post("/lti/login/", params)
        assert response.status_code == 302, response.content[:500]
        parts = urlsplit(response["Location"])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{self.server.base}/auth"
        return Login(
            state=query["state"],
            nonce=query["nonce"],
            redirect_uri=query["redirect_uri"],
            params=query,
        )

    def post_launch(self, client, id_token: str | None, state: str | None, *, url: str = ""):
        data = {k: v for k, v in (("id_token", id_token), ("state", state)) if v is not None}
        return client.post(url or urlsplit(LAUNCH_URL).path, data)

    def launch(self, client, *, target: str = LAUNCH_URL, **payload_options):
        """Log in, sign a valid launch for the issued nonce, post it: the whole round trip."""
        login = self.login(client, target=target)
        token = self.sign(self.payload(login.nonce, target=target, **payload_options))
        return self.post_launch(client, token, login.state, url=urlsplit(login.redirect_uri).path)

    # Tokens ----------------------------------------------------------------------------

    def payload(
        self,
        nonce: str,
        *,
        sub: str | None = "user-1",
        roles: list[str] | None = None,
        context: dict | bool | None = True,
        target: str = LAUNCH_URL,
        message_type: str = "LtiResourceLinkRequest",
        drop: tuple[str, ...] = (),
        **claims: Any,
    ) -> dict[str, Any]:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": "ada@example.edu",
            LTI + "message_type": message_type,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": target,
            LTI + "roles": [ROLE + "Learner"] if roles is None else roles,
            LTI + "resource_link": {"id": "resource-link-1", "title": "Reading list"},
        }
        if sub is not None:
            body["sub"] = sub
        if context is True:
            body[LTI + "context"] = {"id": "ctx-1", "label": "HIST101", "title": "Modern History"}
        elif isinstance(context, dict):
            body[LTI + "context"] = context
        for key, value in claims.items():
            body[_claim_name(key)] = value
        for key in drop:
            body.pop(_claim_name(key), None)
        return body

    def sign(
        self,
        payload: dict[str, Any],
        *,
        key: PlatformKey | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        key = key or self.key
        header = {"kid": key.kid, **(headers or {})}
        header = {k: v for k, v in header.items() if v is not None}
        return jwt.encode(copy.deepcopy(payload), key.private, algorithm="RS256", headers=header)

    def sign_raw(
        self, header: dict[str, Any], payload: dict[str, Any], *, secret: bytes = b""
    ) -> str:
        """Hand-made tokens: ``alg: none`` (no signature) or HS256 keyed with ``secret``."""
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        if header.get("alg") == "HS256":
            signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{_b64(signature)}"
        return f"{signing_input}."


_SHORT_NAMES = {
    "message_type",
    "version",
    "deployment_id",
    "target_link_uri",
    "roles",
    "resource_link",
    "context",
    "custom",
    "lis",
    "launch_presentation",
}


def _claim_name(key: str) -> str:
    if key in _SHORT_NAMES:
        return LTI + key
    if key == "deep_linking_settings":
        return "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
    if key == "nrps":
        return "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
