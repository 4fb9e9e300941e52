"""The access log chained under a key, with each entry's place in the chain.

Entries written before this migration carry the old plain SHA-256 chain. They are checked against it first,
and only an intact old chain is re-chained under the key directory's access-log-chain key: a log that was
already cut or edited is refused with the entry named, never laundered into a valid new chain. Once committed,
the re-chained head becomes the log's first checkpoint outside the database.
"""

import hashlib
import json

from django.db import migrations, models, transaction

GENESIS = "0" * 64


def _legacy_hash(entry) -> str:
    """The plain SHA-256 of the chain as it was before this migration (frozen here: it must never change)."""
    payload = json.dumps([entry.at.isoformat(), entry.username, entry.staff_id, entry.action, entry.object_type,
                          entry.object_id, entry.detail, entry.prev_hash], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def rechain_under_the_key(apps, schema_editor) -> None:
    from upstander.web import access_integrity
    from upstander.web.models.access_log import chain_hash, chain_key

    AccessLog = apps.get_model("web", "AccessLog")
    entries = AccessLog.objects.using(schema_editor.connection.alias).order_by("id")
    if not entries.exists():
        return
    prev = GENESIS
    for entry in entries.iterator(chunk_size=2000):
        if entry.prev_hash != prev or _legacy_hash(entry) != entry.hash:
            raise RuntimeError(
                f"The access log's old hash chain breaks at entry {entry.pk}, so it is not re-chained under the "
                "key: the log was edited or cut before this upgrade. Investigate, and upgrade a copy of the "
                "database restored from a backup made before that entry was written.")
        prev = entry.hash
    key = chain_key()  # a missing key directory is refused here, in words saying to run `upstander keys init`
    prev, last = GENESIS, None
    for seq, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
        new = chain_hash(key, seq, entry.at, entry.username, entry.staff_id, entry.action, entry.object_type,
                         entry.object_id, entry.detail, prev)
        AccessLog.objects.using(schema_editor.connection.alias).filter(pk=entry.pk).update(
            seq=seq, prev_hash=prev, hash=new)
        prev, last = new, access_integrity.Head(seq, entry.pk, new, entry.at.isoformat())
    if last is not None and access_integrity.read_checkpoint(access_integrity.checkpoint_path()) is None:
        head = last
        transaction.on_commit(lambda: access_integrity.advance(head), using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0009_portal_session"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="seq",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(rechain_under_the_key, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="accesslog",
            name="seq",
            field=models.BigIntegerField(unique=True),
        ),
    ]
