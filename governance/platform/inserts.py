"""Inserting several new rows in one round trip.

A ledger append writes the entry and the copy of its signed head: two INSERTs that used to cost
two round trips on every verify. On PostgreSQL they go as one statement (each INSERT a
data-modifying WITH clause, each returning its primary key); elsewhere one `save` each. The
SQL of each INSERT is Django's own (the model's InsertQuery: field preparation, `pre_save`
such as auto_now, placeholders), so columns and types stay the ORM's. No `save()` runs: the
models given here must have no save override or signal that matters (ledger rows: they are
written only by `chain_append`).
"""

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql import InsertQuery


def _insert_sql(obj: Model, using: str) -> tuple[str, tuple]:
    opts = obj._meta
    fields = [f for f in opts.local_concrete_fields
              if not (f.primary_key and getattr(obj, f.attname) is None)]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [opts.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, params


def insert_together(*objs: Model) -> None:
    """Insert each new instance; each gets its primary key. One statement on PostgreSQL."""
    using = router.db_for_write(type(objs[0]))
    connection = connections[using]
    if connection.vendor != "postgresql" or len(objs) == 1:
        for obj in objs:
            obj.save(force_insert=True, using=using)
        return
    clauses, params = [], []
    for number, obj in enumerate(objs):
        sql, values = _insert_sql(obj, using)
        clauses.append(f"i{number} AS ({sql})")
        params.extend(values)
    picks = ", ".join(f"(SELECT {connection.ops.quote_name(obj._meta.pk.column)} FROM i{n})"
                      for n, obj in enumerate(objs))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} SELECT {picks}", params)
        keys = cursor.fetchone()
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding, obj._state.db = False, using
