"""Every alert's evidence names real rows, each once: the evidence page and a misconduct panel count them."""

from __future__ import annotations

from pathlib import Path

from upstander.detect.alerts import AlertStore
from upstander.lake import Lake

KEYS = {"communications": "comm_id", "audit": "audit_id", "complaints": "complaint_id", "people": "person_id",
        "staff": "staff_id"}


def test_every_alerts_evidence_names_each_row_once(detected_home: Path) -> None:
    with AlertStore(detected_home).connect() as con:
        rows = con.execute("SELECT detector_id, evidence FROM alerts").fetchall()
    assert rows
    repeated = sorted({d for d, evidence in rows if len(evidence) != len(set(evidence))})
    assert repeated == []


def test_evidence_references_resolve_to_rows_in_the_lake(detected_home: Path) -> None:
    with AlertStore(detected_home).connect() as con:
        refs = {r for (evidence,) in con.execute("SELECT evidence FROM alerts WHERE kind = 'alert'").fetchall()
                for r in evidence}
    lake = Lake(detected_home).connect()
    for feed, key in KEYS.items():
        wanted = sorted(r.split(":", 1)[1] for r in refs if r.startswith(feed + ":"))
        if not wanted:
            continue
        [(found,)] = lake.execute(f"SELECT count(DISTINCT {key}) FROM {feed} WHERE {key} IN "
                                  "(SELECT unnest(?::VARCHAR[]))", [wanted]).fetchall()
        assert found == len(wanted), feed
