-- Migration 5, final survey teams, for PostgreSQL.
-- Frozen: a released migration is never edited; add a new one (see the
-- package comment of pkg/db).
--
-- The team of a final survey, as finalized (pkg/survey, team.go), so that
-- revoking a surveyor's role binding ends their access but not their place
-- on the record. Surveys final before this migration could not lose
-- surveyors: their bindings are the team.
--
-- Written as SQL from the start; the statements are as they were.

CREATE TABLE survey_teams (survey_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
			PRIMARY KEY (survey_id, user_id));

INSERT INTO survey_teams (survey_id, user_id)
			SELECT DISTINCT role_bindings.survey_id, role_bindings.user_id FROM role_bindings
			JOIN surveys ON surveys.id = role_bindings.survey_id
			WHERE role_bindings.role = 'surveyor' AND surveys.state = 'final';
