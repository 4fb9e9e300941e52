"""Upstander's own access log as an `audit` feed, so that the force's look-up auditing covers its users too.

Each entry by a user who is a member of staff becomes one audit row: `system` "intelligence" (Upstander is
where the force keeps its counter-corruption intelligence), `view` for views and refused attempts (a refusal
says "refused" in `search_terms`), `update` for changes. Staff records are `staff`, intelligence records
`intelligence`, everything else `other`. The export is a delivery folder `upstander load` takes like any other;
entries already exported are skipped by their audit_id, and loading is idempotent anyway.

Beside each CSV goes `<name>.checkpoint.json` (which the loader ignores, not being a feed file): the chain's
head at the time of the export, its place, entry id, hash and time, so that a later log cut short of it shows
against any copy of any export. Every cell is escaped and defused (`upstander.textsafe.export_cell`).
"""

from __future__ import annotations

import csv
from pathlib import Path

from upstander.textsafe import export_cell
from upstander.web.access_integrity import Head, write_checkpoint
from upstander.web.models import AccessLog

COLUMNS = ("audit_id", "staff_id", "occurred_at", "system", "action", "object_type", "object_id", "search_terms")
_OBJECT_TYPES = {"person": "staff", "contact_review": "staff", "intelligence": "intelligence"}


def audit_rows(after_id: int = 0) -> list[dict[str, str]]:
    rows = []
    for e in AccessLog.objects.filter(pk__gt=after_id).exclude(staff_id="").order_by("id").iterator():
        rows.append({
            "audit_id": f"UPS-ACCESS-{e.pk}", "staff_id": e.staff_id, "occurred_at": e.at.isoformat(),
            "system": "intelligence", "action": "update" if e.action == "change" else "view",
            "object_type": _OBJECT_TYPES.get(e.object_type, "other"), "object_id": e.object_id,
            "search_terms": "refused" if e.action == "refuse" else "",
        })
    return rows


def export_access_log(out: Path, after_id: int = 0) -> tuple[Path | None, int]:
    """Write the entries after `after_id` to out/audit/<name>.csv; (the file or None when nothing new, rows)."""
    rows = audit_rows(after_id)
    if not rows:
        return None, 0
    first, last = rows[0]["audit_id"].rsplit("-", 1)[1], rows[-1]["audit_id"].rsplit("-", 1)[1]
    path = out / "audit" / f"upstander-access-{int(first):09d}-{int(last):09d}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        # Every cell escaped and defused: entries logged before `record` cleaned its fields may hold control
        # characters, and whoever opens the file in a spreadsheet must not run a formula someone typed.
        writer.writerows({k: export_cell(v) for k, v in row.items()} for row in rows)
    tmp.replace(path)  # never a half-written file for the loader to find
    head = AccessLog.objects.order_by("-seq").first()
    if head is not None:
        write_checkpoint(path.with_suffix(".checkpoint.json"), Head.of(head), exported_rows=len(rows),
                         exported_file=path.name)
    return path, len(rows)
