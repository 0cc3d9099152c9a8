-- Migration 4, login throttles, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48),
-- verbatim: SQLite keeps each CREATE statement's text in sqlite_master,
-- and databases migrated before then hold exactly this text, backquotes,
-- DEFAULT "" and all.

CREATE TABLE `login_throttles` (`kind` text,`subject` text,`attempts` integer NOT NULL DEFAULT 0,`last_at` datetime NOT NULL,`expires_at` datetime NOT NULL,PRIMARY KEY (`kind`,`subject`));
CREATE INDEX `idx_login_throttles_expires_at` ON `login_throttles`(`expires_at`);
