# Shared by bench/compare, bench/profile and bench/scaling (sourced, not run): picks the
# binaries (building them unless all three are given), raises the open-file limit, and runs a
# Python driver so that Ctrl-C or a kill stops it — the driver stops everything it started.

# Parses --yoke/--backend/--loadgen out of "$@" into yoke, backend, loadgen; the rest into pass.
bench_parse_binaries() {
  yoke="" backend="" loadgen="" pass=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --yoke) yoke=$2; shift 2 ;;
      --backend) backend=$2; shift 2 ;;
      --loadgen) loadgen=$2; shift 2 ;;
      *) pass+=("$1"); shift ;;
    esac
  done
}

# Builds (make build) unless every binary was given.
bench_build_missing() {
  if [ -z "$yoke" ] || [ -z "$backend" ] || [ -z "$loadgen" ]; then
    make build >/dev/null
    yoke=${yoke:-build/yoke}
    backend=${backend:-build/yoke-demo-backend}
    loadgen=${loadgen:-build/yoke-loadgen}
  fi
  # Many connections need descriptors (hard limit here: 20000); the proxies inherit this.
  ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}

# bench_run_driver bench/x.py ARGS...: runs it in the background and waits, forwarding stops.
bench_run_driver() {
  driver=""
  stop_driver() {
    if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
      kill -TERM "$driver" 2>/dev/null || true
      wait "$driver" 2>/dev/null || true
    fi
  }
  trap stop_driver EXIT
  trap 'stop_driver; exit 130' INT TERM HUP
  python3 "$1" --yoke "$yoke" --backend "$backend" --loadgen "$loadgen" "${@:2}" &
  driver=$!
  local status=0
  wait "$driver" || status=$?
  driver=""
  return "$status"
}
