-- 0004_voucher_links.sql: which records reference which voucher file, and who uploaded it.
--
-- A voucher is served only to someone who may see a record that references it (the reference
-- served any voucher to anyone), or to whoever uploaded it (the form previews a file before the
-- record is saved). The orphan sweep deletes files no record references after a grace period.
-- Records keep their voucher URLs as before (cash_flows.voucher_url, …); these rows index them.

CREATE TABLE voucher_links (
  voucher_key TEXT NOT NULL CHECK (length(voucher_key) BETWEEN 68 AND 69),   -- <sha256>.<ext>
  entity      TEXT NOT NULL CHECK (entity IN ('cash_flow', 'account_transfer')),
  entity_id   TEXT NOT NULL,
  PRIMARY KEY (voucher_key, entity, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX idx_voucher_links_entity ON voucher_links(entity, entity_id);

CREATE TABLE voucher_uploads (
  voucher_key TEXT NOT NULL CHECK (length(voucher_key) BETWEEN 68 AND 69),
  uploaded_by TEXT NOT NULL,
  uploaded_at INTEGER NOT NULL,
  PRIMARY KEY (voucher_key, uploaded_by)
) STRICT, WITHOUT ROWID;
