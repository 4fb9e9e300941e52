"""The portal over real HTTP: waitress in this process with the options `upstander serve` uses, and a small
browser-like client (a cookie jar, the CSRF token, the one-time submission token)."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from portal import REPORT, multipart_body

HOST = "127.0.0.1"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


@contextmanager
def waitress_in_thread(threads: int = 2) -> Iterator[int]:
    """`runtime.waitress_options` served from a thread; yields the port. The test database (SQLite in memory)
    is reached through this thread's connection, shared as Django's own live server shares it."""
    from django.db import connections
    from waitress import create_server

    from upstander.web.runtime import waitress_options
    from upstander.web.wsgi import application

    shared = connections["default"]
    shared.inc_thread_sharing()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        connections["default"] = shared
        return application(environ, start_response)

    server: Any = create_server(app, **(waitress_options(0, threads) | {"port": 0}))
    stopping = threading.Event()

    def run() -> None:  # waitress's own loop, a turn at a time, so that it stops (and closes) in its own thread
        while not stopping.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stopping.set()
        thread.join(30)
        server.task_dispatcher.shutdown()
        shared.dec_thread_sharing()


class Browser:
    """One browser on one keep-alive connection, as a reporter or a member of the unit uses the site."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers = headers or {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, bytes]:
        headers = {"Host": f"{HOST}:{self.port}", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers |= {"Content-Type": content_type, "Origin": f"http://{HOST}:{self.port}",
                        "Referer": f"http://{HOST}:{self.port}{path}"}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        if response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        return response.status, data

    def report(self, files: Sequence[tuple[str, bytes]] = (), route: str = "public", **fields: Any
               ) -> tuple[int, str]:
        """GET the form, then POST a realistic report with `files`, as the browser sends it."""
        status, page = self.request("GET", f"/report/{route}/")
        assert status == 200, status
        html = page.decode()
        csrf, submission = _CSRF.search(html), _SUBMISSION.search(html)
        assert csrf and submission
        data = REPORT | {"csrfmiddlewaretoken": csrf.group(1), "submission": submission.group(1)} | fields
        body, kind = multipart_body(data, files or [("", b"")])
        status, answer = self.request("POST", f"/report/{route}/", body, kind)
        return status, answer.decode("utf-8", "replace")

    def follow_up(self, code: str) -> int:
        """Enter a receipt code as the browser does (the form, its CSRF token); the status of the answer."""
        status, page = self.request("GET", "/report/follow-up/")
        csrf = _CSRF.search(page.decode())
        if status != 200 or not csrf:
            return status
        body = urlencode({"csrfmiddlewaretoken": csrf.group(1), "code": code}).encode()
        return self.request("POST", "/report/follow-up/", body, "application/x-www-form-urlencoded")[0]

    def close(self) -> None:
        self.conn.close()
