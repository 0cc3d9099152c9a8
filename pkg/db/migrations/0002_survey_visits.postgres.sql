-- Migration 2, survey visits, for PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48), one
-- column a line.
--
-- A database whose migration 1 ran before the survey visits lacks their
-- columns of surveys; migration 2 adds them first, in Go
-- (surveyVisitColumns in pkg/db/migrate.go).

CREATE TABLE "self_assessments" (
	"survey_id" bigint,
	"element_id" varchar(64),
	"score" bigint NOT NULL,
	"tdd" boolean NOT NULL,
	"justification" varchar(2000) NOT NULL DEFAULT '',
	"suggested" bigint NOT NULL,
	"updated_by" bigint NOT NULL,
	"updated_at" timestamptz,
	PRIMARY KEY ("survey_id","element_id")
);

CREATE TABLE "snapshot_items" (
	"id" bigserial,
	"survey_id" bigint NOT NULL,
	"evidence_id" bigint NOT NULL,
	"revision_id" bigint NOT NULL,
	"revision_number" bigint NOT NULL,
	"requirement_id" varchar(64) NOT NULL,
	"stage" varchar(64) NOT NULL DEFAULT '',
	"part" varchar(64) NOT NULL DEFAULT '',
	"title" varchar(300) NOT NULL,
	"doc_number" varchar(200) NOT NULL DEFAULT '',
	"doc_revision" varchar(50) NOT NULL DEFAULT '',
	"issue_date" timestamptz,
	"valid_until" timestamptz,
	"file_name" varchar(255) NOT NULL,
	"content_type" varchar(128) NOT NULL,
	"size" bigint NOT NULL,
	"sha256" varchar(64) NOT NULL,
	"uploaded_at" timestamptz,
	"superseded_by" bigint,
	"review" varchar(16) NOT NULL DEFAULT 'pending',
	"review_note" varchar(2000) NOT NULL DEFAULT '',
	"reviewed_by" bigint,
	"reviewed_at" timestamptz,
	"added_at" timestamptz,
	PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "idx_snapshot_items_evidence_id" ON "snapshot_items" ("evidence_id");
CREATE INDEX IF NOT EXISTS "idx_snapshot_items_survey_id" ON "snapshot_items" ("survey_id");

CREATE TABLE "survey_scores" (
	"survey_id" bigint,
	"element_id" varchar(64),
	"surveyor_id" bigint,
	"score" bigint NOT NULL,
	"tdd" boolean NOT NULL,
	"facts" varchar(4000) NOT NULL,
	"recommendation" varchar(4000) NOT NULL,
	"suggested" bigint NOT NULL,
	"updated_by" bigint NOT NULL,
	"updated_at" timestamptz,
	PRIMARY KEY ("survey_id","element_id","surveyor_id")
);

CREATE TABLE "pps_items" (
	"id" bigserial,
	"survey_id" bigint NOT NULL,
	"element_id" varchar(64) NOT NULL,
	"score" bigint NOT NULL,
	"recommendation" varchar(4000) NOT NULL,
	"action" varchar(2000) NOT NULL DEFAULT '',
	"responsible" varchar(200) NOT NULL DEFAULT '',
	"target_date" timestamptz,
	"indicator" varchar(2000) NOT NULL DEFAULT '',
	"progress" bigint NOT NULL DEFAULT 0,
	"state" varchar(16) NOT NULL DEFAULT 'open',
	"updated_by" bigint,
	"updated_at" timestamptz,
	PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_pps_element" ON "pps_items" ("survey_id","element_id");

-- Surveys planned before leads existed: the first assigned surveyor leads.
UPDATE surveys SET lead_id = (SELECT MIN(user_id) FROM role_bindings
			WHERE role_bindings.survey_id = surveys.id AND role_bindings.role = 'surveyor') WHERE lead_id IS NULL;
