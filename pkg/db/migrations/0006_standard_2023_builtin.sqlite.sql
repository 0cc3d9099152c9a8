-- Migration 6, the complete standard built in, for SQLite.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The built-in catalogue becomes criteria/standard-2023.yaml (pkp-2023,
-- version 2023.2) in place of kriteria-2.1.2.yaml (version 2023.1). The
-- two agree on every ID but those of Kriteria 2.1.2 EP b, which now follow
-- the standard's own numbering: 2023.1's D1 (RPK) is D2, and 2023.1's D2
-- (stages x parts) is D3; there is no D1 any more. EP IDs and W keys are
-- unchanged, so not_applicables, interviewees, self_assessments,
-- survey_scores and pps_items keep theirs.
--
-- Requirement IDs are renamed where they are stored — evidences and
-- snapshot_items (of every survey, final ones too: their items point to
-- the same evidence, and the evidence pack and pages read them against the
-- running catalogue) — D2 -> D3 before D1 -> D2, so no row is renamed
-- twice. Only while no imported catalogue version is active: a deployment
-- running an imported catalogue keeps the keys of that catalogue, which
-- this release does not change.
--
-- A survey still open is worked on against the catalogue it was planned
-- with (pkg/survey, allow): those planned against pkp-2023@2023.1 move to
-- 2023.2, since every ID they hold is mapped, so they are not refused
-- after the upgrade. Final surveys keep the reference they were finalized
-- under (their result is frozen).
--
-- A survey score or self-assessment may now hold no suggestion (NULL):
-- readiness suggests nothing for an EP proposed TDD or with no R or D
-- item. SQLite cannot drop a NOT NULL, so both tables are rebuilt with the
-- statements gorm's AutoMigrate makes of the structs. Scores of an EP the
-- survey's self-assessment proposed TDD held a suggestion computed as if
-- it applied, which flagged a false difference: it is cleared.
--
-- Cached scores were computed under the previous readiness rules and
-- catalogue: they are dropped and recomputed on first use.

ALTER TABLE `self_assessments` RENAME TO `self_assessments_v5`;

CREATE TABLE `self_assessments` (`survey_id` integer,`element_id` text,`score` integer NOT NULL,`tdd` numeric NOT NULL,`justification` text NOT NULL DEFAULT "",`suggested` integer,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`));

INSERT INTO `self_assessments` (`survey_id`, `element_id`, `score`, `tdd`, `justification`, `suggested`, `updated_by`, `updated_at`)
	SELECT `survey_id`, `element_id`, `score`, `tdd`, `justification`, `suggested`, `updated_by`, `updated_at` FROM `self_assessments_v5`;

DROP TABLE `self_assessments_v5`;

ALTER TABLE `survey_scores` RENAME TO `survey_scores_v5`;

CREATE TABLE `survey_scores` (`survey_id` integer,`element_id` text,`surveyor_id` integer,`score` integer NOT NULL,`tdd` numeric NOT NULL,`facts` text NOT NULL,`recommendation` text NOT NULL,`suggested` integer,`updated_by` integer NOT NULL,`updated_at` datetime,PRIMARY KEY (`survey_id`,`element_id`,`surveyor_id`));

INSERT INTO `survey_scores` (`survey_id`, `element_id`, `surveyor_id`, `score`, `tdd`, `facts`, `recommendation`, `suggested`, `updated_by`, `updated_at`)
	SELECT `survey_id`, `element_id`, `surveyor_id`, `score`, `tdd`, `facts`, `recommendation`, `suggested`, `updated_by`, `updated_at` FROM `survey_scores_v5`;

DROP TABLE `survey_scores_v5`;

UPDATE survey_scores SET suggested = NULL WHERE EXISTS (SELECT 1 FROM self_assessments
	WHERE self_assessments.survey_id = survey_scores.survey_id AND self_assessments.element_id = survey_scores.element_id AND self_assessments.tdd);

UPDATE evidences SET requirement_id = '2.1.2/b/D3'
	WHERE requirement_id = '2.1.2/b/D2' AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE active);
UPDATE evidences SET requirement_id = '2.1.2/b/D2'
	WHERE requirement_id = '2.1.2/b/D1' AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE active);

UPDATE snapshot_items SET requirement_id = '2.1.2/b/D3'
	WHERE requirement_id = '2.1.2/b/D2' AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE active);
UPDATE snapshot_items SET requirement_id = '2.1.2/b/D2'
	WHERE requirement_id = '2.1.2/b/D1' AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE active);

UPDATE surveys SET catalogue = 'pkp-2023@2023.2'
	WHERE catalogue = 'pkp-2023@2023.1' AND state <> 'final' AND NOT EXISTS (SELECT 1 FROM catalogue_versions WHERE active);

DELETE FROM facility_scores;
