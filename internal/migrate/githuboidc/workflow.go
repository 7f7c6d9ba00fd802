// Package githuboidc plans the move of GitHub Actions workflows from static
// AWS access keys kept in repository secrets to OIDC federation: it finds
// every use of a key in the workflows (and local composite actions) of
// repository checkouts, maps the secrets to IAM users, and writes a plan of
// an OIDC provider, one role per repository (or repository and environment)
// whose trust policy is no broader than the workflows' real triggers, the
// workflow patches as unified diffs, and the cut-over stages.
package githuboidc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxWorkflowBytes bounds one workflow or action file (GitHub itself refuses
// workflow files over 512 KB... and no real one comes close to 1 MB).
const maxWorkflowBytes = 1 << 20

// Workflow is one parsed workflow file.
type Workflow struct {
	// Path is the file's path relative to the repository root, with
	// forward slashes (".github/workflows/deploy.yml").
	Path string
	Src  []byte
	Root *yaml.Node // the document's top-level mapping
	// Triggers are the events of "on:", with their branch and tag filters.
	Triggers []Trigger
	// CallSecrets are the secrets a reusable workflow declares under
	// on.workflow_call.secrets, by name, with their lines.
	CallSecrets map[string]int
	Env         *yaml.Node
	Permissions *yaml.Node
	Jobs        []*Job
}

// Trigger is one event the workflow runs on.
type Trigger struct {
	Event    string
	Branches []string // branch filters (push, pull_request); nil means every branch
	Tags     []string // tag filters (push)
	// Ignored is true when only branches-ignore/tags-ignore/paths filters
	// narrow the event, which leaves every ref possible.
	Ignored bool
	Line    int
}

// Job is one job of a workflow.
type Job struct {
	ID          string
	Line        int
	Node        *yaml.Node
	Env         *yaml.Node
	Permissions *yaml.Node
	// Environment is the job's deployment environment as written (a name or
	// an expression); EnvironmentLine its line.
	Environment     string
	EnvironmentLine int
	// Matrix holds each matrix variable's values (from the axes and include).
	Matrix map[string][]string
	// Uses is set for a job that calls a reusable workflow.
	Uses        string
	With        *yaml.Node
	Secrets     *yaml.Node
	StepsNode   *yaml.Node
	Steps       []*Step
	NeedsIDWith bool
}

// Step is one step of a job or composite action.
type Step struct {
	Index int
	Line  int
	Node  *yaml.Node
	Name  string
	Uses  string
	With  *yaml.Node
	Env   *yaml.Node
	Run   *yaml.Node
}

// Label names the step for reports: its name, else its action, else its
// position.
func (s *Step) Label() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Uses != "":
		return s.Uses
	}
	return fmt.Sprintf("step %d", s.Index+1)
}

// CompositeAction is a local composite action (action.yml under the
// repository) whose steps may use keys passed in as inputs.
type CompositeAction struct {
	Path   string // the action file, relative to the repository root
	Dir    string // the directory a workflow's uses: ./DIR names
	Src    []byte
	Root   *yaml.Node
	Inputs map[string]int // declared input names and their lines
	Steps  []*Step
	// StepsNode is runs.steps.
	StepsNode *yaml.Node
}

// Repo is a repository checkout: its workflows and local composite actions.
type Repo struct {
	Dir     string
	Name    string // OWNER/REPO
	Default string // the default branch the plan pins ("main" unless told)
	// OwnerID and RepoID are GitHub's numeric IDs when known (--mapping),
	// for the ID-based subject form.
	OwnerID, RepoID string

	Workflows []*Workflow
	Actions   []*CompositeAction
	// Problems are files that could not be read or parsed.
	Problems []string
}

// LoadRepo reads the workflows (.github/workflows/*.yml|yaml) and local
// composite actions (any action.yml|yaml outside .git) of a checkout. name is
// OWNER/REPO; empty means the checkout's origin remote.
func LoadRepo(dir, name string) (*Repo, error) {
	if name == "" {
		n, err := originRepo(dir)
		if err != nil {
			return nil, err
		}
		name = n
	}
	if !validRepoName(name) {
		return nil, fmt.Errorf("%s: %q is not OWNER/REPO", dir, name)
	}
	r := &Repo{Dir: dir, Name: name, Default: "main"}
	wfDir := filepath.Join(dir, ".github", "workflows")
	entries, err := os.ReadDir(wfDir)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", wfDir, err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml")) {
			continue
		}
		rel := ".github/workflows/" + n
		src, err := readBounded(filepath.Join(wfDir, n))
		if err != nil {
			r.Problems = append(r.Problems, err.Error())
			continue
		}
		wf, err := ParseWorkflow(rel, src)
		if err != nil {
			r.Problems = append(r.Problems, err.Error())
			continue
		}
		r.Workflows = append(r.Workflows, wf)
	}
	if err := r.loadActions(); err != nil {
		return nil, err
	}
	return r, nil
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxWorkflowBytes {
		return nil, fmt.Errorf("%s: %d bytes is larger than the %d bytes a workflow file may have", path, st.Size(), maxWorkflowBytes)
	}
	return os.ReadFile(path)
}

func (r *Repo) loadActions() error {
	return filepath.WalkDir(r.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != "action.yml" && d.Name() != "action.yaml" {
			return nil
		}
		rel, _ := filepath.Rel(r.Dir, path)
		rel = filepath.ToSlash(rel)
		src, err := readBounded(path)
		if err != nil {
			r.Problems = append(r.Problems, err.Error())
			return nil
		}
		a, err := ParseAction(rel, src)
		if err != nil {
			r.Problems = append(r.Problems, err.Error())
			return nil
		}
		if a != nil {
			r.Actions = append(r.Actions, a)
		}
		return nil
	})
}

// originRepo reads OWNER/REPO from the checkout's origin remote URL.
func originRepo(dir string) (string, error) {
	cfg, err := os.ReadFile(filepath.Join(dir, ".git", "config"))
	if err != nil {
		return "", fmt.Errorf("%s: no --repo given and no .git/config to read the origin remote from: %w", dir, err)
	}
	inOrigin := false
	for _, line := range strings.Split(string(cfg), "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") {
			inOrigin = l == `[remote "origin"]`
			continue
		}
		if !inOrigin {
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "url" {
			if n := repoFromURL(strings.TrimSpace(v)); n != "" {
				return n, nil
			}
			return "", fmt.Errorf("%s: origin %q is not a GitHub repository URL; pass --repo OWNER/REPO", dir, strings.TrimSpace(v))
		}
	}
	return "", fmt.Errorf("%s: no origin remote; pass --repo OWNER/REPO", dir)
}

// repoFromURL reads OWNER/REPO from https://github.com/OWNER/REPO(.git) or
// git@github.com:OWNER/REPO(.git).
func repoFromURL(u string) string {
	u = strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git")
	for _, p := range []string{"https://github.com/", "http://github.com/", "ssh://git@github.com/", "git@github.com:"} {
		if rest, ok := strings.CutPrefix(u, p); ok && validRepoName(rest) {
			return rest
		}
	}
	return ""
}

func validRepoName(n string) bool {
	owner, repo, ok := strings.Cut(n, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return false
	}
	for _, c := range owner + repo {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return !strings.Contains(owner, "*") && !strings.Contains(repo, "*")
}

// parseDoc decodes one YAML document and returns its top-level mapping.
func parseDoc(path string, src []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a YAML mapping", path)
	}
	return doc.Content[0], nil
}

// ParseWorkflow parses a workflow file.
func ParseWorkflow(path string, src []byte) (*Workflow, error) {
	root, err := parseDoc(path, src)
	if err != nil {
		return nil, err
	}
	wf := &Workflow{Path: path, Src: src, Root: root, CallSecrets: map[string]int{}}
	wf.Env = get(root, "env")
	wf.Permissions = get(root, "permissions")
	if kn, on := getKV(root, "on"); on != nil {
		wf.Triggers = parseTriggers(kn, on, wf)
	} else if kn, on := getKV(root, "true"); on != nil { // YAML 1.1 readers turn on: into true:
		wf.Triggers = parseTriggers(kn, on, wf)
	}
	jobs := get(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: no jobs mapping", path)
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		k, v := jobs.Content[i], jobs.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		wf.Jobs = append(wf.Jobs, parseJob(k, v))
	}
	return wf, nil
}

func parseTriggers(key, on *yaml.Node, wf *Workflow) []Trigger {
	var out []Trigger
	switch on.Kind {
	case yaml.ScalarNode:
		out = append(out, Trigger{Event: on.Value, Line: on.Line})
	case yaml.SequenceNode:
		for _, e := range on.Content {
			out = append(out, Trigger{Event: e.Value, Line: e.Line})
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			k, v := on.Content[i], on.Content[i+1]
			t := Trigger{Event: k.Value, Line: k.Line}
			if v.Kind == yaml.MappingNode {
				t.Branches = scalars(get(v, "branches"))
				t.Tags = scalars(get(v, "tags"))
				if t.Branches == nil && t.Tags == nil && (get(v, "branches-ignore") != nil || get(v, "tags-ignore") != nil) {
					t.Ignored = true
				}
				if k.Value == "workflow_call" {
					if s := get(v, "secrets"); s != nil && s.Kind == yaml.MappingNode {
						for j := 0; j+1 < len(s.Content); j += 2 {
							wf.CallSecrets[s.Content[j].Value] = s.Content[j].Line
						}
					}
				}
			}
			out = append(out, t)
		}
	}
	_ = key
	return out
}

func parseJob(k, v *yaml.Node) *Job {
	j := &Job{ID: k.Value, Line: k.Line, Node: v}
	j.Env = get(v, "env")
	j.Permissions = get(v, "permissions")
	if e := get(v, "environment"); e != nil {
		j.EnvironmentLine = e.Line
		switch e.Kind {
		case yaml.ScalarNode:
			j.Environment = e.Value
		case yaml.MappingNode:
			if n := get(e, "name"); n != nil {
				j.Environment = n.Value
			}
		}
	}
	j.Matrix = parseMatrix(get(get(v, "strategy"), "matrix"))
	if u := get(v, "uses"); u != nil {
		j.Uses = u.Value
	}
	j.With = get(v, "with")
	j.Secrets = get(v, "secrets")
	j.StepsNode = get(v, "steps")
	j.Steps = parseSteps(j.StepsNode)
	return j
}

func parseSteps(steps *yaml.Node) []*Step {
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*Step
	for i, s := range steps.Content {
		if s.Kind != yaml.MappingNode {
			continue
		}
		st := &Step{Index: i, Line: s.Line, Node: s, With: get(s, "with"), Env: get(s, "env"), Run: get(s, "run")}
		if n := get(s, "name"); n != nil {
			st.Name = n.Value
		}
		if u := get(s, "uses"); u != nil {
			st.Uses = u.Value
		}
		out = append(out, st)
	}
	return out
}

// parseMatrix collects each variable's values from the axes and include.
func parseMatrix(m *yaml.Node) map[string][]string {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string][]string{}
	add := func(k, v string) {
		for _, x := range out[k] {
			if x == v {
				return
			}
		}
		out[k] = append(out[k], v)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i].Value, m.Content[i+1]
		switch {
		case k == "include" && v.Kind == yaml.SequenceNode:
			for _, e := range v.Content {
				if e.Kind != yaml.MappingNode {
					continue
				}
				for j := 0; j+1 < len(e.Content); j += 2 {
					if e.Content[j+1].Kind == yaml.ScalarNode {
						add(e.Content[j].Value, e.Content[j+1].Value)
					}
				}
			}
		case k == "exclude":
		case v.Kind == yaml.SequenceNode:
			for _, e := range v.Content {
				if e.Kind == yaml.ScalarNode {
					add(k, e.Value)
				}
			}
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

// ParseAction parses an action.yml; it returns nil (no error) for actions
// that are not composite.
func ParseAction(path string, src []byte) (*CompositeAction, error) {
	root, err := parseDoc(path, src)
	if err != nil {
		return nil, err
	}
	runs := get(root, "runs")
	if u := get(runs, "using"); u == nil || u.Value != "composite" {
		return nil, nil
	}
	dir := path[:strings.LastIndex(path, "/")+1]
	a := &CompositeAction{Path: path, Dir: strings.TrimSuffix(dir, "/"), Src: src, Root: root, Inputs: map[string]int{}}
	if in := get(root, "inputs"); in != nil && in.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(in.Content); i += 2 {
			a.Inputs[in.Content[i].Value] = in.Content[i].Line
		}
	}
	a.StepsNode = get(runs, "steps")
	a.Steps = parseSteps(a.StepsNode)
	return a, nil
}

// get returns the value of key in a mapping node, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	_, v := getKV(m, key)
	return v
}

func getKV(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// scalars returns a scalar or a sequence of scalars as strings.
func scalars(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	out := []string{}
	for _, e := range n.Content {
		if e.Kind == yaml.ScalarNode {
			out = append(out, e.Value)
		}
	}
	return out
}
