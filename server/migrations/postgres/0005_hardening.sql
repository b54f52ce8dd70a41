-- Login throttling: an attempt is written before its password check (so parallel guesses are
-- counted atomically) and taken back on success; keys are hashes, no longer the names typed.
ALTER TABLE login_failures ADD COLUMN attempt TEXT;
DELETE FROM login_failures;
CREATE INDEX login_failures_by_at ON login_failures (at);
CREATE INDEX login_failures_by_attempt ON login_failures (attempt);
