"""SQLite without a thread hop per statement: the async engine's face over a synchronous SQLAlchemy engine.

aiosqlite runs every DB-API call (cursor, execute, fetch, close) on its own thread and comes back through the
event loop: ~40 hops per transition, 10× the time SQLite itself spends on the statements (bench/RESULTS.md).
SQLite answers from the page cache in microseconds, so here each statement runs at once on the loop's thread
instead. What that must not do is wait: a writer that begins while another of this process's transactions holds
the write lock would block the whole loop. So writers queue on an asyncio lock first, and take SQLite's write
lock (BEGIN IMMEDIATE) only once it is theirs; readers (the READ_ONLY option) begin deferred and never wait in
WAL mode. Another process holding the lock still makes a writer wait (busy_timeout) -- one machine, one process
is what SQLite is for; several processes belong on PostgreSQL.

Only what the storage package uses of AsyncEngine/AsyncConnection is provided.
"""

from __future__ import annotations

import asyncio
from operator import itemgetter

from sqlalchemy import Connection, Engine

#: execution option of a connection that only reads: on SQLite its transactions begin DEFERRED (no write lock)
READ_ONLY = "comptoir_read_only"


class InlineConnection:
    def __init__(self, engine: InlineEngine, sync: Connection) -> None:
        self.engine = engine
        self.sync_connection = sync
        self._holds_writer_lock = False

    @property
    def dialect(self):
        return self.sync_connection.dialect

    async def execution_options(self, **options) -> InlineConnection:
        self.sync_connection.execution_options(**options)  # in place on a Connection
        return self

    async def _begin(self) -> None:
        reader = self.sync_connection.get_execution_options().get(READ_ONLY)
        if not reader:
            await self.engine.writers.acquire()
            self._holds_writer_lock = True
        try:
            self.sync_connection.begin()
            # SQLAlchemy's pysqlite begin emits nothing (the driver's own implicit BEGIN is off): ours goes straight
            # to the driver. A reader's BEGIN takes no lock (WAL: a snapshot, neither waiting for nor blocking
            # writers); a writer's takes the write lock at once, so two writers queue instead of failing midway.
            self.sync_connection.connection.driver_connection.execute("BEGIN" if reader else "BEGIN IMMEDIATE")
        except BaseException:
            if self.sync_connection.in_transaction():
                self.sync_connection.rollback()
            self._release()
            raise

    def begin(self) -> _Beginning:
        return _Beginning(self)

    async def _begun(self) -> Connection:
        if not self.sync_connection.in_transaction():
            await self._begin()  # what SQLAlchemy's autobegin would do, behind the writers' queue
        return self.sync_connection

    async def execute(self, statement, parameters=None, **kwargs):
        connection = await self._begun()
        if (isinstance(parameters, list) and len(parameters) > 1 and not kwargs
                and statement.get_execution_options().get(MANY_ROWS)):
            prepared = self.engine.prepared(statement, parameters[0].keys())
            if prepared is not None:
                return prepared.execute(connection, parameters)
        return connection.execute(statement, parameters, **kwargs)

    async def scalar(self, statement, parameters=None, **kwargs):
        return (await self.execute(statement, parameters, **kwargs)).scalar()

    async def scalars(self, statement, parameters=None, **kwargs):
        return (await self.execute(statement, parameters, **kwargs)).scalars()

    async def run_sync(self, fn, *args, **kwargs):
        return fn(await self._begun(), *args, **kwargs)

    def in_transaction(self) -> bool:
        return self.sync_connection.in_transaction()

    async def commit(self) -> None:
        try:
            self.sync_connection.commit()
        finally:
            self._release()

    async def rollback(self) -> None:
        try:
            self.sync_connection.rollback()
        finally:
            self._release()

    async def close(self) -> None:
        try:
            self.sync_connection.close()  # rolls back what is still open
        finally:
            self._release()

    def _release(self) -> None:
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            self.engine.writers.release()

    async def __aenter__(self) -> InlineConnection:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()


class _Beginning:
    """`await conn.begin()` starts a transaction; `async with conn.begin()` also ends it."""

    def __init__(self, conn: InlineConnection) -> None:
        self.conn = conn

    def __await__(self):
        return self.conn._begin().__await__()

    async def __aenter__(self) -> InlineConnection:
        await self.conn._begin()
        return self.conn

    async def __aexit__(self, kind, *exc) -> None:
        if kind is None:
            await self.conn.commit()
        else:
            await self.conn.rollback()


class _Connecting:
    """`await engine.connect()` and `async with engine.connect() as conn`, as on an AsyncEngine."""

    def __init__(self, engine: InlineEngine, begin: bool) -> None:
        self.engine = engine
        self.begin = begin
        self.conn: InlineConnection | None = None

    async def _open(self) -> InlineConnection:
        self.conn = InlineConnection(self.engine, self.engine.sync_engine.connect())
        if self.begin:
            try:
                await self.conn._begin()
            except BaseException:
                await self.conn.close()
                raise
        return self.conn

    def __await__(self):
        return self._open().__await__()

    async def __aenter__(self) -> InlineConnection:
        return await self._open()

    async def __aexit__(self, kind, *exc) -> None:
        conn = self.conn
        try:
            if self.begin and conn.in_transaction():
                await (conn.commit() if kind is None else conn.rollback())
        finally:
            await conn.close()


class _Prepared:
    """A statement marked `many_rows`, compiled once for rows with given keys: each row goes to the driver's
    executemany as a tuple, through the bind processors SQLAlchemy would apply (to None too: a JSON None is
    stored as SQLAlchemy stores it). Skipped: SQLAlchemy's building of every row's parameters, ~8 µs a row, about
    half of what a batch of due deadlines spends in its statements. The cursor events still fire, so whatever
    counts or records statements sees the same ones."""

    def __init__(self, sql: str, names: tuple[str, ...], processors: tuple) -> None:
        self.sql = sql
        self.values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        #: (position, processor) of the values that need one (JSON, times, booleans): the others go as they are
        self.processed = tuple((i, process) for i, process in enumerate(processors) if process is not None)

    def execute(self, connection: Connection, rows: list[dict]):
        values, processed = self.values, self.processed
        if not processed:
            return connection.exec_driver_sql(self.sql, [values(row) for row in rows])
        tuples = []
        for row in rows:
            one = list(values(row))
            for i, process in processed:
                one[i] = process(one[i])
            tuples.append(tuple(one))
        return connection.exec_driver_sql(self.sql, tuples)


def _prepare(statement, keys: tuple[str, ...], dialect) -> _Prepared | None:
    """The statement compiled for rows with exactly these keys, when each value it sends is one of theirs as it
    is (no column default to compute, nothing returned, no IN list to expand); else None: SQLAlchemy's own path."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    names = tuple(compiled.positiontup or ())
    if (compiled.insert_prefetch or compiled.update_prefetch or compiled.returning or compiled.post_compile_params
            or compiled.literal_execute_params or len(names) != len(keys) or set(names) != set(keys)):
        return None
    by_name = {compiled.bind_names[b]: b for b in compiled.binds.values()}
    processors = tuple(by_name[name].type._cached_bind_processor(dialect) for name in names)
    return _Prepared(compiled.string, names, processors)


def many_rows(statement):
    """The statement, marked to be written many rows at a time on SQLite by the driver's executemany directly
    (`_Prepared`). Only for a statement built once (a module constant, a cached one): each is compiled once per
    set of keys and kept."""
    return statement.execution_options(**{MANY_ROWS: True})


#: execution option of a statement written many rows at a time (`many_rows`)
MANY_ROWS = "comptoir_many_rows"


class InlineEngine:
    def __init__(self, sync_engine: Engine) -> None:
        self.sync_engine = sync_engine
        self._prepared: dict[tuple, _Prepared | None] = {}
        self._writers: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def writers(self) -> asyncio.Lock:
        # made inside the running loop, and again for another loop (an engine may outlive a test's loop)
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._writers, self._loop = asyncio.Lock(), loop
        return self._writers

    @property
    def dialect(self):
        return self.sync_engine.dialect

    @property
    def url(self):
        return self.sync_engine.url

    def prepared(self, statement, keys) -> _Prepared | None:
        key = (statement, tuple(keys))
        if key not in self._prepared:
            self._prepared[key] = _prepare(statement, key[1], self.sync_engine.dialect)
        return self._prepared[key]

    def connect(self) -> _Connecting:
        return _Connecting(self, begin=False)

    def begin(self) -> _Connecting:
        return _Connecting(self, begin=True)

    async def dispose(self) -> None:
        self.sync_engine.dispose()
