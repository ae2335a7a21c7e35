#include "Subordinates.h"

#include "AuthSession.h"

namespace caiwu::Subordinates {

bool includes(const AuthSession &manager, const Placement &employee)
{
    if (!manager.position.canManageSubordinates || !employee.active || employee.employeeId.isEmpty()
        || employee.employeeId == manager.userId)
        return false;
    const Principal &who = manager.principal;
    const auto same = [](const QString &mine, const QString &theirs) { return !mine.isEmpty() && mine == theirs; };
    switch (who.level) {
    case 1: return true;
    case 2: return same(who.departmentId, employee.departmentId);
    case 3: return same(who.orgDepartmentId, employee.orgDepartmentId);
    }
    return false;
}

} // namespace caiwu::Subordinates
