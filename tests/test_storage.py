"""Storage: schema creation and migration, repository functions, concurrency, event log."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from qualkit.errors import ConflictError, NotFoundError, QualkitError
from qualkit.model import (
    Code,
    Codebook,
    Coding,
    Memo,
    Participant,
    Provenance,
    Role,
    SpeakerKind,
    Transcript,
    Turn,
)
from qualkit.storage import MigrationNeeded, Store, head_revision
from qualkit.storage import db as dbmod
from qualkit.storage.schema import Base
from qualkit.text import text_hash
from tests.conftest import PG_URL

TEXT = "Interviewer: How was it?\nParticipant: The waiting list was long. Nobody rang me back."


def make_transcript(tid: str = "t1", text: str = TEXT) -> Transcript:
    i = text.index("How")
    p = text.index("The waiting")
    return Transcript(
        tid=tid,
        title=f"Interview {tid}",
        text=text,
        source_name=f"{tid}.txt",
        text_hash=text_hash(text),
        turns=[
            Turn(0, "Interviewer", SpeakerKind.INTERVIEWER, i, text.index("\n"), 0),
            Turn(1, "Participant", SpeakerKind.PARTICIPANT, p, len(text), text.index("\n") + 1),
        ],
        metadata={"Mode": "Telephone"},
    )


def small_codebook() -> Codebook:
    return Codebook(
        name="Test",
        codes=[
            Code("access", "Access", "Getting into services.", codable=False, colour="#112233"),
            Code(
                "access.waiting",
                "Waiting",
                "Waiting lists.",
                parent="access",
                examples=["months on a list"],
            ),
            Code("access.referrals", "Referrals", "Referral routes.", parent="access"),
        ],
    )


def two_coder_project(store: Store, more: list[Coding]) -> Store:
    """``store`` with the small codebook, transcript t1, coders ``a`` and ``b``, a
    researcher, two codings the coders agree on exactly ("The waiting list...", 25
    characters), two on the same passage with different ends ("Nobody..."), and ``more``
    (all written by ``r``)."""
    w, n = TEXT.index("The waiting"), TEXT.index("Nobody")
    store.set_codebook(small_codebook(), "r")
    store.add_transcripts([(make_transcript(), None)], "r")
    for name in ("a", "b"):
        store.add_user(name, Role.CODER, "r")
    store.add_user("researcher", Role.RESEARCHER, "r")
    agreed_and_boundary = [
        Coding("a", "t1", w, w + 25, "access.waiting"),
        Coding("b", "t1", w, w + 25, "access.waiting"),
        Coding("a", "t1", n, n + 6, "access.referrals"),
        Coding("b", "t1", n, n + 14, "access.referrals"),
    ]
    store.add_codings(agreed_and_boundary + more, "r")
    return store


def test_new_database_is_created_and_stamped(db_url: str) -> None:
    with Store.open(db_url) as s:
        assert dbmod.current_revision(s.engine) == head_revision()
        tables = set(inspect(s.engine).get_table_names())
        assert {"transcripts", "turns", "codes", "codings", "events", "users"} <= tables


def test_migrations_build_the_same_schema_as_the_models(db_url: str) -> None:
    """Running every migration from empty gives exactly the tables the models declare."""
    engine = dbmod.make_engine(dbmod.to_url(db_url))
    command.upgrade(dbmod._alembic_config(engine), "head")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def _old_database(
    db_url: str, revision: str = "0001", then: Callable[[Connection], object] | None = None
) -> None:
    """A database as an older qualkit left it: schema ``revision`` with a project in it,
    and what ``then`` writes in the same transaction."""
    engine = dbmod.make_engine(dbmod.to_url(db_url))
    command.upgrade(dbmod._alembic_config(engine), revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO project (name, description, created, settings) "
                "VALUES ('Old', '', CURRENT_TIMESTAMP, '{}')"
            )
        )
        if then is not None:
            then(conn)
    engine.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite upgrade path")
def test_old_sqlite_database_is_backed_up_then_upgraded(db_url: str) -> None:
    _old_database(db_url)
    with Store.open(db_url) as s:
        assert dbmod.current_revision(s.engine) == head_revision()
        assert s.project().name == "Old"
        assert "assignments" in inspect(s.engine).get_table_names()
    backups = list(Path(db_url).parent.glob("project.db.*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("select version_num from alembic_version").fetchone() == ("0001",)
    old.close()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL upgrade path")
def test_old_postgres_database_needs_explicit_upgrade(db_url: str) -> None:
    _old_database(db_url)
    with pytest.raises(MigrationNeeded, match="qualkit db upgrade"):
        Store.open(db_url)
    with Store.open(db_url, auto_upgrade=True) as s:
        assert dbmod.current_revision(s.engine) == head_revision()
        assert s.project().name == "Old"


@pytest.mark.skipif(bool(PG_URL), reason="SQLite pragmas")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == dbmod.BUSY_TIMEOUT_MS


def test_transcript_round_trip_returns_domain_objects(store: Store) -> None:
    p = Participant("P01", "Person accessing support", {"borough": "Lambeth"})
    store.add_transcripts([(make_transcript(), p)], "tester")
    t = store.transcript("t1")
    assert isinstance(t, Transcript)
    assert t.text == TEXT
    assert t.participant == "P01"
    assert [(u.speaker, u.kind) for u in t.turns] == [
        ("Interviewer", SpeakerKind.INTERVIEWER),
        ("Participant", SpeakerKind.PARTICIPANT),
    ]
    assert t.text[t.turns[1].start : t.turns[1].end].startswith("The waiting list")
    assert store.participants()[0].attributes == {"borough": "Lambeth"}
    assert store.turn_counts() == {"t1": (2, 2)}
    listed = store.transcripts()
    assert [x.tid for x in listed] == ["t1"] and listed[0].text == ""


def test_duplicate_transcript_is_refused_and_nothing_is_written(store: Store) -> None:
    store.add_transcripts([(make_transcript("t1"), None)], "tester")
    with pytest.raises(ConflictError, match="t1"):
        store.add_transcripts(
            [(make_transcript("t2"), None), (make_transcript("t1"), None)], "tester"
        )
    assert [t.tid for t in store.transcripts()] == ["t1"]


def test_codebook_versions_record_who_changed_what(store: Store) -> None:
    cb = small_codebook()
    changes = store.set_codebook(cb, "alice")
    assert {c["change"] for c in changes} == {"added"}
    assert store.codebook().by_id()["access.waiting"].examples == ["months on a list"]
    cb.codes[1].definition = "Waiting lists and waiting times."
    cb.codes.pop(2)
    changes = store.set_codebook(cb, "bob")
    assert {
        "code": "access.waiting",
        "change": "field",
        "field": "definition",
        "before": "Waiting lists.",
        "after": "Waiting lists and waiting times.",
    } in changes
    assert any(c["change"] == "removed" and c["code"] == "access.referrals" for c in changes)
    history = store.codebook_history()
    assert [who for _, who, _ in history] == ["alice", "bob"]
    assert "access.referrals" not in store.codebook().by_id()
    assert "access.referrals" in store.codebook(include_inactive=True).by_id()


def test_concurrent_code_edit_gives_a_conflict_not_an_overwrite(store: Store) -> None:
    store.set_codebook(small_codebook(), "alice")
    v = store.code_versions()["access.waiting"]
    mine = store.codebook().by_id()["access.waiting"]
    theirs = store.codebook().by_id()["access.waiting"]
    theirs.definition = "Their edit."
    store.update_code(theirs, v, "bob")
    mine.definition = "My edit."
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update_code(mine, v, "alice")
    assert store.codebook().by_id()["access.waiting"].definition == "Their edit."


def test_codings_memos_and_event_log(store: Store) -> None:
    store.set_codebook(small_codebook(), "alice")
    store.add_user("coder_a", Role.CODER, "admin")
    store.add_transcripts([(make_transcript(), None)], "tester")
    start = TEXT.index("The waiting")
    cid = store.add_coding(Coding("coder_a", "t1", start, start + 24, "access.waiting"))
    [c] = store.codings(transcript="t1", coder="coder_a")
    assert c.quote == "The waiting list was lon"
    assert c.provenance is Provenance.MANUAL and c.created is not None
    c2 = store.update_coding(cid, "coder_a", end=start + 25, code="access.referrals")
    assert c2.quote == "The waiting list was long" and c2.code == "access.referrals"
    mid = store.add_memo(Memo("coder_a", "Felt important", transcript="t1", coding_id=cid))
    assert store.memos("t1")[0].id == mid
    store.delete_coding(cid, "coder_a")
    assert store.codings() == [] and store.memos("t1") == []
    actions = [e.action for e in store.events()]
    assert actions[-3:] == ["coding.update", "memo.add", "coding.delete"]
    update = store.events(action="coding.update")[0]
    assert update.payload["before"]["code"] == "access.waiting"
    assert update.payload["after"]["end"] == start + 25
    assert "The waiting" not in str([e.payload for e in store.events()])


def test_coding_outside_the_text_or_unknown_code_is_refused(store: Store) -> None:
    store.set_codebook(small_codebook(), "alice")
    store.add_user("coder_a", Role.CODER, "admin")
    store.add_transcripts([(make_transcript(), None)], "tester")
    with pytest.raises(QualkitError, match="outside"):
        store.add_coding(Coding("coder_a", "t1", 5, len(TEXT) + 1, "access.waiting"))
    with pytest.raises(NotFoundError, match="nope"):
        store.add_coding(Coding("coder_a", "t1", 0, 5, "nope"))
    with pytest.raises(NotFoundError, match="ghost"):
        store.add_coding(Coding("ghost", "t1", 0, 5, "access.waiting"))
    assert store.codings() == []


def test_assignments_and_decline(store: Store) -> None:
    store.add_user("coder_a", Role.CODER, "admin")
    store.add_transcripts([(make_transcript(), None)], "tester")
    store.assign("t1", "coder_a", "researcher")
    store.set_assignment_status("t1", "coder_a", "declined", "coder_a")
    assert store.assignments("coder_a") == [("t1", "coder_a", "declined")]


def test_concurrent_writers_lose_nothing(store: Store, db_url: str) -> None:
    """Eight threads, each with its own connection, add codings at the same time."""
    store.set_codebook(small_codebook(), "alice")
    store.add_transcripts([(make_transcript(), None)], "tester")
    for i in range(8):
        store.add_user(f"c{i}", Role.CODER, "admin")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            with Store.open(db_url) as mine:
                for k in range(25):
                    mine.add_coding(Coding(f"c{i}", "t1", k, k + 5, "access.waiting"))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    got = store.codings()
    assert len(got) == 200
    assert len({(c.coder, c.start) for c in got}) == 200
    assert len(store.events(action="coding.add")) == 200


def test_upgrade_keeps_rows_that_refer_to_users(db_url: str) -> None:
    """A project with people in it (rows referring to ``users``) upgrades: no migration
    copies and drops a table others refer to."""

    def people(conn: Connection) -> None:
        conn.execute(
            text(
                "INSERT INTO users (name, display_name, role, active, created) "
                "VALUES ('coder_a', 'Coder A', 'coder', true, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO web_sessions (token_hash, user_id, created, last_seen) "
                "SELECT :h, id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users"
            ),
            {"h": "a" * 64},
        )

    _old_database(db_url, "0004", people)
    with Store.open(db_url, auto_upgrade=True) as s:
        assert dbmod.current_revision(s.engine) == head_revision()
        assert [u.name for u in s.users()] == ["coder_a"]
