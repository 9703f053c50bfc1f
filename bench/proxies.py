"""Starting the demo backends and one proxy (Yoke, nginx or HAProxy) from bench/configs."""
import subprocess
import tempfile
from pathlib import Path

from http_probe import wait_until_serving
from procs import free_port, proxy_pids

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "bench" / "configs"
PROXIES = ("yoke", "nginx", "haproxy")
# Not run by default: Yoke with `events { use io_uring; }` (yoke.conf.in plus that line), to
# compare its event methods in one run: bench/compare --proxies yoke,yoke-io_uring.
VARIANTS = ("yoke-io_uring",)
NAMES = {"yoke": "Yoke", "yoke-io_uring": "Yoke (io_uring)", "nginx": "nginx",
         "haproxy": "HAProxy", "direct": "direct to backend"}


def start_backends(procs, backend, cpu, work_dir, count=3, wrap=(), seconds=10):
    """One yoke-demo-backend process with `count` listeners; returns (process, ports).
    wrap: argv prefix (valgrind's); seconds: how long it may take to answer."""
    ports = [free_port() for _ in range(count)]
    argv = list(wrap) + [backend]
    for i, port in enumerate(ports):
        argv += ["--listen", f"127.0.0.1:{port}", "--name", f"backend-{i + 1}"]
    process = procs.start(argv, cpu, work_dir / "backends.log")
    for port in ports:
        failure = wait_until_serving(f"http://127.0.0.1:{port}/",
                                     lambda: None if process.poll() is None else "backends died",
                                     seconds)
        if failure:
            raise RuntimeError(f"demo backends did not start: {failure}")
    return process, ports


def ensure_certificate(work_dir):
    """The TLS certificate every proxy serves (RSA 2048, self-signed, made once per bench run
    with the openssl CLI): (certificate, key, combined PEM for HAProxy)."""
    cert, key, pem = (work_dir / "tls-cert.pem", work_dir / "tls-key.pem",
                      work_dir / "tls-combined.pem")
    if not pem.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=bench"],
                       check=True, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        pem.write_text(cert.read_text() + key.read_text())
    return cert, key, pem


def write_config(proxy, run_dir, port, backend_ports, workers=1, tls_port=0):
    io_uring = proxy == "yoke-io_uring"
    name = "haproxy.cfg.in" if proxy == "haproxy" else "yoke.conf.in" if io_uring \
        else f"{proxy}.conf.in"
    text = (CONFIGS / name).read_text()
    if io_uring:
        assert "events {\n" in text, "yoke.conf.in lost its events block"
        text = text.replace("events {\n", "events {\n    use io_uring;\n", 1)
    cert, key, pem = ensure_certificate(run_dir.parent)
    values = {"DIR": str(run_dir), "PORT": str(port), "WORKERS": str(workers),
              "TLSPORT": str(tls_port), "CERT": str(cert), "KEY": str(key), "PEM": str(pem)}
    values.update({f"BACKEND{i + 1}": str(p) for i, p in enumerate(backend_ports)})
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    path = run_dir / name[:-3]
    path.write_text(text)
    return path


def proxy_argv(proxy, yoke, config, run_dir, nginx_globals="daemon off;"):
    if proxy.startswith("yoke"):
        return [yoke, "-c", str(config)]
    if proxy == "nginx":
        return ["nginx", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config),
                "-g", nginx_globals]
    return ["haproxy", "-db", "-f", str(config)]


class ProxyRun:
    """One started proxy: its process, port and directory.

    cpu: where it runs (None: not pinned); workers: Yoke/nginx workers, HAProxy threads;
    wrap: a function of the run's directory returning an argv prefix (valgrind's);
    nginx_globals: nginx's -g text."""

    def __init__(self, procs, proxy, yoke, backend_ports, work_dir, label, cpu, workers=1,
                 wrap=None, nginx_globals="daemon off;"):
        self.proxy = proxy
        self.port = free_port()
        self.tls_port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix=f"{proxy}-{label}-", dir=work_dir))
        config = write_config(proxy, self.dir, self.port, backend_ports, workers, self.tls_port)
        prefix = wrap(self.dir) if wrap else []
        argv = prefix + proxy_argv(proxy, yoke, config, self.dir, nginx_globals)
        self.process = procs.start(argv, cpu, self.dir / "stdout.log")
        self.procs = procs
        self.url = f"http://127.0.0.1:{self.port}/"
        self.tls_url = f"https://127.0.0.1:{self.tls_port}/"

    def pids(self):
        return proxy_pids(self.process.pid)

    def problem(self):
        """Text describing a dead proxy, or None while it runs."""
        code = self.process.poll()
        if code is None:
            return None
        logs = []
        for name in ("stdout.log", "error.log"):
            path = self.dir / name
            if path.exists():
                logs.append(f"{name}: " + path.read_text(errors="replace")[-600:].strip())
        how = f"killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return f"{self.proxy} {how}; " + " | ".join(logs)

    def wait_serving(self, seconds=10):
        return wait_until_serving(self.url, self.problem, seconds)

    def stop(self):
        self.procs.stop(self.process)
