package conformance

import "testing"

// connectorFlows returns the resolved flow of every connector in connectors/.
// Until the model package lands this is empty and the matrix runs the hand-built flows.
func connectorFlows(t testing.TB) []matrixFlow { return nil }
