package rules

import (
	"strings"
	"sync"

	"github.com/iamspect/iamspect/internal/access"
	"github.com/iamspect/iamspect/internal/policy"
	"github.com/iamspect/iamspect/internal/snapshot"
	"github.com/iamspect/iamspect/internal/wording"
)

// modelCache keeps one effective-permission model per account for the
// duration of a scan, so that the policy rules compile each document once
// between them. The scanner hands every rule the same *Context.
type modelCache struct {
	mu       sync.Mutex
	cache    *policy.Cache
	models   map[*snapshot.Account]*access.Model
	analyses map[*snapshot.Account]*access.Analysis
	orgs     map[*snapshot.Snapshot]*orgIndex
}

// analysis returns the escalation and role-chain analysis of account a,
// shared by privilege-escalation and principal-admin-access in one scan.
func (c *Context) analysis(s *snapshot.Snapshot, a *snapshot.Account) *access.Analysis {
	m := c.model(s, a)
	if c == nil {
		return access.Analyze(m, s.ReferenceTime(a))
	}
	mc := c.models
	mc.mu.Lock()
	defer mc.mu.Unlock()
	an, ok := mc.analyses[a]
	if !ok {
		an = access.Analyze(m, c.Now(s, a))
		an.Ctx = c.Ctx
		mc.analyses[a] = an
	}
	return an
}

// Share prepares the context for rules run concurrently on it: the
// model cache exists before any of them asks for a model.
func (c *Context) Share() {
	if c.models == nil {
		c.models = newModelCache()
	}
}

func newModelCache() *modelCache {
	return &modelCache{cache: policy.NewCache(), models: map[*snapshot.Account]*access.Model{},
		analyses: map[*snapshot.Account]*access.Analysis{}, orgs: map[*snapshot.Snapshot]*orgIndex{}}
}

// model returns the effective-permission model of account a, built once
// per scan (every time when ctx is nil).
func (c *Context) model(s *snapshot.Snapshot, a *snapshot.Account) *access.Model {
	if c == nil {
		return access.Build(s, a, nil)
	}
	c.Share()
	mc := c.models
	mc.mu.Lock()
	defer mc.mu.Unlock()
	m, ok := mc.models[a]
	if !ok {
		m = access.Build(s, a, mc.cache)
		mc.models[a] = m
	}
	return m
}

// Release drops the model and analysis of account a: the scanner judges
// accounts one at a time and calls it when it is done with one, so that a
// scan holds one account's analysis, not the organisation's. The compiled
// documents are kept across accounts (AWS managed policies repeat in every
// account) until there are more than maxCachedDocuments of them.
func (c *Context) Release(a *snapshot.Account) {
	if c == nil || c.models == nil {
		return
	}
	mc := c.models
	mc.mu.Lock()
	defer mc.mu.Unlock()
	delete(mc.models, a)
	delete(mc.analyses, a)
	if mc.cache.Len() > maxCachedDocuments {
		mc.cache = policy.NewCache()
	}
}

// ReleaseAnalysis drops the access analysis of account a, keeping its
// model, and returns how many principals it analysed (0 when there was
// none): the scanner calls it once the rules that use the analysis are
// done (Rule.UsesAnalysis). A later question builds the analysis again.
func (c *Context) ReleaseAnalysis(a *snapshot.Account) int {
	if c == nil || c.models == nil {
		return 0
	}
	c.models.mu.Lock()
	defer c.models.mu.Unlock()
	an := c.models.analyses[a]
	if an == nil {
		return 0
	}
	delete(c.models.analyses, a)
	return len(an.Model.Principals)
}

// maxCachedDocuments bounds the compiled-document cache of a scan: a
// thousand accounts each bring their own customer managed and inline
// documents, which would otherwise stay compiled to the end.
const maxCachedDocuments = 4096

// principalResult builds a result about a user, group or role.
func (r *Rule) principalResult(status Status, a *snapshot.Account, p *access.Principal, format string, args ...any) Result {
	typ := TypeRole
	switch p.Kind {
	case access.KindUser:
		typ = TypeUser
	case access.KindGroup:
		typ = TypeGroup
	}
	res := r.Result(status, a.ID, typ, p.ARN, p.Name, format, args...)
	switch {
	case p.User != nil:
		res.Tags = tagMap(p.User.Tags)
	case p.Role != nil:
		res.Tags = tagMap(p.Role.Tags)
	}
	return res
}

// policyResult builds a result about a managed policy.
func (r *Rule) policyResult(status Status, a *snapshot.Account, mp *snapshot.ManagedPolicy, format string, args ...any) Result {
	return r.Result(status, a.ID, TypePolicy, mp.ARN, mp.Name, format, args...)
}

// kindLabel names a principal for messages: "IAM user alice".
func kindLabel(p *access.Principal) string {
	switch p.Kind {
	case access.KindUser:
		return "IAM user " + p.Name
	case access.KindGroup:
		return "IAM group " + p.Name
	}
	return "Role " + p.Name
}

// sourceLabel names a policy source for messages.
func sourceLabel(src access.Source) string { return sourceLabelWith(src, "") }

// sourceLabelWith names a policy source with extra text (such as the
// statements at fault) right after the policy name.
func sourceLabelWith(src access.Source, extra string) string {
	switch src.Kind {
	case access.SourceInline:
		return "inline policy " + src.Name + extra
	case access.SourceGroupInline:
		return "inline policy " + src.Name + extra + " of group " + src.Via
	case access.SourceGroupManaged:
		return managedLabel(src.ARN, src.Name) + extra + " through group " + src.Via
	case access.SourceBoundary:
		return "permissions boundary " + src.Name + extra
	case access.SourceSCP:
		return "SCP " + src.Name + extra
	}
	return managedLabel(src.ARN, src.Name) + extra
}

func managedLabel(arn, name string) string {
	if snapshot.IsAWSManagedPolicyARN(arn) {
		return "AWS managed policy " + name
	}
	return "managed policy " + name
}

// ownSources returns the principal's own identity policies: inline and
// directly attached managed policies (not those inherited from groups, which
// are reported on the group).
func ownSources(p *access.Principal) []*access.Source {
	var out []*access.Source
	for _, s := range p.Sources {
		if s.Kind == access.SourceInline || s.Kind == access.SourceManaged {
			out = append(out, s)
		}
	}
	return out
}

// attachmentIndex maps each managed policy ARN to the principals it is
// attached to directly, by label.
func attachmentIndex(m *access.Model) map[string][]string {
	idx := map[string][]string{}
	for _, p := range m.Principals {
		for _, s := range p.Sources {
			if s.Kind == access.SourceManaged {
				idx[s.ARN] = append(idx[s.ARN], kindLabel(p))
			}
		}
	}
	return idx
}

// summarize renders at most n items, then "and N more".
func summarize(items []string, n int) string {
	return summarizeCount(items, len(items), n)
}

// summarizeCount is summarize for a list of total items of which only the
// first ones (at least min(total, n)) were built.
func summarizeCount(items []string, total, n int) string {
	if total <= n {
		return joinList(items[:total])
	}
	return strings.Join(items[:n], ", ") + " and " + wording.CountAs(total-n, "more", "more")
}
