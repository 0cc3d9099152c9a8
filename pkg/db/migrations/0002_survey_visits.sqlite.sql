-- Migration 2, survey visits, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48),
-- verbatim: SQLite keeps each CREATE statement's text in sqlite_master,
-- and databases migrated before then hold exactly this text, backquotes,
-- DEFAULT "" and all.
--
-- A database whose migration 1 ran before the survey visits lacks their
-- columns of surveys; migration 2 adds them first, in Go
-- (surveyVisitColumns in pkg/db/migrate.go).

CREATE TABLE `self_assessments` (`survey_id` integer,`element_id` text,`score` integer NOT NULL,`tdd` numeric NOT NULL,`justification` text NOT NULL DEFAULT "",`suggested` integer NOT NULL,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`));

CREATE TABLE `snapshot_items` (`id` integer PRIMARY KEY AUTOINCREMENT,`survey_id` integer NOT NULL,`evidence_id` integer NOT NULL,`revision_id` integer NOT NULL,`revision_number` integer NOT NULL,`requirement_id` text NOT NULL,`stage` text NOT NULL DEFAULT "",`part` text NOT NULL DEFAULT "",`title` text NOT NULL,`doc_number` text NOT NULL DEFAULT "",`doc_revision` text NOT NULL DEFAULT "",`issue_date` datetime,`valid_until` datetime,`file_name` text NOT NULL,`content_type` text NOT NULL,`size` integer NOT NULL,`sha256` text NOT NULL,`uploaded_at` datetime,`superseded_by` integer,`review` text NOT NULL DEFAULT "pending",`review_note` text NOT NULL DEFAULT "",`reviewed_by` integer,`reviewed_at` datetime,`added_at` datetime);
CREATE INDEX `idx_snapshot_items_evidence_id` ON `snapshot_items`(`evidence_id`);
CREATE INDEX `idx_snapshot_items_survey_id` ON `snapshot_items`(`survey_id`);

CREATE TABLE `survey_scores` (`survey_id` integer,`element_id` text,`surveyor_id` integer,`score` integer NOT NULL,`tdd` numeric NOT NULL,`facts` text NOT NULL,`recommendation` text NOT NULL,`suggested` integer NOT NULL,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`,`surveyor_id`));

CREATE TABLE `pps_items` (`id` integer PRIMARY KEY AUTOINCREMENT,`survey_id` integer NOT NULL,`element_id` text NOT NULL,`score` integer NOT NULL,`recommendation` text NOT NULL,`action` text NOT NULL DEFAULT "",`responsible` text NOT NULL DEFAULT "",`target_date` datetime,`indicator` text NOT NULL DEFAULT "",`progress` integer NOT NULL DEFAULT 0,`state` text NOT NULL DEFAULT "open",`updated_by` integer,`updated_at` datetime);
CREATE UNIQUE INDEX `idx_pps_element` ON `pps_items`(`survey_id`,`element_id`);

-- Surveys planned before leads existed: the first assigned surveyor leads.
UPDATE surveys SET lead_id = (SELECT MIN(user_id) FROM role_bindings
			WHERE role_bindings.survey_id = surveys.id AND role_bindings.role = 'surveyor') WHERE lead_id IS NULL;
