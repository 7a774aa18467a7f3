"""The platform key set cache: re-fetch on rotation, rate limits, failures fail closed."""

from __future__ import annotations

import pytest

from lti.platform import TestPlatform, unused_port_url
from readings.lti.errors import KeySetUnavailable, UnknownKeyId
from readings.lti.keyset import KeySetCache, http_fetcher, parse_key_set


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fetcher:
    def __init__(self, *kids: str) -> None:
        self.kids = list(kids)
        self.calls = 0

    def __call__(self, url: str) -> dict:
        self.calls += 1
        return {"keys": [{"kid": k, "kty": "RSA"} for k in self.kids]}


def test_a_known_kid_is_served_from_the_cache():
    fetch = Fetcher("a")
    cache = KeySetCache(fetch, clock=Clock())
    cache.key("u", "a")
    cache.key("u", "a")
    assert fetch.calls == 1


def test_the_cache_expires_after_its_ttl():
    fetch, clock = Fetcher("a"), Clock()
    cache = KeySetCache(fetch, ttl=60, clock=clock)
    cache.key("u", "a")
    clock.now += 61
    cache.key("u", "a")
    assert fetch.calls == 2


def test_a_new_kid_right_after_a_fetch_triggers_one_refetch():
    fetch, clock = Fetcher("a"), Clock()
    cache = KeySetCache(fetch, refetch_interval=60, clock=clock)
    cache.key("u", "a")
    fetch.kids = ["b"]
    assert cache.key("u", "b")["kid"] == "b"
    assert fetch.calls == 2


def test_forged_kids_refetch_once_per_interval():
    fetch, clock = Fetcher("a"), Clock()
    cache = KeySetCache(fetch, refetch_interval=60, clock=clock)
    for kid in ("x", "y", "z"):
        with pytest.raises(UnknownKeyId):
            cache.key("u", kid)
    assert fetch.calls == 2
    clock.now += 61
    with pytest.raises(UnknownKeyId):
        cache.key("u", "w")
    assert fetch.calls == 3


def test_after_a_failure_the_url_is_not_hammered():
    clock = Clock()
    calls = []

    def failing(url):
        calls.append(url)
        raise KeySetUnavailable("down")

    cache = KeySetCache(failing, failure_backoff=10, clock=clock)
    for _ in range(3):
        with pytest.raises(KeySetUnavailable):
            cache.key("u", "a")
    assert len(calls) == 1
    clock.now += 11
    with pytest.raises(KeySetUnavailable):
        cache.key("u", "a")
    assert len(calls) == 2


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"keys": "no"}', b"\xff\xfe", b'{"other": []}']
)
def test_a_key_set_that_is_not_a_jwks_is_unavailable(body):
    with pytest.raises(KeySetUnavailable):
        parse_key_set(body)


def test_keys_without_a_kid_are_left_out():
    assert parse_key_set(b'{"keys": [{"kty": "RSA"}, {"kid": "a"}]}') == {"keys": [{"kid": "a"}]}


def test_the_http_fetcher_reads_a_real_key_set():
    platform = TestPlatform()
    try:
        keys = http_fetcher(timeout=2)(platform.server.url)
        assert [k["kid"] for k in keys["keys"]] == [platform.key.kid]
    finally:
        platform.stop()


def test_the_http_fetcher_refuses_an_oversized_key_set():
    platform = TestPlatform()
    try:
        with pytest.raises(KeySetUnavailable):
            http_fetcher(timeout=2, max_bytes=100)(platform.server.url)
    finally:
        platform.stop()


def test_the_http_fetcher_fails_closed_when_nothing_listens():
    with pytest.raises(KeySetUnavailable):
        http_fetcher(timeout=2)(unused_port_url())
