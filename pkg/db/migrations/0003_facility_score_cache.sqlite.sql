-- Migration 3, facility score cache, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48),
-- verbatim: SQLite keeps each CREATE statement's text in sqlite_master,
-- and databases migrated before then hold exactly this text, backquotes,
-- DEFAULT "" and all.

CREATE TABLE `facility_scores` (`facility_id` integer,`catalogue` text,`until` datetime,`payload` text NOT NULL,PRIMARY KEY (`facility_id`,`catalogue`),CONSTRAINT `fk_facility_scores_facility` FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON DELETE CASCADE);
