package policy

import (
	"reflect"
	"testing"
)

// TestCacheWarm checks that documents compiled on every CPU by Warm are
// what Compile gives one by one: the same policies and errors, each
// (name, document) once, whatever the repeats.
func TestCacheWarm(t *testing.T) {
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`
	var docs []NamedDoc
	for range 50 {
		docs = append(docs, NamedDoc{"a", []byte(sampleDoc)}, NamedDoc{"b", []byte(sampleDoc)},
			NamedDoc{"a", []byte(other)}, NamedDoc{"bad", []byte("{")})
	}
	warm := NewCache()
	warm.Warm(docs)
	if warm.Len() != 4 {
		t.Errorf("warm cache holds %d documents, want 4", warm.Len())
	}
	plain := NewCache()
	for _, d := range docs {
		want, wantErr := plain.Compile(d.Name, d.Raw)
		got, err := warm.Compile(d.Name, d.Raw)
		if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("%s: warm %v %v, plain %v %v", d.Name, got, err, want, wantErr)
		}
		if again, _ := warm.Compile(d.Name, d.Raw); again != got {
			t.Fatalf("%s compiled twice", d.Name)
		}
	}
	if warm.Len() != 4 {
		t.Errorf("Compile after Warm added documents: %d", warm.Len())
	}
}

// TestCacheHitDoesNotCopy checks that finding a compiled document does not
// copy it into a key (Build looks up every attachment of every principal).
func TestCacheHitDoesNotCopy(t *testing.T) {
	c := NewCache()
	raw := []byte(sampleDoc)
	if _, err := c.Compile("a", raw); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = c.Compile("a", raw) }); n != 0 {
		t.Errorf("a cache hit allocates %v times", n)
	}
}
