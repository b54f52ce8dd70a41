-- Login throttling: an attempt is written before its password check (so parallel guesses are
-- counted atomically) and taken back on success; keys are hashes, no longer the names typed.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
DELETE FROM login_failures;
CREATE INDEX login_failures_by_at ON login_failures (at);
CREATE INDEX login_failures_by_attempt ON login_failures (attempt);

-- An applicant account's agency (OPD): it acts only on that agency's requests (and on those it made).
ALTER TABLE users ADD COLUMN agency TEXT;

-- Secrets sealed with a key kept outside the database (server/src/secrets.rs): a value sealed with
-- the key this database was set up with, for an instance to check its key against.
CREATE TABLE secret_check (
    id      BIGINT  PRIMARY KEY,
    sealed  TEXT    NOT NULL
);
-- Tracking links: `token` now holds the SHA-256 of the link's token (the lookup); the token itself
-- is sealed here. Rows from before are converted at start.
ALTER TABLE tracking_links ADD COLUMN token_sealed TEXT;
-- A camera's login (user name and password) sealed; `username` and `password` are emptied at start.
ALTER TABLE cameras ADD COLUMN login_sealed TEXT;
