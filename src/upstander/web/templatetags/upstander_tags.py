"""Small template filters for the web application's pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def humanise(value: object) -> str:
    """`sexual_misconduct` -> `sexual misconduct`: stored codes shown as words."""
    return str(value).replace("_", " ")
