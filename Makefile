# Warmstart — common tasks. `make demo` and `make test` are the two commands a newcomer needs.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: all deps build release test lint format demo install bench-consumer clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The suite, warnings as errors, after the format check.
test: deps lint
	WARMSTART_WARNINGS_AS_ERRORS=1 $(SWIFT) test

# Source formatting (.swift-format: 4-space indentation, 120 columns); `make format` rewrites files to it.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests

demo: release
	@scripts/demo.sh

install: release
	PREFIX=$(PREFIX) scripts/install.sh

bench-consumer: release
	@scripts/bench-consumer.sh

clean:
	rm -rf .build
