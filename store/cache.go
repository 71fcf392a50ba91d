package store

import (
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Cache keeps tokens read from a store for a short time so that callers on a valid
// token cost no round trip. A store invalidates a key when it acquires the key's
// lease (the read that decides whether to refresh must see the store) and when it
// learns that another process saved the key; a read that started before an
// invalidation never fills the cache after it. The zero Cache caches nothing.
type Cache struct {
	// TTL is how long a token read from the store is served from memory; zero
	// disables the cache.
	TTL time.Duration

	mu  sync.Mutex
	gen uint64
	m   map[string]cacheEntry
}

type cacheEntry struct {
	tok   oauth2.Token
	until time.Time
}

// Get returns a copy of the cached token for key, or nil, and the generation to
// hand to Put after reading the store on a miss.
func (c *Cache) Get(key string) (*oauth2.Token, uint64) {
	if c == nil || c.TTL <= 0 {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		return nil, c.gen
	}
	if time.Now().After(e.until) {
		delete(c.m, key)
		return nil, c.gen
	}
	t := e.tok
	return &t, c.gen
}

// Put caches tok for key, read from the store after a Get that returned gen,
// unless some key was invalidated since.
func (c *Cache) Put(key string, tok *oauth2.Token, gen uint64) {
	if c == nil || c.TTL <= 0 || tok == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	c.set(key, tok)
}

// Set caches tok for key right after this process saved it, and invalidates
// reads of key still under way.
func (c *Cache) Set(key string, tok *oauth2.Token) {
	if c == nil || c.TTL <= 0 || tok == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.set(key, tok)
}

func (c *Cache) set(key string, tok *oauth2.Token) {
	if c.m == nil {
		c.m = make(map[string]cacheEntry)
	}
	c.m[key] = cacheEntry{tok: *tok, until: time.Now().Add(c.TTL)}
}

// Invalidate drops key from the cache and keeps reads under way from filling it.
func (c *Cache) Invalidate(key string) {
	if c == nil || c.TTL <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, key)
}

// String says how many tokens the cache holds, never which.
func (c *Cache) String() string {
	if c == nil {
		return "store.Cache{}"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("store.Cache{TTL: %v, tokens: %d}", c.TTL, len(c.m))
}

// Format prints String for every verb: the tokens held stay out of any printout.
func (c *Cache) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }
