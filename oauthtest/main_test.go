package oauthtest_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind (a response body
// not closed, a refresh left waiting).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
