"""Small template filters for the web application's pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def humanise(value: object) -> str:
    """`sexual_misconduct` -> `sexual misconduct`: stored codes shown as words."""
    return str(value).replace("_", " ")


@register.simple_tag
def accessible_widget(field: object) -> str:
    """A form field's control tied to its hint and error text (aria-describedby) and marked invalid when it has
    an error, so a screen reader announces both (WCAG 3.3.1, 1.3.1)."""
    described = []
    if field.help_text:  # type: ignore[attr-defined]
        described.append(f"{field.auto_id}_hint")  # type: ignore[attr-defined]
    if field.errors:  # type: ignore[attr-defined]
        described.append(f"{field.auto_id}_error")  # type: ignore[attr-defined]
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:  # type: ignore[attr-defined]
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)  # type: ignore[attr-defined, no-any-return]
