-- Migration 10, the readiness record index: nothing to change on PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- On SQLite this migration indexes the readiness record of each live
-- evidence record, so that loading readiness inputs reads it instead of
-- formatting it. PostgreSQL formats the records in its own processes, and
-- an index on the expression would not spare it that: its planner reads
-- an index alone only when every column the statement names is in it.
-- The statement below changes nothing; a migration has one per database.

SELECT 1;
