#!/usr/bin/env bash
# The project's test command: formatting, static analysis, then every test.
# README.md documents it and .ci/run runs exactly this. It needs Go and the
# Go module proxy (for the pinned linters) and nothing beside the clone; tests
# that read the optional third-party data in ../shared/data or drive the AWS
# CLI skip, saying why, when those are absent.
set -euo pipefail
cd "$(dirname "$0")"

unformatted="$(gofmt -l cmd internal)"
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

go vet ./...
# Pinned linters, built once into the Go build cache (configuration in
# staticcheck.conf and .golangci.yml).
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
go run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...
go test "$@" ./...
