-- Web Push (server/src/notify/push.rs): each browser or phone where a person allowed notifications.
CREATE TABLE push_subscriptions (
    id             TEXT    PRIMARY KEY,          -- random; the outbox's address
    endpoint_hash  TEXT    NOT NULL UNIQUE,      -- SHA-256 of the endpoint: one row per browser
    user_id        TEXT    NOT NULL REFERENCES users (id),
    endpoint       TEXT    NOT NULL,             -- the push service's URL (at most 1024 characters)
    p256dh         TEXT    NOT NULL,             -- the browser's key, base64url
    auth           TEXT    NOT NULL,             -- its auth secret, base64url
    user_agent     TEXT    NOT NULL DEFAULT '',  -- to tell a person's devices apart
    created_at     BIGINT  NOT NULL
);
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);
