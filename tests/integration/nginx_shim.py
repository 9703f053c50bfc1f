#!/usr/bin/env python3
"""A stand-in for `yoke` made of nginx, to check the integration tests themselves:

    python3 tests/integration/run.py --yoke tests/integration/nginx_shim.py --backend ...

It accepts yoke's command line (-v, -t -c FILE, -c FILE), adds what nginx needs to the same
config (events block, foreground, pid and temp paths, HTTP/1.1 keep-alive to upstreams, which
Yoke does by default) and runs nginx in the foreground. SIGTERM becomes nginx's graceful stop
(SIGQUIT), as SIGTERM is Yoke's graceful stop. Tests nginx fails show where the tests assume
Yoke's own choices (file:line:column errors, 431, 408 ...), not necessarily test bugs.
"""

import os
import re
import signal
import subprocess
import sys

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
LOCATION = re.compile(r"(location[^{]*\{)([^{}]*)(\})")


def adapt_location(match):
    opening, body, closing = match.groups()
    if "proxy_pass" in body:
        if "proxy_http_version" not in body:
            body += " proxy_http_version 1.1;"
        if "proxy_set_header Connection" not in body:
            body += ' proxy_set_header Connection "";'
    return opening + body + " " + closing


def translate(text, directory):
    text = LOCATION.sub(adapt_location, text)
    temp = os.path.join(directory, "nginx-temp")
    os.makedirs(temp, exist_ok=True)
    http_extra = ("http {\n  access_log off;\n  client_body_temp_path %s/body;\n"
                  "  proxy_temp_path %s/proxy;\n" % (temp, temp))
    text = re.sub(r"\bhttp\s*\{", lambda _: http_extra, text, count=1)
    head = ("daemon off;\nuser root;\npid %s/nginx.pid;\n"
            "events { worker_connections 4096; }\n" % temp)
    return head + text


def main(argv):
    if argv[1:] == ["-v"]:
        print("nginx_shim (yoke stand-in) 0.0.0")
        return subprocess.call([NGINX, "-v"])
    check = "-t" in argv
    if "-c" not in argv:
        print("usage: nginx_shim.py [-t] -c FILE | -v", file=sys.stderr)
        return 2
    path = argv[argv.index("-c") + 1]
    try:
        with open(path) as f:
            text = f.read()
    except OSError as error:
        print("%s: %s" % (path, error), file=sys.stderr)
        return 1
    directory = os.path.dirname(os.path.abspath(path))
    translated = os.path.join(directory, os.path.basename(path) + ".nginx")
    with open(translated, "w") as f:
        f.write(translate(text, directory))
    command = [NGINX, "-p", directory, "-e", "stderr", "-c", translated]
    if check:
        return 0 if subprocess.call(command + ["-t", "-q"]) == 0 else 1
    child = subprocess.Popen(command)
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGQUIT))
    signal.signal(signal.SIGINT, lambda *_: child.send_signal(signal.SIGQUIT))
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
