"""The SQLAlchemy store's hot statements, compiled once and run on the driver's cursor.

``Connection.execute`` costs about 50 µs of Python per statement (cache
key, execution context, result object, event dispatch) where SQLite itself
needs 2 µs: on a transition (a read, then an UPDATE and an INSERT) that
was most of the gap to the native stores.  So each hot statement is
compiled once for the store's dialect and, when nobody can tell the
difference, runs on the pooled DBAPI connection's own cursor, inside the
transaction SQLAlchemy began.  "Nobody can tell" means: no echo, no
statement or error listeners on the connection or engine (a host's
logging or tracing keeps seeing every statement), and no type that
converts values on the way in or out.  Otherwise the statement runs
through ``Connection.execute`` exactly as before.  Driver errors leave
wrapped as SQLAlchemy's ``DBAPIError``, and a dropped connection is
invalidated, as ``Connection.execute`` would do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn, cast

import sqlalchemy as sa

__all__ = ["Hot", "driver_sql", "engine_quiet", "quiet"]


def quiet(conn: sa.Connection) -> bool:
    """Whether statements on ``conn`` may skip SQLAlchemy's execution layer unobserved."""
    if getattr(conn, "_echo", True):
        return False
    # The engine's listeners are read directly; the connection's joined view (its own and
    # the engine's, built anew per name: 10 µs a call) only once it has listeners of its own.
    d = conn.dispatch if getattr(conn, "_has_events", True) else conn.engine.dispatch
    e = conn.dialect.dispatch
    return not (
        d.before_execute
        or d.after_execute
        or d.before_cursor_execute
        or d.after_cursor_execute
        or e.do_execute
        or e.do_executemany
        or e.do_setinputsizes
        or e.handle_error
    )


def engine_quiet(engine: sa.Engine) -> bool:
    """:func:`quiet` for a connection not yet made, with no ``engine_connect`` hook to run."""
    if getattr(engine, "_should_log_info", lambda: True)():
        return False
    d, e = engine.dispatch, engine.dialect.dispatch
    return not (
        d.engine_connect
        or d.before_execute
        or d.after_execute
        or d.before_cursor_execute
        or d.after_cursor_execute
        or e.do_execute
        or e.do_setinputsizes
        or e.handle_error
    )


def driver_sql(conn: sa.Connection, sql: str) -> None:
    """``conn.exec_driver_sql(sql)``, on the driver's cursor when :func:`quiet`."""
    if not quiet(conn):
        conn.exec_driver_sql(sql)
        return
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
    except Exception as error:
        _reraise(conn.dialect, conn, conn.connection.dbapi_connection, error, sql, (), False)
    finally:
        cursor.close()


def _reraise(
    dialect: sa.Dialect,
    owner: Any,
    dbapi_conn: Any,
    error: Exception,
    sql: str,
    params: Any,
    many: bool,
) -> NoReturn:
    """A driver error as ``Connection.execute`` raises it; ``owner`` (the ``Connection`` or
    the pooled connection) is invalidated if the connection was lost."""
    base: type[Exception] = dialect.loaded_dbapi.Error
    if not isinstance(error, base):
        raise error
    lost = dialect.is_disconnect(cast(Any, error), dbapi_conn, None)
    wrapped = sa.exc.DBAPIError.instance(
        sql,
        params,
        error,
        base,
        connection_invalidated=lost,
        dialect=dialect,
        ismulti=many,
    )
    if lost:
        owner.invalidate(error)
    raise wrapped from error


class Hot:
    """One statement, its SQL for one dialect, and how to hand it its parameters."""

    def __init__(
        self, statement: Any, dialect: sa.Dialect, column_keys: Sequence[str] | None = None
    ) -> None:
        self.statement = statement
        compiled = statement.compile(
            dialect=dialect, column_keys=None if column_keys is None else list(column_keys)
        )
        self.sql = str(compiled)
        self._order: tuple[str, ...] | None = (
            tuple(compiled.positiontup) if compiled.positional else None
        )
        self.direct = not _converts(statement, compiled, dialect)

    def _args(self, params: dict[str, Any]) -> Any:
        if self._order is not None:
            return tuple(params[name] for name in self._order)
        return params

    def _cursor(self, conn: sa.Connection, params: Any, many: bool) -> Any:
        cursor = conn.connection.cursor()
        try:
            if many:
                cursor.executemany(self.sql, [self._args(row) for row in params])
            else:
                cursor.execute(self.sql, self._args(params))
        except Exception as error:
            cursor.close()
            dbapi_conn = conn.connection.dbapi_connection
            _reraise(conn.dialect, conn, dbapi_conn, error, self.sql, params, many)
        return cursor

    def first(self, conn: sa.Connection, params: dict[str, Any], fast: bool) -> Any:
        """The first row (a tuple or a ``Row``), or None."""
        if not (fast and self.direct):
            return conn.execute(self.statement, params).first()
        cursor = self._cursor(conn, params, False)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def pooled_first(self, engine: sa.Engine, params: dict[str, Any]) -> Any:
        """:meth:`first` on a bare pooled connection: a lone SELECT in SQLite's autocommit
        mode needs no ``Connection``, transaction or result object around it."""
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                cursor.execute(self.sql, self._args(params))
                return cursor.fetchone()
            except Exception as error:
                _reraise(engine.dialect, raw, raw.dbapi_connection, error, self.sql, params, False)
            finally:
                cursor.close()
        finally:
            raw.close()

    def count(self, conn: sa.Connection, params: dict[str, Any], fast: bool) -> int:
        """The rows the statement matched."""
        if not (fast and self.direct):
            return int(conn.execute(self.statement, params).rowcount)
        cursor = self._cursor(conn, params, False)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def many(self, conn: sa.Connection, rows: list[dict[str, Any]], fast: bool) -> None:
        """Run once per row (one round trip where the driver batches)."""
        if not (fast and self.direct):
            conn.execute(self.statement, rows)
            return
        if not rows:
            return
        self._cursor(conn, rows[0] if len(rows) == 1 else rows, len(rows) > 1).close()


def _converts(statement: Any, compiled: Any, dialect: sa.Dialect) -> bool:
    """Whether any parameter or result column goes through a type's processor."""
    for bind in compiled.binds.values():
        if bind.expanding or bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
            return True
    columns = getattr(statement, "selected_columns", ())
    return any(
        column.type.dialect_impl(dialect).result_processor(dialect, None) is not None
        for column in columns
    )
