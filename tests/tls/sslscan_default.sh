#!/usr/bin/env bash
# Grades Yoke's default TLS configuration with sslscan (Debian package), as issue 7 asks: no
# SSLv2/SSLv3/TLS 1.0/TLS 1.1, no cipher under 128 bits, no suite without forward secrecy,
# no renegotiation. Prints sslscan's report and a verdict; exit 1 on any finding.
# Usage: tests/tls/sslscan_default.sh [build/yoke]      (summary kept in docs/tls.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
yoke=${1:-build/yoke}
./scripts/install-deps sslscan
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" -days 2 \
  -subj /CN=scan.test 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/yoke.conf" <<CONF
worker_processes 1;
error_log $dir/error.log warn;
http {
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $dir/cert.pem;
    ssl_certificate_key $dir/key.pem;
    location / { return 200 "ok"; }
  }
}
CONF
"$yoke" -c "$dir/yoke.conf" & pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
report=$(timeout 120 sslscan --no-colour --no-heartbleed "127.0.0.1:$port")
echo "$report"
findings=()
for protocol in SSLv2 SSLv3 TLSv1.0 TLSv1.1; do
  grep -Eq "^$protocol +enabled" <<<"$report" && findings+=("$protocol enabled")
done
grep -q "Session renegotiation not supported" <<<"$report" || findings+=("renegotiation")
while read -r _ version bits _ cipher rest; do
  [ "$bits" -lt 128 ] && findings+=("weak cipher $cipher ($bits bits)")
  # TLS 1.3 suites are always ephemeral; TLS 1.2 ones must be ECDHE or DHE.
  if [ "$version" != "TLSv1.3" ] && ! grep -Eq '^(ECDHE|DHE)-' <<<"$cipher"; then
    findings+=("no forward secrecy: $cipher")
  fi
done < <(grep -E '^(Preferred|Accepted) +TLSv' <<<"$report")
accepted=$(grep -cE '^(Preferred|Accepted) +TLSv' <<<"$report")
echo
if [ ${#findings[@]} -ne 0 ]; then
  printf 'sslscan_default: FAILED: %s\n' "${findings[@]}"
  exit 1
fi
echo "sslscan_default: ok ($accepted suites accepted, TLS 1.2 and 1.3 only, all forward-secret, no renegotiation)"
