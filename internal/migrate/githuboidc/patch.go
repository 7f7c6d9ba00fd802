package githuboidc

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigureActionRef is the version of configure-aws-credentials the
// patches add.
const ConfigureActionRef = "aws-actions/configure-aws-credentials@v4"

// FilePatch is the change to one file: its new text and a unified diff.
type FilePatch struct {
	Repo  string   `json:"repo"`
	File  string   `json:"file"`
	Diff  string   `json:"diff"`
	Notes []string `json:"notes,omitempty"`
	New   []byte   `json:"-"`
}

// edits collects line edits of one file (1-based lines of the original).
type edits struct {
	lines  []string
	del    map[int]bool
	repl   map[int]string
	before map[int][]string
	after  map[int][]string
	notes  []string
}

func newEdits(src []byte) *edits {
	return &edits{lines: strings.Split(string(src), "\n"), del: map[int]bool{}, repl: map[int]string{},
		before: map[int][]string{}, after: map[int][]string{}}
}

func (e *edits) indentOf(line int) string {
	if line < 1 || line > len(e.lines) {
		return ""
	}
	l := e.lines[line-1]
	return l[:len(l)-len(strings.TrimLeft(l, " "))]
}

func (e *edits) note(n string) {
	for _, x := range e.notes {
		if x == n {
			return
		}
	}
	e.notes = append(e.notes, n)
}

func (e *edits) apply() []byte {
	var out []string
	for i, l := range e.lines {
		n := i + 1
		out = append(out, e.before[n]...)
		switch {
		case e.del[n]:
		case e.repl[n] != "":
			out = append(out, e.repl[n])
		default:
			out = append(out, l)
		}
		out = append(out, e.after[n]...)
	}
	return []byte(strings.Join(out, "\n"))
}

func (e *edits) changed() bool {
	return len(e.del)+len(e.repl)+len(e.before)+len(e.after) > 0
}

// deleteEntry deletes a key: value entry of a mapping (the key's line up to
// the next sibling), and the mapping's own key line when every entry goes.
func (e *edits) deleteEntry(parentKey, m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		from, to := m.Content[i].Line, lastLine(m.Content[i+1])
		for l := from; l <= to; l++ {
			e.del[l] = true
		}
	}
	if parentKey != nil && m.Style&yaml.FlowStyle == 0 {
		all := true
		for i := 0; i < len(m.Content); i += 2 {
			if !e.del[m.Content[i].Line] {
				all = false
			}
		}
		if all && parentKey.Line < m.Content[0].Line {
			e.del[parentKey.Line] = true
		}
	}
}

// lastLine is the last line a node occupies (block scalars included).
func lastLine(n *yaml.Node) int {
	l := n.Line
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Line + strings.Count(strings.TrimRight(n.Value, "\n"), "\n") + 1
	}
	for _, c := range n.Content {
		if x := lastLine(c); x > l {
			l = x
		}
	}
	return l
}

// patcher patches the files of one repository.
type patcher struct {
	repo  *Repo
	files map[string]*edits
	// roleFor is the role a job must assume (by workflow path and job ID).
	roleFor func(wfPath, job string) string
	// jobs that need id-token: write, and the ones that need a configure
	// step inserted.
	needToken map[*Job]*Workflow
	needStep  map[*Job]*Workflow
	region    map[*Job]string
}

func (p *patcher) file(path string, src []byte) *edits {
	if e := p.files[path]; e != nil {
		return e
	}
	e := newEdits(src)
	p.files[path] = e
	return e
}

// Patch rewrites the repository's workflows and composite actions so that
// no job reads an AWS key: key inputs become role-to-assume, key variables
// go, a configure-aws-credentials step is added where a job used the
// variables, and every job that assumes a role gets id-token: write.
func (r *Repo) Patch(roleFor func(wfPath, job string) string) []FilePatch {
	p := &patcher{repo: r, files: map[string]*edits{}, roleFor: roleFor,
		needToken: map[*Job]*Workflow{}, needStep: map[*Job]*Workflow{}, region: map[*Job]string{}}
	actions := map[string]*CompositeAction{}
	for _, a := range r.Actions {
		actions["./"+a.Dir] = a
	}
	patchedActions := map[*CompositeAction]bool{}
	for _, wf := range r.Workflows {
		e := p.file(wf.Path, wf.Src)
		if wfKeys := envKeys(wf.Env); len(wfKeys) > 0 {
			p.dropEnv(e, wf.Root, wf.Env)
			for _, j := range wf.Jobs {
				if len(j.Steps) > 0 {
					p.needStep[j] = wf
					p.setRegion(j, wf.Env)
				}
			}
		}
		for _, j := range wf.Jobs {
			p.patchJob(e, wf, j, actions, patchedActions)
		}
		for name, line := range wf.CallSecrets {
			if looksLikeKeySecret(name) || calledUsesSecretAsKey(r, wf, name) {
				_, on := getKV(wf.Root, "on")
				wc := get(on, "workflow_call")
				kn, sec := getKV(wc, "secrets")
				e.deleteEntry(kn, sec, name)
				_ = line
			}
		}
	}
	for j, wf := range p.needStep {
		if hasConfigureStep(j) {
			continue
		}
		p.insertConfigureStep(p.files[wf.Path], wf, j)
	}
	token := map[*Job]*Workflow{}
	for j, wf := range p.needToken {
		token[j] = wf
	}
	for j, wf := range p.needStep {
		token[j] = wf
	}
	for j, wf := range token {
		p.addIDToken(p.files[wf.Path], wf, j)
	}
	var out []FilePatch
	for path, e := range p.files {
		if !e.changed() {
			continue
		}
		var old []byte
		for _, wf := range r.Workflows {
			if wf.Path == path {
				old = wf.Src
			}
		}
		for _, a := range r.Actions {
			if a.Path == path {
				old = a.Src
			}
		}
		nw := e.apply()
		out = append(out, FilePatch{Repo: r.Name, File: path, New: nw, Notes: e.notes,
			Diff: UnifiedDiff("a/"+path, "b/"+path, string(old), string(nw))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}

func envKeys(env *yaml.Node) []string {
	var out []string
	if env == nil || env.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(env.Content); i += 2 {
		if keyEnvVars[env.Content[i].Value] && refersToSecretOrInput(env.Content[i+1].Value) {
			out = append(out, env.Content[i].Value)
		}
	}
	return out
}

// dropEnv deletes the key variables of an env: mapping (and the env: line
// when nothing else is left).
func (p *patcher) dropEnv(e *edits, parent, env *yaml.Node) {
	kn, _ := getKV(parent, "env")
	for _, k := range envKeys(env) {
		e.deleteEntry(kn, env, k)
	}
}

func (p *patcher) setRegion(j *Job, envs ...*yaml.Node) {
	for _, env := range envs {
		for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
			if v := get(env, k); v != nil && v.Kind == yaml.ScalarNode && v.Value != "" {
				if p.region[j] == "" {
					p.region[j] = v.Value
				}
			}
		}
	}
}

func (p *patcher) patchJob(e *edits, wf *Workflow, j *Job, actions map[string]*CompositeAction, patchedActions map[*CompositeAction]bool) {
	role := p.roleFor(wf.Path, j.ID)
	if len(envKeys(j.Env)) > 0 {
		p.dropEnv(e, j.Node, j.Env)
		p.needStep[j] = wf
		p.setRegion(j, j.Env, wf.Env)
	}
	if j.Uses != "" {
		p.patchReusableCall(e, wf, j)
	}
	for _, s := range j.Steps {
		if len(envKeys(s.Env)) > 0 {
			p.dropEnv(e, s.Node, s.Env)
			p.needStep[j] = wf
			p.setRegion(j, s.Env, j.Env, wf.Env)
		}
		if isConfigureAction(s.Uses) && hasKeyInput(s.With) {
			p.replaceKeyInputs(e, s.With, role, j)
			p.needToken[j] = wf
		}
		if s.Run != nil && s.Run.Kind == yaml.ScalarNode {
			for _, l := range runLines(s.Run) {
				if reConfigSet.MatchString(l.text) {
					if l.line == s.Run.Line { // a one-line run: cannot drop the line alone
						e.note(fmt.Sprintf("%s line %d: the run: line configures a key; replace it by hand", wf.Path, l.line))
						continue
					}
					e.del[l.line] = true
					p.needStep[j] = wf
				}
			}
		}
		if a := actions[strings.TrimSuffix(s.Uses, "/")]; a != nil && s.With != nil {
			keyIns := a.KeyInputs()
			touched := false
			first := true
			for i := 0; i+1 < len(s.With.Content); i += 2 {
				k := s.With.Content[i]
				if !keyIns[k.Value] {
					continue
				}
				touched = true
				if first {
					e.repl[k.Line] = e.indentOf(k.Line) + "role-to-assume: " + role
					first = false
				} else {
					e.del[k.Line] = true
				}
			}
			if touched {
				p.needToken[j] = wf
				if !patchedActions[a] {
					patchedActions[a] = true
					p.patchComposite(a, keyIns)
				}
			}
		}
	}
}

// replaceKeyInputs turns the first key input into role-to-assume and drops
// the others. A job whose matrix supplies the key gets one role per matrix
// entry only when the roles differ (roleFor decides); here it is one ARN.
func (p *patcher) replaceKeyInputs(e *edits, with *yaml.Node, role string, j *Job) {
	first := true
	for i := 0; i+1 < len(with.Content); i += 2 {
		k := with.Content[i]
		if !keyInputs[k.Value] {
			continue
		}
		if first {
			e.repl[k.Line] = e.indentOf(k.Line) + "role-to-assume: " + role
			first = false
			continue
		}
		e.del[k.Line] = true
	}
	if get(with, "aws-region") == nil {
		e.note("job " + j.ID + ": configure-aws-credentials has no aws-region; add one")
	}
}

// patchReusableCall drops the key secrets a job passes to a reusable
// workflow; the called workflow assumes the role itself, which needs the
// calling job to grant id-token: write.
func (p *patcher) patchReusableCall(e *edits, wf *Workflow, j *Job) {
	if j.Secrets == nil {
		return
	}
	if j.Secrets.Kind == yaml.ScalarNode && j.Secrets.Value == "inherit" {
		e.note("job " + j.ID + " passes secrets: inherit; the AWS key secrets can be deleted from the repository once the role works")
		p.needToken[j] = wf
		return
	}
	kn, _ := getKV(j.Node, "secrets")
	var called *Workflow
	for _, w := range p.repo.Workflows {
		if w.Path == strings.TrimPrefix(j.Uses, "./") {
			called = w
		}
	}
	for i := 0; i+1 < len(j.Secrets.Content); i += 2 {
		k := j.Secrets.Content[i]
		if looksLikeKeySecret(k.Value) || (called != nil && calledUsesSecretAsKey(p.repo, called, k.Value)) {
			e.deleteEntry(kn, j.Secrets, k.Value)
			p.needToken[j] = wf
		}
	}
}

// patchComposite makes a composite action take role-to-assume instead of
// key inputs.
func (p *patcher) patchComposite(a *CompositeAction, keyIns map[string]bool) {
	e := p.file(a.Path, a.Src)
	kn, inputs := getKV(a.Root, "inputs")
	first := true
	names := make([]string, 0, len(keyIns))
	for n := range keyIns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if inputs == nil {
			break
		}
		k, _ := getKV(inputs, n)
		if k == nil {
			continue
		}
		if first {
			ind := e.indentOf(k.Line)
			e.before[k.Line] = append(e.before[k.Line], ind+"role-to-assume:",
				ind+"  description: ARN of the IAM role to assume through GitHub's OIDC token",
				ind+"  required: true")
			first = false
		}
		e.deleteEntry(kn, inputs, n)
		delete(e.del, kn.Line) // role-to-assume is added: inputs: stays
	}
	for _, s := range a.Steps {
		if !isConfigureAction(s.Uses) || !hasKeyInput(s.With) {
			continue
		}
		firstIn := true
		for i := 0; i+1 < len(s.With.Content); i += 2 {
			k := s.With.Content[i]
			if !keyInputs[k.Value] {
				continue
			}
			if firstIn {
				e.repl[k.Line] = e.indentOf(k.Line) + "role-to-assume: ${{ inputs.role-to-assume }}"
				firstIn = false
			} else {
				e.del[k.Line] = true
			}
		}
	}
	e.note(a.Path + ": a composite action cannot ask for an OIDC token itself; every job that uses it needs id-token: write")
}

func hasConfigureStep(j *Job) bool {
	for _, s := range j.Steps {
		if isConfigureAction(s.Uses) {
			return true
		}
	}
	return false
}

// insertConfigureStep adds a configure-aws-credentials step as the job's
// first step.
func (p *patcher) insertConfigureStep(e *edits, wf *Workflow, j *Job) {
	if j.StepsNode == nil || len(j.StepsNode.Content) == 0 {
		return
	}
	first := j.StepsNode.Content[0].Line
	ind := e.indentOf(first)
	region := p.region[j]
	if region == "" {
		region = "us-east-1"
		e.note("job " + j.ID + ": no AWS_REGION in its env; the added step uses us-east-1, change it if needed")
	}
	role := p.roleFor(wf.Path, j.ID)
	e.before[first] = append(e.before[first],
		ind+"- name: Configure AWS credentials (OIDC)",
		ind+"  uses: "+ConfigureActionRef,
		ind+"  with:",
		ind+"    role-to-assume: "+role,
		ind+"    aws-region: "+region)
}

// addIDToken grants id-token: write (and contents: read) at job level: in
// the job's permissions when it has them; else a new job-level block that
// keeps the workflow-level permissions the job inherited.
func (p *patcher) addIDToken(e *edits, wf *Workflow, j *Job) {
	if e == nil || j.Node == nil || len(j.Node.Content) == 0 {
		return
	}
	if j.Permissions != nil {
		kn, _ := getKV(j.Node, "permissions")
		p.addToPermissions(e, kn, j.Permissions, "job "+j.ID)
		return
	}
	childInd := e.indentOf(j.Node.Content[0].Line)
	entries := map[string]string{"id-token": "write", "contents": "read"}
	if wf.Permissions != nil {
		switch wf.Permissions.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(wf.Permissions.Content); i += 2 {
				k, v := wf.Permissions.Content[i].Value, wf.Permissions.Content[i+1].Value
				if k != "id-token" {
					entries[k] = v
				}
			}
		case yaml.ScalarNode:
			e.note(fmt.Sprintf("%s sets permissions: %s at workflow level; job %s now lists its own (id-token: write, contents: read): add any other scope it needs", wf.Path, wf.Permissions.Value, j.ID))
		}
	} else {
		e.note("job " + j.ID + " now lists its token permissions (id-token: write, contents: read); add any other scope it needs")
	}
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := []string{childInd + "permissions:"}
	for _, k := range keys {
		lines = append(lines, childInd+"  "+k+": "+entries[k])
	}
	at := j.Line
	e.after[at] = append(e.after[at], lines...)
}

func (p *patcher) addToPermissions(e *edits, kn, perms *yaml.Node, where string) {
	switch perms.Kind {
	case yaml.ScalarNode:
		if perms.Value == "write-all" {
			return
		}
		ind := e.indentOf(kn.Line)
		e.repl[kn.Line] = ind + "permissions:"
		e.after[kn.Line] = append(e.after[kn.Line], ind+"  contents: read", ind+"  id-token: write")
		e.note(where + " had permissions: " + perms.Value + "; replaced by contents: read and id-token: write: add any other scope it needs")
	case yaml.MappingNode:
		if len(perms.Content) == 0 || perms.Style&yaml.FlowStyle != 0 {
			e.note(where + ": add id-token: write to its permissions")
			return
		}
		if k, v := getKV(perms, "id-token"); k != nil {
			if v.Value != "write" {
				e.repl[k.Line] = e.indentOf(k.Line) + "id-token: write"
			}
			return
		}
		first := perms.Content[0].Line
		e.before[first] = append(e.before[first], e.indentOf(first)+"id-token: write")
	}
}
