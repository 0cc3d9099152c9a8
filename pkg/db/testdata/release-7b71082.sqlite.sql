-- The previous release, commit 7b71082 (the parent of the commit that
-- added migration 4): the schema its migrations 1-3 created on a fresh
-- SQLite database.
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
CREATE TABLE `surveys` (`id` integer PRIMARY KEY AUTOINCREMENT,`facility_id` integer NOT NULL,`catalogue` text NOT NULL DEFAULT "",`type` text NOT NULL,`mode` text NOT NULL DEFAULT "onsite",`state` text NOT NULL,`start_date` datetime,`end_date` datetime,`lead_id` integer,`submitted_at` datetime,`finalized_at` datetime,`finalized_by` integer,`status` text NOT NULL DEFAULT "",`result` text NOT NULL DEFAULT "",`created_by` integer NOT NULL,`created_at` datetime,CONSTRAINT `fk_surveys_facility` FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON DELETE RESTRICT);
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
CREATE TABLE `self_assessments` (`survey_id` integer,`element_id` text,`score` integer NOT NULL,`tdd` numeric NOT NULL,`justification` text NOT NULL DEFAULT "",`suggested` integer NOT NULL,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`));
CREATE TABLE `snapshot_items` (`id` integer PRIMARY KEY AUTOINCREMENT,`survey_id` integer NOT NULL,`evidence_id` integer NOT NULL,`revision_id` integer NOT NULL,`revision_number` integer NOT NULL,`requirement_id` text NOT NULL,`stage` text NOT NULL DEFAULT "",`part` text NOT NULL DEFAULT "",`title` text NOT NULL,`doc_number` text NOT NULL DEFAULT "",`doc_revision` text NOT NULL DEFAULT "",`issue_date` datetime,`valid_until` datetime,`file_name` text NOT NULL,`content_type` text NOT NULL,`size` integer NOT NULL,`sha256` text NOT NULL,`uploaded_at` datetime,`superseded_by` integer,`review` text NOT NULL DEFAULT "pending",`review_note` text NOT NULL DEFAULT "",`reviewed_by` integer,`reviewed_at` datetime,`added_at` datetime);
CREATE INDEX `idx_snapshot_items_evidence_id` ON `snapshot_items`(`evidence_id`);
CREATE INDEX `idx_snapshot_items_survey_id` ON `snapshot_items`(`survey_id`);
CREATE TABLE `survey_scores` (`survey_id` integer,`element_id` text,`surveyor_id` integer,`score` integer NOT NULL,`tdd` numeric NOT NULL,`facts` text NOT NULL,`recommendation` text NOT NULL,`suggested` integer NOT NULL,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`,`surveyor_id`));
CREATE TABLE `pps_items` (`id` integer PRIMARY KEY AUTOINCREMENT,`survey_id` integer NOT NULL,`element_id` text NOT NULL,`score` integer NOT NULL,`recommendation` text NOT NULL,`action` text NOT NULL DEFAULT "",`responsible` text NOT NULL DEFAULT "",`target_date` datetime,`indicator` text NOT NULL DEFAULT "",`progress` integer NOT NULL DEFAULT 0,`state` text NOT NULL DEFAULT "open",`updated_by` integer,`updated_at` datetime);
CREATE UNIQUE INDEX `idx_pps_element` ON `pps_items`(`survey_id`,`element_id`);
CREATE TABLE `facility_scores` (`facility_id` integer,`catalogue` text,`until` datetime,`payload` text NOT NULL,PRIMARY KEY (`facility_id`,`catalogue`),CONSTRAINT `fk_facility_scores_facility` FOREIGN KEY (`facility_id`) REFERENCES `facilities`(`id`) ON DELETE CASCADE);

INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', '2026-12-01 15:09:00.89781598+00:00');
INSERT INTO schema_migrations (version, name, applied_at) VALUES (2, 'survey visits', '2026-12-01 15:09:00.904355646+00:00');
INSERT INTO schema_migrations (version, name, applied_at) VALUES (3, 'facility score cache', '2026-12-01 15:09:00.9090159+00:00');
