// Package conformance holds oauthgen's conformance and fault tests: the runtime and
// generated clients run against ory/fosite (an authorization server nobody here
// wrote), side by side with golang.org/x/oauth2, and under injected faults. The
// package has no non-test code beyond this comment; fosite is a test-only dependency.
package conformance
