package snapshot

import "testing"

// The migrations form one chain from 1.0 to SchemaVersion.
func TestMigrationChain(t *testing.T) {
	if migrations[0].from != (version{1, 0}) {
		t.Errorf("chain starts at %s, want 1.0 (what \"1\" means)", migrations[0].from)
	}
	for i, m := range migrations {
		if !m.from.less(m.to) || m.why == "" || m.apply == nil {
			t.Errorf("migration %d (%s to %s) is incomplete", i, m.from, m.to)
		}
		if i > 0 && migrations[i-1].to != m.from {
			t.Errorf("migration %d starts at %s, the one before ends at %s", i, m.from, migrations[i-1].to)
		}
	}
	if last := migrations[len(migrations)-1].to; last != current {
		t.Errorf("chain ends at %s, SchemaVersion is %s", last, SchemaVersion)
	}
}

func TestParseVersion(t *testing.T) {
	good := map[string]version{"1": {1, 0}, "1.0": {1, 0}, "1.1": {1, 1}, "1.12": {1, 12}, "2": {2, 0}}
	for s, want := range good {
		if v, err := parseVersion(s); err != nil || v != want {
			t.Errorf("%q: %v %v, want %v", s, v, err, want)
		}
	}
	for _, s := range []string{"", ".", "1.", ".1", "1.1.1", "v1", "-1", "1.-1", " 1", "1e3", "99999", "１"} {
		if v, err := parseVersion(s); err == nil {
			t.Errorf("%q parsed as %v", s, v)
		}
	}
}
