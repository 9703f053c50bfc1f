#!/usr/bin/env python3
"""A steady HTTP/1.1 load that records every request, for failover tests (run inside a lab host).

    load_client.py --url http://10.77.0.100/ --seconds 8 --threads 4 --pause-ms 10 --out FILE

Each thread sends GET URL on a new connection (Connection: close), waits the answer or its
timeout, pauses, and goes on until --seconds have passed; then FILE gets one JSON line per
request: {"start": t, "end": t, "ok": bool, "status": N, "body": "...", "error": "..."} with
wall-clock times (time.time(), comparable with keepalived's notify timestamps). A new connection
per request keeps the count honest: a request fails only if its own exchange failed, never
because a kept-alive connection went stale. Standard library only; every wait is bounded.
"""

import argparse
import http.client
import json
import threading
import time
import urllib.parse


def one_request(host, port, path, timeout):
    record = {"start": time.time(), "ok": False, "status": 0, "body": "", "error": ""}
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        record["status"] = response.status
        record["body"] = response.read().decode(errors="replace").strip()
        record["ok"] = response.status == 200
    except (OSError, http.client.HTTPException) as error:
        record["error"] = type(error).__name__ + ": " + str(error)
    finally:
        connection.close()
    record["end"] = time.time()
    return record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pause-ms", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=3.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    host, port, path = url.hostname, url.port or 80, url.path or "/"
    stop_at = time.monotonic() + args.seconds
    records = []
    lock = threading.Lock()

    def worker():
        mine = []
        while time.monotonic() < stop_at:
            mine.append(one_request(host, port, path, args.timeout))
            time.sleep(args.pause_ms / 1000.0)
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.seconds + args.timeout + 5)
    records.sort(key=lambda r: r["start"])
    with open(args.out, "w") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
