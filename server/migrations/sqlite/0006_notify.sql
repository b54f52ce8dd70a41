-- Notifications (server/src/notify): where each person is reached, and the outbox.

-- A person's own channels and wishes. The Telegram chat is bound by the person's /start code.
CREATE TABLE contacts (
    user_id        TEXT    PRIMARY KEY REFERENCES users (id),
    telegram_chat  TEXT,                        -- the bound chat id
    telegram_name  TEXT,                        -- the chat's @username or name, to show
    email          TEXT,
    whatsapp       TEXT,                        -- +62…
    lang           TEXT    NOT NULL DEFAULT 'id',
    quiet_from     BIGINT,                      -- minutes after local midnight; NULL: no quiet hours
    quiet_to       BIGINT,
    muted          TEXT    NOT NULL DEFAULT '', -- "channel:moment" pairs switched off, comma-separated
    updated_at     BIGINT  NOT NULL
);

-- One-time codes for t.me/<bot>?start=<code>: only their SHA-256 is kept.
CREATE TABLE telegram_codes (
    code_hash   TEXT    PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id),
    expires_at  BIGINT  NOT NULL
);

-- Each notification to send, written in the transaction of what caused it. dedupe_key
-- (card, step entry, moment, recipient, channel) makes each one exist once, whoever writes it.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key     TEXT    NOT NULL UNIQUE,
    card_id        TEXT,
    moment         TEXT    NOT NULL,            -- arrived, warning, breached, escalated-200, test
    user_id        TEXT,                        -- the recipient's account, when it is one
    channel        TEXT    NOT NULL,            -- telegram, whatsapp, email, push, webhook
    address        TEXT    NOT NULL,            -- chat id, number, e-mail address, URL
    message        TEXT    NOT NULL,            -- JSON: title, body, link, lang
    status         TEXT    NOT NULL,            -- pending, sent, failed
    attempts       BIGINT  NOT NULL DEFAULT 0,
    next_at        BIGINT  NOT NULL,            -- unix ms: not before
    claimed_by     TEXT,                        -- the instance sending it now
    claimed_until  BIGINT,
    last_error     TEXT,
    created_at     BIGINT  NOT NULL,
    sent_at        BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_at);
CREATE INDEX outbox_by_created ON outbox (created_at);

-- The notifier's own state (the Telegram update offset).
CREATE TABLE notify_state (
    key    TEXT    PRIMARY KEY,
    value  TEXT    NOT NULL
);
