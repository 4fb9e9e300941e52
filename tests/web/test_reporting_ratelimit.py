"""Rate limiting: enforced per client, bounded in memory, thread-safe, and holding no client address."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import threading
from typing import Any

import pytest
from django.test import RequestFactory

from upstander.web.ratelimit import SECRET_LIFETIME_SECONDS, RateLimiter, client_address

ADDRESS = "203.0.113.7"


def test_allows_up_to_the_limit_then_refuses() -> None:
    limiter = RateLimiter(limit=3, window_seconds=60)
    assert [limiter.hit(ADDRESS, now=1000.0 + i) for i in range(6)] == [True, True, True, False, False, False]


def test_a_new_window_allows_again() -> None:
    limiter = RateLimiter(limit=2, window_seconds=60)
    assert [limiter.hit(ADDRESS, now=t) for t in (600.0, 610.0, 620.0, 659.9)] == [True, True, False, False]
    assert [limiter.hit(ADDRESS, now=t) for t in (660.0, 661.0, 662.0)] == [True, True, False]
    # Refused hits do not push the end of the block further away.
    assert limiter.hit(ADDRESS, now=720.0)


def test_different_addresses_are_independent() -> None:
    limiter = RateLimiter(limit=1, window_seconds=60)
    assert limiter.hit(ADDRESS, now=0.0)
    assert not limiter.hit(ADDRESS, now=1.0)
    assert limiter.hit("203.0.113.8", now=1.0)
    assert limiter.hit("198.51.100.7", now=1.0)
    assert limiter.hit("2001:db8:1::1", now=1.0)


def test_an_ipv6_client_is_its_whole_64() -> None:
    limiter = RateLimiter(limit=1, window_seconds=60)
    assert limiter.hit("2001:db8:aaaa:bbbb::1", now=0.0)
    assert not limiter.hit("2001:db8:aaaa:bbbb:ffff:ffff:ffff:fffe", now=0.0)  # same /64: a new address is no escape
    assert limiter.hit("2001:db8:aaaa:bbbc::1", now=0.0)  # the next /64 is someone else
    assert limiter.hit("192.0.2.1", now=0.0)
    assert not limiter.hit("::ffff:192.0.2.1", now=0.0)  # IPv4 written as IPv6 is the same client


def test_a_missing_or_odd_address_is_still_limited() -> None:
    limiter = RateLimiter(limit=1, window_seconds=60)
    assert limiter.hit("", now=0.0)
    assert not limiter.hit("", now=0.0)
    assert limiter.hit("not an address", now=0.0)
    assert not limiter.hit("not an address", now=0.0)


@pytest.mark.parametrize(("limit", "window", "max_keys"), [(0, 60, 10), (1, 0, 10), (1, 60, 0), (-1, 60, 10)])
def test_settings_must_be_positive(limit: int, window: int, max_keys: int) -> None:
    with pytest.raises(ValueError):
        RateLimiter(limit, window, max_keys=max_keys)


def everything_reachable(root: Any) -> list[Any]:
    """Every object reachable from `root` through attributes and containers."""
    seen: set[int] = set()
    found: list[Any] = []
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        found.append(obj)
        if isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack.extend(vars(obj).values())
    return found


def test_no_raw_address_is_kept() -> None:
    limiter = RateLimiter(limit=5, window_seconds=60)
    addresses = [ADDRESS, "2001:db8::7", "::ffff:203.0.113.9"]
    for address in addresses:
        limiter.hit(address, now=0.0)
    texts = {address for address in addresses} | {str(ipaddress.ip_address(a)) for a in addresses} | {"203.0.113.9"}
    for obj in everything_reachable(limiter):
        if isinstance(obj, str):
            assert not any(text in obj for text in texts), obj
        if isinstance(obj, (bytes, bytearray)):
            assert not any(text.encode() in obj for text in texts)
            assert ipaddress.ip_address(ADDRESS).packed not in obj
        if isinstance(obj, int) and not isinstance(obj, bool):
            assert obj != int(ipaddress.ip_address(ADDRESS))
    assert ADDRESS not in repr(limiter) and ADDRESS not in str(limiter)


def test_the_secret_cannot_leave_memory_by_pickling_or_copying() -> None:
    limiter = RateLimiter(limit=5, window_seconds=60)
    limiter.hit(ADDRESS, now=0.0)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError):
            pickle.dumps(limiter, protocol=protocol)
    with pytest.raises(TypeError):
        copy.copy(limiter)
    with pytest.raises(TypeError):
        copy.deepcopy(limiter)


def test_the_secret_and_the_counts_are_replaced_after_a_day() -> None:
    limiter = RateLimiter(limit=1, window_seconds=7 * SECRET_LIFETIME_SECONDS)  # a window longer than the secret
    assert limiter.hit(ADDRESS, now=0.0)
    assert not limiter.hit(ADDRESS, now=SECRET_LIFETIME_SECONDS - 1)
    keys_before = set(limiter._counters)
    assert limiter.hit(ADDRESS, now=SECRET_LIFETIME_SECONDS)
    keys_after = set(limiter._counters)
    assert len(keys_after) == 1 and not keys_before & keys_after  # the same client cannot be linked across days


def test_memory_stays_bounded_under_many_addresses() -> None:
    limiter = RateLimiter(limit=3, window_seconds=60)
    for i in range(100_000):
        assert limiter.hit(str(ipaddress.IPv4Address(0x0A000000 + i)), now=1.0 + i / 1000)
    assert len(limiter) == limiter.max_keys == 10_000
    # The newest clients are the ones still counted; the oldest windows were dropped first.
    last = str(ipaddress.IPv4Address(0x0A000000 + 99_999))
    assert limiter.hit(last, now=100.0) and limiter.hit(last, now=100.0)
    assert not limiter.hit(last, now=100.0)
    small = RateLimiter(limit=1, window_seconds=60, max_keys=100)
    for i in range(5000):
        small.hit(f"198.51.100.{i % 256}-{i}", now=0.0)
    assert len(small) == 100


def test_many_threads_on_one_client_never_get_more_than_the_limit() -> None:
    limiter = RateLimiter(limit=50, window_seconds=60)
    allowed: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def hammer() -> None:
        barrier.wait()
        results = [limiter.hit(ADDRESS, now=30.0) for _ in range(200)]
        with lock:
            allowed.extend(results)

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 16 * 200
    assert sum(allowed) == 50


def test_client_address_is_remote_addr_only() -> None:
    factory = RequestFactory()
    request = factory.get(
        "/report", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1", HTTP_X_REAL_IP="198.51.100.2"
    )
    assert client_address(request) == ADDRESS
    request = factory.get("/report")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""
