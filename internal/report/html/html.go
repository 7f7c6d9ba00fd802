// Package html renders a report as one self-contained HTML page: no CDN, no
// network, usable from file://. The summary, the per-account table, the
// compliance view and what changed since a baseline are rendered here; the
// findings list is rendered in the browser from the report's results, which
// the page carries as JSON in a <script type="application/json"> block, one
// page of rows at a time so that 20,000 results stay fast. Every value is
// escaped by html/template (and by its JavaScript-context escaping inside
// the JSON block); the script builds rows with textContent only.
package html

import (
	_ "embed"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
)

var (
	//go:embed assets/report.html.tmpl
	pageTemplate string
	//go:embed assets/style.css
	styleCSS string
	//go:embed assets/app.js
	appJS string
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
	"add":   func(a, b int) int { return a + b },
	"sev":   func(s finding.Severity) string { return string(s) },
	"stamp": func(r *report.Report) string { return r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(pageTemplate))

// PageSize is the number of findings rows shown at once.
const PageSize = 200

// view is what the template renders.
type view struct {
	R            *report.Report
	CSS          template.CSS
	JS           template.JS
	Severities   []finding.Severity
	Accounts     []accountRow
	Data         data
	Title        string
	Resolved     []report.ChangedResult
	MoreResolved int
}

type accountRow struct {
	ID, Alias string
	Fail      map[finding.Severity]int
	FailTotal int
	Pass      int
	Muted     int
	Unknown   int
}

// data is what the script reads: the results and the rule metadata.
type data struct {
	PageSize int                        `json:"page_size"`
	Results  []finding.Result           `json:"results"`
	Rules    map[string]report.RuleInfo `json:"rules"`
	New      []string                   `json:"new,omitempty"`
}

// maxResolvedRows bounds the resolved table the page renders.
const maxResolvedRows = 1000

// Write renders the page.
func Write(w io.Writer, r *report.Report) error {
	v := view{R: r, CSS: template.CSS(styleCSS), JS: template.JS(appJS), Severities: finding.Severities,
		Accounts: accounts(r), Title: title(r)}
	v.Data = data{PageSize: PageSize, Results: r.Results.Slice(), Rules: map[string]report.RuleInfo{}}
	for _, ri := range r.Rules {
		v.Data.Rules[ri.ID] = ri
	}
	if v.Data.Results == nil {
		v.Data.Results = []finding.Result{}
	}
	if r.Changes != nil {
		v.Data.New = r.Changes.New
		v.Resolved = r.Changes.Resolved
		if len(v.Resolved) > maxResolvedRows {
			v.MoreResolved = len(v.Resolved) - maxResolvedRows
			v.Resolved = v.Resolved[:maxResolvedRows]
		}
	}
	return page.Execute(w, v)
}

func title(r *report.Report) string {
	var names []string
	for _, a := range r.Accounts {
		if a.Alias != "" {
			names = append(names, a.Alias)
		} else {
			names = append(names, a.ID)
		}
	}
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	return "iamspect report: " + strings.Join(names, ", ")
}

func accounts(r *report.Report) []accountRow {
	rows := map[string]*accountRow{}
	var order []string
	get := func(id string) *accountRow {
		if a, ok := rows[id]; ok {
			return a
		}
		a := &accountRow{ID: id, Fail: map[finding.Severity]int{}}
		rows[id] = a
		order = append(order, id)
		return a
	}
	for _, a := range r.Accounts {
		get(a.ID).Alias = a.Alias
	}
	for _, res := range r.Results.All() {
		a := get(res.AccountID)
		switch res.Status {
		case finding.Fail:
			a.Fail[res.Severity]++
			a.FailTotal++
		case finding.Pass:
			a.Pass++
		case finding.Muted:
			a.Muted++
		case finding.Unknown:
			a.Unknown++
		}
	}
	sort.Strings(order)
	out := make([]accountRow, len(order))
	for i, id := range order {
		out[i] = *rows[id]
	}
	return out
}
