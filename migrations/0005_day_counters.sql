-- 0005_day_counters.sql: the last number used per day for JZ vouchers and AR/AP documents.
--
-- Numbering read the day's highest number from the records themselves, a scan of every number
-- of that day for each new one. The counter row makes it one lookup. A day without a row (data
-- moved in, or the first record of the day) is counted once from the records, then kept here;
-- numbers typed by hand in the automatic form raise the counter, so the next automatic number
-- follows them. Updated in the same transaction as the record, so a failed write takes no number.
CREATE TABLE day_counters (
  prefix TEXT PRIMARY KEY CHECK (length(prefix) BETWEEN 4 AND 32),  -- e.g. 'JZ20240510-'
  last   INTEGER NOT NULL CHECK (last >= 0)
) STRICT, WITHOUT ROWID;
