// Who decides on whose requests: a manager reaches down by level and placement, never sideways
// into another project or team, never up to themselves.
#include "auth/AuthSession.h"
#include "auth/Subordinates.h"

#include <QTest>

using namespace caiwu;

namespace {

AuthSession manager(int level, bool managesSubordinates, const QString &project = QStringLiteral("p1"),
                    const QString &team = QStringLiteral("t1"))
{
    AuthSession s;
    s.userId = QStringLiteral("boss");
    s.position.level = level;
    s.position.canManageSubordinates = managesSubordinates;
    s.principal.employeeId = s.userId;
    s.principal.level = level;
    s.principal.departmentId = project;
    s.principal.orgDepartmentId = team;
    return s;
}

Placement employee(const QString &project, const QString &team, bool active = true)
{
    return Placement{QStringLiteral("clerk"), project, team, active};
}

} // namespace

class SubordinatesTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reach_data()
    {
        QTest::addColumn<int>("level");
        QTest::addColumn<bool>("manages");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("team");
        QTest::addColumn<bool>("included");
        QTest::newRow("HQ manager, anyone") << 1 << true << QStringLiteral("p9") << QStringLiteral("t9") << true;
        QTest::newRow("HQ, not a manager") << 1 << false << QStringLiteral("p1") << QStringLiteral("t1") << false;
        QTest::newRow("project manager, own project") << 2 << true << QStringLiteral("p1") << QStringLiteral("t9") << true;
        QTest::newRow("project manager, other project") << 2 << true << QStringLiteral("p2") << QStringLiteral("t1") << false;
        QTest::newRow("team leader, own team") << 3 << true << QStringLiteral("p9") << QStringLiteral("t1") << true;
        QTest::newRow("team leader, other team, same project") << 3 << true << QStringLiteral("p1") << QStringLiteral("t2") << false;
        QTest::newRow("team member") << 3 << false << QStringLiteral("p1") << QStringLiteral("t1") << false;
        QTest::newRow("unplaced employee") << 2 << true << QString() << QString() << false;
    }
    void reach()
    {
        QFETCH(int, level);
        QFETCH(bool, manages);
        QFETCH(QString, project);
        QFETCH(QString, team);
        QFETCH(bool, included);
        QCOMPARE(Subordinates::includes(manager(level, manages), employee(project, team)), included);
    }

    void noOneManagesThemselves()
    {
        const AuthSession boss = manager(1, true);
        QVERIFY(!Subordinates::includes(boss, Placement{boss.userId, QStringLiteral("p1"), QStringLiteral("t1"), true}));
    }

    void anUnplacedManagerReachesNobody()
    {
        QVERIFY(!Subordinates::includes(manager(2, true, QString()), employee(QString(), QStringLiteral("t1"))));
        QVERIFY(!Subordinates::includes(manager(3, true, QStringLiteral("p1"), QString()), employee(QStringLiteral("p1"), QString())));
    }

    void whoHasLeftIsNobodysSubordinate()
    {
        QVERIFY(!Subordinates::includes(manager(1, true), employee(QStringLiteral("p1"), QStringLiteral("t1"), false)));
    }
};

QTEST_GUILESS_MAIN(SubordinatesTest)
#include "tst_subordinates.moc"
