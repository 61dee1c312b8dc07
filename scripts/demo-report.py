#!/usr/bin/env python3
"""Requests a sync of every account through the Gateway, waits for each run, and prints the seed audit's table."""
import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

gateway = sys.argv[1].rstrip("/")
timeout_s = float(sys.argv[2]) if len(sys.argv) > 2 else 300


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(gateway + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


status, listing = call("POST", "/api/meta-ads/sync", {"accountId": "all"})
if status != 200:
    sys.exit(f"demo: refreshing the accounts list answered {status}: {listing}")
accounts = {a["accountId"]: a["name"] for a in listing["accounts"]}
# Accounts the token can no longer read are not synced (the Gateway would answer 409): counted apart, not as failures.
readable = [a["accountId"] for a in listing["accounts"] if a["access"]["accessible"]]
print(f"demo: {len(accounts)} accounts listed (accountsRefreshed={listing['accountsRefreshed']}), "
      f"{len(accounts) - len(readable)} not accessible; syncing the {len(readable)} readable ones at once")
NO_ACCESS = "No access"


def sync(account_id):
    started = time.monotonic()
    code, answer = call("POST", "/api/meta-ads/sync", {"accountId": account_id, "datePreset": "last_7d", "force": True})
    if code == 409 and answer.get("accessLostAt", "") != "":
        return account_id, {"status": NO_ACCESS, "error": answer}, time.monotonic() - started
    if code != 202:
        return account_id, {"status": f"HTTP {code}", "error": answer}, time.monotonic() - started
    while time.monotonic() - started < timeout_s:
        _, run = call("GET", answer["statusUrl"])
        if run["status"] != "Running":
            return account_id, run, time.monotonic() - started
        time.sleep(0.1)
    return account_id, {"status": "Unfinished"}, time.monotonic() - started


with ThreadPoolExecutor(max_workers=len(readable) or 1) as pool:
    results = list(pool.map(sync, readable))
results += [(a, {"status": NO_ACCESS}, 0.0) for a in accounts if a not in readable]

results.sort(key=lambda r: -sum(r[1].get("entities", {}).values()) if r[1].get("entities") else 0)
print()
print(f"| {'Account':<26} | {'Entities':<22} | {'Eligible':>8} | {'Sync time':>9} | {'Graph calls':>11} | {'Status':<9} |")
print(f"|{'-' * 28}|{'-' * 24}|{'-' * 10}|{'-' * 11}|{'-' * 13}|{'-' * 11}|")
totals = [0, 0, 0, 0, 0]
for account_id, run, wall in results:
    e = run.get("entities") or {"campaigns": 0, "adSets": 0, "ads": 0}
    total = e["campaigns"] + e["adSets"] + e["ads"]
    shape = f"{total:,} ({e['campaigns']}c+{e['adSets']}as+{e['ads']}a)"
    seconds = (run.get("durationMs") or 0) / 1000
    calls = run.get("graphCalls", 0)
    print(f"| {accounts[account_id][:26]:<26} | {shape:<22} | {run.get('eligible', 0):>8} | {seconds:>8.1f}s | {calls:>11} | {run['status']:<9} |")
    totals = [totals[0] + total, totals[1] + run.get("eligible", 0), max(totals[2], seconds), totals[3] + calls, totals[4] + (run["status"] == "Completed")]
no_access = sum(1 for _, run, _ in results if run["status"] == NO_ACCESS)
synced = len(results) - no_access
print(f"| {'Totals':<26} | {totals[0]:<22,} | {totals[1]:>8} | {totals[2]:>8.1f}s | {totals[3]:>11} | {totals[4]}/{synced} ok |")
if no_access:
    print(f"| {'Not accessible':<26} | {no_access:<22} | {'':>8} | {'':>9} | {'':>11} | {'':<9} |")
print()
sys.exit(0 if totals[4] == synced else 1)
