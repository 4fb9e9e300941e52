"""Sealing: report text opens only with its key and its purpose; the database copy alone reveals nothing."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.db.models import Value

from upstander.web import sealing
from upstander.web.sealing import KeyUnavailable, SealedTextField, SealError, TokenInvalid

TEXT = "PC 4471 Example told me to delete the messages or he would tell my husband where I live."


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key directory of the test's own, made as `upstander keys init` makes it."""
    path = tmp_path / "keys"
    use_key_dir(monkeypatch, path)
    return path


def use_key_dir(monkeypatch: pytest.MonkeyPatch, path: Path, *, init: bool = True) -> None:
    """Point UPSTANDER_KEY_DIR at `path`, made with its keys unless init=False (a directory that is missing)."""
    monkeypatch.setenv("UPSTANDER_KEY_DIR", str(path))
    if init:
        sealing.init_keys()


def test_round_trip_text_and_bytes(keys: Path) -> None:
    for text in (TEXT, "x", "Zoë — 07700 900123 ✓\nsecond line", "s1.abc.def"):
        assert sealing.unseal(sealing.seal(text, purpose="report.text"), purpose="report.text") == text
    data = bytes(range(256)) * 40
    assert sealing.unseal_bytes(sealing.seal_bytes(data, purpose="attachment"), purpose="attachment") == data


def test_token_is_versioned_text_naming_its_key(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="report.text")
    version, key_id, body = token.split(".")
    assert version == "s1" and key_id == sealing.current_key_id()
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert sealing.seal_bytes(b"x", purpose="p").startswith(f"s1.{key_id}.".encode())


def test_two_seals_of_the_same_text_differ(keys: Path) -> None:
    tokens = {sealing.seal(TEXT, purpose="report.text") for _ in range(50)}
    assert len(tokens) == 50
    assert sealing.seal_bytes(b"same", purpose="p") != sealing.seal_bytes(b"same", purpose="p")


def test_plaintext_and_its_base64_do_not_appear_in_the_token(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="report.text")
    raw = TEXT.encode()
    assert TEXT not in token and "husband" not in token
    for offset in range(3):  # base64 of the text at each alignment, in both alphabets
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            fragment = encode(raw[offset:])[4:40].decode()
            assert fragment not in token
    sealed = sealing.seal_bytes(raw, purpose="attachment")
    assert raw not in sealed and b"husband" not in sealed


def test_wrong_purpose_fails(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="report.text")
    with pytest.raises(TokenInvalid, match=r"report\.contact"):
        sealing.unseal(token, purpose="report.contact")
    with pytest.raises(TokenInvalid):
        sealing.unseal(token, purpose="report.text ")
    sealed = sealing.seal_bytes(b"photo", purpose="attachment")
    with pytest.raises(TokenInvalid):
        sealing.unseal_bytes(sealed, purpose="attachment.thumbnail")


def test_every_altered_character_of_the_body_fails(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="report.text")
    prefix, body = token.rsplit(".", 1)
    for i in range(len(body)):
        changed = body[:i] + ("A" if body[i] != "A" else "B") + body[i + 1 :]
        # The last character may carry only padding bits; a change there that leaves the bytes alone is no change.
        if base64.urlsafe_b64decode(changed + "=" * (-len(changed) % 4)) == base64.urlsafe_b64decode(
            body + "=" * (-len(body) % 4)
        ):
            continue
        with pytest.raises(TokenInvalid):
            sealing.unseal(f"{prefix}.{changed}", purpose="report.text")


def test_every_flipped_bit_of_sealed_bytes_fails(keys: Path) -> None:
    sealed = sealing.seal_bytes(b"a photo of the officer's car", purpose="attachment")
    header = len(sealed.split(b".", 2)[0]) + len(sealed.split(b".", 2)[1]) + 2
    for i in range(header, len(sealed)):
        for bit in (0x01, 0x80):
            altered = bytearray(sealed)
            altered[i] ^= bit
            with pytest.raises(TokenInvalid):
                sealing.unseal_bytes(bytes(altered), purpose="attachment")


@pytest.mark.parametrize(
    "token",
    [
        "",
        TEXT,  # plaintext where a token should be
        "s1",
        "s1.",
        "s2.00000000.AAAA",
        "s1.00000000",
        "s1.00000000.",
        "s1.00000000.AAAA",  # too short to hold a nonce and tag
        "s1.00000000.AAAA+/==",
        "s1.../../etc.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a key id naming a path
        "s1.ABCDEF.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_tokens_fail(keys: Path, token: str) -> None:
    sealing.seal("make the first key", purpose="p")
    with pytest.raises(SealError):
        sealing.unseal(token, purpose="p")


def test_truncated_token_fails(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="p")
    for cut in (1, 4, 10, 30):
        with pytest.raises(TokenInvalid):
            sealing.unseal(token[:-cut], purpose="p")
    with pytest.raises(TokenInvalid):
        sealing.unseal_bytes(sealing.seal_bytes(b"data", purpose="p")[:-1], purpose="p")


def test_a_bytes_token_is_not_opened_as_text(keys: Path) -> None:
    sealed = sealing.seal_bytes(b"\xff\xfe not utf-8", purpose="p")
    key_id, body = sealed.split(b".", 2)[1:]
    as_text = f"s1.{key_id.decode()}.{base64.urlsafe_b64encode(body).decode().rstrip('=')}"
    with pytest.raises(TokenInvalid):
        sealing.unseal(as_text, purpose="p")


def test_token_from_another_key_directory_fails_with_key_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_key_dir(monkeypatch, tmp_path / "force-a")
    token = sealing.seal(TEXT, purpose="report.text")
    key_id = token.split(".")[1]
    use_key_dir(monkeypatch, tmp_path / "force-b")
    sealing.seal("b has keys of its own", purpose="report.text")
    with pytest.raises(KeyUnavailable) as caught:
        sealing.unseal(token, purpose="report.text")
    message = str(caught.value)
    assert key_id in message and str(tmp_path / "force-b") in message
    assert "husband" not in message and token not in message


def test_a_key_directory_with_the_same_key_id_but_another_key_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_key_dir(monkeypatch, tmp_path / "a")
    token = sealing.seal(TEXT, purpose="p")
    key_id = token.split(".")[1]
    other = tmp_path / "b"
    other.mkdir()
    (other / f"seal-{key_id}.key").write_bytes(os.urandom(32))
    use_key_dir(monkeypatch, other, init=False)
    with pytest.raises(TokenInvalid):
        sealing.unseal(token, purpose="p")


def test_missing_and_damaged_key_files(keys: Path) -> None:
    token = sealing.seal(TEXT, purpose="p")
    key_file = keys / f"seal-{token.split('.')[1]}.key"
    sealing.reset_cache()
    key_file.write_bytes(b"short")
    with pytest.raises(SealError, match="damaged"):
        sealing.unseal(token, purpose="p")
    key_file.unlink()
    with pytest.raises(KeyUnavailable):
        sealing.unseal(token, purpose="p")


def test_rotation_keeps_old_tokens_readable_and_seals_with_the_new_key(keys: Path) -> None:
    old = sealing.seal("before rotation", purpose="p")
    old_id = old.split(".")[1]
    new_id = sealing.rotate()
    assert new_id != old_id and sealing.current_key_id() == new_id
    assert (keys / "current").read_text() == new_id
    new = sealing.seal("after rotation", purpose="p")
    assert new.split(".")[1] == new_id
    assert sealing.seal_bytes(b"x", purpose="p").split(b".")[1] == new_id.encode()
    assert sealing.unseal(old, purpose="p") == "before rotation"
    assert sealing.unseal(new, purpose="p") == "after rotation"
    third = sealing.rotate()
    assert len({old_id, new_id, third}) == 3
    assert sorted(p.name for p in keys.glob("seal-*.key")) == sorted(f"seal-{k}.key" for k in (old_id, new_id, third))
    sealing.reset_cache()  # a new process: everything is read back from the directory
    assert sealing.unseal(old, purpose="p") == "before rotation"


def test_a_key_added_by_another_process_is_found_without_restarting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_key_dir(monkeypatch, tmp_path / "live")
    sealing.seal("this process's keys are now cached", purpose="p")
    # Another process rotates: simulated by sealing in a scratch directory and moving its key in afterwards.
    use_key_dir(monkeypatch, tmp_path / "elsewhere")
    token = sealing.seal(TEXT, purpose="p")
    key_name = f"seal-{token.split('.')[1]}.key"
    shutil.copy(tmp_path / "elsewhere" / key_name, tmp_path / "live" / key_name)
    use_key_dir(monkeypatch, tmp_path / "live")
    assert sealing.unseal(token, purpose="p") == TEXT


def test_key_directory_is_0700_and_key_files_0600_even_with_a_loose_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = tmp_path / "loose"
    use_key_dir(monkeypatch, keys, init=False)
    previous = os.umask(0)
    try:
        sealing.init_keys()
        sealing.seal(TEXT, purpose="p")
        sealing.rotate()
        sealing.named_secret("receipt-pepper")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    files = sorted(keys.iterdir())
    assert [p.name for p in files if p.name.endswith(".tmp")] == []
    assert len(files) == 5  # two sealing keys, the current pointer, the pepper, the access log's key
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    for path in keys.glob("*.key"):
        assert len(path.read_bytes()) == 32


def test_default_key_directory_is_under_the_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPSTANDER_KEY_DIR", raising=False)
    sealing.init_keys()
    sealing.seal("x", purpose="p")
    assert sealing.key_dir() == home / "keys"
    assert stat.S_IMODE((home / "keys").stat().st_mode) == 0o700


def init_then_seal(barrier: threading.Barrier, tokens: list[str]) -> None:
    barrier.wait()
    sealing.init_keys()
    tokens.append(sealing.seal(TEXT, purpose="p"))


def test_two_key_inits_racing_agree_on_one_first_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for attempt in range(5):
        use_key_dir(monkeypatch, tmp_path / f"race-{attempt}", init=False)
        (tmp_path / f"race-{attempt}").mkdir(mode=0o700)
        barrier = threading.Barrier(8)
        tokens: list[str] = []
        threads = [threading.Thread(target=init_then_seal, args=(barrier, tokens)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len({token.split(".")[1] for token in tokens}) == 1
        assert len(list((tmp_path / f"race-{attempt}").glob("seal-*.key"))) == 1
        sealing.reset_cache()
        assert all(sealing.unseal(token, purpose="p") == TEXT for token in tokens)


def test_named_secret_is_stable_and_separate(keys: Path) -> None:
    first = sealing.named_secret("receipt-pepper")
    assert sealing.named_secret("receipt-pepper") == first and len(first) == 32
    sealing.reset_cache()
    assert sealing.named_secret("receipt-pepper") == first
    assert sealing.named_secret("access-log-chain") != first
    for bad in ("", "current", "seal-abc", "../escape", "UPPER", "a/b"):
        with pytest.raises(ValueError):
            sealing.named_secret(bad)


@pytest.mark.parametrize("purpose", ["", "with\x00nul"])
def test_a_purpose_must_be_a_plain_non_empty_string(keys: Path, purpose: str) -> None:
    with pytest.raises(ValueError):
        sealing.seal("x", purpose=purpose)
    with pytest.raises(ValueError):
        SealedTextField(purpose=purpose)


# The model field, exercised through the methods Django calls, without creating a table.


def test_field_seals_on_the_way_in_and_opens_on_the_way_out(keys: Path) -> None:
    field = SealedTextField(purpose="report.text")
    stored = field.get_prep_value(TEXT)
    assert stored.startswith("s1.") and "husband" not in stored
    assert field.get_prep_value(TEXT) != stored
    assert field.from_db_value(stored, None, None) == TEXT
    assert field.to_python(TEXT) == TEXT


def test_field_keeps_empty_and_null_as_they_are(keys: Path) -> None:
    field = SealedTextField(purpose="report.contact", blank=True, null=True)
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, None) == ""
    assert field.from_db_value(None, None, None) is None


def test_field_never_unseals_input(keys: Path) -> None:
    token = SealedTextField(purpose="report.text").get_prep_value(TEXT)
    # Text typed into a form that happens to be a token stays that text: the portal is no decryption oracle.
    assert SealedTextField(purpose="report.text").to_python(token) == token


def test_a_value_moved_to_a_field_of_another_purpose_does_not_open(keys: Path) -> None:
    stored = SealedTextField(purpose="report.text").get_prep_value(TEXT)
    with pytest.raises(TokenInvalid):
        SealedTextField(purpose="report.contact").from_db_value(stored, None, None)


def test_field_values_do_not_open_without_the_key_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_key_dir(monkeypatch, tmp_path / "production-keys")
    field = SealedTextField(purpose="report.identity")
    stored = [field.get_prep_value(text) for text in ("Jane Example", "07700 900123", TEXT)]
    use_key_dir(monkeypatch, tmp_path / "a-copy-of-the-database-only", init=False)
    for value in stored:
        with pytest.raises(KeyUnavailable):
            field.from_db_value(value, None, None)


def test_field_deconstructs_with_its_purpose() -> None:
    field = SealedTextField(purpose="report.text", blank=True)
    _name, path, args, kwargs = field.deconstruct()
    assert path == "upstander.web.sealing.SealedTextField"
    assert kwargs == {"purpose": "report.text", "blank": True}
    rebuilt = SealedTextField(*args, **kwargs)
    assert rebuilt.purpose == "report.text" and rebuilt.blank
    with pytest.raises(TypeError):
        SealedTextField()  # type: ignore[call-arg]


def test_field_cannot_be_searched_or_serialised(keys: Path) -> None:
    field = SealedTextField(purpose="report.text")
    for lookup in ("icontains", "contains", "startswith", "iexact", "regex", "gt", "in"):
        assert field.get_lookup(lookup) is None
    assert field.get_lookup("isnull") is not None
    exact = field.get_lookup("exact")
    exact(Value("", output_field=field), "")  # "is it empty" is allowed
    with pytest.raises(FieldError):
        exact(Value("", output_field=field), "Jane Example")

    class Report:
        pass

    field.model = Report
    field.name = "text"
    with pytest.raises(SealError, match="not serialised"):
        field.value_to_string(Report())
