package table

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/iamspect/iamspect/internal/finding"
	"github.com/iamspect/iamspect/internal/report"
	"github.com/iamspect/iamspect/internal/rules"
	"github.com/iamspect/iamspect/internal/wording"
)

// group is the failing results of one principal (or other resource) or one
// account, most important first.
type group struct {
	head    string
	results []rules.Result
}

// byKey prints failing results grouped by principal or by account (--group-by),
// answering "what is wrong with alice?": groups and the results in them in
// finding.Rank order, so the worst principal comes first.
func (p *printer) byKey(r *report.Report, failing []rules.Result, by string) {
	ranked := append([]rules.Result(nil), failing...)
	finding.Rank(ranked)
	var groups []*group
	index := map[string]*group{}
	for _, res := range ranked {
		key, head := p.principalKey(res)
		if by == GroupByAccount {
			key, head = res.AccountID, accountHead(r, res.AccountID)
		}
		g := index[key]
		if g == nil {
			g = &group{head: head}
			index[key] = g
			groups = append(groups, g)
		}
		g.results = append(g.results, res)
	}
	if len(groups) == 0 {
		return
	}
	title, one, many := "FAILING BY PRINCIPAL", "principal or other resource", "principals and other resources"
	if by == GroupByAccount {
		title, one, many = "FAILING BY ACCOUNT", "account", "accounts"
	}
	p.printf("%s\n", p.paint(bold, wrap(fmt.Sprintf("%s (%s on %s, worst first)", title,
		wording.Count(len(failing), "result"), wording.CountAs(len(groups), one, many)), 0, 4, p.opt.Width)))
	for _, g := range groups {
		p.printf("  %s\n", p.paint(bold, wrap(g.head+" — "+severityCounts(g.results), 2, 4, p.opt.Width)))
		for _, res := range g.results {
			mark := "✗ " + strings.ToUpper(string(res.Severity))
			text := res.RuleID
			if by == GroupByAccount {
				text += " " + clip(res.ResourceName, maxLabel)
			}
			p.item(p.paint(sevColor[res.Severity], mark), utf8.RuneCountInString(mark), text+": "+res.Message)
		}
	}
	p.printf("  %s\n\n", p.paint(dim, "How to fix each: iamspect rules show RULE-ID"))
}

// principalKey identifies a result's resource across accounts, and names it
// with its kind: "alice (user)", "<root_account> (root, 111122223333)".
func (p *printer) principalKey(res rules.Result) (string, string) {
	head := clip(res.ResourceName, maxLabel) + " (" + kindOf(res.ResourceType)
	if p.multi {
		head += ", " + res.AccountID
	}
	return res.AccountID + "\x00" + res.ResourceType + "\x00" + res.ResourceARN, head + ")"
}

func accountHead(r *report.Report, id string) string {
	for _, a := range r.Accounts {
		if a.ID == id && a.Alias != "" {
			return id + " (" + a.Alias + ")"
		}
	}
	return id
}

// kindOf names a resource type for people: AWS::IAM::User is "user".
func kindOf(resourceType string) string {
	switch resourceType {
	case finding.TypeUser:
		return "user"
	case finding.TypeRole:
		return "role"
	case finding.TypeGroup:
		return "group"
	case finding.TypeRoot:
		return "root user"
	case finding.TypePolicy:
		return "managed policy"
	case finding.TypeAccount:
		return "account"
	case finding.TypeOrg:
		return "organisation"
	case "":
		return "resource"
	}
	parts := strings.Split(resourceType, "::")
	return parts[len(parts)-1]
}

// severityCounts is "3 failing: 1 high, 2 medium".
func severityCounts(rs []rules.Result) string {
	n := map[rules.Severity]int{}
	for _, res := range rs {
		n[res.Severity]++
	}
	var parts []string
	for _, sev := range rules.Severities {
		if n[sev] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[sev], sev))
		}
	}
	return fmt.Sprintf("%d failing: %s", len(rs), strings.Join(parts, ", "))
}
