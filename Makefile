# Peel: a police record management system. `make run` builds and serves with demo data;
# `make test` runs every test (embedded SQLite, PostgreSQL and Chromium).

PEEL_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export PEEL_TEST_POSTGRES

.PHONY: build run test bench bench-dedupe bench-analysis bench-incidents bench-all lint assets clean

build: assets
	go build -o bin/peel ./cmd/peel

run: build
	./bin/peel serve --demo

test: assets
	go vet ./...
	go test -count=1 -timeout 20m ./...

# Each benchmark prints its figures beside a baseline from the same run. They need PostgreSQL at
# PEEL_TEST_POSTGRES and take minutes (bench-analysis builds a 200,000-person force: most of an hour).
bench: assets
	go run ./bench/cmd/peelbench

bench-dedupe:
	go run ./bench/cmd/peelbench-dedupe

bench-analysis:
	go run ./bench/cmd/peelbench-analysis

bench-incidents:
	go run ./bench/cmd/peelbench-incidents

bench-all: bench bench-dedupe bench-analysis bench-incidents

lint:
	test -z "$$(gofmt -l .)"
	go vet ./...

# Front-end libraries come from npm and are copied into the embedded static folder.
assets: web/static/vendor/.stamp

web/static/vendor/.stamp: package.json package-lock.json web/vendor.sh
	npm ci --no-audit --no-fund --loglevel=error
	sh web/vendor.sh
	touch $@

clean:
	rm -rf bin web/static/vendor node_modules
