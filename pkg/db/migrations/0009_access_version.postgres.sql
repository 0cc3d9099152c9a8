-- Migration 9, the access version, for PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- One row: a random version of everything that decides who a session
-- secret signs in and what they may see (pkg/sqlstore, access.go):
-- sessions and API tokens ended, users disabled, their passwords reset or
-- the users deleted, role bindings granted or revoked, provinces,
-- districts and facilities created, renamed, moved or deleted, surveys
-- created or changing state. Every unit of work that writes any of them
-- stores a new version in the same transaction, so a server that keeps
-- signed-in principals in memory (pkg/auth) can tell with one read whether
-- what it keeps is still current, whichever server made the change.
-- Written as SQL; no struct of pkg/bukti describes it.

CREATE TABLE access_version (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO access_version (id, version) VALUES (1, 0);
