package snapshot

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Shard says which part of a sharded organisation collection a snapshot is:
// `iamspect collect --org --shard INDEX/COUNT` collects the member accounts
// whose ShardOf is INDEX, and Merge combines the COUNT parts into one
// snapshot of the organisation.
type Shard struct {
	// Index is the part, 1 to Count.
	Index int `json:"index"`
	// Count is how many parts the organisation is split into.
	Count int `json:"count"`
	// Run optionally names the collection run (e.g. a Kubernetes Job's
	// name): Merge refuses parts of different runs.
	Run string `json:"run,omitempty"`
}

// MaxShards bounds the shard count: more parts than AWS's largest
// organisations have accounts would only make empty parts.
const MaxShards = 10000

func (s Shard) String() string { return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count) }

// ParseShard reads "I/N" (1 ≤ I ≤ N ≤ MaxShards).
func ParseShard(text string) (Shard, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(text), "/")
	num := func(p string) (int, bool) {
		if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return 0, false
		}
		v, err := strconv.Atoi(p)
		return v, err == nil
	}
	var s Shard
	var okI, okN bool
	s.Index, okI = num(i)
	s.Count, okN = num(n)
	if !ok || !okI || !okN {
		return Shard{}, fmt.Errorf("%q: want INDEX/COUNT, e.g. 1/3", text)
	}
	return s, s.Validate()
}

// Validate checks 1 ≤ Index ≤ Count ≤ MaxShards.
func (s Shard) Validate() error {
	switch {
	case s.Count < 1:
		return fmt.Errorf("%s: the shard count must be at least 1", s)
	case s.Count > MaxShards:
		return fmt.Errorf("%s: at most %d shards", s, MaxShards)
	case s.Index < 1 || s.Index > s.Count:
		return fmt.Errorf("%s: the shard index must be 1 to %d", s, s.Count)
	}
	return nil
}

// ShardOf returns the shard (1 to count) an account belongs to: the first
// eight bytes of the SHA-256 of its 12-digit ID, as a big-endian number,
// modulo count, plus one (FNV-1a spread AWS's sequential-looking IDs
// unevenly). It depends only on
// the ID and count, so every collector of a run, on any machine and of any
// version, agrees on it; accounts joining or leaving the organisation do not
// move the others.
func ShardOf(accountID string, count int) int {
	if count <= 1 {
		return 1
	}
	sum := sha256.Sum256([]byte(accountID))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(count)) + 1
}

// Contains reports whether the account belongs to this shard.
func (s Shard) Contains(accountID string) bool { return ShardOf(accountID, s.Count) == s.Index }

// errNotAPart is returned for a snapshot that is no shard part.
var errNotAPart = errors.New("not a part of a sharded collection (no source.shard): collect the parts with 'iamspect collect --org --shard I/N'")
