#pragma once

#include "core/Result.h"

#include <QSqlDatabase>

namespace caiwu::GroupCommit {

// Durable commits that share their fsync. A transaction runs with synchronous=NORMAL (its
// COMMIT writes the WAL but does not wait for the disk), takes a sequence number in commit
// order, and before it answers waits until the WAL has been synced by a sync that started after
// its commit. Whoever finds no sync running does one for everyone committed so far; the others
// wait for it. So an acknowledged commit is on disk, as with synchronous=FULL, but N writers
// arriving together cost one fsync instead of N.

// Called right after a successful COMMIT, still holding the writers' lock: the commit's number.
quint64 committed();
// Blocks until commit `sequence` is durable, syncing the WAL through `db`'s own file handle
// (never a second descriptor on the database's files: closing one would drop SQLite's locks).
Result<void> waitDurable(quint64 sequence, const QSqlDatabase &db);

} // namespace caiwu::GroupCommit
