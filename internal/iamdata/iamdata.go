package iamdata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed actions.txt.gz
var actionsGz []byte

// AccessLevel is the access level AWS assigns to an action in the Service
// Authorization Reference.
type AccessLevel uint8

// Access levels. Zero is deliberately not a level, so a missing value shows.
const (
	List AccessLevel = iota + 1
	Read
	Write
	PermissionsManagement
	Tagging
)

func (l AccessLevel) String() string {
	switch l {
	case List:
		return "List"
	case Read:
		return "Read"
	case Write:
		return "Write"
	case PermissionsManagement:
		return "Permissions management"
	case Tagging:
		return "Tagging"
	}
	return "Unknown"
}

// Action is one IAM action of the catalogue.
type Action struct {
	Service string // service prefix, lower case, e.g. "iam"
	Name    string // action name in AWS's spelling, e.g. "PassRole"
	Level   AccessLevel
}

// String returns "service:Name".
func (a Action) String() string { return a.Service + ":" + a.Name }

type catalogue struct {
	actions  []Action          // sorted by lower-case "service:name"
	lower    []string          // lower-case "service:name", parallel to actions
	index    map[string]int    // lower-case "service:name" -> position
	services map[string][2]int // service prefix -> [start, end) in actions
	names    []string          // sorted service prefixes
}

var (
	once sync.Once
	cat  *catalogue
)

func load() *catalogue {
	once.Do(func() {
		c, err := decode(actionsGz)
		if err != nil {
			// The file is embedded at build time and covered by tests: failing
			// here means the build itself is broken.
			panic("iamdata: embedded catalogue is corrupt: " + err.Error())
		}
		cat = c
	})
	return cat
}

func decode(gz []byte) (*catalogue, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	c := &catalogue{index: make(map[string]int, 22000), services: make(map[string][2]int, 512)}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		full, code, ok := strings.Cut(line, "\t")
		svc, name, ok2 := strings.Cut(full, ":")
		if !ok || !ok2 || len(code) != 1 {
			return nil, fmt.Errorf("bad line %q", line)
		}
		lvl := levelOf(code[0])
		if lvl == 0 {
			return nil, fmt.Errorf("bad access level in %q", line)
		}
		low := strings.ToLower(full)
		if n := len(c.lower); n > 0 && c.lower[n-1] >= low {
			return nil, fmt.Errorf("catalogue not sorted at %q", line)
		}
		pos := len(c.actions)
		c.actions = append(c.actions, Action{Service: strings.ToLower(svc), Name: name, Level: lvl})
		c.lower = append(c.lower, low)
		c.index[low] = pos
		r, seen := c.services[strings.ToLower(svc)]
		if !seen {
			r[0] = pos
			c.names = append(c.names, strings.ToLower(svc))
		}
		r[1] = pos + 1
		c.services[strings.ToLower(svc)] = r
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func levelOf(code byte) AccessLevel {
	switch code {
	case 'L':
		return List
	case 'R':
		return Read
	case 'W':
		return Write
	case 'P':
		return PermissionsManagement
	case 'T':
		return Tagging
	}
	return 0
}

// Actions returns every action, sorted case-insensitively by "service:Name".
// The slice is shared: callers must not modify it.
func Actions() []Action { return load().actions }

// Len returns the number of actions in the catalogue.
func Len() int { return len(load().actions) }

// LowerNames returns the lower-case "service:name" of every action, in the
// same order as Actions. The slice is shared: callers must not modify it.
func LowerNames() []string { return load().lower }

// Lookup finds an action by "service:Name", ignoring case.
func Lookup(action string) (Action, bool) {
	i, ok := Index(action)
	if !ok {
		return Action{}, false
	}
	return load().actions[i], true
}

// Index returns the position of the action in Actions, ignoring case.
func Index(action string) (int, bool) {
	c := load()
	i, ok := c.index[action]
	if !ok {
		i, ok = c.index[strings.ToLower(action)]
	}
	return i, ok
}

// ServiceRange returns the [start, end) positions in Actions of a service's
// actions; start == end when the service is unknown.
func ServiceRange(service string) (start, end int) {
	r := load().services[strings.ToLower(service)]
	return r[0], r[1]
}

// ServiceActions returns the actions of one service prefix, ignoring case.
// The slice is shared: callers must not modify it.
func ServiceActions(service string) []Action {
	s, e := ServiceRange(service)
	return load().actions[s:e]
}

// KnownService reports whether the service prefix appears in the catalogue.
func KnownService(service string) bool {
	_, ok := load().services[strings.ToLower(service)]
	return ok
}

// Services returns every service prefix, sorted. The slice is shared.
func Services() []string { return load().names }

// SearchPrefix returns the [start, end) range of actions whose lower-case name
// starts with prefix (which must already be lower case).
func SearchPrefix(prefix string) (start, end int) {
	low := load().lower
	start = sort.SearchStrings(low, prefix)
	end = start + sort.Search(len(low)-start, func(i int) bool {
		return !strings.HasPrefix(low[start+i], prefix)
	})
	return start, end
}
