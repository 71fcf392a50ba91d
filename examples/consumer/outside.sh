#!/bin/sh
# outside.sh runs this example the way a user's module sits: a new module in a
# temporary directory, outside this repository, that adds oauthgen from this checkout
# with the README's steps ("Use it in your module", from a checkout), generates its
# client with go generate and runs its test, which uses oauthtest.ForConnector on its
# own connector file. A step that works only inside the repository (a relative
# replace, a "$schema" into ../schema/) fails here. The generated package and the
# schema copy must equal the ones checked in beside this script.
#
# Usage: examples/consumer/outside.sh (from anywhere; GO overrides the go command)
set -eu
GO=${GO:-go}
example=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$example/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/oauthgen-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
case "$work" in "$repo"/*) echo "outside.sh: $work is inside the repository" >&2; exit 1;; esac
cd "$work"
step() { echo "outside.sh: $*" >&2; "$@"; }

# The README's steps, in order.
step "$GO" mod init example.com/consumer
step "$GO" mod edit -require=github.com/oauthgen/oauthgen@v0.0.0 \
	-replace=github.com/oauthgen/oauthgen="$repo" \
	-tool=github.com/oauthgen/oauthgen/cmd/oauthgen
step "$GO" mod tidy
mkdir connectors
cp "$example/connectors/hubspot.json" connectors/
step "$GO" tool oauthgen schema >connectors/connector.schema.json
step "$GO" tool oauthgen validate connectors/
for f in connectors/*.json; do # "$schema" names a file beside the connector, not one in the repository
	case "$f" in *.schema.json) continue;; esac
	ref=$(sed -n 's/^ *"\$schema": *"\([^"]*\)".*/\1/p' "$f")
	[ -f "connectors/$ref" ] || { echo "outside.sh: $f: \"\$schema\": \"$ref\" is no file beside it" >&2; exit 1; }
done
cp "$example/consumer.go" "$example/consumer_test.go" .
step "$GO" generate ./...
step "$GO" mod tidy

# What the module produced is what is checked in.
step diff -r "$example/generated" generated
step diff "$example/connectors/connector.schema.json" connectors/connector.schema.json
step "$GO" vet ./...
step "$GO" test -race -count=1 ./...
