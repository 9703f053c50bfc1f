"""HTTP/1.1 probes from the benchmark driver: readiness checks and idle keep-alive connections."""
import http.client
import socket
import ssl
import time


def _client_context():
    """TLS client for the bench's self-signed certificate (no verification: load only)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def http_get(port, timeout=2.0, tls=False):
    """One GET / on a new connection; returns (status, connection) with the body read."""
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout,
                                                 context=_client_context())
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", "/", headers={"Host": "bench"})
    response = connection.getresponse()
    response.read()
    return response.status, connection


def wait_until_serving(url, problem, seconds=10):
    """None once GET url answers 200, else why not (problem() reports a dead process)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    deadline, last = time.monotonic() + seconds, "no answer"
    while time.monotonic() < deadline:
        died = problem()
        if died:
            return died
        try:
            status, connection = http_get(port, timeout=1.0)
            connection.close()
            if status == 200:
                return None
            last = f"status {status}"
        except (OSError, http.client.HTTPException) as error:
            last = str(error) or type(error).__name__
        time.sleep(0.1)
    return f"{url} not serving after {seconds} s ({last})"


def _is_open(connection):
    if isinstance(connection.sock, ssl.SSLSocket):
        # An SSL socket refuses MSG_PEEK: look at the TCP socket under it.
        try:
            raw = socket.socket(fileno=connection.sock.fileno())
        except OSError:
            return False
        try:
            raw.settimeout(0)
            return raw.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            raw.detach()
    try:
        connection.sock.settimeout(0)  # with a timeout set, recv would wait for data first
        return connection.sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True  # nothing to read, not closed: the idle connection is still there
    except OSError:
        return False


def hold_idle_connections(port, count, measure_rss, hold_seconds=2.0, budget_seconds=90,
                          tls=False):
    """Opens `count` keep-alive connections, one complete GET each (so every connection has
    served a request and sits idle between requests), holds them idle, measures."""
    connections, failed, attempts, first_failure = [], 0, 0, ""
    deadline = time.monotonic() + budget_seconds
    try:
        for _ in range(count):
            if time.monotonic() > deadline or failed > 50:
                break
            attempts += 1
            try:
                status, connection = http_get(port, timeout=5.0, tls=tls)
                connections.append(connection)
                if status != 200:
                    failed += 1
                    first_failure = first_failure or f"status {status}"
            except (OSError, http.client.HTTPException) as error:
                failed += 1
                first_failure = first_failure or (str(error) or type(error).__name__)
        time.sleep(hold_seconds)
        rss_after = measure_rss()
        alive = sum(1 for c in connections if _is_open(c))
    finally:
        for connection in connections:
            connection.close()
    failed += count - attempts  # connections never tried count as failed
    return {"rss_after": rss_after, "alive": alive, "failed": failed,
            "first_failure": first_failure}
