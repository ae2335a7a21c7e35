#!/usr/bin/env python3
"""Fills a Caiwu database (already migrated) with a large, consistent set of books for the
finance benchmarks: projects, sites, accounts, categories and cash flows over several years,
each flow with its ledger row and running balance, numbered JZYYYYMMDD-NNN.

    bench/generate_books.py DB [--flows 1000000] [--accounts 50] [--sites 200] [--years 3] [--seed 7]

Writes straight into the SQLite file in one transaction (the server must not be running)."""
import argparse
import datetime
import random
import sqlite3
import time
import uuid


def main():
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--flows", type=int, default=1_000_000)
    p.add_argument("--accounts", type=int, default=50)
    p.add_argument("--sites", type=int, default=200)
    p.add_argument("--projects", type=int, default=10)
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    started = time.time()
    db = sqlite3.connect(a.db)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # a generator's run: rerun it if the machine dies
    db.execute("BEGIN")
    now_ms = int(time.time() * 1000)

    projects = [f"bench-p{i}" for i in range(a.projects)]
    db.executemany("INSERT INTO departments (id, hq_id, name, active, created_at) VALUES (?, 'hq', ?, 1, ?)",
                   [(pid, f"项目{i + 1}", now_ms) for i, pid in enumerate(projects)])
    sites = [(f"bench-s{i}", projects[i % len(projects)]) for i in range(a.sites)]
    db.executemany("INSERT INTO sites (id, department_id, name, site_code, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
                   [(sid, pid, f"站点{i + 1}", f"S{i + 1:04d}", now_ms - rnd.randint(0, 3 * 365) * 86_400_000)
                    for i, (sid, pid) in enumerate(sites)])
    accounts = [f"bench-a{i}" for i in range(a.accounts)]
    openings = {acc: rnd.randint(0, 50_000_000) for acc in accounts}
    db.executemany("INSERT INTO accounts (id, name, type, currency, opening_cents, active) VALUES (?, ?, ?, ?, ?, 1)",
                   [(acc, f"账户{i + 1}", rnd.choice(["bank", "cash", "alipay", "wechat"]), "USD" if i % 10 == 9 else "CNY",
                     openings[acc]) for i, acc in enumerate(accounts)])
    income_categories = [f"bench-ci{i}" for i in range(10)]
    expense_categories = [f"bench-ce{i}" for i in range(20)]
    db.executemany("INSERT INTO categories (id, name, kind, active) VALUES (?, ?, ?, 1)",
                   [(c, f"收入类别{i + 1}", "income") for i, c in enumerate(income_categories)]
                   + [(c, f"支出类别{i + 1}", "expense") for i, c in enumerate(expense_categories)])

    end = datetime.date.today()
    start = end - datetime.timedelta(days=365 * a.years)
    span = (end - start).days + 1
    # Dates first, then everything in ledger order (date, created_at): running balances are a simple sum.
    days = sorted(rnd.randrange(span) for _ in range(a.flows))
    balance = dict(openings)
    per_day = {}
    flows, ledger = [], []
    for n, day in enumerate(days):
        date = start + datetime.timedelta(days=day)
        iso = date.isoformat()
        per_day[iso] = per_day.get(iso, 0) + 1
        kind = "income" if rnd.random() < 0.45 else "expense"
        acc = accounts[rnd.randrange(len(accounts))]
        site, project = sites[rnd.randrange(len(sites))]
        amount = rnd.randint(100, 5_000_000)
        created = int(datetime.datetime(date.year, date.month, date.day).timestamp() * 1000) + n % 86_400_000
        fid = uuid.uuid4().hex
        flows.append((fid, f"JZ{date.strftime('%Y%m%d')}-{per_day[iso]:03d}", iso, kind, acc,
                      rnd.choice(income_categories if kind == "income" else expense_categories), amount, site, project,
                      f"往来单位{rnd.randrange(500)}", created))
        before = balance[acc]
        balance[acc] = before + (amount if kind == "income" else -amount)
        ledger.append((uuid.uuid4().hex, acc, fid, iso, kind, amount, before, balance[acc], created))
        if len(flows) >= 50_000:
            write(db, flows, ledger)
            flows, ledger = [], []
    write(db, flows, ledger)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.close()
    print(f"generated {a.flows} flows over {a.accounts} accounts, {a.sites} sites, {a.years} years "
          f"in {time.time() - started:.1f} s")


def write(db, flows, ledger):
    db.executemany("INSERT INTO cash_flows (id, voucher_no, biz_date, type, account_id, category_id, amount_cents, site_id, "
                   "department_id, counterparty, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench', ?)",
                   flows)
    db.executemany("INSERT INTO account_transactions (id, account_id, flow_id, transaction_date, transaction_type, amount_cents, "
                   "balance_before_cents, balance_after_cents, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ledger)


if __name__ == "__main__":
    main()
