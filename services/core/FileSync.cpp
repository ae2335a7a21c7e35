#include "FileSync.h"

#include <QFile>

#include <fcntl.h>
#include <unistd.h>

namespace caiwu::FileSync {

namespace {
bool flush(const QString &path, int flags)
{
    const int fd = ::open(QFile::encodeName(path).constData(), flags | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}
} // namespace

bool flushFile(const QString &path) { return flush(path, O_RDONLY); }

bool flushFolder(const QString &path) { return flush(path, O_RDONLY | O_DIRECTORY); }

} // namespace caiwu::FileSync
