"""Small template filters for the web application's pages."""

from __future__ import annotations

import functools

from django import template

from upstander.detect.red_flags import red_flag_words

register = template.Library()


@register.filter
def humanise(value: object) -> str:
    """`sexual_misconduct` -> `sexual misconduct`: stored codes shown as words."""
    return str(value).replace("_", " ")


@register.filter
def red_flag(value: object) -> str:
    """4 -> "4: Record look-ups with no policing purpose"."""
    try:
        return red_flag_words(int(str(value)))
    except ValueError:
        return str(value)


@register.filter
def detector_name(detector_id: object) -> str:
    """A detector's title from its SQL header ("Unexplained record look-ups ..."), never its id; an id no
    detector has any more is shown in words."""
    return _titles().get(str(detector_id)) or str(detector_id).replace("_", " ")


@functools.cache
def _titles() -> dict[str, str]:
    """The detectors' titles, read once a process: the SQL files ship with the code and change only with it."""
    from upstander.detect.catalogue import load_detectors

    return {d.id: d.title for d in load_detectors()}


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
