-- Migration 7, integrity records, for PostgreSQL.
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
	id BIGSERIAL PRIMARY KEY,
	kind VARCHAR(16) NOT NULL,
	started_at TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ,
	files BIGINT NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	problems BIGINT NOT NULL DEFAULT 0,
	damaged BIGINT NOT NULL DEFAULT 0,
	problem_kinds TEXT NOT NULL DEFAULT '',
	outcome VARCHAR(16) NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_integrity_runs_kind ON integrity_runs (kind, id);

CREATE TABLE damaged_blobs (
	sha256 VARCHAR(64) PRIMARY KEY,
	kind VARCHAR(16) NOT NULL,
	source VARCHAR(16) NOT NULL,
	last_source VARCHAR(16) NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	first_seen TIMESTAMPTZ NOT NULL,
	last_seen TIMESTAMPTZ NOT NULL,
	resolved_at TIMESTAMPTZ,
	resolution TEXT NOT NULL DEFAULT ''
);

CREATE TABLE scrub_state (
	id BIGINT PRIMARY KEY,
	cursor_sha256 VARCHAR(64) NOT NULL DEFAULT '',
	pass_started TIMESTAMPTZ,
	last_pass TIMESTAMPTZ,
	checked BIGINT NOT NULL DEFAULT 0,
	bytes BIGINT NOT NULL DEFAULT 0,
	damaged BIGINT NOT NULL DEFAULT 0,
	run_id BIGINT,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until TIMESTAMPTZ
);
INSERT INTO scrub_state (id) VALUES (1);
