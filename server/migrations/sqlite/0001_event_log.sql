-- The event log: the source of truth. Append-only.
CREATE TABLE events (
    seq          BIGINT  PRIMARY KEY,          -- server sequence number, gap-free, in commit order
    mutation_id  TEXT    NOT NULL UNIQUE,      -- the client's mutation id: a mutation applies once
    card_id      TEXT    NOT NULL,
    kind         TEXT    NOT NULL,             -- the change's type, e.g. step_completed
    payload      TEXT    NOT NULL,             -- the change, JSON
    actor        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    device       TEXT    NOT NULL,
    override_reason TEXT,
    client_time  BIGINT  NOT NULL,             -- unix milliseconds
    server_time  BIGINT  NOT NULL
);
CREATE INDEX events_by_card ON events (card_id, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- Refused mutations, so that re-sending one gives the same answer.
CREATE TABLE refusals (
    mutation_id  TEXT    PRIMARY KEY,
    card_id      TEXT    NOT NULL,
    code         TEXT    NOT NULL,
    refusal      TEXT    NOT NULL,             -- the typed refusal, JSON
    envelope     TEXT    NOT NULL,             -- what was sent, JSON
    server_time  BIGINT  NOT NULL
);

-- The card projection the board reads: each card as the log built it.
CREATE TABLE cards (
    id           TEXT    PRIMARY KEY,
    stage        TEXT    NOT NULL,
    seq          BIGINT  NOT NULL,             -- the last event applied to this card
    data         TEXT    NOT NULL              -- the card, JSON
);
