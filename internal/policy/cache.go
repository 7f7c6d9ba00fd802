package policy

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Cache compiles each distinct document once. An account attaches the same
// managed policy to many principals; a scan should parse it once. Safe for
// concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

// cacheKey is a document and its name. A lookup indexes with the
// document's bytes without copying them (string(raw) in a map index does
// not allocate).
type cacheKey struct{ name, doc string }

type cacheEntry struct {
	p   *Policy
	err error
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{entries: map[cacheKey]cacheEntry{}} }

// Compile parses and compiles raw (any form Parse accepts), or returns the
// Policy compiled earlier for the same name and bytes.
func (c *Cache) Compile(name string, raw []byte) (*Policy, error) {
	c.mu.Lock()
	e, ok := c.entries[cacheKey{name, string(raw)}]
	c.mu.Unlock()
	if ok {
		return e.p, e.err
	}
	p, err := ParseAndCompile(name, raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.entries[cacheKey{name, string(raw)}]; ok {
		return prev.p, prev.err // another goroutine won the race
	}
	c.entries[cacheKey{name, string(raw)}] = cacheEntry{p, err}
	return p, err
}

// NamedDoc is a document and the name it is compiled under, for Warm.
type NamedDoc struct {
	Name string
	Raw  []byte
}

// Warm compiles the documents not yet in the cache on every CPU, so that
// the Compile calls that follow find them (in whatever order they come).
func (c *Cache) Warm(docs []NamedDoc) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(docs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(docs); i = int(next.Add(1)) - 1 {
				_, _ = c.Compile(docs[i].Name, docs[i].Raw)
			}
		})
	}
	wg.Wait()
}

// Len returns the number of distinct documents compiled.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
