"""Online backup under fire: senders keep sending gifts over HTTP to the release server while
`chobi-server backup` copies its database. The copy, read with Python's sqlite3 (not through our
code), passes SQLite's integrity check and keeps the ledger's rules: every transaction sums to
zero, every balance is its account's last entry's balance_after and the sum of its entries, no
user balance is negative, what is held equals what was minted. It holds every gift answered before
the backup started and none the live database lacks, and its ledger rows are exactly the live
ones up to its last (a prefix); the server kept answering gifts throughout and after. Three backups
are taken, half a second apart, while the gifts go on."""
import re
import secrets
import sqlite3
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import SERVER_BIN, unthrottled_server
from trpc import API

SENDERS = 6
BACKUPS = 3
GRANT = 100_000


@pytest.fixture(scope="module")
def busy_server():
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing")
    s = unthrottled_server()
    yield s
    s.stop()


def ledger_problems(db: sqlite3.Connection) -> list[str]:
    q = lambda sql: db.execute(sql).fetchall()
    problems = []
    unbalanced = q("SELECT transaction_id, SUM(amount) FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0")
    if unbalanced:
        problems.append(f"transactions that do not sum to zero: {unbalanced[:5]}")
    not_last = q("""SELECT a.id, a.balance, e.balance_after FROM accounts a
                    JOIN ledger_entries e ON e.id = (SELECT MAX(id) FROM ledger_entries WHERE account_id = a.id)
                    WHERE a.balance <> e.balance_after""")
    if not_last:
        problems.append(f"balances that are not their last entry's balance_after: {not_last[:5]}")
    empty_moved = q("""SELECT a.id, a.balance FROM accounts a
                       WHERE a.balance <> 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = a.id)""")
    if empty_moved:
        problems.append(f"balances with no entries: {empty_moved[:5]}")
    not_sum = q("""SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) FROM accounts a
                   LEFT JOIN ledger_entries e ON e.account_id = a.id GROUP BY a.id
                   HAVING a.balance <> COALESCE(SUM(e.amount), 0)""")
    if not_sum:
        problems.append(f"balances that are not the sum of their rows: {not_sum[:5]}")
    negative = q("SELECT id, kind, balance FROM accounts WHERE balance < 0 AND kind <> 'purchases'")
    if negative:
        problems.append(f"negative balances: {negative[:5]}")
    unsealed = q("""SELECT DISTINCT transaction_id FROM ledger_entries e
                    WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = e.transaction_id)""")
    if unsealed:
        problems.append(f"entries of a transaction that was never sealed: {unsealed[:5]}")
    held = q("SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind <> 'purchases'")[0][0]
    bought = q("SELECT COALESCE(SUM(amount), 0) FROM coin_purchases")[0][0]
    if held != bought:
        problems.append(f"{held} coins held but {bought} minted")
    return problems


def test_a_backup_taken_under_fire_is_whole_and_the_server_keeps_serving(busy_server, tmp_path):
    server = busy_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    admin = api.register(f"admin{tag}")
    host = api.register(f"host{tag}")
    senders = [api.register(f"s{i}{tag}") for i in range(SENDERS)]
    subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                   check=True, capture_output=True, env=server.env, timeout=30)
    for i, s in enumerate(senders):
        admin.api.mutate("gifts.addCoins", {"userId": s.id, "amount": GRANT, "idempotencyKey": f"grant-{i}-{tag}"})
    session = host.api.mutate("streaming.createSession", {"title": "Backup under fire"})["session"]["id"]

    stop = threading.Event()
    lock = threading.Lock()
    answered: list[tuple[float, str]] = []   # (monotonic time of the answer, transaction id)
    failures: list[str] = []

    def sender(index: int):
        n = 0
        while not stop.is_set():
            try:
                result = senders[index].api.mutate("gifts.sendGift", {"sessionId": session, "giftId": "rose",
                                                                      "idempotencyKey": f"k{index}-{n}-{tag}"})
                with lock:
                    answered.append((time.monotonic(), result["transaction"]["id"]))
            except Exception as e:  # noqa: BLE001 - every failure is a finding here
                with lock:
                    failures.append(repr(e))
            n += 1

    runs = []   # (gifts answered before it started, copy, completed process, started, finished)
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        futures = [pool.submit(sender, i) for i in range(SENDERS)]
        time.sleep(1.0)
        for n in range(BACKUPS):
            with lock:
                before = {t for _, t in answered}
            copy = tmp_path / f"copy-{n}.sqlite"
            started = time.monotonic()
            backup = subprocess.run([str(SERVER_BIN), "backup", str(copy), "--data-dir", server.data],
                                    capture_output=True, text=True, env=server.env, timeout=120)
            runs.append((before, copy, backup, started, time.monotonic()))
            time.sleep(0.5)
        stop.set()
        for f in futures:
            f.result(timeout=60)

    assert failures == [], f"{len(failures)} gifts failed while backups ran: {failures[:3]}"
    assert server.alive()
    live = sqlite3.connect(f"file:{Path(server.data) / 'chobi.sqlite'}?mode=ro", uri=True)
    in_live = {row[0] for row in live.execute("SELECT id FROM gift_transactions")}
    rows = "SELECT id, transaction_id, account_id, amount, balance_after FROM ledger_entries WHERE id <= ? ORDER BY id"
    report = []
    for before, copy, backup, started, finished in runs:
        assert backup.returncode == 0, f"backup exited {backup.returncode}: {backup.stdout}{backup.stderr}"
        assert str(copy) in backup.stdout and "integrity ok" in backup.stdout, backup.stdout
        assert any(at > finished for at, _ in answered), "no gift was answered after the backup"
        db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert ledger_problems(db) == [], copy
        in_copy = {row[0] for row in db.execute("SELECT id FROM gift_transactions")}
        assert before <= in_copy, f"{len(before - in_copy)} gifts answered before the backup are missing from it"
        assert in_copy <= in_live, "the copy has gifts the live database does not"
        assert len(in_copy) < len(in_live), "gifts answered after the backup should not be in it"
        # Entries are numbered in commit order: the copy is the live ledger cut at one instant.
        last = db.execute("SELECT MAX(id) FROM ledger_entries").fetchone()[0]
        assert db.execute(rows, (last,)).fetchall() == live.execute(rows, (last,)).fetchall()
        during = sum(1 for at, _ in answered if started <= at <= finished)
        figures = re.search(r"(\d+) bytes, (\d+) pages.*integrity ok, (\d+) ms", backup.stdout)
        report.append(f"{figures.group(1)} bytes in {figures.group(3)} ms (command {1000 * (finished - started):.0f} ms, "
                      f"{during} gifts answered meanwhile, {len(in_copy)} gifts in the copy)")
        db.close()

    # Still serving: a gift now is answered and lands in the live database.
    result = senders[0].api.mutate("gifts.sendGift", {"sessionId": session, "giftId": "rose",
                                                      "idempotencyKey": f"after-{tag}"})
    assert live.execute("SELECT COUNT(*) FROM gift_transactions WHERE id = ?",
                        (result["transaction"]["id"],)).fetchone()[0] == 1
    elapsed = answered[-1][0] - answered[0][0] if len(answered) > 1 else 0.0
    print(f"{len(answered)} gifts from {SENDERS} threads in {elapsed:.1f} s ({len(answered) / max(elapsed, 1e-9):.0f}/s); "
          f"{len(in_live)} in the live database; backups: " + "; ".join(report))
