"""Load-test the confidential reporting portal through the production server: every report stored, none twice.

    python bench/bench_reports_load.py [--reports 2000] [--clients 50] [--database sqlite|postgres]
        [--dsn postgresql://USER:PASSWORD@127.0.0.1:5432/postgres] [--port P] [--duplicates 0.05] [--runs 1]

Each run starts from nothing: a scratch UPSTANDER_HOME and, apart from it, a scratch UPSTANDER_KEY_DIR (the
sealing keys and the receipt-code pepper made by `upstander keys init` before the server starts), a random
UPSTANDER_SECRET_KEY, and UPSTANDER_REPORT_LIMIT raised to --report-limit (100,000): the portal allows 10
reports per client address per hour, and every client here comes from 127.0.0.1. With --database postgres a
fresh database (`upstander_bench_reports_<pid>_<run>`) is created through --dsn, which names the server and a
maintenance database, and dropped at the end (psycopg, the project's PostgreSQL driver, is used for that only).
The server is the production one, `upstander serve --port P --no-sync` (migrations, then waitress with 8 threads
on 127.0.0.1), run as a child process and stopped at the end or on any error. Its log, where django.request
writes a server error's traceback, is scanned afterwards: the first tracebacks are part of the output.

Then --clients client threads (standard library only: http.client over a keep-alive connection and a cookie
jar per client) share --reports distinct reports, routes in turn public, partner, staff. For each one a client
GETs the form (a CSRF cookie and token, a fresh one-time `submission` token), then POSTs a synthetic report as a
browser does (multipart, with the empty file field): a varied account of 150 to 1,500 characters, one or more
identifying details, anonymous or (one in five) named with made-up contact details; the partner route adds the
worker's details and the survivor's consent. The answer must be 200 with a receipt code. A share --duplicates
of the reports is sent twice with the same `submission`: half as a retry (the same POST again after the answer,
like a reload), half as a double click (two POSTs at the same moment on two connections); of the two answers
exactly one may carry a code, and both must name the same reference. Latency is the client's time from sending
a request to reading the whole response; throughput is distinct reports stored over the wall time of the load.

The baseline, measured in the same run under the same clients just before the load: GET /report/, the portal's
start page (a template, no database, no hashing).

Afterwards the database is checked directly, in a child process with the run's settings (Django's ORM, raw SQL
for the sealed columns): as many Report rows as distinct submissions sent, every submission once, each row's
route and sealed what_happened (opened with the run's key directory; stored as ciphertext, not as the text)
equal to what that client sent, references and receipt hashes all distinct, no attachments; every receipt code
the clients received distinct; and for a sample of --check-codes codes, the Argon2id hash of the code is the
stored receipt hash of the report it was given for (which also measures one hash's cost in the same run).

Output: one JSON line per run, then a summary line (medians over runs). Bounded: --time-limit seconds per run
for the load, --request-timeout per request, loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROUTES = ("public", "partner", "staff")
HOST = "127.0.0.1"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
_CODE = re.compile(r'<p class="code" id="receipt-code">([a-z-]+)</p>')
_REFERENCE = re.compile(r"Reference: <strong>(R-[A-Z0-9]+)</strong>")
_ALREADY = "This form had already been sent"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


# --- Synthetic reports -----------------------------------------------------------------------------------------

_OPENINGS = (
    "I met the officer when I reported a burglary at my flat.",
    "An officer came to my house after my neighbour called the police about a noisy argument.",
    "I was stopped while driving home late and the officer asked for my number.",
    "After I gave a statement about an assault, the officer who took it kept contacting me.",
    "A colleague in the control room has been looking up people he knows on the systems.",
    "The person I support was the victim in a domestic abuse case and an officer in the case approached her.",
    "I work at the front counter and noticed something about one of the response officers.",
    "My sister was arrested last year and the custody officer has since been messaging her.",
)
_MIDDLES = (
    "He sent messages on social media late at night saying he could help with my case if I met him.",
    "She told me she had looked me up on the computer and knew where I lived now.",
    "He came round when he was off duty, still in part of his uniform, and would not leave.",
    "The messages became more personal, with comments about how I looked and requests for photos.",
    "He said it would be better for me if I did not tell anyone we had been talking.",
    "He offered to make a complaint against my ex go away if I went for a drink with him.",
    "I saw him print out records for an address that had nothing to do with his work that day.",
    "The officer parked the marked car outside my work several times in one week.",
    "When I asked him to stop he said nobody would believe me over a police officer.",
    "He asked whether my partner was still around and when I would be on my own.",
)
_CLOSINGS = (
    "I still have the messages and can send screenshots.",
    "I am worried he will find out I have told someone.",
    "I do not want to give my name because I am scared of what might happen.",
    "Other women at the refuge have mentioned the same officer.",
    "I only want someone to check that this is not happening to anyone else.",
    "I deleted the messages at the time but remember most of them.",
)
_ROLES = ("police officer", "PCSO", "detective constable", "sergeant", "call handler", "custody officer", "")
_STATIONS = ("Northgate", "Riverside", "Hill Street", "the custody suite", "Westbrook", "Eastfield", "")
_WHENS = ("last spring, at night", "about three weeks ago", "over the summer", "in March", "since January", "")
_WHERES = ("outside my flat", "at the petrol station on the ring road", "at the station front desk", "online", "")
_AGENCIES = ("Synthetic Domestic Abuse Service", "Example Women's Refuge", "Sample Council Housing Team")


@dataclass
class Job:
    index: int
    route: str
    fields: list[tuple[str, str]]
    text: str
    duplicate: str  # "", "retry" or "double"


def _account(rng: random.Random, index: int) -> str:
    parts = [rng.choice(_OPENINGS)]
    parts += rng.sample(_MIDDLES, rng.randint(1, 6))
    if rng.random() < 0.5:
        parts.append(f"It happened about {rng.randint(2, 30)} times; the last was {rng.randint(1, 28)} days ago.")
    parts.append(rng.choice(_CLOSINGS))
    text = " ".join(parts)
    if rng.random() < 0.3:  # a longer account, in paragraphs
        text += "\n\n" + " ".join(rng.sample(_MIDDLES, rng.randint(3, 8)))
    return f"{text} (benchmark account {index})"


def make_jobs(count: int, duplicates: float, seed: int) -> list[Job]:
    rng = random.Random(seed)
    dup_count = round(count * duplicates)
    doubled = set(rng.sample(range(count), dup_count))
    jobs = []
    kinds = iter(("retry", "double") * (dup_count // 2 + 1))
    for i in range(count):
        route = ROUTES[i % len(ROUTES)]
        text = _account(rng, i)
        fields: list[tuple[str, str]] = []
        if route == "partner":
            fields += [
                ("partner_agency", f"{rng.choice(_AGENCIES)} {rng.randint(1, 40)}"),
                ("partner_worker", f"Support worker {rng.randint(1, 500)}, 07700 900{rng.randint(100, 999)}"),
                ("survivor_consent", rng.choice(("yes", "no", "unsafe"))),
            ]
        identifying = {
            "subject_collar": f"PC {rng.randint(1000, 9999)}" if rng.random() < 0.6 else "",
            "subject_role": rng.choice(_ROLES),
            "subject_station": rng.choice(_STATIONS),
            "subject_vehicle": f"Call sign {rng.choice('ABCDEFGH')}{rng.randint(10, 99)}" if rng.random() < 0.2 else "",
            "subject_description": "Tall, short dark hair, a tattoo on the left wrist" if rng.random() < 0.3 else "",
        }
        if not any(identifying.values()):
            identifying["subject_collar"] = f"PC {rng.randint(1000, 9999)}"
        fields += [("subject_name", ""), *identifying.items()]
        others = rng.choice(("no", "yes", "unsure"))
        fields += [
            ("what_happened", text),
            ("when_happened", rng.choice(_WHENS)),
            ("where_happened", rng.choice(_WHERES)),
            ("others_affected", others),
            ("others_detail", "A friend of mine had messages from him too." if others == "yes" else ""),
        ]
        if rng.random() < 0.2:
            n = rng.randint(1, 9999)
            fields += [
                ("anonymity", "named"),
                ("reporter_name", f"Test Reporter {n:04d}"),
                ("reporter_phone", f"07700 900{rng.randint(100, 999)}"),
                ("reporter_email", f"reporter{n}@example.org"),
                ("contact_consent", "on"),
                ("safe_channels", "email"),
                ("safe_channels", "phone_call"),
                ("safe_times", "weekdays 10am to 2pm, never at weekends"),
            ]
        else:
            fields += [("anonymity", "anonymous")] + [
                (f, "") for f in ("reporter_name", "reporter_phone", "reporter_email", "safe_times")
            ]
        jobs.append(Job(i, route, fields, text, next(kinds) if i in doubled else ""))
    return jobs


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser sends for the form (enctype multipart/form-data), with no file chosen."""
    boundary = "----upstanderbench" + secrets.token_hex(12)
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n".encode()
    )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


# --- HTTP clients ----------------------------------------------------------------------------------------------


class Client:
    """One browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, timeout: float, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = cookies if cookies is not None else {}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple:
        """(status, text, seconds); reconnects and resends once if the connection was closed under it."""
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "upstander-bench"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if body is not None:
                headers["Content-Type"] = content_type
                headers["Origin"] = f"http://{HOST}:{self.port}"
                headers["Referer"] = f"http://{HOST}:{self.port}{path}"
            began = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                self.reconnects += 1
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - began
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            if response.will_close:
                self.close()
            return response.status, data.decode("utf-8", "replace"), seconds
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Results:
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    dup_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    sent: dict[str, dict[str, str]] = field(default_factory=dict)  # submission -> route, text, code, reference
    codes: list[str] = field(default_factory=list)
    attempted: int = 0
    reconnects: int = 0  # connections closed under a request, which was then sent again (a POST keeps its token)
    duplicates_sent: int = 0
    duplicates_ok: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _problem(status: int, text: str) -> str:
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    summary = re.findall(r'<li><a href="#[^"]*">(.*?)</a></li>', text)
    return f"HTTP {status} {title.group(1).strip() if title else ''} {summary[:3]}".strip()


def _post(client: Client, job: Job, csrf: str, submission: str) -> tuple[int, str, float]:
    body, content_type = multipart([("csrfmiddlewaretoken", csrf), ("submission", submission), *job.fields])
    return client.request("POST", f"/report/{job.route}/", body, content_type)


def run_job(client: Client, job: Job, port: int, timeout: float, res: Results) -> None:
    with res.lock:
        res.attempted += 1
    status, page, seconds = client.request("GET", f"/report/{job.route}/")
    if status != 200:
        res.error(f"job {job.index}: GET form: {_problem(status, page)}")
        return
    csrf, submission = _CSRF.search(page), _SUBMISSION.search(page)
    if not csrf or not submission:
        res.error(f"job {job.index}: the form has no CSRF token or no submission token")
        return
    get_ms = seconds * 1000
    token = submission.group(1)
    answers: list[tuple[int, str, float]] = []
    if job.duplicate == "double":  # a double click: two POSTs at once, on two connections of one browser
        twin = Client(port, timeout, client.cookies)
        barrier = threading.Barrier(2)
        second: list[Any] = []

        def other() -> None:
            barrier.wait()
            try:
                second.append(_post(twin, job, csrf.group(1), token))
            except Exception as exc:
                second.append(exc)

        helper = threading.Thread(target=other)
        helper.start()
        barrier.wait()
        answers.append(_post(client, job, csrf.group(1), token))
        helper.join()
        twin.close()
        if isinstance(second[0], Exception):
            res.error(f"job {job.index}: double-click POST failed: {second[0]!r}")
            return
        answers.append(second[0])
    else:
        answers.append(_post(client, job, csrf.group(1), token))
        if job.duplicate == "retry":
            answers.append(_post(client, job, csrf.group(1), token))
    for status, page, _ in answers:
        if status != 200:
            res.error(f"job {job.index} ({job.route}, {job.duplicate or 'single'}): POST: {_problem(status, page)}")
            return
    codes = [_CODE.search(page) for _, page, _ in answers]
    refs = {m.group(1) for _, page, _ in answers if (m := _REFERENCE.search(page))}
    with_code = [i for i, m in enumerate(codes) if m]
    if len(with_code) != 1:
        res.error(f"job {job.index} ({job.duplicate or 'single'}): {len(with_code)} receipt codes in {len(answers)}")
        return
    if len(refs) != 1:
        res.error(f"job {job.index} ({job.duplicate or 'single'}): references {sorted(refs)}")
        return
    dup_ok = all(_ALREADY in page for i, (_, page, _) in enumerate(answers) if i != with_code[0])
    if len(answers) == 2 and not dup_ok:
        res.error(f"job {job.index} ({job.duplicate}): the duplicate's answer does not say it was already sent")
    code = codes[with_code[0]].group(1)
    with res.lock:
        res.get_ms.append(get_ms)
        res.post_ms.append(answers[with_code[0]][2] * 1000)
        res.dup_ms += [a[2] * 1000 for i, a in enumerate(answers) if i != with_code[0]]
        res.sent[token] = {"route": job.route, "text": job.text, "code": code, "reference": refs.pop()}
        res.codes.append(code)
        if len(answers) == 2:
            res.duplicates_sent += 1
            res.duplicates_ok += dup_ok


def run_clients(
    clients: int, port: int, timeout: float, deadline: float, work: queue.Queue, handle: Any, res: Results
) -> None:
    """`clients` threads, each with its own Client, taking work items until the queue is empty or time is up."""

    def loop() -> None:
        client = Client(port, timeout)
        try:
            while time.monotonic() < deadline and len(res.errors) < 50:
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    handle(client, item)
                except Exception as exc:
                    res.error(f"{item!r:.60}: {exc!r}")
                    client.close()
        finally:
            client.close()
            with res.lock:
                res.reconnects += client.reconnects

    threads = [threading.Thread(target=loop, name=f"client-{i}") for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --- The server and the database --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve_command(port: int) -> list[str]:
    """`upstander serve --port P --no-sync`: the installed command, beside this interpreter if it is there."""
    beside = Path(sys.executable).parent / "upstander"
    found = str(beside) if beside.exists() else shutil.which("upstander")
    if not found:
        raise SystemExit("the `upstander` command is not installed (pip install -e .)")
    return [found, "serve", "--port", str(port), "--no-sync"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_serving(proc: subprocess.Popen, port: int, limit: float, log: Path) -> float:
    began = time.monotonic()
    while time.monotonic() - began < limit:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/report/")
            if conn.getresponse().status == 200:
                conn.close()
                return time.monotonic() - began
            conn.close()
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer within {limit:.0f} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(15)


def tracebacks(log: str, limit: int = 2) -> list[str]:
    """The server log's first few tracebacks (the whole block, chained causes included), for the run's output."""
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    found: list[str] = []
    end = -1
    for start in starts:
        if start <= end or len(found) == limit:
            continue  # a chained exception inside the block before
        block = [lines[start]]
        for line in lines[start + 1 : start + 200]:
            after_exception = len(block) > 1 and block[-1] and not block[-1].startswith(" ")
            chained = line.startswith(("The above exception", "During handling", "Traceback"))
            if after_exception and line and not line.startswith(" ") and not chained:
                break  # the line after the exception's own line: the block is over
            block.append(line)
        end = start + len(block) - 1
        found.append("\n".join(block)[-4000:])
    return found


def pg_admin(dsn: str, sql: str) -> None:
    import psycopg  # the project's PostgreSQL driver (extra `postgres`); only to create and drop the database

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def with_database(dsn: str, name: str) -> str:
    parts = urllib.parse.urlsplit(dsn)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


# --- One run ---------------------------------------------------------------------------------------------------


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.50), 1),
        "p95": round(percentile(values, 0.95), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1) if values else float("nan"),
    }


def run_once(opts: argparse.Namespace, run: int) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="upstander-bench-reports-"))
    keys = Path(tempfile.mkdtemp(prefix="upstander-bench-reports-keys-"))
    port = opts.port or free_port()
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        UPSTANDER_HOME=str(scratch / "home"),
        UPSTANDER_KEY_DIR=str(keys / "keys"),
        UPSTANDER_SECRET_KEY=secrets.token_urlsafe(50),
        UPSTANDER_REPORT_LIMIT=str(opts.report_limit),
        UPSTANDER_DATABASE_URL="",
    )
    db_name = ""
    if opts.database == "postgres":
        db_name = f"upstander_bench_reports_{os.getpid()}_{run}"
        pg_admin(opts.dsn, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        pg_admin(opts.dsn, f'CREATE DATABASE "{db_name}"')
        env["UPSTANDER_DATABASE_URL"] = with_database(opts.dsn, db_name)
    log = scratch / "server.log"
    proc = None
    try:
        subprocess.run([*serve_command(port)[:1], "keys", "init"], env=env, check=True, capture_output=True)
        with log.open("wb") as log_fh:
            proc = subprocess.Popen(
                serve_command(port),
                env=env,
                stdout=log_fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        startup = wait_until_serving(proc, port, 300, log)
        deadline = time.monotonic() + opts.time_limit
        res = Results()

        # Warm-up (not measured): each form once, so templates are compiled and connections opened.
        warm = Client(port, opts.request_timeout)
        for route in ROUTES:
            warm.request("GET", f"/report/{route}/")
        warm.close()

        # Baseline: the start page under the same clients.
        baseline: queue.Queue = queue.Queue()
        for i in range(opts.clients * opts.baseline_requests):
            baseline.put(i)

        def start_page(client: Client, _: int) -> None:
            status, page, seconds = client.request("GET", "/report/")
            if status != 200:
                res.error(f"GET /report/: {_problem(status, page)}")
            with res.lock:
                res.start_ms.append(seconds * 1000)

        began = time.perf_counter()
        run_clients(opts.clients, port, opts.request_timeout, deadline, baseline, start_page, res)
        baseline_seconds = time.perf_counter() - began

        # The load.
        jobs = make_jobs(opts.reports, opts.duplicates, opts.seed + run)
        work: queue.Queue = queue.Queue()
        for job in jobs:
            work.put(job)
        load_before = os.getloadavg()
        cpu_before = cpu_seconds(proc.pid)
        peak_load = [load_before[0]]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(5):
                peak_load.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.perf_counter()
        run_clients(
            opts.clients,
            port,
            opts.request_timeout,
            deadline,
            work,
            lambda client, job: run_job(client, job, port, opts.request_timeout, res),
            res,
        )
        wall = time.perf_counter() - began
        done.set()
        server_cpu = cpu_seconds(proc.pid) - cpu_before
        load_after = os.getloadavg()
        unsent = work.qsize()
        stop(proc)
        server_log = log.read_text(errors="replace")

        sent_path = scratch / "sent.json"
        sent_path.write_text(json.dumps(res.sent))
        checked = subprocess.run(
            [sys.executable, __file__, "--verify", str(sent_path), "--check-codes", str(opts.check_codes)],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if checked.returncode != 0:
            raise RuntimeError(f"verification failed to run:\n{checked.stderr[-3000:]}")
        verify = json.loads(checked.stdout.strip().splitlines()[-1])
        stored = verify["stored"]
        all_stored_once = verify["ok"] and stored == len(res.sent) == res.attempted == opts.reports
        all_stored_once = all_stored_once and not res.errors and len(set(res.codes)) == len(res.codes)
        return {
            "run": run + 1,
            "database": opts.database,
            "clients": opts.clients,
            "reports_planned": opts.reports,
            "reports_sent": res.attempted,
            "reports_answered_with_code": len(res.sent),
            "reports_not_sent": unsent,
            "duplicates_sent": res.duplicates_sent,
            "duplicates_answered_already_sent": res.duplicates_ok,
            "stored": stored,
            "all_stored_once": all_stored_once,
            "receipt_codes_distinct": len(set(res.codes)) == len(res.codes),
            "verify": verify,
            "errors": len(res.errors),
            "client_reconnects": res.reconnects,
            "first_errors": res.errors[:10],
            "wall_seconds": round(wall, 2),
            "reports_per_second": round(stored / wall, 2),
            "post_ms": summary_ms(res.post_ms),
            "duplicate_post_ms": summary_ms(res.dup_ms),
            "get_form_ms": summary_ms(res.get_ms),
            "baseline_start_page_ms": summary_ms(res.start_ms),
            "baseline_requests_per_second": round(len(res.start_ms) / baseline_seconds, 1),
            "server_cpu_seconds": round(server_cpu, 1),
            "server_cpu_ms_per_report": round(1000 * server_cpu / max(1, stored), 1),
            "server_startup_seconds": round(startup, 2),
            "server_log_tracebacks": server_log.count("Traceback"),
            "server_log_errors": tracebacks(server_log),
            "server_log_queue_warnings": server_log.count("Task queue depth"),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in load_after],
            "load_1min_peak": round(max(peak_load), 2),
        }
    finally:
        if proc is not None:
            stop(proc)
        if db_name:
            pg_admin(opts.dsn, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if not opts.keep:
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.rmtree(keys, ignore_errors=True)


# --- Verification, in a child process with the run's settings ---------------------------------------------------


def verify(sent_path: Path, check_codes: int) -> dict[str, Any]:
    sent: dict[str, dict[str, str]] = json.loads(sent_path.read_text())
    from upstander.web import runtime

    runtime.setup()
    from django.db import connection

    from upstander.web import sealing
    from upstander.web.portal.models import Report, ReportAttachment
    from upstander.web.portal.reporting import receipt

    rows = list(Report.objects.values_list("submission", "route", "what_happened", "reference", "receipt_hash"))
    by_submission = {r[0]: r for r in rows}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT submission, what_happened FROM {Report._meta.db_table}")
        raw = dict(cursor.fetchall())
    wrong_text = [s for s, r in by_submission.items() if s in sent and r[2] != sent[s]["text"]]
    not_sealed = [s for s, token in raw.items() if s in sent and (token == sent[s]["text"] or token[:3] != "s1.")]
    unopened = []
    for s, token in raw.items():
        try:
            if sealing.unseal(token, purpose="report.what_happened") != sent.get(s, {}).get("text"):
                unopened.append(s)
        except sealing.SealError:
            unopened.append(s)
    sample = random.Random(0).sample(sorted(sent), min(check_codes, len(sent)))
    began = time.perf_counter()
    code_mismatch = [
        s for s in sample if s in by_submission and receipt.code_hash(sent[s]["code"]) != by_submission[s][4]
    ]
    hash_ms = 1000 * (time.perf_counter() - began) / max(1, len(sample))
    result = {
        "stored": len(rows),
        "distinct_submissions": len(by_submission),
        "missing": len(set(sent) - set(by_submission)),
        "unexpected": len(set(by_submission) - set(sent)),
        "wrong_route": sum(1 for s, r in by_submission.items() if s in sent and r[1] != sent[s]["route"]),
        "wrong_text": len(wrong_text),
        "not_sealed_at_rest": len(not_sealed),
        "raw_token_does_not_open_to_text": len(unopened),
        "wrong_reference": sum(1 for s, r in by_submission.items() if s in sent and r[3] != sent[s]["reference"]),
        "distinct_references": len({r[3] for r in rows}),
        "distinct_receipt_hashes": len({r[4] for r in rows}),
        "attachments": ReportAttachment.objects.count(),
        "codes_checked": len(sample),
        "code_hash_mismatch": len(code_mismatch),
        "argon2id_ms_per_code": round(hash_ms, 1),
    }
    result["ok"] = (
        len(rows) == len(by_submission) == len(sent) == result["distinct_references"]
        == result["distinct_receipt_hashes"]
        and not any(result[k] for k in ("missing", "unexpected", "wrong_route", "wrong_text", "not_sealed_at_rest",
                                        "raw_token_does_not_open_to_text", "wrong_reference", "attachments",
                                        "code_hash_mismatch"))
    )  # fmt: skip
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000, help="Distinct reports to send.")
    parser.add_argument("--clients", type=int, default=50, help="Concurrent client threads.")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--dsn", default="postgresql://postgres:upstander-ci@127.0.0.1:5432/postgres",
                        help="PostgreSQL server and maintenance database (--database postgres).")  # fmt: skip
    parser.add_argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: a free one).")
    parser.add_argument("--duplicates", type=float, default=0.05, help="Share of reports sent twice.")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--report-limit", type=int, default=100_000, help="UPSTANDER_REPORT_LIMIT for the server.")
    parser.add_argument("--baseline-requests", type=int, default=20, help="Start-page requests per client.")
    parser.add_argument("--check-codes", type=int, default=100, help="Receipt codes re-hashed and compared.")
    parser.add_argument("--time-limit", type=float, default=1800, help="Seconds the load may take per run.")
    parser.add_argument("--request-timeout", type=float, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch home and key directory.")
    parser.add_argument("--verify", type=Path, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.verify:
        print(json.dumps(verify(opts.verify, opts.check_codes)))
        return
    if not (0 <= opts.duplicates <= 1) or opts.reports < 1 or opts.clients < 1:
        parser.error("--reports and --clients must be positive and --duplicates between 0 and 1")
    runs = []
    for run in range(opts.runs):
        result = run_once(opts, run)
        print(json.dumps(result), flush=True)
        runs.append(result)
    print(
        json.dumps(
            {
                "summary": True,
                "database": opts.database,
                "runs": len(runs),
                "all_stored_once": all(r["all_stored_once"] for r in runs),
                "reports_per_second": [r["reports_per_second"] for r in runs],
                "median_reports_per_second": statistics.median(r["reports_per_second"] for r in runs),
                "post_p50_ms": [r["post_ms"]["p50"] for r in runs],
                "post_p95_ms": [r["post_ms"]["p95"] for r in runs],
                "median_post_p95_ms": statistics.median(r["post_ms"]["p95"] for r in runs),
                "get_form_p95_ms": [r["get_form_ms"]["p95"] for r in runs],
                "baseline_p50_ms": [r["baseline_start_page_ms"]["p50"] for r in runs],
                "baseline_p95_ms": [r["baseline_start_page_ms"]["p95"] for r in runs],
                "load_1min_peak": [r["load_1min_peak"] for r in runs],
            }
        )
    )
    if not all(r["all_stored_once"] for r in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
