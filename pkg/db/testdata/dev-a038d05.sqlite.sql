-- Commit a038d05 (the parent of the commit that added migration 2): the
-- schema its migration 1 created on a fresh SQLite database, surveys as
-- they were before the survey visits.
--
-- Every CREATE statement of its sqlite_master, verbatim and in order, then
-- its schema_migrations rows. Generated once for TestUpgrade; never edit.

CREATE TABLE `schema_migrations` (`version` integer,`name` text,`applied_at` datetime,PRIMARY KEY (`version`));
CREATE TABLE `provinces` (`id` integer PRIMARY KEY AUTOINCREMENT,`code` text NOT NULL,`name` text NOT NULL,`created_at` datetime);
CREATE UNIQUE INDEX `idx_provinces_code` ON `provinces`(`code`);
CREATE TABLE `districts` (`id` integer PRIMARY KEY AUTOINCREMENT,`code` text NOT NULL,`name` text NOT NULL,`province_id` integer NOT NULL,`created_at` datetime,CONSTRAINT `fk_districts_province` FOREIGN KEY (`province_id`) REFERENCES `provinces`(`id`) ON DELETE RESTRICT);
CREATE INDEX `idx_districts_province_id` ON `districts`(`province_id`);
CREATE UNIQUE INDEX `idx_districts_code` ON `districts`(`code`);
CREATE TABLE `facilities` (`id` integer PRIMARY KEY AUTOINCREMENT,`code` text NOT NULL,`name` text NOT NULL,`district_id` integer NOT NULL,`created_at` datetime,CONSTRAINT `fk_facilities_district` FOREIGN KEY (`district_id`) REFERENCES `districts`(`id`) ON DELETE RESTRICT);
CREATE INDEX `idx_facilities_district_id` ON `facilities`(`district_id`);
CREATE UNIQUE INDEX `idx_facilities_code` ON `facilities`(`code`);
CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`email` text NOT NULL,`name` text NOT NULL,`password_hash` text NOT NULL,`disabled` numeric NOT NULL DEFAULT false,`created_at` datetime);
CREATE UNIQUE INDEX `idx_users_email` ON `users`(`email`);
CREATE TABLE `role_bindings` (`id` integer PRIMARY KEY AUTOINCREMENT,`user_id` integer NOT NULL,`role` text NOT NULL,`province_id` integer,`district_id` integer,`facility_id` integer,`survey_id` integer,`created_by` integer,`created_at` datetime,CONSTRAINT `fk_role_bindings_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE);
CREATE INDEX `idx_role_bindings_survey_id` ON `role_bindings`(`survey_id`);
CREATE INDEX `idx_role_bindings_facility_id` ON `role_bindings`(`facility_id`);
CREATE INDEX `idx_role_bindings_district_id` ON `role_bindings`(`district_id`);
CREATE INDEX `idx_role_bindings_province_id` ON `role_bindings`(`province_id`);
CREATE INDEX `idx_role_bindings_user_id` ON `role_bindings`(`user_id`);
CREATE TABLE `sessions` (`id` integer PRIMARY KEY AUTOINCREMENT,`token_hash` text NOT NULL,`kind` text NOT NULL,`name` text NOT NULL DEFAULT "",`user_id` integer NOT NULL,`expires_at` datetime,`last_used_at` datetime,`created_at` datetime,CONSTRAINT `fk_sessions_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE);
CREATE INDEX `idx_sessions_user_id` ON `sessions`(`user_id`);
CREATE UNIQUE INDEX `idx_sessions_token_hash` ON `sessions`(`token_hash`);
CREATE TABLE `surveys` (`id` integer PRIMARY KEY AUTOINCREMENT,`facility_id` integer NOT NULL,`type` text NOT NULL,`state` text NOT NULL,`start_date` datetime,`end_date` datetime,`created_by` integer NOT NULL,`created_at` datetime,CONSTRAINT `fk_surveys_facility` FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON DELETE RESTRICT);
CREATE INDEX `idx_surveys_facility_id` ON `surveys`(`facility_id`);
CREATE TABLE `evidences` (`id` integer PRIMARY KEY AUTOINCREMENT,`facility_id` integer NOT NULL,`requirement_id` text NOT NULL,`stage` text NOT NULL DEFAULT "",`part` text NOT NULL DEFAULT "",`title` text NOT NULL,`doc_number` text NOT NULL DEFAULT "",`doc_revision` text NOT NULL DEFAULT "",`issue_date` datetime,`valid_until` datetime,`notes` text NOT NULL DEFAULT "",`review` text NOT NULL DEFAULT "pending",`review_note` text NOT NULL DEFAULT "",`created_by` integer NOT NULL,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`deleted_by` integer,CONSTRAINT `fk_evidences_facility` FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON DELETE RESTRICT);
CREATE INDEX `idx_evidence_facility_req` ON `evidences`(`facility_id`,`requirement_id`);
CREATE TABLE `revisions` (`id` integer PRIMARY KEY AUTOINCREMENT,`evidence_id` integer NOT NULL,`number` integer NOT NULL,`sha256` text NOT NULL,`size` integer NOT NULL,`content_type` text NOT NULL,`file_name` text NOT NULL,`uploaded_by` integer NOT NULL,`created_at` datetime,CONSTRAINT `fk_evidences_revisions` FOREIGN KEY (`evidence_id`) REFERENCES `evidences`(`id`) ON DELETE RESTRICT);
CREATE INDEX `idx_revisions_sha256` ON `revisions`(`sha256`);
CREATE UNIQUE INDEX `idx_revision_number` ON `revisions`(`evidence_id`,`number`);
CREATE TABLE `not_applicables` (`facility_id` integer,`element_id` text,`reason` text NOT NULL,`set_by` integer NOT NULL,`created_at` datetime,PRIMARY KEY (`facility_id`,`element_id`));
CREATE TABLE `interviewees` (`facility_id` integer,`requirement_id` text,`role` text,`name` text NOT NULL,`position` text NOT NULL DEFAULT "",`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`facility_id`,`requirement_id`,`role`));
CREATE TABLE `audit_entries` (`id` integer PRIMARY KEY AUTOINCREMENT,`at` datetime NOT NULL,`user_id` integer,`action` text NOT NULL,`object_type` text NOT NULL,`object_id` text NOT NULL,`facility_id` integer,`summary` text NOT NULL DEFAULT "",`before` text NOT NULL DEFAULT "",`after` text NOT NULL DEFAULT "",`request_id` text NOT NULL DEFAULT "",`client_ip` text NOT NULL DEFAULT "");
CREATE INDEX `idx_audit_entries_client_ip` ON `audit_entries`(`client_ip`);
CREATE INDEX `idx_audit_entries_facility_id` ON `audit_entries`(`facility_id`);
CREATE INDEX `idx_audit_entries_user_id` ON `audit_entries`(`user_id`);
CREATE INDEX `idx_audit_action_at` ON `audit_entries`(`action`,`at`);
CREATE TABLE `catalogue_versions` (`id` integer PRIMARY KEY AUTOINCREMENT,`catalogue_id` text NOT NULL,`version` text NOT NULL,`title` text NOT NULL,`document` text NOT NULL,`summary` text NOT NULL DEFAULT "",`active` numeric NOT NULL DEFAULT false,`created_by` integer,`created_at` datetime);
CREATE UNIQUE INDEX `idx_catalogue_version` ON `catalogue_versions`(`catalogue_id`,`version`);
CREATE TABLE `score_snapshots` (`day` date,`facility_id` integer,`bab_id` text,`percent` real NOT NULL,`assessed` numeric NOT NULL,`status` text NOT NULL,PRIMARY KEY (`day`,`facility_id`,`bab_id`));
CREATE INDEX `idx_score_snapshots_facility_id` ON `score_snapshots`(`facility_id`);

INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', '2026-12-01 15:10:08.142255984+00:00');
