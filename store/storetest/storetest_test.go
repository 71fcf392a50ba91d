package storetest

import (
	"testing"

	"github.com/oauthgen/oauthgen/store/memstore"
)

// TestMemoryStore runs the suite against the in-memory store (memstore), which
// keeps the same contract inside one process (every handle is the same store).
func TestMemoryStore(t *testing.T) {
	s := &memstore.Store{}
	Run(t, func(testing.TB) Store { return s })
}
