"""The web server reads the alert store from many threads at once (every person view builds a risk matrix);
DuckDB refuses a file that another thread is attaching or detaching, so the store's connections take turns."""

from __future__ import annotations

import threading
from pathlib import Path

from upstander.detect.alerts import AlertStore
from upstander.risk.matrix import risk_matrix


def test_concurrent_person_views_can_all_read_the_alert_store(detected_home: Path) -> None:
    with AlertStore(detected_home).connect() as con:
        staff = [s for s, in con.execute("SELECT DISTINCT subject_staff_id FROM alerts WHERE kind = 'alert' "
                                          "ORDER BY 1 LIMIT 4").fetchall()]
    failures: list[BaseException] = []
    totals: list[float] = []

    def person_views(i: int) -> None:
        try:
            for k in range(6):
                rows = risk_matrix(detected_home, only=[staff[(i + k) % len(staff)]])
                totals.append(rows[0].total)
        except BaseException as exc:  # any failure in a thread must reach the assertion
            failures.append(exc)

    threads = [threading.Thread(target=person_views, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:2]
    assert len(totals) == 72 and all(t > 0 for t in totals)
