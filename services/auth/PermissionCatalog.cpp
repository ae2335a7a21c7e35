#include "PermissionCatalog.h"

#include <QStringList>

#include <initializer_list>

namespace caiwu::PermissionCatalog {

namespace {

struct Action {
    const char *key;
    const char *name;
};
struct Sub {
    const char *key;
    const char *name;
    std::initializer_list<const char *> actions;
};
struct Module {
    const char *key;
    const char *name;
    std::initializer_list<Sub> subs;
};

const Action ActionNames[] = {
    {"view", "查看"},      {"create", "新增"},     {"update", "编辑"},     {"delete", "删除"},
    {"export", "导出"},    {"import", "导入"},     {"approve", "审批"},    {"reverse", "红冲"},
    {"settle", "核销"},    {"confirm", "确认"},    {"pay", "付款"},        {"depreciate", "折旧"},    {"view_sensitive", "查看敏感信息"},
    {"transfer", "调拨"},  {"dispose", "处置"},    {"allocate", "领用"},
};

const Module Catalog[] = {
    {"finance", "财务",
     // "delete" grants nothing (a flow is only ever reversed); it is listed because the
     // reference's permission editor offers it, and a position saved from it must not fail.
     {{"flow", "资金流水", {"view", "create", "update", "reverse", "export", "import", "delete"}},
      {"transfer", "账户转账", {"view", "create"}},
      {"ar", "应收", {"view", "create", "update", "delete", "settle", "confirm"}},
      {"ap", "应付", {"view", "create", "update", "delete", "settle", "confirm"}},
      {"borrowing", "借款", {"view", "create", "approve"}},
      {"salary", "工资发放", {"view", "create", "update", "delete", "approve", "pay"}},
      {"allowance", "补贴发放", {"view", "create", "update", "delete"}},
      {"site_bill", "站点账单", {"view", "create", "update", "delete"}},
      {"reimbursement", "报销付款", {"view", "approve", "pay"}}}},
    {"hr", "人事",
     {{"employee", "员工", {"view", "create", "update", "view_sensitive"}},
      {"salary", "薪资标准", {"view", "create", "update", "delete"}},
      {"leave", "请假", {"view", "create", "approve"}},
      {"reimbursement", "报销", {"view", "create", "approve"}}}},
    {"asset", "资产",
     {{"fixed", "固定资产", {"view", "create", "update", "delete", "depreciate", "transfer", "dispose", "allocate"}},
      {"rental", "租赁", {"view", "create", "update", "delete", "pay"}}}},
    {"report", "报表",
     {{"finance", "财务报表", {"view", "export"}},
      {"salary", "薪资报表", {"view", "export"}},
      {"hr", "人事报表", {"view", "export"}}}},
    {"system", "系统",
     {{"user", "用户与会话", {"view", "create", "update", "delete"}},
      {"position", "职位权限", {"view", "create", "update", "delete"}},
      {"department", "项目与部门", {"view", "create", "update", "delete"}},
      {"audit", "审计日志", {"view", "export"}},
      {"config", "系统配置", {"view", "update"}},
      {"account", "账户", {"view", "create", "update", "delete"}},
      {"category", "收支类别", {"view", "create", "update", "delete"}},
      {"currency", "币种", {"view", "create", "update", "delete"}},
      {"headquarters", "总部", {"view", "create", "update", "delete"}},
      {"vendor", "供应商", {"view", "create", "update", "delete"}}}},
    {"site", "站点",
     {{"info", "站点信息", {"view", "create", "update", "delete"}},
      {"bill", "站点账单", {"view", "create", "update", "delete"}}}},
    {"self", "个人",
     {{"profile", "个人资料", {"view", "update"}},
      {"salary", "我的工资", {"view"}},
      {"leave", "我的请假", {"view", "create"}},
      {"reimbursement", "我的报销", {"view", "create"}},
      {"borrowing", "我的借款", {"view", "create"}},
      {"attendance", "考勤", {"view", "create"}}}},
};

QString actionName(const char *key)
{
    for (const Action &a : ActionNames)
        if (qstrcmp(a.key, key) == 0)
            return QString::fromUtf8(a.name);
    return QString::fromLatin1(key);
}

} // namespace

QJsonArray describe()
{
    QJsonArray modules;
    for (const Module &m : Catalog) {
        QJsonArray subs;
        for (const Sub &s : m.subs) {
            QJsonArray actions;
            for (const char *a : s.actions)
                actions.append(QJsonObject{{QStringLiteral("action"), QString::fromLatin1(a)}, {QStringLiteral("name"), actionName(a)}});
            subs.append(QJsonObject{{QStringLiteral("sub"), QString::fromLatin1(s.key)},
                                    {QStringLiteral("name"), QString::fromUtf8(s.name)},
                                    {QStringLiteral("actions"), actions}});
        }
        modules.append(QJsonObject{{QStringLiteral("module"), QString::fromLatin1(m.key)},
                                   {QStringLiteral("name"), QString::fromUtf8(m.name)},
                                   {QStringLiteral("subs"), subs}});
    }
    return modules;
}

QJsonObject everything()
{
    QJsonObject matrix;
    for (const Module &m : Catalog) {
        QJsonObject subs;
        for (const Sub &s : m.subs) {
            QJsonArray actions;
            for (const char *a : s.actions)
                actions.append(QString::fromLatin1(a));
            subs.insert(QString::fromLatin1(s.key), actions);
        }
        matrix.insert(QString::fromLatin1(m.key), subs);
    }
    return matrix;
}

bool isModule(const QString &module)
{
    for (const Module &m : Catalog)
        if (module == QLatin1String(m.key))
            return true;
    return false;
}

bool contains(const QString &permission)
{
    const QStringList parts = permission.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return false;
    for (const Module &m : Catalog) {
        if (parts[0] != QLatin1String(m.key))
            continue;
        for (const Sub &s : m.subs) {
            if (parts[1] != QLatin1String(s.key))
                continue;
            for (const char *a : s.actions)
                if (parts[2] == QLatin1String(a))
                    return true;
        }
    }
    return false;
}

} // namespace caiwu::PermissionCatalog
