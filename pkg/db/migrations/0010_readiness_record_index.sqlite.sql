-- Migration 10, the readiness record index, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- idx_evidence_readiness_record holds, per live evidence record, the
-- record exactly as the readiness inputs statement folds it
-- (pkg/sqlstore, readiness.go, evidenceRecordSQLite: requirement, stage,
-- part, "r" when rejected and the Unix seconds of its valid-until date,
-- separated by char(31)). SQLite (3.45, as the driver embeds it) reads an
-- indexed expression from the index instead of computing it again, so
-- loading the inputs of every facility (a cold national gap report,
-- 7.66 M records) no longer formats each record in SQLite's byte-code
-- interpreter. The database keeps the index current on every write: no
-- code path can forget it.
-- Building it on a database that holds millions of evidence records takes
-- seconds at the first start after the upgrade (8.6 s for 7.66 M here).
-- Not a struct's index: gorm cannot describe an index on an expression
-- (pkg/db's schema test knows it as a SQL-only index).

CREATE INDEX idx_evidence_readiness_record ON evidences(facility_id, printf('%s' || char(31) || '%s' || char(31) || '%s' || char(31) || '%s%s', requirement_id, stage, part, CASE WHEN review = 'rejected' THEN 'r' ELSE '' END, CASE WHEN valid_until IS NULL THEN '' ELSE COALESCE(strftime('%s', valid_until), 'x') END)) WHERE deleted_at IS NULL;
