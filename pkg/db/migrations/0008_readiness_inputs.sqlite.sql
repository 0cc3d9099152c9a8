-- Migration 8, readiness inputs: their versions and their index, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The version of each facility's readiness inputs (pkg/sqlstore, tx.go):
-- every unit of work that touches a facility stores a new random version
-- in the same transaction, so that any server can tell whether what it
-- computed from those inputs (a readiness report, a cached score) is still
-- current, whichever server wrote them. A facility never touched has no
-- row (version 0). Written as SQL; no struct of pkg/bukti describes it.
--
-- idx_evidence_readiness holds every column of live evidence that
-- readiness reads (bukti.Evidence's gorm tags, as AutoMigrate creates it),
-- so a facility's readiness inputs are read from the index alone, not from
-- the much wider table rows (sqlstore.DB.LoadReadiness). On a database
-- that holds millions of evidence records, building it takes a while at
-- the first start after the upgrade.

CREATE TABLE readiness_versions (facility_id INTEGER NOT NULL PRIMARY KEY REFERENCES facilities(id) ON DELETE CASCADE,
			version BIGINT NOT NULL);
CREATE INDEX `idx_evidence_readiness` ON `evidences`(`facility_id`,`requirement_id`,`stage`,`part`,`review`,`valid_until`,`deleted_at`) WHERE deleted_at IS NULL;
