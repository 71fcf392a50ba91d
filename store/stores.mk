# Redis and PostgreSQL token stores (store/redisstore and store/pgstore, each its own
# Go module, so `go test ./...` at the root does not reach them). Their tests and
# benchmarks run beside throw-away servers started by scripts/testservers.sh, which
# installs Debian's redis-server and postgresql when they are missing, and says
# loudly when a server could not be started (the tests needing it then skip;
# under CI=true that is a failure). Included from the Makefile.

STORE_MODULES := store/redisstore store/pgstore

.PHONY: test-stores bench-stores
test: test-stores
bench: bench-stores

## test-stores: vet and race-test the store modules (contract, encryption, the
## multi-process replica test) against real Redis and PostgreSQL servers.
test-stores:
	bash scripts/testservers.sh bash -c 'set -e; for m in $(STORE_MODULES); do \
		echo "== $$m"; (cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 ./...); done'

## bench-stores: per-call cost on a valid token and hand-off of a refreshed token
## to 200 waiting callers, for Redis and PostgreSQL, beside the in-memory store.
bench-stores:
	bash scripts/testservers.sh bash -c 'set -e; for m in $(STORE_MODULES); do \
		echo "== $$m"; (cd $$m && $(GO) test -run "^$$" -bench . -benchmem ./...); done'
