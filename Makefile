# oauthgen: make generate rewrites everything derived from the sources; make test is
# what CI runs (.ci/run). Shared file: helpers add their own lines to the lists below.

GO       ?= go
NPM      ?= npm
NODE     ?= node
FUZZTIME ?= 60s

# Fuzz targets run by `make fuzz`, as <package dir>:<FuzzName>. Append with +=.
FUZZ_TARGETS := ./schema:FuzzLoad ./cmd/oauthgen:FuzzValidate
FUZZ_TARGETS += ./runtime:FuzzParseTokenResponse
FUZZ_TARGETS += ./jinja:FuzzParse ./jinja:FuzzURL ./runtime:FuzzURLEscape ./internal/difftest:FuzzURLValuesAgree
FUZZ_TARGETS += ./conformance:FuzzTokenResponse ./conformance:FuzzGenerateCompile ./conformance:FuzzGenerateFields
FUZZ_TARGETS += ./model:FuzzResolve ./model:FuzzPattern ./runtime:FuzzHostSet
FUZZ_TARGETS += ./cmd/oauthgen:FuzzExplain
FUZZ_TARGETS += ./importer:FuzzFromChiefOnboarding ./importer:FuzzFromIntegrationApp ./importer:FuzzFromNango

.PHONY: all generate test vet go-test editor-test consumer-test fuzz bench tools

all: generate test

## generate: regenerate the JSON Schema from the Go types, then validate the connectors.
generate:
	$(GO) run ./schema/gen -src schema -o schema/connector.schema.json
	$(GO) run ./cmd/oauthgen validate --quiet connectors/
	$(GO) run ./cmd/oauthgen generate --quiet --prune -o generated connectors/
	$(GO) run ./internal/cmd/generate-registry
	$(GO) generate ./conformance
	cd examples/consumer && $(GO) generate ./...

## test: vet, the race-enabled Go tests (the schema staleness test and fuzz corpora
## included), and the editor test.
test: vet go-test editor-test consumer-test

vet:
	$(GO) vet ./...

go-test:
	$(GO) test -race ./...

editor-test: tools
	cd editor && $(NODE) --test

## consumer-test: examples/consumer (its own module) regenerates its client with
## go generate and the checked-in output must not change; then outside.sh builds the
## same module outside the repository with the README's steps and runs its test.
consumer-test:
	cd examples/consumer && $(GO) generate ./... && git diff --exit-code -- .
	GO=$(GO) examples/consumer/outside.sh

## tools: install the editor test's npm packages from the lock file.
tools:
	$(NPM) ci --prefix editor --no-audit --no-fund --loglevel=error

## fuzz: run each fuzz target for FUZZTIME.
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

## bench: every benchmark, with allocations.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

include store/stores.mk
