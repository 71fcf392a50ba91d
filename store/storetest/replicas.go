package storetest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthgen/oauthgen/oauthtest"
	"github.com/oauthgen/oauthgen/runtime"
)

// Environment of a replica process (the test binary started again by Replicas).
const (
	envRole       = "OAUTHGEN_REPLICA_ROLE" // "worker" or "victim"
	envTokenURL   = "OAUTHGEN_REPLICA_TOKEN_URL"
	envKey        = "OAUTHGEN_REPLICA_KEY"
	envAccess     = "OAUTHGEN_REPLICA_ACCESS"
	envRefresh    = "OAUTHGEN_REPLICA_REFRESH"
	envGoroutines = "OAUTHGEN_REPLICA_GOROUTINES"
	envLeaseTTL   = "OAUTHGEN_REPLICA_LEASE_TTL"
)

const (
	replicaID     = "replica-client"
	replicaSecret = "replica-secret-Zq9"
)

// replicaFlow is an RFC 6749 flow whose token endpoint is tokenURL.
func replicaFlow(tokenURL string) *runtime.Flow {
	return &runtime.Flow{
		Connector:    "Replicas",
		TokenURL:     runtime.String(tokenURL),
		ExchangeArgs: []runtime.Arg{{Key: "grant_type", Value: runtime.String("authorization_code")}},
		RefreshArgs:  []runtime.Arg{{Key: "grant_type", Value: runtime.String("refresh_token")}},
	}
}

// replicaResult is what a worker replica reports on its standard output.
type replicaResult struct {
	Tokens map[string]int // fingerprint of the access token obtained -> callers
	Errors []string
}

// Replicas is the multi-process test of a shared store. Call it from a top-level
// test function (TestReplicas) and nothing else: the test binary is started again,
// with that test selected, to play the replicas, and in those processes Replicas
// plays one replica instead of running the test.
//
// AllExpired: 4 OS processes x 50 goroutines, each goroutine with its own token
// source (Client.TokenSource) holding the same expired token, against an oauthtest
// provider that rotates refresh tokens and rejects reuse. Exactly one refresh may
// reach the provider, none may get invalid_grant, every caller must get the new
// token, and the store must hold it.
//
// ConnectionsAllExpired: AllExpired with runtime.Connections, one per process (as a
// service has), 50 goroutines each calling Token(ctx, key) on the expired
// connection: the same guarantees.
//
// HolderKilled: one replica takes the lease and is killed (SIGKILL) while its
// refresh request is about to leave; 3 replicas x 50 goroutines wait. One of them
// takes over once the lease expires; the same guarantees hold, and the connection
// still works afterwards (API call and a further refresh).
func Replicas(t *testing.T, open Open) {
	if role := os.Getenv(envRole); role != "" {
		replica(t, role, open)
		return
	}
	t.Run("AllExpired", func(t *testing.T) { testAllExpired(t, open, "worker") })
	t.Run("ConnectionsAllExpired", func(t *testing.T) { testAllExpired(t, open, "connections") })
	t.Run("HolderKilled", func(t *testing.T) { testHolderKilled(t, open) })
}

// replica plays one replica process.
func replica(t *testing.T, role string, open Open) {
	s := open(t)
	ttl, _ := time.ParseDuration(os.Getenv(envLeaseTTL))
	n, _ := strconv.Atoi(os.Getenv(envGoroutines))
	key := os.Getenv(envKey)
	expired := &oauth2.Token{
		AccessToken:  os.Getenv(envAccess),
		RefreshToken: os.Getenv(envRefresh),
		TokenType:    "Bearer",
		Expiry:       time.Now().Add(-time.Hour),
	}
	creds := runtime.Credentials{ClientID: replicaID, ClientSecret: replicaSecret}
	opts := []runtime.Option{runtime.WithStore(s, key), runtime.WithLeaseTTL(ttl)}
	if role == "victim" {
		// The victim's token request never leaves: it says so and waits to be killed.
		opts = append(opts, runtime.WithHTTPClient(&http.Client{Transport: stall{}}))
	}
	c := runtime.New(replicaFlow(os.Getenv(envTokenURL)), creds, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if role == "victim" {
		_, err := c.TokenSource(ctx, expired).Token()
		fmt.Printf("VICTIM-SURVIVED %v\n", err)
		return
	}
	token := func() (*oauth2.Token, error) { return c.TokenSource(ctx, expired).Token() }
	if role == "connections" {
		build := func(map[string]any) (*runtime.Client, error) {
			return runtime.New(replicaFlow(os.Getenv(envTokenURL)), creds, runtime.WithLeaseTTL(ttl)), nil
		}
		cs := runtime.NewConnections("Replicas", build, s)
		token = func() (*oauth2.Token, error) { return cs.Token(ctx, key) }
	}
	fmt.Println("READY")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatalf("replica: waiting for the start signal: %v", err)
	}
	var mu sync.Mutex
	res := replicaResult{Tokens: map[string]int{}}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			tok, err := token()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Errors = append(res.Errors, err.Error())
				return
			}
			res.Tokens[tokenID(tok)]++
		})
	}
	wg.Wait()
	b, _ := json.Marshal(res)
	fmt.Printf("RESULT %s\n", b)
}

// stall is the victim's transport: it announces the refresh and blocks.
type stall struct{}

func (stall) RoundTrip(r *http.Request) (*http.Response, error) {
	fmt.Println("HOLDING")
	<-r.Context().Done()
	return nil, r.Context().Err()
}

// proc is a running replica process.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *strings.Builder
	done   chan error
}

// setup is one scenario's provider, key and starting token.
type setup struct {
	p       *oauthtest.Provider
	key     string
	start   oauthtest.Issued
	leaseMS time.Duration
}

func newSetup(t *testing.T, open Open, latency, ttl time.Duration) *setup {
	p := oauthtest.New(oauthtest.Config{
		ClientID:     replicaID,
		ClientSecret: replicaSecret,
		Rotation:     oauthtest.Rotate,
		ExpiresIn:    time.Hour,
		Latency:      latency,
	})
	t.Cleanup(p.Close)
	su := &setup{p: p, key: Key(t), start: p.IssueToken(), leaseMS: ttl}
	expired := &oauth2.Token{AccessToken: su.start.AccessToken, RefreshToken: su.start.RefreshToken, TokenType: "Bearer", Expiry: time.Now().Add(-time.Hour)}
	if err := open(t).Save(t.Context(), su.key, nil, expired); err != nil {
		t.Fatalf("seeding the store: %v", err)
	}
	return su
}

var topName = regexp.MustCompile(`^[^/]+`)

func (su *setup) spawn(t *testing.T, role string, goroutines int) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(topName.FindString(t.Name()))+"$", "-test.count=1", "-test.timeout=2m")
	cmd.Env = append(os.Environ(),
		envRole+"="+role,
		envTokenURL+"="+su.p.TokenURL(),
		envKey+"="+su.key,
		envAccess+"="+su.start.AccessToken,
		envRefresh+"="+su.start.RefreshToken,
		envGoroutines+"="+strconv.Itoa(goroutines),
		envLeaseTTL+"="+su.leaseMS.String(),
	)
	pr := &proc{cmd: cmd, lines: make(chan string, 16), stderr: &strings.Builder{}, done: make(chan error, 1)}
	cmd.Stderr = &syncWriter{b: pr.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if pr.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting a replica: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			pr.lines <- sc.Text()
		}
		close(pr.lines)
		pr.done <- cmd.Wait()
	}()
	return pr
}

type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// expect waits for a line starting with prefix and returns the rest.
func (pr *proc) expect(t *testing.T, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-pr.lines:
			if !ok {
				t.Fatalf("replica exited before saying %s; stderr:\n%s", prefix, pr.cmd.Stderr.(*syncWriter))
			}
			if rest, found := strings.CutPrefix(l, prefix); found {
				return strings.TrimSpace(rest)
			}
		case <-deadline:
			t.Fatalf("replica did not say %s within %v; stderr:\n%s", prefix, timeout, pr.cmd.Stderr.(*syncWriter))
		}
	}
}

// runWorkers starts n worker replicas of g goroutines, waits until all are
// ready, releases them at once and returns their merged results.
func (su *setup) runWorkers(t *testing.T, n, g int, started func()) replicaResult {
	t.Helper()
	return su.runWorkersAs(t, "worker", n, g, started)
}

// runWorkersAs is runWorkers with replicas playing role.
func (su *setup) runWorkersAs(t *testing.T, role string, n, g int, started func()) replicaResult {
	t.Helper()
	procs := make([]*proc, n)
	for i := range procs {
		procs[i] = su.spawn(t, role, g)
	}
	for _, pr := range procs {
		pr.expect(t, "READY", time.Minute)
	}
	for _, pr := range procs {
		io.WriteString(pr.stdin, "GO\n")
	}
	if started != nil {
		started()
	}
	all := replicaResult{Tokens: map[string]int{}}
	for _, pr := range procs {
		var r replicaResult
		if err := json.Unmarshal([]byte(pr.expect(t, "RESULT", time.Minute)), &r); err != nil {
			t.Fatalf("replica result: %v", err)
		}
		for k, v := range r.Tokens {
			all.Tokens[k] += v
		}
		all.Errors = append(all.Errors, r.Errors...)
		if err := <-pr.done; err != nil {
			t.Fatalf("replica process: %v; stderr:\n%s", err, pr.cmd.Stderr.(*syncWriter))
		}
	}
	return all
}

// check asserts the guarantees: one refresh, no invalid_grant, every caller has
// the stored token, and the stored token works with the provider.
func (su *setup) check(t *testing.T, open Open, res replicaResult, callers int) {
	t.Helper()
	st := su.p.Stats()
	if st.Refreshes != 1 {
		t.Errorf("the provider saw %d refresh requests, want 1", st.Refreshes)
	}
	if st.InvalidGrants != 0 {
		t.Errorf("the provider answered invalid_grant %d times, want 0", st.InvalidGrants)
	}
	if len(res.Errors) > 0 {
		t.Errorf("%d callers failed; first: %s", len(res.Errors), res.Errors[0])
	}
	s := open(t)
	stored, err := s.Load(t.Context(), su.key)
	if err != nil {
		t.Fatalf("loading the stored token: %v", err)
	}
	if stored.AccessToken == su.start.AccessToken {
		t.Fatal("the store still holds the expired token")
	}
	if got := res.Tokens[tokenID(stored)]; got != callers || len(res.Tokens) != 1 {
		t.Errorf("%d of %d callers got the stored token (%d distinct tokens)", got, callers, len(res.Tokens))
	}
	// The connection still works: the stored access token opens the API, and its
	// refresh token is the live one.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, su.p.APIURL("/me"), nil)
	req.Header.Set("Authorization", "Bearer "+stored.AccessToken)
	resp, err := su.p.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("API call with the stored token: %s", resp.Status)
	}
	c := runtime.New(replicaFlow(su.p.TokenURL()), runtime.Credentials{ClientID: replicaID, ClientSecret: replicaSecret}, runtime.WithHTTPClient(su.p.Client()))
	if _, err := c.RefreshToken(t.Context(), stored); err != nil {
		t.Errorf("refreshing with the stored refresh token: %v", err)
	}
}

func testAllExpired(t *testing.T, open Open, role string) {
	// The provider's latency keeps the refresh in flight while the others pile up.
	su := newSetup(t, open, 100*time.Millisecond, 10*time.Second)
	var start time.Time
	res := su.runWorkersAs(t, role, 4, 50, func() { start = time.Now() })
	t.Logf("200 callers in 4 processes had the refreshed token %v after the start signal (provider latency 100ms)", time.Since(start))
	su.check(t, open, res, 200)
}

func testHolderKilled(t *testing.T, open Open) {
	const ttl = 2 * time.Second
	su := newSetup(t, open, 0, ttl)
	victim := su.spawn(t, "victim", 1)
	victim.expect(t, "HOLDING", time.Minute)
	held := time.Now()
	res := su.runWorkers(t, 3, 50, func() {
		time.Sleep(200 * time.Millisecond) // the workers are waiting for the lease
		if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Errorf("killing the lease holder: %v", err)
		}
	})
	if took := time.Since(held); took < ttl-100*time.Millisecond {
		t.Errorf("the waiters finished %v after the victim took the lease, before its %v TTL ended", took, ttl)
	}
	if err := <-victim.done; err == nil {
		t.Error("the victim was not killed")
	}
	su.check(t, open, res, 150)
}

// tokenID tells the replicas' tokens apart in their reports without printing
// them: the hex SHA-256 of the access token.
func tokenID(t *oauth2.Token) string {
	sum := sha256.Sum256([]byte(t.AccessToken))
	return hex.EncodeToString(sum[:])
}
