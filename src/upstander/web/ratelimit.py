"""Rate limiting for the public reporting pages that never holds a client's address.

Counters are kept under HMAC-SHA256(address) with a random secret that exists only in this process's memory
and is replaced every 24 hours (the counters go with it). Nothing is written to disk or the database, and even a
memory dump cannot tell which address a counter belongs to without that day's secret, nor link one day's
counters to the next.

Fixed windows: at most `limit` hits per `window_seconds`, counted from the start of each window (a client can
get up to twice the limit across a window boundary; enough to stop floods and guessing). Memory is bounded: past
`max_keys` counters, the ones whose window began longest ago are dropped first.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import OrderedDict
from typing import NoReturn

from django.http import HttpRequest

SECRET_LIFETIME_SECONDS = 24 * 3600
SECRET_BYTES = 32
DEFAULT_MAX_KEYS = 10_000
# Counter keys are the HMAC truncated to 128 bits: collisions among even millions of keys are out of reach.
_KEY_BYTES = 16


class AddressKeys:
    """Keys to count clients by without keeping their addresses: an HMAC of the text under a secret held in memory
    only, renewed daily (and whenever the clock goes back). Counts kept under the old secret must then be dropped:
    they could link today's clients to yesterday's."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(SECRET_BYTES)
        self._since: float | None = None

    def renewed(self, now: float) -> bool:
        """Start the secret's day, or renew it when due; True when it was renewed."""
        if self._since is None:
            self._since = now
        elif not 0 <= now - self._since < SECRET_LIFETIME_SECONDS:
            self._secret, self._since = secrets.token_bytes(SECRET_BYTES), now
            return True
        return False

    def key(self, text: str) -> bytes:
        return hmac.new(self._secret, text.encode("utf-8", "replace"), hashlib.sha256).digest()[:_KEY_BYTES]

    def __getstate__(self) -> NoReturn:
        # Pickling or copying would carry the secret out of this process's memory.
        raise TypeError("the secret of address keys stays in memory: it cannot be pickled or copied")


class RateLimiter:
    """Allows each client at most `limit` hits per window of `window_seconds`; thread-safe, in memory only."""

    def __init__(self, limit: int, window_seconds: int, *, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        if limit < 1 or window_seconds < 1 or max_keys < 1:
            raise ValueError("limit, window_seconds and max_keys must each be at least 1")
        self.limit = limit
        self.window_seconds = window_seconds
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._keys = AddressKeys()
        # key -> (window number, hits in it); ordered by when that window began for the key, oldest first.
        self._counters: OrderedDict[bytes, tuple[int, int]] = OrderedDict()

    def hit(self, address: str, now: float | None = None) -> bool:
        """Count one request from `address`; True if it is allowed, False if over the limit (not counted)."""
        now = time.monotonic() if now is None else now
        window = int(now // self.window_seconds)
        with self._lock:
            if self._keys.renewed(now):
                self._counters.clear()
            key = self._keys.key(_bucket(address))
            counter = self._counters.get(key)
            if counter is None or counter[0] != window:
                self._counters[key] = (window, 1)
                self._counters.move_to_end(key)
                while len(self._counters) > self.max_keys:
                    self._counters.popitem(last=False)
                return True
            if counter[1] >= self.limit:
                return False
            self._counters[key] = (window, counter[1] + 1)
            return True

    def __len__(self) -> int:
        """How many clients have a counter."""
        with self._lock:
            return len(self._counters)

    def __repr__(self) -> str:
        return f"RateLimiter(limit={self.limit}, window_seconds={self.window_seconds}, clients={len(self)})"

    def __getstate__(self) -> NoReturn:
        # Pickling or copying would carry the secret out of this process's memory.
        raise TypeError("a RateLimiter's secret stays in memory: it cannot be pickled or copied")



def client_address(request: HttpRequest) -> str:
    """The address to rate-limit by: REMOTE_ADDR only. X-Forwarded-For is ignored because any client can write
    it; behind a reverse proxy, have the server set REMOTE_ADDR from it (waitress's trusted_proxy)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def _bucket(address: str) -> str:
    """What one client is: an IPv4 address, or an IPv6 /64 (one home or phone is usually given a whole /64 and
    could otherwise step through its addresses to reset the count)."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address  # not an IP address (empty, a socket path): limited as given
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)
