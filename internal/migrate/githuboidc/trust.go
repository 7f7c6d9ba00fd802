package githuboidc

import (
	"encoding/json"
	"sort"
	"strings"
)

// GitHub's OIDC issuer and the audience configure-aws-credentials asks for.
const (
	Issuer   = "token.actions.githubusercontent.com"
	Audience = "sts.amazonaws.com"
)

// Subjects is the set of sub claims a role must accept, with why.
type Subjects struct {
	Values []string
	// Notes say where the plan pinned narrower than the workflow runs
	// (every branch → the default branch) and what it could not resolve.
	Notes []string
}

func (s *Subjects) add(v string) {
	for _, x := range s.Values {
		if x == v {
			return
		}
	}
	s.Values = append(s.Values, v)
}

func (s *Subjects) note(n string) {
	for _, x := range s.Notes {
		if x == n {
			return
		}
	}
	s.Notes = append(s.Notes, n)
}

// subjectsFor returns the classic sub claims (repo:OWNER/REPO:...) of the
// tokens a job gets: its environment when it has one (GitHub then puts the
// environment in the sub), else one per branch or tag its workflow's
// triggers allow. A trigger that allows every ref is pinned to the default
// branch, and the note says so. A reusable workflow takes its callers'.
func (r *Repo) subjectsFor(wf *Workflow, j *Job, seen map[string]bool) Subjects {
	var s Subjects
	prefix := "repo:" + r.Name + ":"
	if j != nil {
		if envs := jobEnvironments(j); len(envs) > 0 {
			for _, e := range envs {
				s.add(prefix + "environment:" + e)
			}
			return s
		}
		if j.Environment != "" {
			s.note("job " + j.ID + " of " + wf.Path + ": environment " + j.Environment + " is an expression iamspect cannot resolve; the trust is pinned to the branches instead")
		}
	} else {
		// Workflow-level env: every job of the workflow.
		for _, job := range wf.Jobs {
			js := r.subjectsFor(wf, job, seen)
			for _, v := range js.Values {
				s.add(v)
			}
			for _, n := range js.Notes {
				s.note(n)
			}
		}
		return s
	}
	def := prefix + "ref:refs/heads/" + r.Default
	pinDefault := func(why string) {
		s.add(def)
		s.note(wf.Path + ": " + why + "; the trust is pinned to the default branch " + r.Default +
			" (give the job an environment, or list its branches, to trust those instead)")
	}
	for _, t := range wf.Triggers {
		switch t.Event {
		case "push", "pull_request", "pull_request_target":
			if t.Event != "push" {
				s.add(prefix + "pull_request")
				continue
			}
			if t.Ignored || (t.Branches == nil && t.Tags == nil) {
				pinDefault("push runs on every branch and tag")
				continue
			}
			for _, b := range t.Branches {
				r.addRef(&s, prefix, "refs/heads/", b, pinDefault)
			}
			for _, tg := range t.Tags {
				r.addRef(&s, prefix, "refs/tags/", tg, pinDefault)
			}
		case "workflow_call":
			callers := r.callersOf(wf)
			if len(callers) == 0 {
				pinDefault("reusable workflow with no caller in this repository")
				continue
			}
			for _, c := range callers {
				key := c.wf.Path + "#" + c.job.ID
				if seen[key] {
					continue
				}
				seen[key] = true // guards against a cycle of calls only
				cs := r.subjectsFor(c.wf, c.job, seen)
				delete(seen, key)
				for _, v := range cs.Values {
					s.add(v)
				}
				for _, n := range cs.Notes {
					s.note(n)
				}
			}
		case "schedule", "repository_dispatch", "workflow_run":
			s.add(def) // these run on the default branch
		default: // workflow_dispatch, release, ...: any ref
			pinDefault(t.Event + " can run on any branch or tag")
		}
	}
	if len(s.Values) == 0 {
		pinDefault("no trigger iamspect understands")
	}
	return s
}

// addRef adds one branch or tag filter as a sub; "**" and "*" (any ref) and
// negations are pinned to the default branch.
func (r *Repo) addRef(s *Subjects, prefix, kind, pattern string, pinDefault func(string)) {
	p := strings.ReplaceAll(pattern, "**", "*")
	switch {
	case strings.HasPrefix(p, "!"):
		return
	case strings.Trim(p, "*") == "":
		pinDefault("the filter " + pattern + " matches every " + strings.TrimSuffix(strings.TrimPrefix(kind, "refs/"), "s/"))
		return
	}
	s.add(prefix + "ref:" + kind + p)
}

type caller struct {
	wf  *Workflow
	job *Job
}

func (r *Repo) callersOf(called *Workflow) []caller {
	var out []caller
	for _, wf := range r.Workflows {
		for _, j := range wf.Jobs {
			if strings.TrimPrefix(j.Uses, "./") == called.Path {
				out = append(out, caller{wf, j})
			}
		}
	}
	return out
}

// idForm rewrites a classic subject into the ID-based form GitHub issues
// when the repository's subject uses immutable IDs:
// repo:OWNER@OWNER_ID/REPO@REPO_ID:QUALIFIER.
func (r *Repo) idForm(classic string) string {
	if r.OwnerID == "" || r.RepoID == "" {
		return ""
	}
	owner, repo, _ := strings.Cut(r.Name, "/")
	rest := strings.TrimPrefix(classic, "repo:"+r.Name)
	return "repo:" + owner + "@" + r.OwnerID + "/" + repo + "@" + r.RepoID + rest
}

// TrustPolicy is the trust policy of a role for the subjects: aud pinned to
// sts.amazonaws.com, sub to exactly the values (StringLike when a branch
// pattern has a wildcard).
func TrustPolicy(providerARN string, subs []string) []byte {
	sort.Strings(subs)
	op := "StringEquals"
	var eq, like []string
	for _, s := range subs {
		if strings.ContainsAny(s, "*?") {
			like = append(like, s)
		} else {
			eq = append(eq, s)
		}
	}
	type stmt struct {
		Sid       string                    `json:"Sid"`
		Effect    string                    `json:"Effect"`
		Principal map[string]string         `json:"Principal"`
		Action    string                    `json:"Action"`
		Condition map[string]map[string]any `json:"Condition"`
	}
	mk := func(sid, op string, vals []string) stmt {
		var v any = vals
		if len(vals) == 1 {
			v = vals[0]
		}
		c := map[string]map[string]any{"StringEquals": {Issuer + ":aud": Audience}}
		if op == "StringEquals" {
			c[op][Issuer+":sub"] = v
		} else {
			c[op] = map[string]any{Issuer + ":sub": v}
		}
		return stmt{Sid: sid, Effect: "Allow", Principal: map[string]string{"Federated": providerARN},
			Action: "sts:AssumeRoleWithWebIdentity", Condition: c}
	}
	var sts []stmt
	if len(eq) > 0 {
		sts = append(sts, mk("GitHubActions", op, eq))
	}
	if len(like) > 0 {
		sts = append(sts, mk("GitHubActionsBranchPatterns", "StringLike", like))
	}
	doc := map[string]any{"Version": "2012-10-17", "Statement": sts}
	b, _ := json.Marshal(doc)
	return b
}
