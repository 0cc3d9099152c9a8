-- Migration 1, initial schema, for PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The statements gorm's AutoMigrate ran for this migration on a fresh
-- database just before the migrations were frozen (commit f5cfc48), one
-- column a line.
--
-- Migration 1 made its tables from the structs of pkg/bukti as they stood
-- when it ran, so a fresh database got them as they had grown since: these
-- are the tables as of release 7b71082 (unchanged since), surveys with the
-- columns of the survey visits (migration 2) included.

CREATE TABLE "provinces" (
	"id" bigserial,
	"code" varchar(32) NOT NULL,
	"name" varchar(200) NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_provinces_code" ON "provinces" ("code");

CREATE TABLE "districts" (
	"id" bigserial,
	"code" varchar(32) NOT NULL,
	"name" varchar(200) NOT NULL,
	"province_id" bigint NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_districts_province" FOREIGN KEY ("province_id") REFERENCES "provinces"("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_districts_code" ON "districts" ("code");
CREATE INDEX IF NOT EXISTS "idx_districts_province_id" ON "districts" ("province_id");

CREATE TABLE "facilities" (
	"id" bigserial,
	"code" varchar(32) NOT NULL,
	"name" varchar(200) NOT NULL,
	"district_id" bigint NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_facilities_district" FOREIGN KEY ("district_id") REFERENCES "districts"("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_facilities_code" ON "facilities" ("code");
CREATE INDEX IF NOT EXISTS "idx_facilities_district_id" ON "facilities" ("district_id");

CREATE TABLE "users" (
	"id" bigserial,
	"email" varchar(254) NOT NULL,
	"name" varchar(200) NOT NULL,
	"password_hash" varchar(100) NOT NULL,
	"disabled" boolean NOT NULL DEFAULT false,
	"created_at" timestamptz,
	PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_users_email" ON "users" ("email");

CREATE TABLE "role_bindings" (
	"id" bigserial,
	"user_id" bigint NOT NULL,
	"role" varchar(32) NOT NULL,
	"province_id" bigint,
	"district_id" bigint,
	"facility_id" bigint,
	"survey_id" bigint,
	"created_by" bigint,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_role_bindings_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_role_bindings_district_id" ON "role_bindings" ("district_id");
CREATE INDEX IF NOT EXISTS "idx_role_bindings_facility_id" ON "role_bindings" ("facility_id");
CREATE INDEX IF NOT EXISTS "idx_role_bindings_province_id" ON "role_bindings" ("province_id");
CREATE INDEX IF NOT EXISTS "idx_role_bindings_survey_id" ON "role_bindings" ("survey_id");
CREATE INDEX IF NOT EXISTS "idx_role_bindings_user_id" ON "role_bindings" ("user_id");

CREATE TABLE "sessions" (
	"id" bigserial,
	"token_hash" varchar(64) NOT NULL,
	"kind" varchar(16) NOT NULL,
	"name" varchar(100) NOT NULL DEFAULT '',
	"user_id" bigint NOT NULL,
	"expires_at" timestamptz,
	"last_used_at" timestamptz,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_sessions_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_sessions_token_hash" ON "sessions" ("token_hash");
CREATE INDEX IF NOT EXISTS "idx_sessions_user_id" ON "sessions" ("user_id");

CREATE TABLE "surveys" (
	"id" bigserial,
	"facility_id" bigint NOT NULL,
	"catalogue" varchar(130) NOT NULL DEFAULT '',
	"type" varchar(32) NOT NULL,
	"mode" varchar(16) NOT NULL DEFAULT 'onsite',
	"state" varchar(32) NOT NULL,
	"start_date" timestamptz,
	"end_date" timestamptz,
	"lead_id" bigint,
	"submitted_at" timestamptz,
	"finalized_at" timestamptz,
	"finalized_by" bigint,
	"status" varchar(64) NOT NULL DEFAULT '',
	"result" text NOT NULL DEFAULT '',
	"created_by" bigint NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_surveys_facility" FOREIGN KEY ("facility_id") REFERENCES "facilities"("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_surveys_facility_id" ON "surveys" ("facility_id");

CREATE TABLE "evidences" (
	"id" bigserial,
	"facility_id" bigint NOT NULL,
	"requirement_id" varchar(64) NOT NULL,
	"stage" varchar(64) NOT NULL DEFAULT '',
	"part" varchar(64) NOT NULL DEFAULT '',
	"title" varchar(300) NOT NULL,
	"doc_number" varchar(200) NOT NULL DEFAULT '',
	"doc_revision" varchar(50) NOT NULL DEFAULT '',
	"issue_date" timestamptz,
	"valid_until" timestamptz,
	"notes" varchar(2000) NOT NULL DEFAULT '',
	"review" varchar(16) NOT NULL DEFAULT 'pending',
	"review_note" varchar(2000) NOT NULL DEFAULT '',
	"created_by" bigint NOT NULL,
	"created_at" timestamptz,
	"updated_at" timestamptz,
	"deleted_at" timestamptz,
	"deleted_by" bigint,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_evidences_facility" FOREIGN KEY ("facility_id") REFERENCES "facilities"("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_evidence_facility_req" ON "evidences" ("facility_id","requirement_id");

CREATE TABLE "revisions" (
	"id" bigserial,
	"evidence_id" bigint NOT NULL,
	"number" bigint NOT NULL,
	"sha256" varchar(64) NOT NULL,
	"size" bigint NOT NULL,
	"content_type" varchar(128) NOT NULL,
	"file_name" varchar(255) NOT NULL,
	"uploaded_by" bigint NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("id"),
	CONSTRAINT "fk_evidences_revisions" FOREIGN KEY ("evidence_id") REFERENCES "evidences"("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_revision_number" ON "revisions" ("evidence_id","number");
CREATE INDEX IF NOT EXISTS "idx_revisions_sha256" ON "revisions" ("sha256");

CREATE TABLE "not_applicables" (
	"facility_id" bigint,
	"element_id" varchar(64),
	"reason" varchar(2000) NOT NULL,
	"set_by" bigint NOT NULL,
	"created_at" timestamptz,
	PRIMARY KEY ("facility_id","element_id")
);

CREATE TABLE "interviewees" (
	"facility_id" bigint,
	"requirement_id" varchar(64),
	"role" varchar(200),
	"name" varchar(200) NOT NULL,
	"position" varchar(200) NOT NULL DEFAULT '',
	"updated_by" bigint NOT NULL,
	"updated_at" timestamptz,
	PRIMARY KEY ("facility_id","requirement_id","role")
);

CREATE TABLE "audit_entries" (
	"id" bigserial,
	"at" timestamptz NOT NULL,
	"user_id" bigint,
	"action" varchar(64) NOT NULL,
	"object_type" varchar(32) NOT NULL,
	"object_id" varchar(254) NOT NULL,
	"facility_id" bigint,
	"summary" varchar(2000) NOT NULL DEFAULT '',
	"before" varchar(2000) NOT NULL DEFAULT '',
	"after" varchar(2000) NOT NULL DEFAULT '',
	"request_id" varchar(64) NOT NULL DEFAULT '',
	"client_ip" varchar(64) NOT NULL DEFAULT '',
	PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "idx_audit_action_at" ON "audit_entries" ("action","at");
CREATE INDEX IF NOT EXISTS "idx_audit_entries_client_ip" ON "audit_entries" ("client_ip");
CREATE INDEX IF NOT EXISTS "idx_audit_entries_facility_id" ON "audit_entries" ("facility_id");
CREATE INDEX IF NOT EXISTS "idx_audit_entries_user_id" ON "audit_entries" ("user_id");

CREATE TABLE "catalogue_versions" (
	"id" bigserial,
	"catalogue_id" varchar(64) NOT NULL,
	"version" varchar(64) NOT NULL,
	"title" varchar(300) NOT NULL,
	"document" text NOT NULL,
	"summary" varchar(2000) NOT NULL DEFAULT '',
	"active" boolean NOT NULL DEFAULT false,
	"created_by" bigint,
	"created_at" timestamptz,
	PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "idx_catalogue_version" ON "catalogue_versions" ("catalogue_id","version");

CREATE TABLE "score_snapshots" (
	"day" date,
	"facility_id" bigint,
	"bab_id" varchar(8),
	"percent" decimal NOT NULL,
	"assessed" boolean NOT NULL,
	"status" varchar(64) NOT NULL,
	PRIMARY KEY ("day","facility_id","bab_id")
);
CREATE INDEX IF NOT EXISTS "idx_score_snapshots_facility_id" ON "score_snapshots" ("facility_id");
