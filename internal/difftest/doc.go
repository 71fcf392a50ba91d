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
// The end-to-end test in generated/ runs both clients against oauthtest playing each
// provider's quirks; this one adds the exact comparison.
//
// The generated clients come from internal/registry, which maps each connector file to
// its generated package's New; it is generated with generated/ (make generate) and a
// test in generator fails when it is stale.
package difftest
