"""Benchmark the web application over real HTTP, through the production server, with concurrent clients.

    python bench/bench_web_http.py --home H [--alerts 100000] [--intelligence 20000] [--clients 1,4,16]
        [--requests 60] [--database sqlite|postgres] [--dsn postgresql://USER:PASSWORD@127.0.0.1:5432/postgres]
        [--port 8765]

The data are built as bench/bench_web.py builds them (a scratch home over H, the directory and the real alerts
synced, synthetic alerts up to --alerts, --intelligence graded records), in SQLite or in a fresh PostgreSQL
database (`upstander_bench_http`, created through --dsn, which names the server and a maintenance database on
127.0.0.1, and dropped at the end). Then `upstander serve --no-sync` (waitress, 8 threads) is started as a
child process on 127.0.0.1:--port, and for each concurrency level C, C client threads each sign in like a user
(the sign-in form, the password, a TOTP code for the account's own pre-enrolled secret: one ACU-lead account per
client and level, since a code works once) and request the pages over keep-alive connections. --requests
requests of each page per level are shared among the C clients, each client sending its next request as soon as
the last one is answered. Latency is the client's time from sending a request to reading the whole response;
throughput is requests over the wall time of that page at that level. The baseline, in the same run the same
way: the sign-in page, anonymous (a template and no data). Every response must be 200 or the run fails.

Output: one JSON line per (level, page), then a summary with the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web import build, pages, percentile, scratch_home

HOST = "127.0.0.1"
BENCH_DB = "upstander_bench_http"
PASSWORD = "bench-http-password-42"


class Failure(Exception):
    pass


class Browser:
    """One client: a keep-alive connection to the server and its cookies."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        headers = {"Host": f"{HOST}:{self.conn.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()
        return response.status, dict(response.headers), data

    def sign_in(self, username: str, secret: str) -> None:
        from upstander.web import totp

        status, _, _ = self.request("GET", "/login/")
        if status != 200 or "csrftoken" not in self.cookies:
            raise Failure(f"GET /login/ answered {status} without a CSRF cookie")
        status, headers, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": self.cookies["csrftoken"], "username": username, "password": PASSWORD},
        )
        if status != 302 or not headers.get("Location", "").endswith("/login/second-factor/"):
            raise Failure(f"{username}: the password step answered {status} {headers.get('Location')}")
        code = totp.code_at(secret, totp.current_step())
        status, headers, _ = self.request(
            "POST", "/login/second-factor/", {"csrfmiddlewaretoken": self.cookies["csrftoken"], "code": code}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise Failure(f"{username}: the second factor answered {status} {headers.get('Location')}")

    def close(self) -> None:
        self.conn.close()


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


def time_page(browsers: list[Browser], url: Callable[[int], str], total: int) -> dict[str, object]:
    """`total` requests shared among the browsers, each on its own thread, closed loop. Latencies are of the
    200 answers; any other status is counted (and fails the run at the end); a broken connection stops it."""
    counter = itertools.count()
    lock = threading.Lock()
    times: list[float] = []
    not_ok: dict[str, int] = {}
    broken: list[str] = []
    start = threading.Barrier(len(browsers) + 1)

    def get(browser: Browser, path: str) -> bool:
        try:
            status, _, _ = browser.request("GET", path)
        except Exception as exc:  # reported below: the run fails
            broken.append(f"{path}: {exc!r}")
            return False
        if status != 200:
            with lock:
                not_ok[f"{status} {path}"] = not_ok.get(f"{status} {path}", 0) + 1
        return status == 200

    def client(browser: Browser) -> None:
        get(browser, url(0))  # warm: the connection, the server's caches
        start.wait()
        while not broken:
            with lock:
                i = next(counter)
            if i >= total:
                return
            t0 = time.perf_counter()
            ok = get(browser, url(i))
            elapsed = (time.perf_counter() - t0) * 1000
            if ok:
                with lock:
                    times.append(elapsed)

    threads = [threading.Thread(target=client, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if broken or not times:
        raise Failure("; ".join(broken[:5]) or f"no 200 answer: {not_ok}")
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "throughput_rps": round(len(times) / wall, 1),
        "non_200": sum(not_ok.values()),
        "non_200_answers": not_ok,
    }


def create_database(dsn: str) -> str:
    """A fresh database on the server `dsn` names; its URL."""
    import psycopg

    parsed = urllib.parse.urlparse(dsn)
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"--dsn must name a server on this machine, got {parsed.hostname}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return urllib.parse.urlunparse(parsed._replace(path=f"/{BENCH_DB}"))


def drop_database(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def start_server(work: Path, port: int) -> subprocess.Popen[bytes]:
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "upstander.cli", "serve", "--port", str(port), "--no-sync"],
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failure(f"the server exited with {server.returncode}: {(work / 'server.log').read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.5)
    raise Failure("the server did not answer within 120 s")


def stop_server(server: subprocess.Popen[bytes] | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--intelligence", type=int, default=20_000)
    parser.add_argument("--clients", default="1,4,16", help="concurrency levels, comma-separated")
    parser.add_argument("--requests", type=int, default=60, help="requests of each page at each level")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--dsn",
        default="postgresql://postgres:upstander-ci@127.0.0.1:5432/postgres",
        help="with --database postgres: the server, through its maintenance database",
    )
    parser.add_argument("--port", type=int, default=8765)
    opts = parser.parse_args()
    levels = [int(c) for c in opts.clients.split(",")]
    load_before = load_1m()

    os.environ.setdefault("UPSTANDER_SECRET_KEY", "benchmark-only-key")
    os.environ.pop("UPSTANDER_DATABASE_URL", None)
    if opts.database == "postgres":
        os.environ["UPSTANDER_DATABASE_URL"] = create_database(opts.dsn)
    work = scratch_home(opts.home)
    server = None
    try:
        built = build(work, opts)
        from django.db import connection, connections

        import upstander
        from upstander.web import totp
        from upstander.web.intelligence.models import IntelligenceRecord
        from upstander.web.models import User
        from upstander.web.roles import Role
        from upstander.web.triage.models import Alert

        if opts.database == "postgres":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # what autovacuum does shortly after a bulk load
        urls = pages(built, opts.requests)
        hashed_lead = User(username="-")
        hashed_lead.set_password(PASSWORD)  # one Argon2 hash, shared by every client's account
        accounts: dict[int, list[tuple[str, str]]] = {}
        for level in levels:
            accounts[level] = []
            for c in range(level):
                name, secret = f"bench-http-{level}-{c}", totp.new_secret()
                User.objects.create(
                    username=name,
                    role=Role.ACU_LEAD,
                    staff_id="",
                    password=hashed_lead.password,
                    totp_secret=secret,
                    totp_confirmed=True,
                )
                accounts[level].append((name, secret))
        summary: dict[str, object] = {
            "database": opts.database,
            "alerts": Alert.objects.count(),
            "intelligence": IntelligenceRecord.objects.count(),
            "staff": built["synced"].staff,
            "setup_seconds": built["setup_seconds"],
            "requests_per_page_per_level": opts.requests,
            "server": "waitress, 8 threads (upstander serve)",
            "upstander_source": str(Path(upstander.__file__).parent),
            "cpus": os.cpu_count(),
        }
        connections.close_all()  # the server alone uses the database from here

        server = start_server(work, opts.port)
        results: dict[str, dict[str, object]] = {}
        failures: list[str] = []
        for level in levels:
            browsers = [Browser(opts.port) for _ in range(level)]
            anonymous = [Browser(opts.port) for _ in range(level)]
            for browser, (name, secret) in zip(browsers, accounts[level], strict=True):
                browser.sign_in(name, secret)
            level_results: dict[str, object] = {}
            for page, url in urls.items():
                before = load_1m()
                figures = time_page(anonymous if page.startswith("baseline") else browsers, url, opts.requests)
                line = {
                    "database": opts.database,
                    "clients": level,
                    "page": page,
                    **figures,
                    "load_1m_before": before,
                    "load_1m_after": load_1m(),
                }
                print(json.dumps(line), flush=True)
                level_results[page] = figures
                if figures["non_200"]:
                    failures.append(f"{level} clients, {page}: {figures['non_200_answers']}")
            base = level_results["baseline_sign_in_page"]["p95_ms"]
            for figures in level_results.values():
                figures["p95_ratio_to_baseline"] = round(figures["p95_ms"] / base, 1) if base else None
            results[str(level)] = level_results
            for browser in browsers + anonymous:
                browser.close()
        summary["levels"] = results
        stop_server(server)
        exceptions: dict[str, int] = {}
        for line in (work / "server.log").read_text().splitlines():
            if re.match(r"^[\w.]+(Error|Exception): ", line):
                key = line.replace(str(work), "$UPSTANDER_HOME")[:200]
                exceptions[key] = exceptions.get(key, 0) + 1
        summary["server_exceptions"] = exceptions
        summary["load_1m_before"], summary["load_1m_after"] = load_before, load_1m()
        print(json.dumps(summary), flush=True)
        if failures:
            raise Failure("answers other than 200 (latencies above are of the 200s): " + "; ".join(failures))
    except Failure as exc:
        log = work / "server.log"
        tail = "" if "answers other than 200" in str(exc) or not log.exists() else log.read_text()[-3000:]
        sys.exit(f"bench_web_http: {exc}\n{tail}")
    finally:
        stop_server(server)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not have been set up
            pass
        if opts.database == "postgres":
            drop_database(opts.dsn)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
