// Package difftest holds the differential test of generated and dynamic clients: for
// every connector in connectors/, the generated package's client and the dynamic
// client (package dynamic, the same connector interpreted at run time) run the same
// flow — authorize URL, callback, exchange, metadata, base URL, test request, API call,
// refresh, expiry, a 401 answered by one refresh and retry, revocation — against the
// same deterministic fake provider, and every request they send must be identical byte
// for byte (method, URL, headers, body), as must every token they return.
//
// The fake provider is a recording transport (internal/reqrec) that answers each
// request with values derived from the connector's model, so nothing needs masking.
//
// What is checked where: this package owns every comparison of the two clients
// (requests, results, method sets, in methods_test.go); it does not ask whether a
// provider would accept the requests, since its provider accepts everything. The
// end-to-end test in generated/ does that for the generated clients, against
// oauthtest enforcing each connector's declared quirks, and connectors/e2e_test.go
// (through internal/e2e) for the dynamic client; neither compares the two. The
// helpers all of them share (loading, end-user values, fake values) are
// internal/e2e's.
//
// The generated clients come from internal/registry, which maps each connector file to
// its generated package's New; it is generated with generated/ (make generate) and a
// test in generator fails when it is stale.
package difftest
