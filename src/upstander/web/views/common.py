"""What every view needs: the signed-in user, typed, and a refusal that is logged and never confirms a record."""

from __future__ import annotations

from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from upstander.web.models import User
from upstander.web.models.access_log import record


def current_user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # every view using this is behind login_required
        raise PermissionDenied("sign in first")
    return request.user


def refuse(user: User, object_type: str, object_id: object) -> NoReturn:
    """Log the refusal and answer 404: a 403 would confirm that a record about someone exists."""
    record(user, "refuse", object_type, str(object_id))
    raise Http404(f"No such {object_type}")
