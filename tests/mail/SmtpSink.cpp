#include "SmtpSink.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtDebug>

#include <algorithm>
#include <mutex>

#ifndef CAIWU_SINK_SCRIPT
#error "CAIWU_SINK_SCRIPT must name tests/mail/smtp_sink.py"
#endif

namespace {

// Debian's interpreter, which has python3-aiosmtpd (the first python3 on PATH may not).
QString sinkPython()
{
    const QByteArray configured = qgetenv("CAIWU_SINK_PYTHON");
    return configured.isEmpty() ? QStringLiteral("/usr/bin/python3") : QString::fromLocal8Bit(configured);
}

bool runOpenssl(const QString &dir, const QStringList &arguments)
{
    QProcess openssl;
    openssl.setWorkingDirectory(dir);
    openssl.setProcessChannelMode(QProcess::MergedChannels);
    openssl.start(QStringLiteral("openssl"), arguments);
    if (!openssl.waitForFinished(60000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        qWarning().noquote() << "SmtpSink: openssl" << arguments.join(u' ') << "failed:" << openssl.errorString()
                             << QString::fromLocal8Bit(openssl.readAll());
        return false;
    }
    return true;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QStringList newCaArguments(const QString &name, const QString &commonName)
{
    return {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
            QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
            QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".pem"),
            QStringLiteral("-days"), QStringLiteral("3650"), QStringLiteral("-subj"), QStringLiteral("/CN=") + commonName,
            QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
            QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")};
}

// The certificates, made once per test process with the openssl command line.
struct Certificates {
    QTemporaryDir dir;
    bool ok = false;
    QString ca, cert, key, unrelatedCa;

    Certificates()
    {
        if (!dir.isValid())
            return;
        const QString d = dir.path();
        const QString serial = QStringLiteral("0x%1").arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
        ok = runOpenssl(d, newCaArguments(QStringLiteral("ca"), QStringLiteral("Caiwu Test Sink CA")))
            && runOpenssl(d, newCaArguments(QStringLiteral("unrelated-ca"), QStringLiteral("Caiwu Unrelated CA")))
            && runOpenssl(d, {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                              QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                              QStringLiteral("server.key"), QStringLiteral("-out"), QStringLiteral("server.csr"),
                              QStringLiteral("-subj"), QStringLiteral("/CN=localhost")})
            && writeFile(d + QStringLiteral("/server.ext"),
                         "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                         "basicConstraints=critical,CA:FALSE\n"
                         "keyUsage=critical,digitalSignature,keyEncipherment\n"
                         "extendedKeyUsage=serverAuth\n")
            && runOpenssl(d, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                              QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                              QStringLiteral("-set_serial"), serial, QStringLiteral("-days"), QStringLiteral("3650"),
                              QStringLiteral("-sha256"), QStringLiteral("-extfile"), QStringLiteral("server.ext"),
                              QStringLiteral("-out"), QStringLiteral("server.pem")});
        ca = d + QStringLiteral("/ca.pem");
        cert = d + QStringLiteral("/server.pem");
        key = d + QStringLiteral("/server.key");
        unrelatedCa = d + QStringLiteral("/unrelated-ca.pem");
    }
};

const Certificates &certificates()
{
    static std::once_flag once;
    static std::unique_ptr<Certificates> made;
    std::call_once(once, [] { made = std::make_unique<Certificates>(); });
    return *made;
}

QStringList toStringList(const QJsonValue &value)
{
    QStringList out;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            out << item.toString();
    } else if (value.isString()) {
        out << value.toString();
    }
    return out;
}

QList<int> spooledSequenceNumbers(const QString &spool)
{
    QList<int> numbers;
    const QStringList files = QDir(spool).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString &name : files) {
        bool ok = false;
        const int n = name.chopped(5).toInt(&ok);
        if (ok)
            numbers << n;
    }
    std::sort(numbers.begin(), numbers.end());
    return numbers;
}

} // namespace

struct SmtpSink::Private {
    SmtpSinkOptions options;
    QTemporaryDir spool;
    QProcess process;
    quint16 port = 0;
};

SmtpSink::SmtpSink(SmtpSinkOptions options) : d(std::make_unique<Private>())
{
    d->options = std::move(options);
}

SmtpSink::~SmtpSink()
{
    stop();
}

bool SmtpSink::start()
{
    if (d->process.state() != QProcess::NotRunning)
        return true;
    if (!d->spool.isValid()) {
        qWarning() << "SmtpSink: cannot make a spool folder";
        return false;
    }
    QStringList arguments{QStringLiteral(CAIWU_SINK_SCRIPT), QStringLiteral("--spool"), d->spool.path()};
    switch (d->options.tls) {
    case SmtpSinkOptions::Tls::None: arguments << QStringLiteral("--tls") << QStringLiteral("none"); break;
    case SmtpSinkOptions::Tls::StartTls: arguments << QStringLiteral("--tls") << QStringLiteral("starttls"); break;
    case SmtpSinkOptions::Tls::Smtps: arguments << QStringLiteral("--tls") << QStringLiteral("smtps"); break;
    }
    if (d->options.tls != SmtpSinkOptions::Tls::None) {
        const Certificates &certs = certificates();
        if (!certs.ok) {
            qWarning() << "SmtpSink: could not make the test certificates";
            return false;
        }
        arguments << QStringLiteral("--cert") << certs.cert << QStringLiteral("--key") << certs.key;
        if (d->options.tls == SmtpSinkOptions::Tls::StartTls && d->options.requireStartTls)
            arguments << QStringLiteral("--require-starttls");
    }
    if (d->options.requireAuth)
        arguments << QStringLiteral("--auth") << d->options.user + u':' + d->options.password;
    if (d->options.requireAuth && !d->options.authMechanism.isEmpty())
        arguments << QStringLiteral("--auth-mechanism") << d->options.authMechanism;
    if (d->options.failFirst > 0)
        arguments << QStringLiteral("--fail-first") << QString::number(d->options.failFirst);
    if (!d->options.rejectRecipient.isEmpty())
        arguments << QStringLiteral("--reject-rcpt") << d->options.rejectRecipient;
    if (d->options.port != 0)
        arguments << QStringLiteral("--port") << QString::number(d->options.port);
    if (qEnvironmentVariableIsSet("CAIWU_SINK_VERBOSE"))
        arguments << QStringLiteral("--verbose");

    // Standard input stays an open pipe: the sink exits when it closes (this process died).
    d->process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    d->process.start(sinkPython(), arguments);
    if (!d->process.waitForStarted(30000)) {
        qWarning().noquote() << "SmtpSink: cannot start" << sinkPython() << ":" << d->process.errorString();
        return false;
    }
    QByteArray line;
    const QDeadlineTimer deadline(30000);
    while (!line.contains('\n')) {
        if (d->process.state() == QProcess::NotRunning || deadline.hasExpired()
            || (!d->process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))
                && d->process.state() == QProcess::NotRunning)) {
            qWarning().noquote() << "SmtpSink: the sink did not start; its error output is above (is python3-aiosmtpd"
                                 << "installed for" << sinkPython() << "? is port" << d->options.port << "free?)";
            stop();
            return false;
        }
        line += d->process.readAll();
    }
    line = line.left(line.indexOf('\n')).trimmed();
    if (!line.startsWith("READY ")) {
        qWarning() << "SmtpSink: unexpected first line" << line;
        stop();
        return false;
    }
    d->port = quint16(line.mid(6).toUInt());
    return d->port != 0;
}

void SmtpSink::stop()
{
    if (d->process.state() == QProcess::NotRunning)
        return;
    d->process.terminate();
    if (!d->process.waitForFinished(10000)) {
        d->process.kill();
        d->process.waitForFinished(10000);
    }
}

quint16 SmtpSink::port() const
{
    return d->port;
}

QString SmtpSink::caFile() const
{
    return certificates().ca;
}

QString SmtpSink::unrelatedCaFile()
{
    return certificates().unrelatedCa;
}

QString SmtpSink::spoolDir() const
{
    return d->spool.path();
}

QList<SmtpSink::Received> SmtpSink::received() const
{
    QList<Received> out;
    const QString spool = d->spool.path();
    for (int seq : spooledSequenceNumbers(spool)) {
        QFile json(QStringLiteral("%1/%2.json").arg(spool).arg(seq));
        QFile eml(QStringLiteral("%1/%2.eml").arg(spool).arg(seq));
        if (!json.open(QIODevice::ReadOnly) || !eml.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(json.readAll()).object();
        Received r;
        r.messageId = o.value(QLatin1String("messageId")).toString().toUtf8();
        r.subject = o.value(QLatin1String("subject")).toString();
        r.from = o.value(QLatin1String("from")).toString();
        r.to = o.value(QLatin1String("to")).toString();
        r.date = o.value(QLatin1String("date")).toString();
        r.contentType = o.value(QLatin1String("contentType")).toString();
        r.mailFrom = toStringList(o.value(QLatin1String("mailFrom")));
        r.rcptTos = toStringList(o.value(QLatin1String("rcptTos")));
        for (const QJsonValue &value : o.value(QLatin1String("parts")).toArray()) {
            const QJsonObject part = value.toObject();
            const QString type = part.value(QLatin1String("contentType")).toString();
            const QString body = part.value(QLatin1String("body")).toString();
            r.parts.append({type, body});
            if (type == QLatin1String("text/plain") && r.text.isNull())
                r.text = body;
            if (type == QLatin1String("text/html") && r.html.isNull())
                r.html = body;
        }
        for (const QJsonValue &value : o.value(QLatin1String("headers")).toArray()) {
            const QJsonArray header = value.toArray();
            r.headers.append({header.at(0).toString(), header.at(1).toString()});
        }
        r.raw = eml.readAll();
        out.append(r);
    }
    return out;
}

bool SmtpSink::waitForCount(int n, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    while (spooledSequenceNumbers(d->spool.path()).size() < n) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(10);
    }
    return true;
}

int SmtpSink::commandCount(const QString &verb, bool tlsOnly) const
{
    QFile log(d->spool.path() + QStringLiteral("/commands.log"));
    if (!log.open(QIODevice::ReadOnly))
        return 0;
    int count = 0;
    const QByteArray wanted = verb.toLatin1();
    for (const QByteArray &line : log.readAll().split('\n')) {
        const QList<QByteArray> words = line.split(' ');
        if (words.size() == 2 && words[0] == wanted && (!tlsOnly || words[1] == "tls"))
            ++count;
    }
    return count;
}
