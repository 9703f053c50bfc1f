# Yoke — the two commands: `make run` (install, build, start the demo) and `make test`
# (install, build, every test). `make build` leaves the binary at build/yoke.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
# One compiler cache for every clone on this machine (CI builds a fresh clone each time);
# BASEDIR/NOHASHDIR make cached objects reusable across clone paths.
export CCACHE_DIR ?= $(HOME)/.cache/yoke-ccache
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
CMAKE_GEN := -G Ninja

.PHONY: all deps build build-asan build-fuzz run test unit integration integration-io_uring e2e asan fuzz lint tidy format clean bench sim

all: build

deps:
	./scripts/install-deps

build: deps
	cmake -S . -B build $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

build-asan: deps
	cmake -S . -B build-asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DYOKE_SANITIZE=ON >/dev/null
	cmake --build build-asan -j $(JOBS)

build-fuzz: deps
	cmake -S . -B build-fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYOKE_FUZZ=ON \
	  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
	cmake --build build-fuzz -j $(JOBS)

run: build
	./scripts/run-demo

unit: build
	./build/yoke_unit_tests --gtest_brief=1
	./build/yoke_sim_tests --gtest_brief=1

# Every shipped simulator scenario with the policies this build has (docs/balancing.md);
# `./scripts/sim-results --update-docs` writes the tables into docs/balancing.md.
sim: build
	./scripts/sim-results

integration: build
	python3 tests/integration/run.py --yoke build/yoke --backend build/yoke-demo-backend

# Several "hosts" in network namespaces (root, keepalived): two Yoke nodes sharing a virtual IP
# fail over four ways; tests/e2e/README.md, docs/cluster.md. About a minute.
e2e: build
	python3 tests/e2e/run.py --yoke build/yoke --backend build/yoke-demo-backend

# The same suite with every Yoke on `events { use io_uring; }` (the default is epoll).
integration-io_uring: build
	python3 tests/integration/run.py --yoke build/yoke --backend build/yoke-demo-backend \
	  --events-use io_uring

asan: build-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ./build-asan/yoke_unit_tests --gtest_brief=1
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ./build-asan/yoke_sim_tests --gtest_brief=1
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  python3 tests/integration/run.py --yoke build-asan/yoke --backend build-asan/yoke-demo-backend --sanitized

# Every libFuzzer target for FUZZ_SECONDS each (eight targets x 12 s plus start-up: about two
# minutes); docs/fuzzing.md says how to run them longer.
FUZZ_SECONDS ?= 12
fuzz: build-fuzz
	./tests/fuzz/run-all build-fuzz $(FUZZ_SECONDS)

lint:
	./scripts/check-format

tidy: build
	./scripts/run-tidy build

test: build lint tidy unit integration integration-io_uring e2e asan fuzz
	@echo "make test: all passed"

bench: build
	./bench/compare

clean:
	rm -rf build build-asan build-fuzz
