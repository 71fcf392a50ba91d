package storetest

import (
	"testing"

	"github.com/oauthgen/oauthgen/runtime"
)

// TestMemoryStore runs the suite against the runtime's in-memory store, which
// keeps the same contract inside one process (every handle is the same store).
func TestMemoryStore(t *testing.T) {
	s := &runtime.MemoryStore{}
	Run(t, func(testing.TB) Store { return s })
}
