"""Start Django from the command line: settings, migrations, then the production WSGI server (waitress)."""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

_MB = 2**20


def require_keys() -> None:
    """Stop the command, in words saying what is missing and what to run, unless the key directory holds every
    key: a server without them would refuse every report, or worse, once keys were made on first use."""
    import typer

    from upstander.cli.progress import err_console
    from upstander.web.sealing import KeyUnavailable
    from upstander.web.sealing import require_keys as check

    try:
        check()
    except KeyUnavailable as exc:
        err_console.print(f"[red]Upstander will not start:[/] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstander.web.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def waitress_options(port: int, threads: int = 8) -> dict[str, Any]:
    """How `upstander serve` runs waitress (after setup()); tests serve with the same options.

    Waitress holds a request body, and a response waiting to be sent, in memory only up to its overflow sizes
    (512 KB and 1 MB by default) and beyond them in a temporary file, in clear: a report with its photos, or a
    decrypted attachment on its way to the unit. So both buffers are sized above the largest body the portal
    accepts and the largest cleaned attachment, and bigger bodies are refused on their Content-Length before a
    byte of them is buffered. The cost is memory: a body in flight is held whole (see docs/web.md).
    """
    from django.conf import settings as django_settings

    from upstander import settings
    from upstander.web.portal.reporting.attachments import MAX_CLEANED_BYTES

    body_cap = int(django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    options: dict[str, Any] = {
        "host": "127.0.0.1", "port": port, "threads": threads, "ident": "upstander",
        "max_request_body_size": body_cap + 1,  # waitress refuses a body of this size or more
        "inbuf_overflow": body_cap + _MB,
        "outbuf_overflow": MAX_CLEANED_BYTES + _MB,  # an attachment and its headers
    }
    if proxy := settings.get("UPSTANDER_TRUSTED_PROXY"):
        # Only from the proxy's own address is the header believed; from anyone else it is removed, so a client
        # cannot pick its own rate-limit bucket. REMOTE_ADDR becomes the address the proxy saw.
        options.update(trusted_proxy=proxy, trusted_proxy_count=1, clear_untrusted_proxy_headers=True,
                       trusted_proxy_headers={settings.get("UPSTANDER_TRUSTED_PROXY_HEADER")})
    return options


def give_big_blocks_back() -> None:
    """Have glibc map, and unmap on free, every block of 1 MB or more. By default it raises that threshold after
    each big free (up to 32 MB), so a picture's pixel blocks (16 MB each, in Pillow) then come from heaps that
    are never returned: memory a burst of photos took stayed with the server. A fixed threshold ends that."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc (musl maps big blocks anyway)
    m_mmap_threshold = -3
    libc.mallopt(m_mmap_threshold, _MB)


def serve(port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from upstander.web.wsgi import application

    give_big_blocks_back()
    waitress_serve(application, **waitress_options(port, threads))
