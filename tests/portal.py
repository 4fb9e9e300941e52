"""Helpers for the reporting portal's tests: a realistic report, sent as a browser would send it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.test import Client

ACCOUNT = ("After I reported a burglary he came back alone three times and then kept texting me late at night "
           "from his work phone. He told me to delete the messages and not to tell anyone at the station.")
REPORT = {
    "subject_name": "PC Dale", "subject_collar": "4211", "subject_role": "response officer",
    "subject_station": "Northgate", "subject_vehicle": "", "subject_description": "tall, grey beard",
    "what_happened": ACCOUNT, "when_happened": "March, late evenings", "where_happened": "my flat on the estate",
    "others_affected": "unsure", "others_detail": "", "anonymity": "anonymous",
}
NAMED = {"anonymity": "named", "reporter_name": "Jordan Example", "reporter_phone": "07700 900123",
         "reporter_email": "jordan@example.org", "contact_consent": "on", "safe_channels": ["text_message"],
         "safe_times": "weekdays 10am to 2pm only"}
PARTNER = {"partner_agency": "Riverside Domestic Abuse Service", "partner_worker": "Sam Worker, IDVA, 01632 960001",
           "survivor_consent": "yes"}


def form_token(client: Client, route: str) -> str:
    html = client.get(f"/report/{route}/").content.decode()
    found = re.search(r'name="submission" value="([^"]+)"', html)
    assert found, "the form should carry a one-time submission token"
    return found.group(1)


def submit(client: Client, route: str = "public", token: str | None = None, **fields: Any) -> Any:
    data = dict(REPORT) | (PARTNER if route == "partner" else {}) | fields
    data["submission"] = token or form_token(client, route)
    return client.post(f"/report/{route}/", data)


def receipt_code(response: Any) -> str:
    found = re.search(r'id="receipt-code">([^<]+)<', response.content.decode())
    assert found, "the confirmation should show the receipt code"
    return found.group(1)


def database_text() -> str:
    """Every value in every table of the web application's database, as text: what a copy of the database
    alone would show someone (bytes decoded leniently so sealed attachments are searched too)."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        value = bytes(value).decode("latin-1")
                    out.append(str(value))
    return "\n".join(out)


def multipart_body(fields: dict[str, Any], files: Sequence[tuple[str, bytes]] = ()) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand, as any client may send it: `files` as (filename, data) parts of
    the `attachments` field, the filename exactly as given (even empty)."""
    boundary = "----upstandertest7d1f0c"
    out = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for filename, data in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{filename}"\r\n'
                   "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def post_raw(client: Client, path: str, body: bytes, content_type: str, **extra: Any) -> Any:
    return client.generic("POST", path, body, content_type=content_type, **extra)


def signed_payload(text: str) -> Any:
    """What a value signed by django.core.signing holds, read WITHOUT the key (the signature is not checked):
    base64 JSON, zlib-compressed when it starts with '.'. None if `text` is not such a value."""
    import base64
    import json
    import zlib

    head = text.split(":", 1)[0]
    compressed = head.startswith(".")
    try:
        raw = base64.urlsafe_b64decode(head.lstrip(".") + "=" * (-len(head.lstrip(".")) % 4))
        return json.loads(zlib.decompress(raw) if compressed else raw)
    except (ValueError, zlib.error):
        return None


def every_row() -> list[tuple[str, dict[str, Any]]]:
    """Every row of every table of the web application's database as (table, {column: value}), with a signed
    value (a session's data) opened as a copy of the database alone would allow."""
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                record = dict(zip(columns, row, strict=True))
                for column, value in list(record.items()):
                    if isinstance(value, str) and ":" in value and (payload := signed_payload(value)) is not None:
                        record[column] = payload
                rows.append((table, record))
    return rows
