package policy

import "sync"

// Cache compiles each distinct document once. An account attaches the same
// managed policy to many principals; a scan should parse it once. Safe for
// concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	p   *Policy
	err error
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{entries: map[string]cacheEntry{}} }

// Compile parses and compiles raw (any form Parse accepts), or returns the
// Policy compiled earlier for the same name and bytes.
func (c *Cache) Compile(name string, raw []byte) (*Policy, error) {
	key := name + "\x00" + string(raw)
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return e.p, e.err
	}
	p, err := ParseAndCompile(name, raw)
	c.mu.Lock()
	if prev, ok := c.entries[key]; ok {
		p, err = prev.p, prev.err // another goroutine won the race
	} else {
		c.entries[key] = cacheEntry{p, err}
	}
	c.mu.Unlock()
	return p, err
}

// Len returns the number of distinct documents compiled.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
