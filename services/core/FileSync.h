#pragma once

#include <QString>

namespace caiwu::FileSync {

// Flushes a file's content to disk (fsync): before renaming it over a final name.
bool flushFile(const QString &path);

// Flushes a folder's entries to disk: a rename, create or delete in it survives a power
// loss only after this.
bool flushFolder(const QString &path);

} // namespace caiwu::FileSync
