package finding

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fill sets every exported field of the value v points to to something not
// zero, by reflection, so that a field the codec forgets shows.
func fill(t *testing.T, v reflect.Value, seed string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(seed)
	case reflect.Int:
		v.SetInt(int64(len(seed)) + 7)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), fmt.Sprintf("%s[%d]", seed, i))
		}
		v.Set(s)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), seed)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("", 3600))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), seed+"."+v.Type().Field(i).Name)
			}
		}
	default:
		t.Fatalf("fill: %s (%s) has no filler: teach the test and the codec", seed, v.Kind())
	}
}

func roundTrip(t *testing.T, r Result) Result {
	t.Helper()
	rec, err := appendRecord(nil, &r)
	if err != nil {
		t.Fatal(err)
	}
	var got Result
	d := recordReader{intern: map[string]string{}}
	if err := d.record(rec, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// Every field of Result and Evidence survives a round trip (but Tags,
// which no report carries).
func TestCodecCoversEveryField(t *testing.T) {
	var r Result
	fill(t, reflect.ValueOf(&r).Elem(), "f")
	r.Tags = nil
	if got := roundTrip(t, r); !reflect.DeepEqual(got, r) {
		t.Fatalf("round trip:\n got %+v\nwant %+v\n evidence got %+v\nwant %+v", got, r, got.Evidence, r.Evidence)
	}
	// nil and empty slices stay what they were; optional values stay absent.
	e := Result{RuleID: "r", MissingInputs: []string{}, Evidence: &Evidence{Actions: []string{}, Path: nil}}
	if got := roundTrip(t, e); !reflect.DeepEqual(got, e) {
		t.Fatalf("empty parts: got %+v %+v", got, got.Evidence)
	}
	if got := roundTrip(t, Result{RuleID: "r"}); got.Evidence != nil || got.MissingInputs != nil {
		t.Fatalf("absent parts came back: %+v", got)
	}
}

// A record cut short or padded is refused, never read as another result.
func TestCodecRefusesDamagedRecords(t *testing.T) {
	var r Result
	fill(t, reflect.ValueOf(&r).Elem(), "f")
	rec, _ := appendRecord(nil, &r)
	d := recordReader{intern: map[string]string{}}
	var got Result
	for _, bad := range [][]byte{rec[:len(rec)-1], rec[:len(rec)/2], append(slices.Clone(rec), 0), {}} {
		if err := d.record(bad, &got); err == nil {
			t.Errorf("a damaged record of %d bytes (of %d) was read", len(bad), len(rec))
		}
	}
}

func FuzzRecord(f *testing.F) {
	var r Result
	fill(&testing.T{}, reflect.ValueOf(&r).Elem(), "f")
	rec, _ := appendRecord(nil, &r)
	f.Add(rec)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := recordReader{intern: map[string]string{}}
		var got Result
		if d.record(b, &got) != nil {
			return
		}
		// What decodes survives a round trip: the report shows the same.
		want, err := json.Marshal(got)
		if err != nil {
			return // a date JSON cannot show; appendRecord took it as binary
		}
		if back, _ := json.Marshal(roundTrip(t, got)); string(back) != string(want) {
			t.Fatalf("decoded %s, round trip gave %s", want, back)
		}
	})
}

// randomResults draws results with many ties, across few rules, accounts
// and resources.
func randomResults(rng *rand.Rand, n int, account string) []Result {
	statuses := []Status{Fail, Pass, Unknown, Muted}
	sevs := []Severity{Critical, High, Medium, Low, Info}
	out := make([]Result, n)
	for i := range out {
		out[i] = Result{RuleID: fmt.Sprintf("rule-%d", rng.IntN(4)), Status: statuses[rng.IntN(len(statuses))],
			Severity: sevs[rng.IntN(len(sevs))], AccountID: account, ResourceARN: fmt.Sprintf("arn:%d", rng.IntN(3)),
			Message: fmt.Sprintf("message %s %d", account, i)}
		if rng.IntN(3) == 0 {
			out[i].AccountID = fmt.Sprintf("%012d", rng.IntN(3)) // another account's resource
		}
	}
	return out
}

// A spilled list reads back every result, in the order a stable sort of
// the runs' concatenation gives, ties going to the earlier run, on every
// pass.
func TestSpoolMergesRunsInReportOrder(t *testing.T) {
	dir := t.TempDir()
	sp, err := NewSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("the spool's file is still in its directory: %v", left)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var all []Result
	for run := range 40 {
		rs := randomResults(rng, rng.IntN(60), fmt.Sprintf("%012d", run%7))
		all = append(all, rs...)
		if err := sp.Add(slices.Clone(rs)); err != nil {
			t.Fatal(err)
		}
	}
	l, err := sp.List()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	Sort(all)
	if !l.Spilled() || l.Len() != len(all) {
		t.Fatalf("spilled %v, %d results, want %d", l.Spilled(), l.Len(), len(all))
	}
	for pass := range 2 {
		got := l.Slice()
		if !reflect.DeepEqual(got, all) {
			for i := range got {
				if !reflect.DeepEqual(got[i], all[i]) {
					t.Fatalf("pass %d: result %d is %+v, want %+v", pass, i, got[i], all[i])
				}
			}
			t.Fatalf("pass %d: %d results, want %d", pass, len(got), len(all))
		}
	}
	// All stops when asked to, and numbers the results.
	n := 0
	for i := range l.All() {
		if i != n {
			t.Fatalf("position %d at step %d", i, n)
		}
		if n++; n == 5 {
			break
		}
	}
	checkBatches(t, l, all)
	// The JSON of a spilled list is the JSON of its slice.
	a, _ := json.Marshal(l)
	b, _ := json.Marshal(all)
	if string(a) != string(b) {
		t.Fatal("the JSON of the spilled list differs from its results'")
	}
}

// A list in memory is its slice; it marshals an empty list as [].
func TestListInMemory(t *testing.T) {
	rs := []Result{{RuleID: "b"}, {RuleID: "a"}}
	l := ListOf(rs)
	if l.Spilled() || l.Len() != 2 || &l.Slice()[0] != &rs[0] {
		t.Fatal("a list in memory is not its slice")
	}
	if b, _ := json.Marshal(List{}); string(b) != "[]" {
		t.Fatalf("empty list marshals as %s", b)
	}
	checkBatches(t, ListOf(randomResults(rand.New(rand.NewPCG(3, 4)), 23, "111122223333")), nil)
	var back List
	if err := json.Unmarshal([]byte(`[{"rule_id":"x","status":"FAIL"}]`), &back); err != nil || back.Len() != 1 || back.Slice()[0].RuleID != "x" {
		t.Fatalf("unmarshal: %v %+v", err, back)
	}
}

// checkBatches: Batches cuts the list into runs of the size asked for but
// the last, which together are the list (want, when not nil).
func checkBatches(t *testing.T, l List, want []Result) {
	t.Helper()
	if want == nil {
		want = l.Slice()
	}
	for _, n := range []int{1, 7, len(want), len(want) + 1} {
		var got []Result
		runs := 0
		for run := range l.Batches(n) {
			if len(run) == 0 || len(run) > n || (len(got)+len(run) < len(want) && len(run) != n) {
				t.Fatalf("batches of %d: run %d holds %d", n, runs, len(run))
			}
			got = append(got, run...)
			runs++
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("batches of %d: %d results in %d runs, want %d", n, len(got), runs, len(want))
		}
	}
}
