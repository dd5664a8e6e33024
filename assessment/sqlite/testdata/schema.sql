CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	hash         TEXT NOT NULL UNIQUE, -- sha256 of the secret
	prefix       TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at   TIMESTAMP
);

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         TIMESTAMP NOT NULL,
	actor_id   INTEGER,
	actor_name TEXT NOT NULL,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL DEFAULT '',
	entity_id  INTEGER,
	unit_id    INTEGER,
	period_id  INTEGER,
	field      TEXT NOT NULL DEFAULT '',
	from_value TEXT NOT NULL DEFAULT '',
	to_value   TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE evidence (
	id            INTEGER PRIMARY KEY,
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	indicator     TEXT NOT NULL,
	kind          TEXT NOT NULL,
	file_name     TEXT NOT NULL DEFAULT '',
	content_type  TEXT NOT NULL DEFAULT '',
	size          INTEGER NOT NULL DEFAULT 0,
	sha256        TEXT NOT NULL DEFAULT '',
	url           TEXT NOT NULL DEFAULT '',
	text          TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL,
	created_by    INTEGER REFERENCES users (id)
);

CREATE TABLE input_values (
	submission_id INTEGER NOT NULL REFERENCES submissions (id),
	indicator     TEXT NOT NULL,
	input         TEXT NOT NULL,
	text          TEXT NOT NULL,
	num           DOUBLE PRECISION,
	source        TEXT NOT NULL,
	locked        BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at    TIMESTAMP NOT NULL,
	updated_by    INTEGER REFERENCES users (id),
	version       INTEGER NOT NULL,
	PRIMARY KEY (submission_id, indicator, input)
);

CREATE TABLE periods (
	id               INTEGER PRIMARY KEY,
	code             TEXT NOT NULL UNIQUE,
	name             TEXT NOT NULL,
	year             INTEGER NOT NULL,
	status           TEXT NOT NULL,
	index_code       TEXT NOT NULL,
	index_version    TEXT NOT NULL,
	index_hash       TEXT NOT NULL,
	index_source     BLOB NOT NULL,
	opens_at         TIMESTAMP,
	closes_at        TIMESTAMP,
	public           BOOLEAN NOT NULL DEFAULT FALSE,
	show_in_progress BOOLEAN NOT NULL DEFAULT FALSE,
	version          INTEGER NOT NULL,
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL
);

CREATE TABLE review_values (
	review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
	input     TEXT NOT NULL,
	text      TEXT NOT NULL,
	num       DOUBLE PRECISION,
	PRIMARY KEY (review_id, input)
);

CREATE TABLE reviews (
	id              INTEGER PRIMARY KEY,
	submission_id   INTEGER NOT NULL REFERENCES submissions (id),
	indicator       TEXT NOT NULL,
	round           INTEGER NOT NULL,
	decision        TEXT NOT NULL,
	adjusted_points DOUBLE PRECISION,
	reason          TEXT NOT NULL DEFAULT '',
	comment         TEXT NOT NULL DEFAULT '',
	reviewer_id     INTEGER REFERENCES users (id),
	created_at      TIMESTAMP NOT NULL,
	UNIQUE (submission_id, indicator, round)
);

CREATE TABLE sessions (
	id           TEXT PRIMARY KEY, -- sha256 of the cookie secret
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token   TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE snapshots (
	id           INTEGER PRIMARY KEY,
	period_id    INTEGER NOT NULL REFERENCES periods (id),
	number       INTEGER NOT NULL,
	published_at TIMESTAMP NOT NULL,
	published_by INTEGER REFERENCES users (id),
	reason       TEXT NOT NULL DEFAULT '',
	index_hash   TEXT NOT NULL,
	results      BLOB NOT NULL, -- JSON of assessment.SnapshotResults
	UNIQUE (period_id, number)
);

CREATE TABLE submissions (
	id           INTEGER PRIMARY KEY,
	period_id    INTEGER NOT NULL REFERENCES periods (id),
	unit_id      INTEGER NOT NULL REFERENCES units (id),
	status       TEXT NOT NULL,
	version      INTEGER NOT NULL,
	round        INTEGER NOT NULL DEFAULT 0,
	submitted_at TIMESTAMP,
	submitted_by INTEGER REFERENCES users (id),
	approved_at  TIMESTAMP,
	approved_by  INTEGER REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	updated_by   INTEGER REFERENCES users (id), values_packed BLOB NOT NULL DEFAULT '',
	UNIQUE (period_id, unit_id)
);

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	parent_id  INTEGER REFERENCES units (id),
	code       TEXT NOT NULL UNIQUE,
	name_vi    TEXT NOT NULL,
	name_en    TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL,
	block      TEXT NOT NULL DEFAULT '',
	attrs      TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
	active     BOOLEAN NOT NULL DEFAULT TRUE,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_grants (
	user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	role     TEXT NOT NULL,
	unit_id  INTEGER REFERENCES units (id), -- NULL: the whole province
	subtree  BOOLEAN NOT NULL DEFAULT FALSE,
	pillars  TEXT NOT NULL DEFAULT '',      -- comma-separated pillar codes
	PRIMARY KEY (user_id, position)
);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	username             TEXT NOT NULL UNIQUE, -- lower case
	full_name            TEXT NOT NULL,
	email                TEXT NOT NULL DEFAULT '',
	password_hash        TEXT NOT NULL,
	disabled             BOOLEAN NOT NULL DEFAULT FALSE,
	must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
	lang                 TEXT NOT NULL DEFAULT 'vi',
	created_at           TIMESTAMP NOT NULL,
	updated_at           TIMESTAMP NOT NULL,
	last_login_at        TIMESTAMP
);

CREATE INDEX audit_log_actor_id ON audit_log (actor_id, at);

CREATE INDEX audit_log_at ON audit_log (at);

CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE INDEX audit_log_period_id ON audit_log (period_id, at);

CREATE INDEX audit_log_unit_id ON audit_log (unit_id, at);

CREATE INDEX evidence_sha256 ON evidence (sha256);

CREATE INDEX evidence_submission_id ON evidence (submission_id, indicator);

CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE INDEX submissions_unit_id ON submissions (unit_id);

CREATE INDEX units_parent_id ON units (parent_id);

CREATE INDEX user_grants_unit_id ON user_grants (unit_id);

