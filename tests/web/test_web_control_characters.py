"""A NUL or other control character typed into an address or a form is refused for every view at once, and the
attempt is logged: on PostgreSQL (which cannot store a NUL) these were 500s that left no trace."""

from __future__ import annotations

import pytest
from django.test import Client

from upstander.web.models import AccessLog
from webworld import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", ["/alerts/%00/", "/cases/1%0d%0a/", "/intelligence/%1b[2J/"])
def test_a_control_character_in_an_address_is_not_found_and_logged(world: World, address: str) -> None:
    assert world.client(world.analyst).get(address).status_code == 404
    entry = AccessLog.objects.filter(user=world.analyst, action="refuse", object_type="address").get()
    assert "\\x" in entry.object_id and not any(ord(c) < 0x20 for c in entry.object_id)


def test_a_nul_in_a_query_value_is_a_400_and_logged(world: World) -> None:
    response = world.client(world.analyst).get("/alerts/", {"team": "T01\x00"})
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert AccessLog.objects.filter(user=world.analyst, action="refuse", object_type="address").exists()


def test_a_nul_in_a_sign_in_form_is_a_400_not_a_server_error(world: World) -> None:
    response = Client().post("/login/", {"username": "analyst\x00", "password": "anything at all"})
    assert response.status_code == 400


def test_an_ordinary_address_and_form_are_untouched(world: World) -> None:
    client = world.client(world.analyst)
    assert client.get("/alerts/", {"team": "T01"}).status_code == 200
    assert not AccessLog.objects.filter(object_type="address").exists()
