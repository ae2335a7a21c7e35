-- 0003_identity.sql: what login, lockout, TOTP reset and the audit log need beyond 0001.
--
-- The reference kept TOTP-reset tokens and lockouts (briefly) in Cloudflare KV; here they are
-- rows, so they survive a restart and an admin can see and clear them.

-- Failed logins, counted per account (the email as typed, lower-cased) and per client address.
-- A row whose failures reach the threshold gets locked_until; success or an admin's unlock
-- deletes the account's row. window_started_at is the first failure of the current window.
CREATE TABLE login_throttle (
  scope             TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
  subject           TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 320),
  failures          INTEGER NOT NULL CHECK (failures >= 1),
  window_started_at INTEGER NOT NULL,
  last_failure_at   INTEGER NOT NULL,
  locked_until      INTEGER,
  PRIMARY KEY (scope, subject)
) STRICT;
CREATE INDEX idx_login_throttle_locked_until ON login_throttle(locked_until) WHERE locked_until IS NOT NULL;

-- Emailed TOTP-reset links (30 minutes). Only the SHA-256 of the token is kept, so a copy of
-- the database does not hold working links.
CREATE TABLE totp_reset_tokens (
  token_hash  TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_totp_reset_tokens_employee_id ON totp_reset_tokens(employee_id);

-- The last TOTP time step accepted for an employee: a code is good once, not for its whole window.
ALTER TABLE employees ADD COLUMN totp_last_step INTEGER;

-- Activation and reset links are looked up by token (stored as its SHA-256 from now on).
CREATE INDEX idx_employees_activation_token ON employees(activation_token) WHERE activation_token IS NOT NULL;
CREATE INDEX idx_employees_reset_token ON employees(reset_token) WHERE reset_token IS NOT NULL;

-- The audit log is append-only, whoever writes to the file through SQLite.
CREATE TRIGGER audit_logs_append_only_update BEFORE UPDATE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only: rows cannot be changed');
END;
CREATE TRIGGER audit_logs_append_only_delete BEFORE DELETE ON audit_logs
BEGIN
  SELECT RAISE(ABORT, 'audit_logs is append-only: rows cannot be deleted');
END;
