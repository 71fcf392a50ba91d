// Package runtime is the small package that generated and dynamic oauthgen clients run
// on. It receives a connector's flow with every decision already made at generation
// time, and does the HTTP: token requests with every deviation a connector declares,
// response parsing, renewal, and the token on API calls. It depends only on the
// standard library and golang.org/x/oauth2, and speaks x/oauth2 types at its edges.
//
// The package has two audiences, and its identifiers are for one or the other.
//
// # For applications
//
// An application gets a *Client from a generated package's New (or package dynamic),
// whose methods wrap these; Runtime() gives the *Client itself. Its methods, safe for
// concurrent use:
//
//   - AuthCodeURL(state, opts...) and CodeFromCallback(query): the authorize step.
//     AuthCodeOptions work as with oauth2.Config (oauth2.AccessTypeOffline,
//     oauth2.SetAuthURLParam, oauth2.S256ChallengeOption); oauth2.VerifierOption
//     gives the challenge of the flow's PKCE method. NewState and EqualState make and
//     check the state; a callback with ?error= gives a *CallbackError.
//   - Exchange(ctx, code, opts...) and ExchangeCallback(ctx, query, opts...) (code and
//     callback_params from the callback): the code exchange, followed by the flow's
//     userinfo call.
//   - Refresh(ctx, refreshToken) and RefreshToken(ctx, token): the refresh_token grant.
//   - Token(ctx): the client_credentials grant.
//   - TokenSource(ctx, token) and HTTPClient(ctx, token): tokens renewed before
//     expiry, carried on API calls.
//   - DeviceAuth(ctx) and DeviceAccessToken(ctx, response): the device authorization
//     grant (RFC 8628), for flows with a DeviceAuthURL.
//   - Revoke(ctx, token): RFC 7009, or the provider's own request (Flow.Revocation).
//     Verify(ctx, token, method, url): a test request.
//
// RefreshTokenExpiry(token) says when a token's refresh token expires, for flows that
// model refresh-token lifetimes, so that a platform can refresh an idle connection
// before its refresh token dies.
//
// The options of New, passed through the generated New: WithHTTPClient (every
// network call uses the *http.Client in the context under oauth2.HTTPClient, else
// this one, else one with a 30 s timeout), WithTokenHook (called with each new
// token), WithStore (the token of one end-user connection lives in a TokenStore),
// WithMaxBodySize, WithLeaseTTL and WithClock.
//
// A platform serving many end users uses Connections instead, from the generated
// package's Client.Connections(store): Begin and Complete connect an end user under a
// key of the platform's choosing (state, PKCE verifier and the end user's values kept
// in the store), Token, HTTPClient and Refresh use the connection through the store
// and its lease, RefreshDue keeps idle connections alive, Disconnect ends one;
// OnToken, OnReauthNeeded, WithLogger and PendingTTL configure them.
//
// Failures are a *TokenError (IsInvalidGrant says the user must authorize again).
// Stores implement TokenStore, and Locker when shared between processes;
// MarshalToken and UnmarshalToken encode a token with everything it carries. The
// stores themselves live in store/: memstore, redisstore, pgstore.
//
// # For generated code: the Flow contract
//
// Applications never build a Flow, and never call New: generated packages and
// package dynamic do. Flow and its parts (Text with String and Func, Arg, Field,
// Path, Userinfo, APIAuth, Vars, and the enums Grant, BodyType, ClientAuth and PKCE),
// together with New, Credentials, TokenVars and Verify's method and URL, are the
// contract between oauthgen's generator and this package. They follow the generator:
// a Flow is what the generator of the same oauthgen version emits, and they may
// change between versions in ways that only matter to generated code, which is
// regenerated with them. A Flow is read-only once passed to New.
//
// # Token requests and responses
//
// Requests follow the Flow: parameter names (ClientIDKey, SecretKey, CodeKey), client
// authentication in the body, as HTTP Basic (id and secret form-encoded first, RFC
// 6749 2.3.1) or both, or without a secret: a JWT signed with Credentials.PrivateKey
// (private_key_jwt, RFC 7523 2.2) or the TLS client certificate
// Credentials.Certificate (tls_client_auth, RFC 8705), either sent to the token and
// revocation endpoints only, a form or JSON body with one fallback to the other encoding
// when the first is refused (HTTP 400/406/415 without an RFC 6749 error that shows the
// request was understood, or a 2xx answer that is not a token response), remembered
// per Client, GET with query parameters, Accept and Content-Type, extra parameters
// and headers, PKCE, without_code. Parameters are sent in Flow order.
//
// Responses may be JSON or form-encoded (by Content-Type, or by their first byte).
// The access token, refresh token, expires_in (a number or a numeric string; also
// "expires") and token_type are read at the flow's paths (a Path indexes into JSON
// arrays with numeric segments, 0.id, here as in metadata and userinfo fields);
// DefaultExpiresIn applies when the lifetime is missing or malformed (negative, zero,
// NaN, infinite, not a decimal number: then, without a default, the lifetime is
// unknown and the token is renewed only when the API refuses it). An access or
// refresh token holding a control character (CR, LF, NUL, ...) is refused. Token.Extra gives the
// fields of the object holding the access token (numbers as float64, as with x/oauth2), each Metadata field and
// userinfo field by its name (as a string, numbers exactly as sent), and each
// callback value by its name. MarshalToken and UnmarshalToken keep all of it.
//
// # Errors
//
// A failed token request returns a *TokenError naming the connector, the operation
// and the problem; when the server answered, it wraps an *oauth2.RetrieveError with
// ErrorCode and ErrorDescription from RFC 6749 5.2 or from the provider's own shape
// ({"code":40001,"message":...} with HTTP 200, {"error":{"code":..,"message":..}},
// {"ok":false,"error":..}). The outcomes, each a *TokenError with this message after
// "oauthgen: <connector>: <operation> failed: ":
//
//   - RFC 6749 error: `"invalid_grant" "description" (HTTP 400 Bad Request)`;
//     IsInvalidGrant reports it (the user must authorize again).
//   - HTTP 200 with {"code":40001,"message":"..."}: `"40001" "..." (HTTP 200 OK with an
//     error body)`: an error, not a token without a value.
//   - an HTML page: `HTTP 502 Bad Gateway with a text/html body, not a token response`.
//   - a body over the limit (default 1 MiB): `response body larger than 1048576 bytes
//     (HTTP 200 OK)`; nothing of it is parsed.
//   - malformed JSON: `malformed JSON response (HTTP 200 OK, at byte N)`.
//   - a 2xx without the access token: `no access token at "data.access_token" in the
//     response (it has fields ...)`, naming the fields, never their values.
//   - a network failure or timeout: the net/http error without query strings;
//     errors.Is(err, context.DeadlineExceeded) works.
//   - a redirect (any 3xx): `HTTP 307 redirect to host "x" not followed (...)`, its Err
//     a *RedirectError. Token, refresh, revocation, userinfo and test requests carry
//     credentials and never follow a redirect: nothing is sent again.
//   - an exchange of a PKCE flow without oauth2.VerifierOption: refused, nothing sent.
//
// A callback whose iss (RFC 9207) is not the flow's Issuer is a *CallbackError.
//
// No error of this package, and nothing fmt prints, encoding/json encodes or log/slog
// logs of its values, contains a client secret, code, PKCE verifier or token: values
// the request carried are removed from anything the server echoes, URLs lose their
// query strings, and the types that hold secrets redact them (a client secret is a
// Secret, which prints, marshals and logs as "[redacted]").
//
// # Token lifecycle
//
// A token source (TokenSource, and the one under HTTPClient) renews its token when
// less than min(30 minutes, half the token's lifetime) is left (Flow.RefreshBefore
// overrides the 30 minutes; the window never exceeds half the lifetime, so
// two-minute tokens work). Concurrent callers share one renewal. A refresh answer without a refresh token keeps the old
// one, and Extra values merge. Permanent tokens (Flow.Permanent, or no refresh token
// and no expiry) are never renewed. With WithStore the source follows the protocol
// described at Locker, so replicas sharing a store refresh a token once.
//
// API calls through HTTPClient carry the token as Flow.API says; a redirect the
// client follows to another host (or from https to http) goes on without the token,
// the API headers and the query parameters the flow adds. A 401 or 403 renews
// the token once and retries once. A token that was itself renewed because of a
// refusal is not renewed again for another one within 10 s, so an API that keeps
// refusing (a missing scope) causes no refresh storm.
package runtime
