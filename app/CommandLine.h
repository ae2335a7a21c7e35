#pragma once

#include <QStringList>

// The admin's command line: every subcommand of `caiwu`, each a thin layer over the
// ServiceHost so that the window, the terminal and the tests share one code path.
namespace CommandLine {

// Returns the process exit code: 0 done, 1 failed, 2 the command or a value was wrong.
int run(const QStringList &arguments, bool graphical);

// True when `arguments` ask for the admin window (no subcommand and a display).
bool wantsWindow(int argc, char **argv);

} // namespace CommandLine
