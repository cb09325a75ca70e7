# Skiff: the two commands are `make run` and `make test` (see README.md).
#   make build   builds the daemon (bin/skiffd + target/quarkus-app) and skiff-shim, runs nothing
#   make run     sets up what is missing, builds, and runs skiffd in the foreground (ARGS="--log-level DEBUG")
#   make test    sets up what is missing (packages, the test user), builds, runs every test
#   make install installs into $(DESTDIR)$(PREFIX) (bin/skiffd, lib/skiffd, libexec/skiff)
SHELL := /bin/bash
.DEFAULT_GOAL := build
PREFIX ?= /usr/local
ARGS ?=
MVN_FLAGS ?= -B -q
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
JAVA_HOME_21 = $(shell dirname "$$(dirname "$$(scripts/find-java.sh)")")
MVN = JAVA_HOME="$(JAVA_HOME_21)" mvn $(MVN_FLAGS) -Dskiff.git.commit=$(GIT_COMMIT)

.PHONY: setup-build setup-test build run test test-unit test-native test-it install clean

setup-build:
	@scripts/setup-host.sh build

setup-test:
	@scripts/setup-host.sh test

build: setup-build
	$(MVN) package -DskipTests
	@echo "built: bin/skiffd (app target/quarkus-app, shim src/main/native/skiff-shim)"

run: build
	bin/skiffd $(ARGS)

test: setup-test
	@scripts/run-tests.sh

install: build
	scripts/install.sh "$(DESTDIR)$(PREFIX)"

clean:
	$(MVN) clean
	$(MAKE) -C src/main/native clean
