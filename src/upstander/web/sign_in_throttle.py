"""Slowing down password guessing without letting a guesser lock an account's owner out.

Three limits, none of which keeps a client's address:
- per account and client: a few free failures, then each further try waits twice as long as the last (capped),
  so a guesser at one address is slowed to a crawl while the owner, elsewhere, signs in as usual;
- per client across accounts: at most `client_limit` failures per window, against spraying many names;
- per account across every client: a ceiling kept on the account (`User.record_failed_login`), which the ACU lead
  sees and can clear.

Clients are counted under HMAC-SHA256 of their address (the reporting limiter's bucketing: an IPv6 /64 is one
client) with a secret that lives only in this process and is replaced daily, taking the counters with it. The
account name is kept beside its counter so that the ACU lead can be shown who is being slowed; the name as typed,
whether or not such an account exists, so that a refusal never tells which names are real.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from upstander.web.ratelimit import AddressKeys, _bucket


@dataclass
class _Slot:
    username: str
    failures: int
    first_failure: float
    last_failure: float
    until: float  # no try from this client at this account is checked before this


@dataclass(frozen=True)
class Slowed:
    """An account some client is being slowed down on, for the ACU lead's page."""

    username: str
    clients: int
    failures: int
    since: float
    until: float


class SignInThrottle:
    def __init__(self, *, free_tries: int = 3, base_delay: float = 2.0, max_delay: float = 15 * 60,
                 client_limit: int = 30, client_window: float = 15 * 60, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.time) -> None:
        if min(free_tries, client_limit, max_keys) < 1 or min(base_delay, max_delay, client_window) <= 0:
            raise ValueError("the sign-in throttle's limits must each be positive")
        self.free_tries, self.base_delay, self.max_delay = free_tries, base_delay, max_delay
        self.client_limit, self.client_window, self.max_keys = client_limit, client_window, max_keys
        self.clock = clock  # wall-clock seconds; tests replace it instead of sleeping
        self._lock = threading.Lock()
        self._keys = AddressKeys()
        self._pairs: OrderedDict[bytes, _Slot] = OrderedDict()
        self._clients: OrderedDict[bytes, tuple[int, int]] = OrderedDict()  # key -> (window number, failures)

    def wait(self, username: str, address: str) -> float:
        """Seconds before this client may have a try at this account checked; 0 when it may now."""
        now = self.clock()
        with self._lock:
            self._renew_secret_if_due(now)
            slot = self._pairs.get(self._key(address, username))
            pair_wait = max(0.0, slot.until - now) if slot else 0.0
            window, failures = self._clients.get(self._key(address), (-1, 0))
            current = int(now // self.client_window)
            client_wait = (current + 1) * self.client_window - now \
                if window == current and failures >= self.client_limit else 0.0
            return max(pair_wait, client_wait)

    def failed(self, username: str, address: str) -> None:
        """Count a checked failure: a wrong password or second-factor code for `username` from `address`."""
        now = self.clock()
        with self._lock:
            self._renew_secret_if_due(now)
            key = self._key(address, username)
            slot = self._pairs.get(key) or _Slot(username, 0, now, now, now)
            slot.failures += 1
            slot.last_failure = now
            over = slot.failures - self.free_tries
            slot.until = now + min(self.max_delay, self.base_delay * 2 ** (over - 1)) if over > 0 else now
            self._pairs[key] = slot
            self._pairs.move_to_end(key)
            ckey, current = self._key(address), int(now // self.client_window)
            window, failures = self._clients.get(ckey, (current, 0))
            self._clients[ckey] = (current, failures + 1 if window == current else 1)
            self._clients.move_to_end(ckey)
            for table in (self._pairs, self._clients):
                while len(table) > self.max_keys:
                    table.popitem(last=False)  # the one failed longest ago

    def succeeded(self, username: str, address: str) -> None:
        """The owner got in from here: this client's count for the account starts again."""
        with self._lock:
            self._pairs.pop(self._key(address, username), None)

    def slowed(self) -> list[Slowed]:
        """Accounts on which some client must wait now, most recently failed first."""
        now = self.clock()
        by_name: dict[str, list[_Slot]] = {}
        with self._lock:
            for slot in self._pairs.values():
                if slot.until > now:
                    by_name.setdefault(slot.username, []).append(slot)
        rows = [Slowed(name, len(s), sum(x.failures for x in s), min(x.first_failure for x in s),
                       max(x.until for x in s)) for name, s in by_name.items()]
        return sorted(rows, key=lambda r: -r.until)

    def clear(self, username: str) -> int:
        """Forget every client's count for this account; how many there were."""
        with self._lock:
            keys = [k for k, s in self._pairs.items() if s.username == username]
            for k in keys:
                del self._pairs[k]
            return len(keys)

    def reset(self) -> None:
        with self._lock:
            self._pairs.clear()
            self._clients.clear()

    def __getstate__(self) -> NoReturn:
        raise TypeError("a SignInThrottle's secret stays in memory: it cannot be pickled or copied")

    def _key(self, address: str, username: str | None = None) -> bytes:
        # The NUL cannot occur in an address, so no (address, name) pair can imitate another or a client key.
        text = _bucket(address) + ("" if username is None else "\0" + username)
        return self._keys.key(text)

    def _renew_secret_if_due(self, now: float) -> None:
        if self._keys.renewed(now):  # counts under the old secret could link today's clients to yesterday's
            self._pairs.clear()
            self._clients.clear()


_instance: SignInThrottle | None = None
_instance_lock = threading.Lock()


def throttle() -> SignInThrottle:
    """The process's throttle, made from the SIGN_IN_* settings on first use (one per server process: waitress
    serves every request from one process, so every client is counted in the same place)."""
    global _instance
    with _instance_lock:
        if _instance is None:
            from django.conf import settings

            _instance = SignInThrottle(
                free_tries=settings.SIGN_IN_FREE_TRIES, base_delay=settings.SIGN_IN_BASE_DELAY_SECONDS,
                max_delay=settings.SIGN_IN_MAX_DELAY_SECONDS, client_limit=settings.SIGN_IN_CLIENT_LIMIT,
                client_window=settings.SIGN_IN_CLIENT_WINDOW_SECONDS)
        return _instance


def now_at(gate: SignInThrottle) -> datetime:
    """The throttle's clock as an aware datetime, for the account's ceiling (one clock for both)."""
    return datetime.fromtimestamp(gate.clock(), tz=UTC)
