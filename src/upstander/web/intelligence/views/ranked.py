"""The ranked-people page: the people the unit should look at first, with their top reasons, score and trend,
filtered by team and red flag. For those who work alerts only, and never showing anyone the user is conflicted
about (the subject themselves, their chain, their household): they are left out before counting, so the page
does not even say how many were left out."""

from __future__ import annotations

from collections import defaultdict

import duckdb
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from upstander import settings as upstander_settings
from upstander.detect.red_flags import RED_FLAGS
from upstander.web.intelligence import ranking
from upstander.web.lake_cache import lake_cursor
from upstander.web.models import StaffMember
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.triage.models import Alert
from upstander.web.views import params
from upstander.web.views.common import current_user, refuse

SHOWN = (25, 50, 100, 250)
ALERTED_FLAGS = 12  # red flag 13, the amplifiers, raises no alert of its own


def _team_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Team names from the lake's teams feed, where the force delivers one."""
    try:
        return {str(t): str(n) for t, n in con.execute("SELECT team_id, name FROM teams").fetchall()}
    except duckdb.Error:
        return {}


def _red_flags(staff_ids: list[str]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for staff_id, flags in Alert.objects.filter(subject_staff_id__in=staff_ids).values_list("subject_staff_id",
                                                                                          "red_flags"):
        found[staff_id].update(int(f) for f in flags or ())
    return found


def _trend(change: float | None) -> str:
    """A change of chance in words: "up 4 points", "down 1 point", "steady", or "not known" (not ranked then)."""
    if change is None:
        return "not known"
    points = round(100 * change)
    if points == 0:
        return "steady"
    return f"{'up' if points > 0 else 'down'} {abs(points)} point{'s' if abs(points) != 1 else ''}"


@login_required
@require_GET
def ranked_people(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can_triage:
        refuse(user, "ranked people", "-")
    f = request.GET
    team = (f.get("team") or "").strip()
    error = ""
    try:
        flag = params.whole_number(f.get("red_flag"), "Red flag", 1, ALERTED_FLAGS)
        shown = params.whole_number(f.get("show"), "Show", 1, max(SHOWN)) or SHOWN[0]
    except params.BadParameter as bad:
        flag, shown, error = None, SHOWN[0], str(bad)
    home = upstander_settings.home()
    lake = lake_cursor(home)
    ranked = ranking.current(home)
    blocked = conflicted_subjects(user)
    people = [p for p in ranked.people if p.staff_id not in blocked]
    teams = _team_names(lake)
    team_choices = sorted({p.team_id for p in people if p.team_id}, key=lambda t: teams.get(t, t))
    if team and team not in team_choices:
        error = error or f"Team: there is nobody ranked in a team {team[:20]!r}."
    flags = _red_flags([p.staff_id for p in people])
    if not error:
        if team:
            people = [p for p in people if p.team_id == team]
        if flag is not None:
            people = [p for p in people if flag in flags.get(p.staff_id, set())]
    matching = len(people) if not error else 0
    people = people[:shown] if not error else []
    names = {m.staff_id: m.name for m in StaffMember.objects.filter(staff_id__in=[p.staff_id for p in people])}
    rows = [{"p": p, "name": names.get(p.staff_id, p.staff_id), "team": teams.get(p.team_id, p.team_id),
             "flags": sorted(flags.get(p.staff_id, ())),
             "percent": round(100 * p.score) if ranked.learned else None,
             "trend": _trend(p.trend) if ranked.learned else ""}
            for p in people]
    record(user, "view", "ranked_people", f"team={team or 'any'} red_flag={flag or 'any'} shown={shown}")
    return render(request, "intelligence/ranked.html", {
        "ranking": ranked, "rows": rows, "matching": matching, "error": error,
        "filters": {"team": team, "red_flag": flag, "show": shown}, "shown_choices": SHOWN,
        "team_choices": [(t, teams.get(t, t)) for t in team_choices],
        "red_flags": [(n, w) for n, w in sorted(RED_FLAGS.items()) if n <= ALERTED_FLAGS],
    }, status=400 if error else 200)
