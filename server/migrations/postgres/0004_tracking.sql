-- The applicant's tracking link of a request: one live link per card; a revoked one stops at once.
CREATE TABLE tracking_links (
    card_id     TEXT    PRIMARY KEY,
    token       TEXT    NOT NULL UNIQUE,       -- 192 random bits, URL-safe: the link itself
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);
