package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/iamspect/iamspect/internal/demo"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/scan"
	"github.com/iamspect/iamspect/internal/snapshot"
)

// A report always says which clock its ages were measured against (schema
// 2.2): --as-of, the credential report, the collection time or the demo's,
// per account, with the latest as the report's when accounts differ.
func TestReportStatesItsClock(t *testing.T) {
	collected := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	generated := time.Date(2026, 2, 28, 8, 30, 0, 0, time.FixedZone("CET", 3600))
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	oneAccount := func(cr *time.Time) *snapshot.Snapshot {
		s := snapshot.NewBuilder("123456789012", collected).Build()
		s.Accounts[0].CredentialReportGeneratedAt = cr
		return s
	}
	mixed := oneAccount(&generated)
	other := snapshot.NewBuilder("210987654321", collected).Build()
	mixed.Accounts = append(mixed.Accounts, other.Accounts[0])
	cases := []struct {
		name     string
		s        *snapshot.Snapshot
		asOf     time.Time
		want     time.Time
		source   string
		accounts []string
	}{
		{"collection time", oneAccount(nil), time.Time{}, collected, report.AsOfCollection, []string{report.AsOfCollection}},
		{"credential report", oneAccount(&generated), time.Time{}, generated.UTC(), report.AsOfCredentialReport, []string{report.AsOfCredentialReport}},
		{"--as-of", oneAccount(&generated), asOf, asOf, report.AsOfOption, []string{report.AsOfOption}},
		{"accounts differ", mixed, time.Time{}, collected, report.AsOfMixed, []string{report.AsOfCredentialReport, report.AsOfCollection}},
		{"demo", demo.Snapshot(), time.Time{}, demo.CollectedAt, report.AsOfDemo, []string{report.AsOfDemo, report.AsOfDemo}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := report.New(c.s, &scan.Outcome{}, "v", collected.Add(time.Hour), c.asOf)
			if r.AsOf == nil || !r.AsOf.Equal(c.want) || r.AsOf.Location() != time.UTC || r.AsOfSource != c.source {
				t.Fatalf("as_of %v (%s), want %v (%s)", r.AsOf, r.AsOfSource, c.want, c.source)
			}
			var got []string
			for _, a := range r.Accounts {
				if a.AsOf == nil {
					t.Fatalf("account %s has no as_of", a.ID)
				}
				got = append(got, a.AsOfSource)
			}
			if strings.Join(got, ",") != strings.Join(c.accounts, ",") {
				t.Fatalf("account sources %v, want %v", got, c.accounts)
			}
		})
	}
}

// A schema 2.1 report, written before as_of was always set, still loads:
// its clock is simply unknown.
func TestSchema21ReportLoadsWithoutClock(t *testing.T) {
	in := `{"schema_version":"2.1","tool":{"name":"iamspect","version":"0.9"},"generated_at":"2026-01-01T00:00:00Z",
	"source":{"kind":"files"},"accounts":[{"id":"123456789012"}],"summary":{"total":0,"fail_by_severity":{},"complete":true},
	"results":[],"rules":[],"gaps":[]}`
	r, err := report.Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != report.SchemaVersion || r.AsOf != nil || r.AsOfSource != "" || r.Accounts[0].AsOf != nil {
		t.Fatalf("loaded %+v", r)
	}
}
