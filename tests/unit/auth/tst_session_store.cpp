// Sessions on a real SQLite file: one per user, ended at once by logout or a new login, and
// what the cache holds is dropped the moment the employee or position changes.
#include "AuthTestDatabase.h"
#include "auth/SessionStore.h"

#include <QJsonArray>

using namespace caiwu;

class SessionStoreTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<AuthTestDatabase> m_data;
    std::unique_ptr<SessionStore> m_store;
    QString m_position;
    QString m_employee;
    static constexpr qint64 Now = 1'800'000'000'000;

private Q_SLOTS:
    void init()
    {
        m_data = std::make_unique<AuthTestDatabase>();
        QVERIFY(m_data->ok);
        m_position = m_data->addPosition(QStringLiteral(R"({"finance":{"flow":["view"]}})"));
        m_employee = m_data->addEmployee(m_position);
        QVERIFY(!m_employee.isEmpty());
        m_store = std::make_unique<SessionStore>(*m_data->db);
    }

    void cleanup()
    {
        m_store.reset();
        m_data.reset();
    }

    void anOpenSessionCarriesItsOwnerAndPosition()
    {
        auto session = m_store->open(m_employee, QStringLiteral("10.0.0.5"), QStringLiteral("agent"), Now);
        QVERIFY(session);
        QCOMPARE((*session)->userId, m_employee);
        QCOMPARE((*session)->email, m_employee + QStringLiteral("@home.test"));
        QCOMPARE((*session)->expiresAt, Now + SessionStore::LifetimeMs);
        QCOMPARE((*session)->position.id, m_position);
        QCOMPARE((*session)->principal.scope, DataScope::Group);
        QCOMPARE((*session)->principal.departmentId, QStringLiteral("hq"));
        QVERIFY(Permissions::allows((*session)->principal, QStringLiteral("finance.flow.view")));
        QVERIFY(!Permissions::allows((*session)->principal, QStringLiteral("finance.flow.create")));
        auto found = m_store->find((*session)->sessionId, Now + 1000);
        QVERIFY(found);
        QCOMPARE(found->get(), session->get()); // from the cache: the same object
    }

    void aNewLoginEndsTheOldSession()
    {
        auto first = m_store->open(m_employee, {}, {}, Now);
        auto second = m_store->open(m_employee, {}, {}, Now + 10);
        QVERIFY(first && second);
        const auto gone = m_store->find((*first)->sessionId, Now + 20);
        QVERIFY(!gone);
        QCOMPARE(gone.error().status, 401);
        QVERIFY(m_store->find((*second)->sessionId, Now + 20));
    }

    void logoutEndsTheSessionAtOnce()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_store->find((*session)->sessionId, Now));
        QVERIFY(m_store->close((*session)->sessionId));
        QCOMPARE(m_store->find((*session)->sessionId, Now + 1).error().status, 401);
    }

    void anExpiredSessionIsRefused()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_store->find((*session)->sessionId, Now + SessionStore::LifetimeMs - 1));
        QCOMPARE(m_store->find((*session)->sessionId, Now + SessionStore::LifetimeMs).error().status, 401);
    }

    void deactivationShowsOnceTheEmployeeIsForgotten()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_data->exec(QStringLiteral("UPDATE employees SET active = 0, status = 'resigned' WHERE id = ?"), {m_employee}));
        // The cache alone would still admit them: this is why every change calls forget*.
        QVERIFY(m_store->find((*session)->sessionId, Now + 1));
        m_store->forgetEmployee(m_employee);
        QCOMPARE(m_store->find((*session)->sessionId, Now + 2).error().status, 401);
    }

    void aPermissionChangeShowsOnceThePositionIsForgotten()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_data->exec(QStringLiteral("UPDATE positions SET permissions = ?, data_scope = 'all' WHERE id = ?"),
                             {QStringLiteral(R"({"finance":{"flow":["view","create"]}})"), m_position}));
        m_store->forgetPosition(m_position);
        auto fresh = m_store->find((*session)->sessionId, Now + 1);
        QVERIFY(fresh);
        QVERIFY(Permissions::allows((*fresh)->principal, QStringLiteral("finance.flow.create")));
        QCOMPARE((*fresh)->principal.scope, DataScope::All);
    }

    void aRetiredPositionLeavesTheSessionWithoutOne()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_data->exec(QStringLiteral("UPDATE positions SET active = 0 WHERE id = ?"), {m_position}));
        m_store->forgetPosition(m_position);
        auto fresh = m_store->find((*session)->sessionId, Now + 1);
        QVERIFY(fresh);
        QVERIFY((*fresh)->position.id.isEmpty());
        QVERIFY(!Permissions::allows((*fresh)->principal, QStringLiteral("finance.flow.view")));
    }

    void theCacheIsReReadAfterItsRefreshInterval()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        QVERIFY(m_data->exec(QStringLiteral("UPDATE employees SET name = 'renamed' WHERE id = ?"), {m_employee}));
        QCOMPARE((*m_store->find((*session)->sessionId, Now + 1))->name, QStringLiteral("n"));
        QCOMPARE((*m_store->find((*session)->sessionId, Now + SessionStore::RefreshMs))->name, QStringLiteral("renamed"));
    }

    void closingEveryoneSessionsOfAnEmployee()
    {
        auto session = m_store->open(m_employee, {}, {}, Now);
        auto closed = m_store->closeAllOf(m_employee);
        QVERIFY(closed);
        QCOMPARE(*closed, 1);
        QCOMPARE(m_store->find((*session)->sessionId, Now + 1).error().status, 401);
        QCOMPARE(*m_store->openCount(Now), 0);
    }

    void orgDepartmentModulesReachThePrincipal()
    {
        const QString team = QUuid::createUuid().toString(QUuid::WithoutBraces);
        QVERIFY(m_data->exec(QStringLiteral("INSERT INTO org_departments (id, project_id, name, allowed_modules, created_at) "
                                            "VALUES (?, 'hq', 't', '[\"hr.*\",\"self.*\"]', 0)"),
                             {team}));
        const QString member = m_data->addEmployee(m_position, team);
        auto session = m_store->open(member, {}, {}, Now);
        QVERIFY(session);
        QCOMPARE((*session)->principal.allowedModules, (QStringList{QStringLiteral("hr.*"), QStringLiteral("self.*")}));
        QCOMPARE((*session)->principal.orgDepartmentId, team);
        // Level 3 and finance is not among the team's modules: the position's right does not apply.
        QVERIFY(!Permissions::allows((*session)->principal, QStringLiteral("finance.flow.view")));
    }
};

QTEST_GUILESS_MAIN(SessionStoreTest)
#include "tst_session_store.moc"
