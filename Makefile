# Warmstart — common tasks. `make demo` and `make test` are the two commands a newcomer needs.
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: all deps build release test demo install bench-consumer clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) test

demo: release
	@scripts/demo.sh

install: release
	PREFIX=$(PREFIX) scripts/install.sh

bench-consumer: release
	@scripts/bench-consumer.sh

clean:
	rm -rf .build
