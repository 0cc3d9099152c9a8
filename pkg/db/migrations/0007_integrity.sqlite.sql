-- Migration 7, integrity records, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- What the integrity checks (pkg/integrity) find, kept so that the admin
-- page and the facility dashboard can show it and a restarted server
-- resumes its scrub. The tables belong to pkg/sqlstore (integrity.go); no
-- pkg/bukti struct describes them. Written as SQL from the start.
--
--   integrity_runs  one row per bukti fsck run and per scrub pass: what
--                   it checked, what it found and how it ended.
--   damaged_blobs   one row per file content (SHA-256) found missing, of
--                   the wrong size or corrupt, by fsck, the scrub or a
--                   download; resolved when a later check finds it
--                   healthy or no revision names it any more.
--   scrub_state     the one row (id 1) of the background scrub: where
--                   its pass stands, and the lease that lets one server
--                   at a time scrub.

CREATE TABLE integrity_runs (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	started_at DATETIME NOT NULL,
	finished_at DATETIME,
	files BIGINT NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	problems BIGINT NOT NULL DEFAULT 0,
	damaged BIGINT NOT NULL DEFAULT 0,
	problem_kinds TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_integrity_runs_kind ON integrity_runs (kind, id);

CREATE TABLE damaged_blobs (
	sha256 TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	source TEXT NOT NULL,
	last_source TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	first_seen DATETIME NOT NULL,
	last_seen DATETIME NOT NULL,
	resolved_at DATETIME,
	resolution TEXT NOT NULL DEFAULT ''
);

CREATE TABLE scrub_state (
	id INTEGER PRIMARY KEY,
	cursor_sha256 TEXT NOT NULL DEFAULT '',
	pass_started DATETIME,
	last_pass DATETIME,
	checked BIGINT NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	damaged BIGINT NOT NULL DEFAULT 0,
	run_id BIGINT,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until DATETIME
);
INSERT INTO scrub_state (id) VALUES (1);
