# Peel: a police record management system. `make run` builds and serves with demo data;
# `make test` runs every test (embedded SQLite, PostgreSQL and Chromium).

PEEL_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
export PEEL_TEST_POSTGRES

.PHONY: build run test bench lint assets clean

build: assets
	go build -o bin/peel ./cmd/peel

run: build
	./bin/peel serve --demo

test: assets
	go vet ./...
	go test -count=1 -timeout 20m ./...

bench: assets
	go run ./bench/cmd/peelbench

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
