-- 0002_mail_outbox.sql: the mail service's durable outbox, and the API's hand-off queue.
--
-- Every message the mail service accepts is a row here before /send answers. The sender
-- claims due rows ('queued' -> 'sending'), delivers them, and records the outcome; a row
-- recorded 'sent' is never sent again. A row found 'sending' at start-up was interrupted
-- by a crash and is queued again (it keeps its Message-ID, so a duplicate is recognisable).

CREATE TABLE outbox (
  id               TEXT PRIMARY KEY,
  idempotency_key  TEXT UNIQUE,                 -- the client's Idempotency-Key, if it sent one
  to_address       TEXT NOT NULL CHECK (length(to_address) BETWEEN 3 AND 320),
  subject          TEXT NOT NULL,
  html             TEXT,
  body_text        TEXT,
  message_id       TEXT NOT NULL UNIQUE,        -- '<uuid@host>', fixed at acceptance
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'discarded')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  INTEGER NOT NULL,            -- epoch ms; due when <= now and queued
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  CHECK (html IS NOT NULL OR body_text IS NOT NULL),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
) STRICT;

-- The sender's query: the next due queued messages, oldest first.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- The admin's queue view, newest first.
CREATE INDEX outbox_created ON outbox (created_at);

-- Mail the API wanted sent while the mail service did not answer: the API's action
-- succeeded, and the message waits here until the service accepts it.
CREATE TABLE mail_handoff (
  id               TEXT PRIMARY KEY,            -- also the Idempotency-Key used with /send
  to_address       TEXT NOT NULL,
  subject          TEXT NOT NULL,
  html             TEXT,
  body_text        TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  CHECK (html IS NOT NULL OR body_text IS NOT NULL)
) STRICT;
