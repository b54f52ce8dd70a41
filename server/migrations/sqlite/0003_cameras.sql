-- The camera registry. Credentials stay here: no API answer and no log line carries them.
CREATE TABLE cameras (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL UNIQUE,       -- the name in lower case: names are unique ignoring case
    location    TEXT,
    latitude    REAL,
    longitude   REAL,
    kind        TEXT    NOT NULL,              -- rtsp, http, tcp, simulated
    url         TEXT    NOT NULL,              -- without user:password@
    username    TEXT,
    password    TEXT,
    enabled     BIGINT  NOT NULL DEFAULT 1,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL               -- unix milliseconds; every instance reloads changed rows
);

-- Each camera's current status, shared by every instance: a change is recorded once.
CREATE TABLE camera_status (
    camera_id   TEXT    PRIMARY KEY REFERENCES cameras (id),
    status      TEXT    NOT NULL,
    since       BIGINT  NOT NULL
);

-- Every status change: the history and the 24-hour uptime, kept across restarts.
CREATE TABLE camera_changes (
    camera_id   TEXT    NOT NULL REFERENCES cameras (id),
    status      TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    detail      TEXT
);
CREATE INDEX camera_changes_by_camera ON camera_changes (camera_id, at);
