#pragma once

#include <QString>

namespace caiwu {

struct AuthSession;

// Where an employee sits in the office, which is what a manager's reach is measured by.
struct Placement {
    QString employeeId;
    QString departmentId;      // project; may be empty
    QString orgDepartmentId;   // team or group; may be empty
    bool active = true;
};

namespace Subordinates {

// Whether `manager` decides on `employee`'s requests (reference §3.7, getSubordinateEmployeeIds,
// without putting the manager in their own set): only a position that manages subordinates, and
//   level 1 → every active employee,
//   level 2 → active employees of the manager's project,
//   level 3 (a team leader) → active employees of the manager's org department.
// Nobody decides on their own requests; an empty project or team on either side matches nothing.
bool includes(const AuthSession &manager, const Placement &employee);

} // namespace Subordinates
} // namespace caiwu
