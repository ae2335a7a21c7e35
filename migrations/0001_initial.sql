-- 0001_initial.sql: Caiwu's whole starting data model.
--
-- This is the data model of the reference system (shared/spec/reference-api.md §2, version 4f82e66),
-- plus the later HEAD columns for cash-flow reversal, position data scope and optimistic locking.
-- Table and column names, and each column's storage class, match the reference so that its data
-- can be imported row by row. The migrator runs this file once, inside one transaction with
-- every foreign key checked before it commits, so the file has no PRAGMA, BEGIN or COMMIT.
--
-- Conventions (see docs/data-model.md): ids are TEXT (UUID strings, or fixed ids in seeds);
-- money is INTEGER *_cents with a currency code next to it; created_at/updated_at/*_at are INTEGER
-- epoch milliseconds; business dates are TEXT 'YYYY-MM-DD'; JSON is stored as TEXT; `version`
-- is the optimistic-locking counter (UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?).
--
-- Every table is STRICT. All reference types are INTEGER, REAL or TEXT, so STRICT costs nothing,
-- and it stops '12.50' or '' from landing in a cents or timestamp column (D1 let that through).
--
-- Deviations from the reference schema, and why:
--  * Left out: `users` (merged into employees; no code reads it) and `site_config` (no code reads it).
--  * `ip_whitelist_rule` loses its Cloudflare columns and becomes a one-row switch (id 'default').
--    The new `ip_whitelist` table holds the allowed addresses and CIDR ranges, which used to live
--    in a Cloudflare IP list.
--  * Added HEAD columns: cash_flows.is_reversal/reversal_of_flow_id/is_reversed/reversed_by_flow_id,
--    positions.data_scope, and `version` on every table whose rows the API updates.
--  * Foreign keys throughout. Finance history is never cascaded away (default NO ACTION blocks the
--    delete). Only pure child rows cascade: sessions, trusted devices and department links of an
--    employee, allocations of a salary payment, and the change logs of an asset or a property.
--    No foreign key on created_by, updated_by, approved_by, *_confirmed_by, requested_by or
--    actor_id: reference rows hold 'import' and 'system' there.
--    No foreign key on account_transactions.flow_id: it holds a cash_flows id or an account_transfers id.
--    No foreign key on ar_ap_docs.party_id: the reference never defines what a party is.
--  * NOT NULL wherever every row needs a value: names, statuses, flags, created_at, and the owning
--    foreign key of each child row. The reference left these nullable and relied on its code.
--  * Nullable where the reference said NOT NULL but its own code broke that rule:
--    expense_reimbursements.description (no create route sends it) and borrowings.account_id
--    (self-service requests stored the fake id 'default'; the account is now required once money
--    is out, status outstanding/partial/repaid).
--  * CHECK constraints: every status/kind/type enumeration, 0/1 flags, non-negative cents (> 0 where
--    the API demands it), months 1..12, the shape of business dates, currency-code shape, and
--    JSON validity of the permission columns. There is no sign check on account balances or ledger
--    amounts (transfer_out is negative, and an account may be overdrawn). Instead
--    balance_after = balance_before +/- amount is checked.
--  * Currency codes are upper-case A-Z/0-9 of 3 to 8 characters, not exactly 3: the seeded USDT has 4.
--  * UNIQUE where the reference only checked in code, or not at all: cash_flows.voucher_no and
--    ar_ap_docs.doc_no (its count+1 numbering collided), rental_properties.property_code, one
--    payroll row per employee and month, one rent payment per property and month, one open asset
--    allocation per asset, one reversal per flow, and others marked below. Email columns use
--    COLLATE NOCASE, so two logins cannot differ only by letter case.
--  * employees has none of the six salary/allowance *_cents columns (they moved to employee_salaries
--    and employee_allowances) and none of the id_card/bank_* columns of a conflicting reference migration.
--  * account_transfers.exchange_rate is REAL (as schema.sql; Drizzle's "integer" was a mistake).
--  * AR/AP status 'partial' (a schema comment) is not allowed; the code writes 'partially_settled'.
--    site_bills.bill_type is income/expense (the API enum), not the schema comment's water/electricity.

------------------------------------------------------------------------------------------------
-- Organisation: headquarters -> departments (projects) -> org_departments (teams) -> employees
------------------------------------------------------------------------------------------------

CREATE TABLE headquarters (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

-- "项目" (projects); the API refuses duplicate names.
CREATE TABLE departments (
  id         TEXT PRIMARY KEY,
  hq_id      TEXT NOT NULL REFERENCES headquarters(id),
  name       TEXT NOT NULL UNIQUE,
  code       TEXT,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_departments_hq_id ON departments(hq_id);

-- Positions are soft-deleted only, so employees never lose theirs. Invalid permission JSON would
-- lock every holder out, hence the json checks.
CREATE TABLE positions (
  id                      TEXT PRIMARY KEY,
  code                    TEXT NOT NULL UNIQUE,
  name                    TEXT NOT NULL,
  level                   INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
  function_role           TEXT NOT NULL,
  can_manage_subordinates INTEGER NOT NULL DEFAULT 0 CHECK (can_manage_subordinates IN (0, 1)),
  description             TEXT,
  permissions             TEXT NOT NULL DEFAULT '{}'
                            CHECK (json_valid(permissions) AND json_type(permissions) = 'object'),
  data_scope              TEXT NOT NULL DEFAULT 'self' CHECK (data_scope IN ('all', 'project', 'group', 'self')),
  sort_order              INTEGER NOT NULL DEFAULT 0,
  active                  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER,
  version                 INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

-- project_id NULL = an HQ org department. allowed_positions is a JSON list of position ids (no FK possible).
CREATE TABLE org_departments (
  id                  TEXT PRIMARY KEY,
  project_id          TEXT REFERENCES departments(id),
  parent_id           TEXT REFERENCES org_departments(id),
  name                TEXT NOT NULL,
  code                TEXT,
  description         TEXT,
  allowed_modules     TEXT CHECK (allowed_modules IS NULL
                                  OR (json_valid(allowed_modules) AND json_type(allowed_modules) = 'array')),
  allowed_positions   TEXT CHECK (allowed_positions IS NULL
                                  OR (json_valid(allowed_positions) AND json_type(allowed_positions) = 'array')),
  default_position_id TEXT REFERENCES positions(id),
  active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  sort_order          INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER,
  version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_org_departments_parent_id ON org_departments(parent_id);
CREATE INDEX idx_org_departments_project_id ON org_departments(project_id);
CREATE INDEX idx_org_departments_default_position_id ON org_departments(default_position_id);

-- Employees are also the login accounts. They are never deleted: resigning sets active = 0.
-- personal_email is the login id. It may be NULL for rows that cannot log in, and it is unique
-- ignoring case. The org placement columns may be NULL: such an employee sees nothing, as in the reference.
CREATE TABLE employees (
  id                        TEXT PRIMARY KEY,
  email                     TEXT NOT NULL UNIQUE COLLATE NOCASE,
  personal_email            TEXT UNIQUE COLLATE NOCASE,
  name                      TEXT NOT NULL,
  position_id               TEXT REFERENCES positions(id),
  org_department_id         TEXT REFERENCES org_departments(id),
  department_id             TEXT REFERENCES departments(id),
  join_date                 TEXT CHECK (join_date IS date(join_date)),
  status                    TEXT NOT NULL DEFAULT 'probation' CHECK (status IN ('probation', 'regular', 'resigned')),
  active                    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  phone                     TEXT,
  usdt_address              TEXT,
  emergency_contact         TEXT,
  emergency_phone           TEXT,
  address                   TEXT,
  memo                      TEXT,
  birthday                  TEXT,
  regular_date              TEXT CHECK (regular_date IS date(regular_date)),
  work_schedule             TEXT CHECK (work_schedule IS NULL
                                        OR (json_valid(work_schedule) AND json_type(work_schedule) = 'object')),
  annual_leave_cycle_months INTEGER CHECK (annual_leave_cycle_months > 0),
  annual_leave_days         INTEGER CHECK (annual_leave_days >= 0),
  created_at                INTEGER NOT NULL,
  updated_at                INTEGER,
  password_hash             TEXT,
  must_change_password      INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  password_changed          INTEGER NOT NULL DEFAULT 0 CHECK (password_changed IN (0, 1)),
  totp_secret               TEXT,
  last_login_at             INTEGER,
  activation_token          TEXT,
  activation_expires_at     INTEGER,
  reset_token               TEXT,
  reset_expires_at          INTEGER,
  version                   INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  CHECK (status <> 'resigned' OR active = 0)
) STRICT;
-- Subordinate sets and lists filter on a unit plus active.
CREATE INDEX idx_employees_department_id ON employees(department_id, active);
CREATE INDEX idx_employees_org_department_id ON employees(org_department_id, active);
CREATE INDEX idx_employees_position_id ON employees(position_id);
-- Activation and reset links look the employee up by token.
CREATE UNIQUE INDEX ux_employees_activation_token ON employees(activation_token) WHERE activation_token IS NOT NULL;
CREATE UNIQUE INDEX ux_employees_reset_token ON employees(reset_token) WHERE reset_token IS NOT NULL;

-- Employee <-> project links. The reference inserted a duplicate on every employee update; the pair is unique here.
CREATE TABLE user_departments (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  department_id TEXT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  created_at    INTEGER NOT NULL,
  UNIQUE (user_id, department_id)
) STRICT;
CREATE INDEX idx_user_departments_department_id ON user_departments(department_id);

------------------------------------------------------------------------------------------------
-- Authentication and administration
------------------------------------------------------------------------------------------------

-- One live session per employee (login deletes the old ones); user_id is an employee id.
CREATE TABLE sessions (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  expires_at     INTEGER NOT NULL,
  ip_address     TEXT,
  user_agent     TEXT,
  created_at     INTEGER NOT NULL,
  last_active_at INTEGER
) STRICT;
CREATE INDEX idx_sessions_user_id ON sessions(user_id);
CREATE INDEX idx_sessions_expires_at ON sessions(expires_at);

-- Devices that passed TOTP; trust ends 90 days after created_at.
CREATE TABLE trusted_devices (
  id                 TEXT PRIMARY KEY,
  user_id            TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  device_fingerprint TEXT NOT NULL,
  device_name        TEXT,
  ip_address         TEXT,
  user_agent         TEXT,
  last_used_at       INTEGER,
  created_at         INTEGER NOT NULL,
  UNIQUE (user_id, device_fingerprint)
) STRICT;

-- Key/value settings. value is text, JSON-encoded when the value is not a string.
CREATE TABLE system_config (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  description TEXT,
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

-- Append-only. actor_id has no FK: the actor may be 'system' or a since-removed id.
CREATE TABLE audit_logs (
  id          TEXT PRIMARY KEY,
  actor_id    TEXT,
  action      TEXT NOT NULL,
  entity      TEXT,
  entity_id   TEXT,
  detail      TEXT,
  ip          TEXT,
  ip_location TEXT,
  at          INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_audit_logs_at ON audit_logs(at);
CREATE INDEX idx_audit_logs_actor_id ON audit_logs(actor_id, at);
CREATE INDEX idx_audit_logs_action ON audit_logs(action, at);
CREATE INDEX idx_audit_logs_entity ON audit_logs(entity, entity_id);

-- Caiwu's own allow list (the reference kept it in Cloudflare). An entry is one address or a CIDR range.
CREATE TABLE ip_whitelist (
  id          TEXT PRIMARY KEY,
  ip_address  TEXT NOT NULL UNIQUE,
  description TEXT,
  created_by  TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER
) STRICT;

-- The on/off switch for the allow list: exactly one row, id 'default'.
CREATE TABLE ip_whitelist_rule (
  id          TEXT PRIMARY KEY CHECK (id = 'default'),
  enabled     INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
  description TEXT,
  updated_at  INTEGER,
  updated_by  TEXT
) STRICT;

------------------------------------------------------------------------------------------------
-- Master data: currencies, accounts, categories, sites, vendors
------------------------------------------------------------------------------------------------

-- Keyed by code. Not ISO-only, because USDT has 4 letters.
CREATE TABLE currencies (
  code    TEXT PRIMARY KEY CHECK (length(code) BETWEEN 3 AND 8 AND code NOT GLOB '*[^A-Z0-9]*'),
  name    TEXT NOT NULL,
  symbol  TEXT,
  active  INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

-- opening_cents has no sign check: an account may open overdrawn. Every posting also bumps
-- version, so concurrent postings to one account are serialised (as at HEAD).
CREATE TABLE accounts (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  type           TEXT NOT NULL CHECK (type IN ('cash', 'bank', 'alipay', 'wechat', 'other')),
  currency       TEXT NOT NULL REFERENCES currencies(code),
  alias          TEXT,
  account_number TEXT,
  opening_cents  INTEGER NOT NULL DEFAULT 0,
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_accounts_currency ON accounts(currency);

-- Read only by the account-balance report. 'account' is the only type any code writes, so ref_id can carry an FK.
CREATE TABLE opening_balances (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type = 'account'),
  ref_id       TEXT NOT NULL REFERENCES accounts(id),
  amount_cents INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_opening_balances_ref_id ON opening_balances(ref_id);

-- Unique per kind rather than globally, so "其他" can exist as both an income and an expense category.
CREATE TABLE categories (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('income', 'expense')),
  parent_id  TEXT REFERENCES categories(id),
  sort_order INTEGER NOT NULL DEFAULT 0,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (kind, name)
) STRICT;
CREATE INDEX idx_categories_parent_id ON categories(parent_id);

CREATE TABLE sites (
  id            TEXT PRIMARY KEY,
  department_id TEXT NOT NULL REFERENCES departments(id),
  name          TEXT NOT NULL,
  site_code     TEXT,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER,
  version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_sites_department_id ON sites(department_id);
-- A name may be reused once the old site is deactivated (the API's rule).
CREATE UNIQUE INDEX ux_sites_active_name ON sites(department_id, name) WHERE active = 1;

CREATE TABLE vendors (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  contact    TEXT,
  phone      TEXT,
  email      TEXT,
  address    TEXT,
  memo       TEXT,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER,
  version    INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

------------------------------------------------------------------------------------------------
-- Cash book: cash flows, the per-account running ledger, transfers
------------------------------------------------------------------------------------------------

-- Never edited or deleted. A mistake is corrected by a reversal (红冲): a flow of the opposite
-- type with the same positive amount. Only voucher_url and the is_reversed pair are ever
-- updated, hence version. voucher_url holds a JSON array of URLs, or one bare URL in older rows.
CREATE TABLE cash_flows (
  id                  TEXT PRIMARY KEY,
  voucher_no          TEXT,
  biz_date            TEXT NOT NULL CHECK (biz_date IS date(biz_date)),
  type                TEXT NOT NULL CHECK (type IN ('income', 'expense')),
  account_id          TEXT NOT NULL REFERENCES accounts(id),
  category_id         TEXT REFERENCES categories(id),
  method              TEXT,
  amount_cents        INTEGER NOT NULL CHECK (amount_cents > 0),
  site_id             TEXT REFERENCES sites(id),
  department_id       TEXT REFERENCES departments(id),
  counterparty        TEXT,
  memo                TEXT,
  voucher_url         TEXT,
  created_by          TEXT,
  created_at          INTEGER NOT NULL,
  is_reversal         INTEGER NOT NULL DEFAULT 0 CHECK (is_reversal IN (0, 1)),
  reversal_of_flow_id TEXT REFERENCES cash_flows(id),
  is_reversed         INTEGER NOT NULL DEFAULT 0 CHECK (is_reversed IN (0, 1)),
  reversed_by_flow_id TEXT REFERENCES cash_flows(id),
  version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  CHECK ((is_reversal = 1) = (reversal_of_flow_id IS NOT NULL)),
  CHECK ((is_reversed = 1) = (reversed_by_flow_id IS NOT NULL)),
  CHECK (is_reversal = 0 OR is_reversed = 0)
) STRICT;
-- The reference numbered vouchers count+1 per day and collided under concurrency; imports may have none.
CREATE UNIQUE INDEX ux_cash_flows_voucher_no ON cash_flows(voucher_no) WHERE voucher_no IS NOT NULL;
-- A flow is reversed at most once, by exactly one reversal.
CREATE UNIQUE INDEX ux_cash_flows_reversal_of ON cash_flows(reversal_of_flow_id) WHERE reversal_of_flow_id IS NOT NULL;
CREATE UNIQUE INDEX ux_cash_flows_reversed_by ON cash_flows(reversed_by_flow_id) WHERE reversed_by_flow_id IS NOT NULL;
CREATE INDEX idx_cash_flows_account ON cash_flows(account_id, biz_date, type);
CREATE INDEX idx_cash_flows_biz_date ON cash_flows(biz_date, created_at);         -- "latest 200", dashboard, next voucher no
CREATE INDEX idx_cash_flows_created_by ON cash_flows(created_by);                 -- data scope "self"
CREATE INDEX idx_cash_flows_department ON cash_flows(department_id, biz_date);    -- data scope "project", department report
CREATE INDEX idx_cash_flows_site ON cash_flows(site_id, biz_date);                -- site growth / new-site revenue
CREATE INDEX idx_cash_flows_category ON cash_flows(category_id, biz_date);        -- expense summary/detail

-- Running ledger: one row per cash flow, two per transfer (transfer_out carries a negative amount).
-- flow_id is a cash_flows id or an account_transfers id, so it has no FK. Rows are append-only;
-- back-dated postings do not re-base later rows (the reference's "snapshot" behaviour).
CREATE TABLE account_transactions (
  id                   TEXT PRIMARY KEY,
  account_id           TEXT NOT NULL REFERENCES accounts(id),
  flow_id              TEXT NOT NULL,
  transaction_date     TEXT NOT NULL CHECK (transaction_date IS date(transaction_date)),
  transaction_type     TEXT NOT NULL CHECK (transaction_type IN ('income', 'expense', 'transfer_out', 'transfer_in')),
  amount_cents         INTEGER NOT NULL,
  balance_before_cents INTEGER NOT NULL,
  balance_after_cents  INTEGER NOT NULL,
  created_at           INTEGER NOT NULL,
  -- expense rows store a positive amount that is subtracted; all other types store the signed delta.
  CHECK (balance_after_cents = balance_before_cents
         + CASE transaction_type WHEN 'expense' THEN -amount_cents ELSE amount_cents END)
) STRICT;
CREATE INDEX idx_account_transactions_ledger ON account_transactions(account_id, transaction_date, created_at);
CREATE INDEX idx_account_transactions_flow_id ON account_transactions(flow_id);

-- Both amounts are stored. exchange_rate is for information only.
CREATE TABLE account_transfers (
  id                TEXT PRIMARY KEY,
  transfer_date     TEXT NOT NULL CHECK (transfer_date IS date(transfer_date)),
  from_account_id   TEXT NOT NULL REFERENCES accounts(id),
  to_account_id     TEXT NOT NULL REFERENCES accounts(id),
  from_currency     TEXT NOT NULL REFERENCES currencies(code),
  to_currency       TEXT NOT NULL REFERENCES currencies(code),
  from_amount_cents INTEGER NOT NULL CHECK (from_amount_cents > 0),
  to_amount_cents   INTEGER NOT NULL CHECK (to_amount_cents > 0),
  exchange_rate     REAL CHECK (exchange_rate > 0),
  memo              TEXT,
  voucher_url       TEXT,
  created_by        TEXT,
  created_at        INTEGER NOT NULL,
  CHECK (from_account_id <> to_account_id)
) STRICT;
CREATE INDEX idx_account_transfers_date ON account_transfers(transfer_date, created_at);
CREATE INDEX idx_account_transfers_from ON account_transfers(from_account_id, transfer_date);
CREATE INDEX idx_account_transfers_to ON account_transfers(to_account_id, transfer_date);

------------------------------------------------------------------------------------------------
-- Receivables and payables
------------------------------------------------------------------------------------------------

-- party_id has no FK: the reference never says whether a party is a vendor, an employee or free text.
CREATE TABLE ar_ap_docs (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('AR', 'AP')),
  party_id      TEXT,
  site_id       TEXT REFERENCES sites(id),
  department_id TEXT REFERENCES departments(id),
  issue_date    TEXT NOT NULL CHECK (issue_date IS date(issue_date)),
  due_date      TEXT CHECK (due_date IS date(due_date)),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  doc_no        TEXT,
  memo          TEXT,
  status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'partially_settled', 'settled', 'confirmed')),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER,
  version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE UNIQUE INDEX ux_ar_ap_docs_doc_no ON ar_ap_docs(doc_no) WHERE doc_no IS NOT NULL;
CREATE INDEX idx_ar_ap_docs_kind_issue_date ON ar_ap_docs(kind, issue_date);
CREATE INDEX idx_ar_ap_docs_department_id ON ar_ap_docs(department_id);
CREATE INDEX idx_ar_ap_docs_site_id ON ar_ap_docs(site_id);

-- A cash flow applied (partly) to a document. Append-only.
CREATE TABLE settlements (
  id                  TEXT PRIMARY KEY,
  doc_id              TEXT NOT NULL REFERENCES ar_ap_docs(id),
  flow_id             TEXT NOT NULL REFERENCES cash_flows(id),
  settle_amount_cents INTEGER NOT NULL CHECK (settle_amount_cents > 0),
  settle_date         TEXT CHECK (settle_date IS date(settle_date)),
  created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_settlements_doc_id ON settlements(doc_id);
CREATE INDEX idx_settlements_flow_id ON settlements(flow_id);

------------------------------------------------------------------------------------------------
-- Employee loans (removed at HEAD; kept so reference data imports and /my/borrowings works)
------------------------------------------------------------------------------------------------

CREATE TABLE borrowers (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  user_id    TEXT REFERENCES employees(id),
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_borrowers_user_id ON borrowers(user_id);

-- user_id is the borrowing employee. account_id may be NULL only before money has gone out.
CREATE TABLE borrowings (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES employees(id),
  borrower_id  TEXT REFERENCES borrowers(id),
  account_id   TEXT REFERENCES accounts(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency     TEXT NOT NULL REFERENCES currencies(code),
  borrow_date  TEXT NOT NULL CHECK (borrow_date IS date(borrow_date)),
  memo         TEXT,
  status       TEXT NOT NULL DEFAULT 'outstanding'
                 CHECK (status IN ('outstanding', 'partial', 'repaid', 'pending', 'approved', 'rejected')),
  approved_by  TEXT,
  approved_at  INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER,
  version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  CHECK (account_id IS NOT NULL OR status IN ('pending', 'approved', 'rejected'))
) STRICT;
CREATE INDEX idx_borrowings_user_id ON borrowings(user_id);
CREATE INDEX idx_borrowings_borrower_id ON borrowings(borrower_id);
CREATE INDEX idx_borrowings_account_id ON borrowings(account_id);
CREATE INDEX idx_borrowings_status ON borrowings(status);                        -- approvals: pending queue

CREATE TABLE repayments (
  id           TEXT PRIMARY KEY,
  borrowing_id TEXT NOT NULL REFERENCES borrowings(id),
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency     TEXT NOT NULL REFERENCES currencies(code),
  repay_date   TEXT NOT NULL CHECK (repay_date IS date(repay_date)),
  memo         TEXT,
  created_by   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER
) STRICT;
CREATE INDEX idx_repayments_borrowing_id ON repayments(borrowing_id);
CREATE INDEX idx_repayments_account_id ON repayments(account_id);

------------------------------------------------------------------------------------------------
-- Site bills (recorded per site; no cash flow is posted)
------------------------------------------------------------------------------------------------

CREATE TABLE site_bills (
  id           TEXT PRIMARY KEY,
  site_id      TEXT NOT NULL REFERENCES sites(id),
  bill_date    TEXT NOT NULL CHECK (bill_date IS date(bill_date)),
  bill_type    TEXT NOT NULL CHECK (bill_type IN ('income', 'expense')),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency     TEXT NOT NULL REFERENCES currencies(code),
  description  TEXT,
  account_id   TEXT REFERENCES accounts(id),
  category_id  TEXT REFERENCES categories(id),
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid')),
  payment_date TEXT CHECK (payment_date IS date(payment_date)),
  memo         TEXT,
  created_by   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER,
  version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_site_bills_bill_date ON site_bills(bill_date);
CREATE INDEX idx_site_bills_site ON site_bills(site_id, bill_date);
CREATE INDEX idx_site_bills_account_id ON site_bills(account_id);
CREATE INDEX idx_site_bills_category_id ON site_bills(category_id);

------------------------------------------------------------------------------------------------
-- Pay: salary and allowance configuration, monthly payroll, allowance payments
------------------------------------------------------------------------------------------------

-- One line per currency (an employee can be paid in several).
CREATE TABLE employee_salaries (
  id             TEXT PRIMARY KEY,
  employee_id    TEXT NOT NULL REFERENCES employees(id),
  salary_type    TEXT NOT NULL CHECK (salary_type IN ('probation', 'regular')),
  currency_id    TEXT NOT NULL REFERENCES currencies(code),
  amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
  effective_date TEXT CHECK (effective_date IS date(effective_date)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER,
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_employee_salaries_employee ON employee_salaries(employee_id, salary_type);

CREATE TABLE employee_allowances (
  id             TEXT PRIMARY KEY,
  employee_id    TEXT NOT NULL REFERENCES employees(id),
  allowance_type TEXT NOT NULL CHECK (allowance_type IN ('living', 'housing', 'transportation', 'meal', 'birthday')),
  currency_id    TEXT NOT NULL REFERENCES currencies(code),
  amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER,
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_employee_allowances_employee ON employee_allowances(employee_id, allowance_type);

-- One payroll row per employee and month (generation skips existing rows). *_by columns carry no
-- FK (see header). salary_cents may be 0: pro-rata pay after a month of leave.
CREATE TABLE salary_payments (
  id                     TEXT PRIMARY KEY,
  employee_id            TEXT NOT NULL REFERENCES employees(id),
  year                   INTEGER NOT NULL,
  month                  INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  salary_cents           INTEGER NOT NULL CHECK (salary_cents >= 0),
  status                 TEXT NOT NULL DEFAULT 'pending_employee_confirmation'
                           CHECK (status IN ('pending_employee_confirmation', 'pending_finance_approval',
                                             'pending_payment', 'pending_payment_confirmation', 'completed')),
  allocation_status      TEXT NOT NULL DEFAULT 'pending' CHECK (allocation_status IN ('pending', 'requested', 'approved')),
  employee_confirmed_by  TEXT,
  employee_confirmed_at  INTEGER,
  finance_approved_by    TEXT,
  finance_approved_at    INTEGER,
  account_id             TEXT REFERENCES accounts(id),
  payment_transferred_by TEXT,
  payment_transferred_at INTEGER,
  payment_voucher_path   TEXT,
  payment_confirmed_by   TEXT,
  payment_confirmed_at   INTEGER,
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER,
  version                INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (employee_id, year, month)
) STRICT;
CREATE INDEX idx_salary_payments_period ON salary_payments(year, month);
CREATE INDEX idx_salary_payments_status ON salary_payments(status);
CREATE INDEX idx_salary_payments_account_id ON salary_payments(account_id);

-- A requested split of one payroll row across currencies/accounts; replaced as a whole, so it cascades.
CREATE TABLE salary_payment_allocations (
  id                TEXT PRIMARY KEY,
  salary_payment_id TEXT NOT NULL REFERENCES salary_payments(id) ON DELETE CASCADE,
  currency_id       TEXT NOT NULL REFERENCES currencies(code),
  amount_cents      INTEGER NOT NULL CHECK (amount_cents > 0),
  account_id        TEXT REFERENCES accounts(id),
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by      TEXT,
  requested_at      INTEGER,
  approved_by       TEXT,
  approved_at       INTEGER,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER,
  version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_salary_payment_allocations_payment ON salary_payment_allocations(salary_payment_id);
CREATE INDEX idx_salary_payment_allocations_account_id ON salary_payment_allocations(account_id);

-- Generated from employee_allowances (which may hold 0), so amounts are >= 0 here.
CREATE TABLE allowance_payments (
  id             TEXT PRIMARY KEY,
  employee_id    TEXT NOT NULL REFERENCES employees(id),
  year           INTEGER NOT NULL,
  month          INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  allowance_type TEXT NOT NULL CHECK (allowance_type IN ('living', 'housing', 'transportation', 'meal', 'birthday')),
  currency_id    TEXT NOT NULL REFERENCES currencies(code),
  amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
  payment_date   TEXT NOT NULL CHECK (payment_date IS date(payment_date)),
  payment_method TEXT NOT NULL DEFAULT 'cash' CHECK (payment_method IN ('cash', 'transfer')),
  voucher_url    TEXT,
  memo           TEXT,
  created_by     TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER,
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (employee_id, year, month, allowance_type, currency_id)
) STRICT;
CREATE INDEX idx_allowance_payments_period ON allowance_payments(year, month);

------------------------------------------------------------------------------------------------
-- Self-service HR: leave, reimbursement, attendance
------------------------------------------------------------------------------------------------

-- leave_type is free text ('annual' counts against the annual-leave quota).
CREATE TABLE employee_leaves (
  id          TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES employees(id),
  leave_type  TEXT NOT NULL,
  start_date  TEXT NOT NULL CHECK (start_date IS date(start_date)),
  end_date    TEXT NOT NULL CHECK (end_date IS date(end_date)),
  days        INTEGER NOT NULL CHECK (days > 0),
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reason      TEXT,
  memo        TEXT,
  approved_by TEXT,
  approved_at INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER,
  version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  CHECK (end_date >= start_date)
) STRICT;
CREATE INDEX idx_employee_leaves_employee ON employee_leaves(employee_id, start_date);
CREATE INDEX idx_employee_leaves_status ON employee_leaves(status);

-- Paying a claim does not post a cash flow (reference behaviour).
CREATE TABLE expense_reimbursements (
  id           TEXT PRIMARY KEY,
  employee_id  TEXT NOT NULL REFERENCES employees(id),
  expense_type TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  currency_id  TEXT NOT NULL DEFAULT 'CNY' REFERENCES currencies(code),
  expense_date TEXT NOT NULL CHECK (expense_date IS date(expense_date)),
  description  TEXT,
  voucher_url  TEXT,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
  approved_by  TEXT,
  approved_at  INTEGER,
  memo         TEXT,
  created_by   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER,
  version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_expense_reimbursements_employee ON expense_reimbursements(employee_id, expense_date);
CREATE INDEX idx_expense_reimbursements_status ON expense_reimbursements(status);

-- One record per employee and day (clock-in at most once a day). Clock-out updates the row.
CREATE TABLE attendance_records (
  id                 TEXT PRIMARY KEY,
  employee_id        TEXT NOT NULL REFERENCES employees(id),
  date               TEXT NOT NULL CHECK (date IS date(date)),
  clock_in_time      INTEGER,
  clock_out_time     INTEGER,
  clock_in_location  TEXT,
  clock_out_location TEXT,
  status             TEXT CHECK (status IN ('normal', 'late', 'early', 'late_early')),
  memo               TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER,
  version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (employee_id, date),
  CHECK (clock_out_time IS NULL OR (clock_in_time IS NOT NULL AND clock_out_time >= clock_in_time))
) STRICT;

------------------------------------------------------------------------------------------------
-- Fixed assets
------------------------------------------------------------------------------------------------

-- custodian is a person's name, not an id (reference behaviour). current_value_cents falls with depreciation.
CREATE TABLE fixed_assets (
  id                   TEXT PRIMARY KEY,
  asset_code           TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  category             TEXT,
  purchase_date        TEXT CHECK (purchase_date IS date(purchase_date)),
  purchase_price_cents INTEGER NOT NULL CHECK (purchase_price_cents >= 0),
  currency             TEXT NOT NULL REFERENCES currencies(code),
  vendor_id            TEXT REFERENCES vendors(id),
  department_id        TEXT REFERENCES departments(id),
  site_id              TEXT REFERENCES sites(id),
  custodian            TEXT,
  status               TEXT NOT NULL DEFAULT 'in_use'
                         CHECK (status IN ('in_use', 'idle', 'maintenance', 'scrapped', 'sold')),
  depreciation_method  TEXT,
  useful_life_years    INTEGER CHECK (useful_life_years >= 0),
  current_value_cents  INTEGER CHECK (current_value_cents >= 0),
  memo                 TEXT,
  sale_date            TEXT CHECK (sale_date IS date(sale_date)),
  sale_price_cents     INTEGER CHECK (sale_price_cents >= 0),
  sale_buyer           TEXT,
  sale_memo            TEXT,
  created_by           TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER,
  version              INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_fixed_assets_department_id ON fixed_assets(department_id);
CREATE INDEX idx_fixed_assets_site_id ON fixed_assets(site_id);
CREATE INDEX idx_fixed_assets_vendor_id ON fixed_assets(vendor_id);
CREATE INDEX idx_fixed_assets_status ON fixed_assets(status);

-- Append-only. An asset with depreciation rows cannot be deleted (no cascade).
CREATE TABLE fixed_asset_depreciations (
  id                             TEXT PRIMARY KEY,
  asset_id                       TEXT NOT NULL REFERENCES fixed_assets(id),
  depreciation_date              TEXT NOT NULL CHECK (depreciation_date IS date(depreciation_date)),
  depreciation_amount_cents      INTEGER NOT NULL CHECK (depreciation_amount_cents > 0),
  accumulated_depreciation_cents INTEGER NOT NULL CHECK (accumulated_depreciation_cents >= 0),
  remaining_value_cents          INTEGER NOT NULL CHECK (remaining_value_cents >= 0),
  memo                           TEXT,
  created_by                     TEXT,
  created_at                     INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_fixed_asset_depreciations_asset ON fixed_asset_depreciations(asset_id, depreciation_date);

-- The asset's own history. The reference deletes it together with the asset, hence the cascade.
CREATE TABLE fixed_asset_changes (
  id             TEXT PRIMARY KEY,
  asset_id       TEXT NOT NULL REFERENCES fixed_assets(id) ON DELETE CASCADE,
  change_type    TEXT NOT NULL
                   CHECK (change_type IN ('status_change', 'transfer', 'allocation', 'return', 'purchase', 'sale')),
  change_date    TEXT NOT NULL CHECK (change_date IS date(change_date)),
  from_dept_id   TEXT REFERENCES departments(id),
  to_dept_id     TEXT REFERENCES departments(id),
  from_site_id   TEXT REFERENCES sites(id),
  to_site_id     TEXT REFERENCES sites(id),
  from_custodian TEXT,
  to_custodian   TEXT,
  from_status    TEXT CHECK (from_status IN ('in_use', 'idle', 'maintenance', 'scrapped', 'sold')),
  to_status      TEXT CHECK (to_status IN ('in_use', 'idle', 'maintenance', 'scrapped', 'sold')),
  memo           TEXT,
  created_by     TEXT,
  created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_fixed_asset_changes_asset ON fixed_asset_changes(asset_id, change_date);
CREATE INDEX idx_fixed_asset_changes_from_dept_id ON fixed_asset_changes(from_dept_id);
CREATE INDEX idx_fixed_asset_changes_to_dept_id ON fixed_asset_changes(to_dept_id);
CREATE INDEX idx_fixed_asset_changes_from_site_id ON fixed_asset_changes(from_site_id);
CREATE INDEX idx_fixed_asset_changes_to_site_id ON fixed_asset_changes(to_site_id);

-- An allocation is open while return_date IS NULL; an asset has at most one open allocation.
CREATE TABLE fixed_asset_allocations (
  id              TEXT PRIMARY KEY,
  asset_id        TEXT NOT NULL REFERENCES fixed_assets(id),
  employee_id     TEXT NOT NULL REFERENCES employees(id),
  allocation_date TEXT NOT NULL CHECK (allocation_date IS date(allocation_date)),
  allocation_type TEXT DEFAULT 'employee_onboarding'
                    CHECK (allocation_type IN ('employee_onboarding', 'transfer', 'temporary')),
  return_date     TEXT CHECK (return_date IS date(return_date)),
  return_type     TEXT CHECK (return_type IN ('employee_resignation', 'transfer', 'expired', 'other')),
  memo            TEXT,
  created_by      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER,
  version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_fixed_asset_allocations_asset_id ON fixed_asset_allocations(asset_id);
CREATE INDEX idx_fixed_asset_allocations_employee_id ON fixed_asset_allocations(employee_id);
CREATE UNIQUE INDEX ux_fixed_asset_allocations_open ON fixed_asset_allocations(asset_id) WHERE return_date IS NULL;

------------------------------------------------------------------------------------------------
-- Rented properties: offices, warehouses, dormitories
------------------------------------------------------------------------------------------------

CREATE TABLE rental_properties (
  id                    TEXT PRIMARY KEY,
  property_code         TEXT NOT NULL UNIQUE,
  name                  TEXT NOT NULL,
  property_type         TEXT NOT NULL
                          CHECK (property_type IN ('office', 'warehouse', 'dormitory', 'apartment', 'other')),
  address               TEXT,
  area_sqm              REAL CHECK (area_sqm >= 0),
  rent_type             TEXT NOT NULL DEFAULT 'monthly' CHECK (rent_type IN ('monthly', 'yearly')),
  monthly_rent_cents    INTEGER CHECK (monthly_rent_cents >= 0),
  yearly_rent_cents     INTEGER CHECK (yearly_rent_cents >= 0),
  currency              TEXT NOT NULL REFERENCES currencies(code),
  payment_period_months INTEGER NOT NULL DEFAULT 1 CHECK (payment_period_months >= 1),
  landlord_name         TEXT,
  landlord_contact      TEXT,
  lease_start_date      TEXT CHECK (lease_start_date IS date(lease_start_date)),
  lease_end_date        TEXT CHECK (lease_end_date IS date(lease_end_date)),
  deposit_cents         INTEGER CHECK (deposit_cents >= 0),
  payment_method        TEXT,
  payment_account_id    TEXT REFERENCES accounts(id),
  payment_day           INTEGER NOT NULL DEFAULT 1 CHECK (payment_day BETWEEN 1 AND 31),
  department_id         TEXT REFERENCES departments(id),
  status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  memo                  TEXT,
  contract_file_url     TEXT,
  created_by            TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER,
  version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- the rent the payable-bill generator reads must be present
  CHECK (rent_type <> 'monthly' OR monthly_rent_cents IS NOT NULL),
  CHECK (rent_type <> 'yearly' OR yearly_rent_cents IS NOT NULL),
  CHECK (lease_end_date IS NULL OR lease_start_date IS NULL OR lease_end_date >= lease_start_date)
) STRICT;
CREATE INDEX idx_rental_properties_department_id ON rental_properties(department_id);
CREATE INDEX idx_rental_properties_payment_account_id ON rental_properties(payment_account_id);

-- One payment per property and month. Each posts an expense cash flow.
CREATE TABLE rental_payments (
  id             TEXT PRIMARY KEY,
  property_id    TEXT NOT NULL REFERENCES rental_properties(id),
  payment_date   TEXT NOT NULL CHECK (payment_date IS date(payment_date)),
  year           INTEGER NOT NULL,
  month          INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount_cents   INTEGER NOT NULL CHECK (amount_cents > 0),
  currency       TEXT NOT NULL REFERENCES currencies(code),
  account_id     TEXT NOT NULL REFERENCES accounts(id),
  category_id    TEXT REFERENCES categories(id),
  payment_method TEXT,
  voucher_url    TEXT,
  memo           TEXT,
  created_by     TEXT,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER,
  version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  UNIQUE (property_id, year, month)
) STRICT;
CREATE INDEX idx_rental_payments_account_id ON rental_payments(account_id);
CREATE INDEX idx_rental_payments_category_id ON rental_payments(category_id);

-- The property's own history; cascades with it like fixed_asset_changes.
CREATE TABLE rental_changes (
  id                      TEXT PRIMARY KEY,
  property_id             TEXT NOT NULL REFERENCES rental_properties(id) ON DELETE CASCADE,
  change_type             TEXT NOT NULL CHECK (change_type IN ('modify', 'renew', 'terminate')),
  change_date             TEXT NOT NULL CHECK (change_date IS date(change_date)),
  from_lease_start        TEXT CHECK (from_lease_start IS date(from_lease_start)),
  to_lease_start          TEXT CHECK (to_lease_start IS date(to_lease_start)),
  from_lease_end          TEXT CHECK (from_lease_end IS date(from_lease_end)),
  to_lease_end            TEXT CHECK (to_lease_end IS date(to_lease_end)),
  from_monthly_rent_cents INTEGER CHECK (from_monthly_rent_cents >= 0),
  to_monthly_rent_cents   INTEGER CHECK (to_monthly_rent_cents >= 0),
  from_status             TEXT CHECK (from_status IN ('active', 'inactive')),
  to_status               TEXT CHECK (to_status IN ('active', 'inactive')),
  memo                    TEXT,
  created_by              TEXT,
  created_at              INTEGER NOT NULL
) STRICT;
CREATE INDEX idx_rental_changes_property ON rental_changes(property_id, change_date);

-- A bed in a dormitory. Open while return_date IS NULL; an employee holds at most one open bed per property.
CREATE TABLE dormitory_allocations (
  id                 TEXT PRIMARY KEY,
  property_id        TEXT NOT NULL REFERENCES rental_properties(id),
  employee_id        TEXT NOT NULL REFERENCES employees(id),
  room_number        TEXT,
  bed_number         TEXT,
  allocation_date    TEXT NOT NULL CHECK (allocation_date IS date(allocation_date)),
  monthly_rent_cents INTEGER CHECK (monthly_rent_cents >= 0),
  return_date        TEXT CHECK (return_date IS date(return_date)),
  memo               TEXT,
  created_by         TEXT,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER,
  version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_dormitory_allocations_property_id ON dormitory_allocations(property_id);
CREATE INDEX idx_dormitory_allocations_employee_id ON dormitory_allocations(employee_id);
CREATE UNIQUE INDEX ux_dormitory_allocations_open
  ON dormitory_allocations(property_id, employee_id) WHERE return_date IS NULL;

-- Upcoming rent. The generator keeps one unpaid bill per property and month. Reference data may
-- also hold a paid bill for the same month, so uniqueness covers unpaid bills only.
CREATE TABLE rental_payable_bills (
  id                    TEXT PRIMARY KEY,
  property_id           TEXT NOT NULL REFERENCES rental_properties(id),
  bill_date             TEXT NOT NULL CHECK (bill_date IS date(bill_date)),
  due_date              TEXT NOT NULL CHECK (due_date IS date(due_date)),
  year                  INTEGER NOT NULL,
  month                 INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount_cents          INTEGER NOT NULL CHECK (amount_cents >= 0),
  currency              TEXT NOT NULL REFERENCES currencies(code),
  payment_period_months INTEGER NOT NULL DEFAULT 1 CHECK (payment_period_months >= 1),
  status                TEXT NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'paid')),
  paid_date             TEXT CHECK (paid_date IS date(paid_date)),
  paid_payment_id       TEXT REFERENCES rental_payments(id),
  memo                  TEXT,
  created_by            TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER,
  version               INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX idx_rental_payable_bills_property ON rental_payable_bills(property_id, due_date);
CREATE INDEX idx_rental_payable_bills_due_date ON rental_payable_bills(due_date);
CREATE INDEX idx_rental_payable_bills_paid_payment_id ON rental_payable_bills(paid_payment_id);
CREATE UNIQUE INDEX ux_rental_payable_bills_unpaid
  ON rental_payable_bills(property_id, year, month) WHERE status = 'unpaid';

------------------------------------------------------------------------------------------------
-- Seed rows an empty database needs. Fixed ids and time 0 keep this file deterministic.
-- No employee, password or position: the first administrator is created by a command.
------------------------------------------------------------------------------------------------

INSERT INTO currencies (code, name, symbol, active) VALUES
  ('CNY',  '人民币', '¥', 1),
  ('USD',  '美元',   '$', 1),
  ('USDT', 'USDT',  '₮', 1);

INSERT INTO headquarters (id, name, active) VALUES ('hq', '总部', 1);

-- Onboarding falls back to the department named 总部 when an org department has no project.
INSERT INTO departments (id, hq_id, name, active, created_at, updated_at) VALUES ('hq', 'hq', '总部', 1, 0, 0);

INSERT INTO ip_whitelist_rule (id, enabled, description, updated_at, updated_by)
  VALUES ('default', 0, 'IP 白名单', 0, 'system');

-- The values the reference code assumes when a key is missing, stored explicitly.
INSERT INTO system_config (key, value, description, updated_at, updated_by) VALUES
  ('2fa_enabled',                      'true',  '登录时启用 TOTP 双因素验证',  0, 'system'),
  ('email_notification_enabled',       'false', '登录提醒邮件',                0, 'system'),
  ('annual_leave_cycle_months',        '6',     '年假周期（月，6 或 12）',     0, 'system'),
  ('annual_leave_days_per_cycle',      '5',     '每个周期的年假天数',          0, 'system'),
  ('annual_leave_overtime_multiplier', '1',     '离职年假折算倍数',            0, 'system');
