-- Commit a038d05 (the parent of the commit that added migration 2): the
-- schema its migration 1 created on a fresh PostgreSQL database, surveys as
-- they were before the survey visits.
--
-- The output of pg_dump --schema-only --no-owner --no-privileges without
-- its comments, SET statements and search_path, then its schema_migrations
-- rows (pg_dump --data-only --column-inserts). Generated once for
-- TestUpgrade; never edit.

CREATE TABLE public.audit_entries (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    user_id bigint,
    action character varying(64) NOT NULL,
    object_type character varying(32) NOT NULL,
    object_id character varying(254) NOT NULL,
    facility_id bigint,
    summary character varying(2000) DEFAULT ''::character varying NOT NULL,
    before character varying(2000) DEFAULT ''::character varying NOT NULL,
    after character varying(2000) DEFAULT ''::character varying NOT NULL,
    request_id character varying(64) DEFAULT ''::character varying NOT NULL,
    client_ip character varying(64) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE public.audit_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.audit_entries_id_seq OWNED BY public.audit_entries.id;

CREATE TABLE public.catalogue_versions (
    id bigint NOT NULL,
    catalogue_id character varying(64) NOT NULL,
    version character varying(64) NOT NULL,
    title character varying(300) NOT NULL,
    document text NOT NULL,
    summary character varying(2000) DEFAULT ''::character varying NOT NULL,
    active boolean DEFAULT false NOT NULL,
    created_by bigint,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.catalogue_versions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.catalogue_versions_id_seq OWNED BY public.catalogue_versions.id;

CREATE TABLE public.districts (
    id bigint NOT NULL,
    code character varying(32) NOT NULL,
    name character varying(200) NOT NULL,
    province_id bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.districts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.districts_id_seq OWNED BY public.districts.id;

CREATE TABLE public.evidences (
    id bigint NOT NULL,
    facility_id bigint NOT NULL,
    requirement_id character varying(64) NOT NULL,
    stage character varying(64) DEFAULT ''::character varying NOT NULL,
    part character varying(64) DEFAULT ''::character varying NOT NULL,
    title character varying(300) NOT NULL,
    doc_number character varying(200) DEFAULT ''::character varying NOT NULL,
    doc_revision character varying(50) DEFAULT ''::character varying NOT NULL,
    issue_date timestamp with time zone,
    valid_until timestamp with time zone,
    notes character varying(2000) DEFAULT ''::character varying NOT NULL,
    review character varying(16) DEFAULT 'pending'::character varying NOT NULL,
    review_note character varying(2000) DEFAULT ''::character varying NOT NULL,
    created_by bigint NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone,
    deleted_at timestamp with time zone,
    deleted_by bigint
);

CREATE SEQUENCE public.evidences_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.evidences_id_seq OWNED BY public.evidences.id;

CREATE TABLE public.facilities (
    id bigint NOT NULL,
    code character varying(32) NOT NULL,
    name character varying(200) NOT NULL,
    district_id bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.facilities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.facilities_id_seq OWNED BY public.facilities.id;

CREATE TABLE public.interviewees (
    facility_id bigint NOT NULL,
    requirement_id character varying(64) NOT NULL,
    role character varying(200) NOT NULL,
    name character varying(200) NOT NULL,
    "position" character varying(200) DEFAULT ''::character varying NOT NULL,
    updated_by bigint NOT NULL,
    updated_at timestamp with time zone
);

CREATE TABLE public.not_applicables (
    facility_id bigint NOT NULL,
    element_id character varying(64) NOT NULL,
    reason character varying(2000) NOT NULL,
    set_by bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE TABLE public.provinces (
    id bigint NOT NULL,
    code character varying(32) NOT NULL,
    name character varying(200) NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.provinces_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.provinces_id_seq OWNED BY public.provinces.id;

CREATE TABLE public.revisions (
    id bigint NOT NULL,
    evidence_id bigint NOT NULL,
    number bigint NOT NULL,
    sha256 character varying(64) NOT NULL,
    size bigint NOT NULL,
    content_type character varying(128) NOT NULL,
    file_name character varying(255) NOT NULL,
    uploaded_by bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.revisions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.revisions_id_seq OWNED BY public.revisions.id;

CREATE TABLE public.role_bindings (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    role character varying(32) NOT NULL,
    province_id bigint,
    district_id bigint,
    facility_id bigint,
    survey_id bigint,
    created_by bigint,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.role_bindings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.role_bindings_id_seq OWNED BY public.role_bindings.id;

CREATE TABLE public.schema_migrations (
    version bigint NOT NULL,
    name text,
    applied_at timestamp with time zone
);

CREATE TABLE public.score_snapshots (
    day date NOT NULL,
    facility_id bigint NOT NULL,
    bab_id character varying(8) NOT NULL,
    percent numeric NOT NULL,
    assessed boolean NOT NULL,
    status character varying(64) NOT NULL
);

CREATE TABLE public.sessions (
    id bigint NOT NULL,
    token_hash character varying(64) NOT NULL,
    kind character varying(16) NOT NULL,
    name character varying(100) DEFAULT ''::character varying NOT NULL,
    user_id bigint NOT NULL,
    expires_at timestamp with time zone,
    last_used_at timestamp with time zone,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.sessions_id_seq OWNED BY public.sessions.id;

CREATE TABLE public.surveys (
    id bigint NOT NULL,
    facility_id bigint NOT NULL,
    type character varying(32) NOT NULL,
    state character varying(32) NOT NULL,
    start_date timestamp with time zone,
    end_date timestamp with time zone,
    created_by bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.surveys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.surveys_id_seq OWNED BY public.surveys.id;

CREATE TABLE public.users (
    id bigint NOT NULL,
    email character varying(254) NOT NULL,
    name character varying(200) NOT NULL,
    password_hash character varying(100) NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;

ALTER TABLE ONLY public.audit_entries ALTER COLUMN id SET DEFAULT nextval('public.audit_entries_id_seq'::regclass);

ALTER TABLE ONLY public.catalogue_versions ALTER COLUMN id SET DEFAULT nextval('public.catalogue_versions_id_seq'::regclass);

ALTER TABLE ONLY public.districts ALTER COLUMN id SET DEFAULT nextval('public.districts_id_seq'::regclass);

ALTER TABLE ONLY public.evidences ALTER COLUMN id SET DEFAULT nextval('public.evidences_id_seq'::regclass);

ALTER TABLE ONLY public.facilities ALTER COLUMN id SET DEFAULT nextval('public.facilities_id_seq'::regclass);

ALTER TABLE ONLY public.provinces ALTER COLUMN id SET DEFAULT nextval('public.provinces_id_seq'::regclass);

ALTER TABLE ONLY public.revisions ALTER COLUMN id SET DEFAULT nextval('public.revisions_id_seq'::regclass);

ALTER TABLE ONLY public.role_bindings ALTER COLUMN id SET DEFAULT nextval('public.role_bindings_id_seq'::regclass);

ALTER TABLE ONLY public.sessions ALTER COLUMN id SET DEFAULT nextval('public.sessions_id_seq'::regclass);

ALTER TABLE ONLY public.surveys ALTER COLUMN id SET DEFAULT nextval('public.surveys_id_seq'::regclass);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT audit_entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.catalogue_versions
    ADD CONSTRAINT catalogue_versions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.districts
    ADD CONSTRAINT districts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.evidences
    ADD CONSTRAINT evidences_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.facilities
    ADD CONSTRAINT facilities_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.interviewees
    ADD CONSTRAINT interviewees_pkey PRIMARY KEY (facility_id, requirement_id, role);

ALTER TABLE ONLY public.not_applicables
    ADD CONSTRAINT not_applicables_pkey PRIMARY KEY (facility_id, element_id);

ALTER TABLE ONLY public.provinces
    ADD CONSTRAINT provinces_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.revisions
    ADD CONSTRAINT revisions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.role_bindings
    ADD CONSTRAINT role_bindings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY public.score_snapshots
    ADD CONSTRAINT score_snapshots_pkey PRIMARY KEY (day, facility_id, bab_id);

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.surveys
    ADD CONSTRAINT surveys_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE INDEX idx_audit_action_at ON public.audit_entries USING btree (action, at);

CREATE INDEX idx_audit_entries_client_ip ON public.audit_entries USING btree (client_ip);

CREATE INDEX idx_audit_entries_facility_id ON public.audit_entries USING btree (facility_id);

CREATE INDEX idx_audit_entries_user_id ON public.audit_entries USING btree (user_id);

CREATE UNIQUE INDEX idx_catalogue_version ON public.catalogue_versions USING btree (catalogue_id, version);

CREATE UNIQUE INDEX idx_districts_code ON public.districts USING btree (code);

CREATE INDEX idx_districts_province_id ON public.districts USING btree (province_id);

CREATE INDEX idx_evidence_facility_req ON public.evidences USING btree (facility_id, requirement_id);

CREATE UNIQUE INDEX idx_facilities_code ON public.facilities USING btree (code);

CREATE INDEX idx_facilities_district_id ON public.facilities USING btree (district_id);

CREATE UNIQUE INDEX idx_provinces_code ON public.provinces USING btree (code);

CREATE UNIQUE INDEX idx_revision_number ON public.revisions USING btree (evidence_id, number);

CREATE INDEX idx_revisions_sha256 ON public.revisions USING btree (sha256);

CREATE INDEX idx_role_bindings_district_id ON public.role_bindings USING btree (district_id);

CREATE INDEX idx_role_bindings_facility_id ON public.role_bindings USING btree (facility_id);

CREATE INDEX idx_role_bindings_province_id ON public.role_bindings USING btree (province_id);

CREATE INDEX idx_role_bindings_survey_id ON public.role_bindings USING btree (survey_id);

CREATE INDEX idx_role_bindings_user_id ON public.role_bindings USING btree (user_id);

CREATE INDEX idx_score_snapshots_facility_id ON public.score_snapshots USING btree (facility_id);

CREATE UNIQUE INDEX idx_sessions_token_hash ON public.sessions USING btree (token_hash);

CREATE INDEX idx_sessions_user_id ON public.sessions USING btree (user_id);

CREATE INDEX idx_surveys_facility_id ON public.surveys USING btree (facility_id);

CREATE UNIQUE INDEX idx_users_email ON public.users USING btree (email);

ALTER TABLE ONLY public.districts
    ADD CONSTRAINT fk_districts_province FOREIGN KEY (province_id) REFERENCES public.provinces(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.evidences
    ADD CONSTRAINT fk_evidences_facility FOREIGN KEY (facility_id) REFERENCES public.facilities(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.revisions
    ADD CONSTRAINT fk_evidences_revisions FOREIGN KEY (evidence_id) REFERENCES public.evidences(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.facilities
    ADD CONSTRAINT fk_facilities_district FOREIGN KEY (district_id) REFERENCES public.districts(id) ON DELETE RESTRICT;

ALTER TABLE ONLY public.role_bindings
    ADD CONSTRAINT fk_role_bindings_user FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.surveys
    ADD CONSTRAINT fk_surveys_facility FOREIGN KEY (facility_id) REFERENCES public.facilities(id) ON DELETE RESTRICT;

INSERT INTO public.schema_migrations (version, name, applied_at) VALUES (1, 'initial schema', '2026-12-01 15:10:08.914428+00');
