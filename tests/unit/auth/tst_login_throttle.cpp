// The lockout the reference lacked: five failures lock an account for the window whatever the
// password, failures from one address are limited across accounts, and an admin can unlock.
#include "AuthTestDatabase.h"
#include "auth/LoginThrottle.h"

using namespace caiwu;

class LoginThrottleTest : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<AuthTestDatabase> m_data;
    std::unique_ptr<LoginThrottle> m_throttle;
    static constexpr qint64 Now = 1'800'000'000'000;
    static constexpr qint64 Window = 15 * 60 * 1000;
    const QString Lan = QStringLiteral("192.168.1.20");

    void fail(const QString &account, const QString &address, qint64 at, int times = 1)
    {
        for (int i = 0; i < times; ++i)
            QVERIFY(m_throttle->recordFailure(account, address, at));
    }

private Q_SLOTS:
    void init()
    {
        m_data = std::make_unique<AuthTestDatabase>();
        QVERIFY(m_data->ok);
        m_throttle = std::make_unique<LoginThrottle>(*m_data->db, ThrottlePolicy{5, Window, 8});
    }

    void cleanup()
    {
        m_throttle.reset();
        m_data.reset();
    }

    void theFifthFailureLocksTheAccount()
    {
        fail(QStringLiteral("a@home.test"), Lan, Now, 4);
        QVERIFY(m_throttle->check(QStringLiteral("a@home.test"), Lan, Now));
        auto fifth = m_throttle->recordFailure(QStringLiteral("a@home.test"), Lan, Now + 1000);
        QVERIFY(fifth);
        QCOMPARE(fifth->accountFailures, 5);
        QVERIFY(fifth->accountLockedNow);
        const auto refused = m_throttle->check(QStringLiteral("A@Home.Test"), QStringLiteral("10.9.9.9"), Now + 2000);
        QVERIFY(!refused);
        QCOMPARE(refused.error().status, 429);
        QCOMPARE(refused.error().code, QByteArray("ACCOUNT_LOCKED"));
        QCOMPARE(refused.error().details.value(QStringLiteral("retryAfterSeconds")).toInteger(), (Window - 1000) / 1000);
        // Other accounts are not affected.
        QVERIFY(m_throttle->check(QStringLiteral("b@home.test"), QStringLiteral("10.9.9.9"), Now + 2000));
    }

    void theLockEndsWithTheWindowAndCountingStartsOver()
    {
        fail(QStringLiteral("a@home.test"), Lan, Now, 5);
        QVERIFY(!m_throttle->check(QStringLiteral("a@home.test"), Lan, Now + Window - 1));
        QVERIFY(m_throttle->check(QStringLiteral("a@home.test"), Lan, Now + Window));
        auto again = m_throttle->recordFailure(QStringLiteral("a@home.test"), Lan, Now + Window + 10);
        QCOMPARE(again->accountFailures, 1);
        QVERIFY(!again->accountLockedNow);
    }

    void failuresSpreadOverMoreThanTheWindowDoNotLock()
    {
        fail(QStringLiteral("a@home.test"), Lan, Now, 4);
        auto late = m_throttle->recordFailure(QStringLiteral("a@home.test"), Lan, Now + Window + 1);
        QCOMPARE(late->accountFailures, 1);
        QVERIFY(m_throttle->check(QStringLiteral("a@home.test"), Lan, Now + Window + 2));
    }

    void successClearsTheAccountsFailures()
    {
        fail(QStringLiteral("a@home.test"), Lan, Now, 4);
        QVERIFY(m_throttle->recordSuccess(QStringLiteral("a@home.test")));
        auto next = m_throttle->recordFailure(QStringLiteral("a@home.test"), Lan, Now + 10);
        QCOMPARE(next->accountFailures, 1);
    }

    void anAdminUnlocks()
    {
        fail(QStringLiteral("a@home.test"), Lan, Now, 5);
        auto locks = m_throttle->locks(Now + 1);
        QVERIFY(locks);
        QCOMPARE(locks->size(), 1);
        QCOMPARE(locks->first().scope, QStringLiteral("account"));
        QCOMPARE(locks->first().subject, QStringLiteral("a@home.test"));
        QCOMPARE(locks->first().failures, 5);
        QCOMPARE(*m_throttle->unlock(QStringLiteral("A@home.test")), true);
        QVERIFY(m_throttle->check(QStringLiteral("a@home.test"), Lan, Now + 2));
        QCOMPARE(*m_throttle->unlock(QStringLiteral("a@home.test")), false);
        QVERIFY(m_throttle->locks(Now + 3)->isEmpty());
    }

    void oneAddressGuessingManyAccountsIsRefused()
    {
        for (int i = 0; i < 7; ++i)
            fail(QStringLiteral("user%1@home.test").arg(i), Lan, Now + i);
        QVERIFY(m_throttle->check(QStringLiteral("fresh@home.test"), Lan, Now + 10));
        auto eighth = m_throttle->recordFailure(QStringLiteral("user7@home.test"), Lan, Now + 11);
        QVERIFY(eighth->addressLockedNow);
        const auto refused = m_throttle->check(QStringLiteral("fresh@home.test"), Lan, Now + 12);
        QCOMPARE(refused.error().code, QByteArray("TOO_MANY_ATTEMPTS"));
        // Another address is not affected, and an unlock of an account does not lift the address.
        QVERIFY(m_throttle->check(QStringLiteral("fresh@home.test"), QStringLiteral("192.168.1.21"), Now + 12));
        QVERIFY(m_throttle->unlock(QStringLiteral("user7@home.test")));
        QVERIFY(!m_throttle->check(QStringLiteral("fresh@home.test"), Lan, Now + 13));
    }

    void loopbackIsNotCountedPerAddress()
    {
        for (int i = 0; i < 12; ++i)
            fail(QStringLiteral("user%1@home.test").arg(i), QStringLiteral("127.0.0.1"), Now + i);
        QVERIFY(m_throttle->check(QStringLiteral("fresh@home.test"), QStringLiteral("127.0.0.1"), Now + 20));
        QVERIFY(m_throttle->check(QStringLiteral("fresh@home.test"), QStringLiteral("::1"), Now + 20));
    }
};

QTEST_GUILESS_MAIN(LoginThrottleTest)
#include "tst_login_throttle.moc"
