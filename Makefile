# Thin front end over CMake. Every target first installs what is missing
# (Debian packages, scripts/deps.sh), so each works from a fresh clone.
#
#   make          build (build/)
#   make run      build, then start ioasidd in the foreground
#   make test     the whole suite, then again under ASan+UBSan, the
#                 concurrency tests under TSan, and the fuzz harnesses
#   make bench    build optimised (build-bench/) and run the benchmarks;
#                 BENCH_ARGS="--json FILE" also writes DESIGN.md §7 JSON
#   make install  install libraries, headers, pkg-config files, binaries
#                 and man pages (PREFIX=/usr/local)

PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc)
BENCH_ARGS ?=
CMAKE_FLAGS = -DIOASID_WERROR=ON
CTEST       = ctest --output-on-failure -j$(JOBS)
RUN_ARGS   ?=

.PHONY: all deps build run test test-plain test-asan test-tsan test-fuzz \
	bench install clean

all: build

deps:
	@scripts/deps.sh

build/CMakeCache.txt: | deps
	cmake -S . -B build $(CMAKE_FLAGS) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps build/CMakeCache.txt
	cmake --build build -j$(JOBS)

run: build
	@scripts/run.sh $(RUN_ARGS)

test: test-plain test-asan test-tsan test-fuzz
	@echo "make test: all four runs passed"

test-plain: build
	cd build && $(CTEST) -LE fuzz

test-asan: deps
	cmake -S . -B build-asan $(CMAKE_FLAGS) -DIOASID_BENCH=OFF \
		-DCMAKE_BUILD_TYPE=Debug -DIOASID_SANITIZE=address,undefined
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1 $(CTEST) -LE fuzz

test-tsan: deps
	cmake -S . -B build-tsan $(CMAKE_FLAGS) -DIOASID_BENCH=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOASID_SANITIZE=thread
	cmake --build build-tsan -j$(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		$(CTEST) -L concurrency

test-fuzz: deps
	CC=clang cmake -S . -B build-fuzz $(CMAKE_FLAGS) -DIOASID_BENCH=OFF \
		-DIOASID_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build-fuzz -j$(JOBS)
	cd build-fuzz && $(CTEST) -L fuzz

bench: deps
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DIOASID_BENCH=ON
	cmake --build build-bench -j$(JOBS)
	build-bench/bench/ioasid-bench $(BENCH_ARGS)

install: build
	cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-tsan build-fuzz build-bench
