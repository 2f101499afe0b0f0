"""Conservation under fire: 20 senders send 250 gifts each over HTTP to the release server, a fifth
of them retried with the same key, and the server is killed (-9) in the middle and restarted on the
same data directory. Afterwards the database itself (read with Python's sqlite3, not through our
code) says: every balance is the sum of its account's rows, every transaction sums to zero, what is
held equals what was minted, nothing is negative, no key made two transactions, and every gift that
was answered OK before the kill is there."""
import secrets
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import SERVER_BIN, unthrottled_server
from trpc import API, TRPCFailure

SENDERS = 20
GIFTS_EACH = 250
GRANT = 260          # a little more than 250 roses; the poorest get less, to run dry
POOR_GRANT = 200


@pytest.fixture
def fire_server():
    if not SERVER_BIN.exists():
        pytest.fail(f"{SERVER_BIN} is missing")
    s = unthrottled_server()
    yield s
    s.stop()


def test_the_ledger_holds_through_retries_and_a_kill_9(fire_server):
    server = fire_server
    api = API(server.base)
    tag = secrets.token_hex(3)
    admin = api.register(f"admin{tag}")
    host = api.register(f"host{tag}")
    senders = [api.register(f"s{i}{tag}") for i in range(SENDERS)]
    subprocess.run([str(SERVER_BIN), "admin", "grant", admin.user["username"], "--data-dir", server.data],
                   check=True, capture_output=True, env=server.env, timeout=30)
    minted = 0
    for i, s in enumerate(senders):
        amount = POOR_GRANT if i % 7 == 0 else GRANT
        admin.api.mutate("gifts.addCoins", {"userId": s.id, "amount": amount, "idempotencyKey": f"grant-{i}-{tag}"})
        minted += amount
    session = {"id": host.api.mutate("streaming.createSession", {"title": "Fire"})["session"]["id"]}
    session_lock = threading.Lock()
    killed = threading.Event()
    restarted = threading.Event()
    lock = threading.Lock()
    answered = 0
    ok_before_kill: dict[str, str] = {}   # transaction id -> key
    ok_by_key: dict[tuple[str, str], set[str]] = {}
    outcomes = {"ok": 0, "poor": 0, "conflict": 0, "retried_same": 0}

    def current_session() -> str:
        with session_lock:
            return session["id"]

    def send(sender, key: str) -> dict | None:
        """One sendGift, retried through the outage; None when refused for good."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                return sender.api.mutate("gifts.sendGift", {"sessionId": current_session(), "giftId": "rose",
                                                            "idempotencyKey": key})
            except TRPCFailure as e:
                if e.code == "PRECONDITION_FAILED":
                    with lock:
                        outcomes["poor"] += 1
                    return None
                if e.code == "CONFLICT":   # the first try landed in the session the kill ended
                    with lock:
                        outcomes["conflict"] += 1
                    return None
                if e.code == "NOT_FOUND":  # the kill ended the session: wait for the new one
                    restarted.wait(30)
                    continue
                raise
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.1)
        raise AssertionError(f"{key} got no answer in 90 s")

    def worker(index: int):
        nonlocal answered
        sender = senders[index]
        for n in range(GIFTS_EACH):
            key = f"k{index}-{n}-{tag}"
            tries = 1 + (1 + n % 2 if n % 5 == 0 else 0)   # a fifth: 2 or 3 tries with the same key
            seen = set()
            for _ in range(tries):
                result = send(sender, key)
                if result is None:
                    break
                seen.add(result["transaction"]["id"])
                with lock:
                    answered += 1
                    outcomes["ok"] += 1
                    if not killed.is_set():
                        ok_before_kill[result["transaction"]["id"]] = key
            if len(seen) > 0:
                with lock:
                    ok_by_key[(sender.id, key)] = seen
                    if tries > 1:
                        outcomes["retried_same"] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        futures = [pool.submit(worker, i) for i in range(SENDERS)]
        while True:
            with lock:
                if answered >= SENDERS * GIFTS_EACH // 2:
                    break
            assert time.monotonic() - started < 120, f"only {answered} answers in 120 s"
            time.sleep(0.01)
        killed.set()
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
        killed_at = answered
        time.sleep(1.0)
        server.start()
        with session_lock:
            session["id"] = host.api.mutate("streaming.createSession", {"title": "Fire, again"})["session"]["id"]
        restarted.set()
        for f in futures:
            f.result(timeout=300)
    elapsed = time.monotonic() - started
    server.stop()

    assert all(len(ids) == 1 for ids in ok_by_key.values()), "a key answered with two different transactions"
    db = sqlite3.connect(f"file:{Path(server.data) / 'chobi.sqlite'}?mode=ro", uri=True)
    q = lambda sql, *args: db.execute(sql, args).fetchall()
    mismatched = q("""SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) FROM accounts a
                      LEFT JOIN ledger_entries e ON e.account_id = a.id GROUP BY a.id
                      HAVING a.balance <> COALESCE(SUM(e.amount), 0)""")
    assert mismatched == [], f"balances that are not the sum of their rows: {mismatched}"
    unbalanced = q("SELECT transaction_id, SUM(amount) FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0")
    assert unbalanced == [], unbalanced
    negative = q("SELECT id, kind, balance FROM accounts WHERE balance < 0 AND kind <> 'purchases'")
    assert negative == [], negative
    held = q("SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind <> 'purchases'")[0][0]
    bought = q("SELECT COALESCE(SUM(amount), 0) FROM coin_purchases")[0][0]
    assert held == bought == minted, (held, bought, minted)
    twice = q("SELECT sender_id, idempotency_key, COUNT(*) FROM gift_transactions GROUP BY 1, 2 HAVING COUNT(*) > 1")
    assert twice == [], twice
    stored = {row[0] for row in q("SELECT id FROM gift_transactions")}
    lost = [t for t in ok_before_kill if t not in stored]
    assert lost == [], f"{len(lost)} gifts answered OK before the kill are not in the ledger"
    by_key = {(row[0], row[1]): row[2] for row in q("SELECT sender_id, idempotency_key, id FROM gift_transactions")}
    assert all(by_key.get(k) in ids for k, ids in ok_by_key.items()), "an answered key points at another transaction"
    print(f"{outcomes['ok']} OK answers ({outcomes['retried_same']} keys retried), {outcomes['poor']} too poor, "
          f"{outcomes['conflict']} conflicts after the restart; killed after {killed_at} answers; "
          f"{len(stored)} gifts stored, {held} coins held of {minted} minted; {elapsed:.1f} s")
