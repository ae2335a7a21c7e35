// caiwu: the office's finance and HR appliance. Picks the admin window or a headless
// command, and hands over to CommandLine; nothing else lives here.
#include "CommandLine.h"

#include <QApplication>
#include <QCoreApplication>

#include <memory>

int main(int argc, char **argv)
{
    const bool graphical = CommandLine::wantsWindow(argc, argv);
    // Headless, Qt's own poll dispatcher serves sockets faster than the GLib one
    // (measured: bench/health_vs_nginx.sh); the window keeps GLib for desktop integration.
    if (!graphical)
        qputenv("QT_NO_GLIB", "1");
    std::unique_ptr<QCoreApplication> app = graphical ? std::make_unique<QApplication>(argc, argv)
                                                       : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("caiwu"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAIWU_VERSION));
    return CommandLine::run(QCoreApplication::arguments(), graphical);
}
