-- Migration 4, login throttles, for PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48), one
-- column a line.

CREATE TABLE "login_throttles" (
	"kind" varchar(16),
	"subject" varchar(320),
	"attempts" bigint NOT NULL DEFAULT 0,
	"last_at" timestamptz NOT NULL,
	"expires_at" timestamptz NOT NULL,
	PRIMARY KEY ("kind","subject")
);
CREATE INDEX IF NOT EXISTS "idx_login_throttles_expires_at" ON "login_throttles" ("expires_at");
