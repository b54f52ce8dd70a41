-- Accounts, sessions, login throttling, kiosk tokens.
CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,     -- lower case
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,            -- argon2id, PHC string
    roles         TEXT    NOT NULL,            -- comma-separated: tu,subkor_ile,…
    disabled      BIGINT  NOT NULL DEFAULT 0,
    demo_password BIGINT  NOT NULL DEFAULT 0,  -- 1 while the demo password is still set
    created_at    BIGINT  NOT NULL
);

-- A session id is never stored: only its SHA-256.
CREATE TABLE sessions (
    id_hash     TEXT    PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed logins, by account ("user:<name>") and by client address ("addr:<ip>").
CREATE TABLE login_failures (
    key  TEXT    NOT NULL,
    at   BIGINT  NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Read-only tokens for wall screens; only the SHA-256 of a token is stored.
CREATE TABLE kiosk_tokens (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);
