package githuboidc

import (
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kinds of static key use.
const (
	KindConfigureAction = "configure-aws-credentials" // key inputs of aws-actions/configure-aws-credentials
	KindEnv             = "env"                       // AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in env:
	KindConfigureSet    = "aws-configure-set"         // aws configure set aws_access_key_id ... in run:
	KindReusableCall    = "reusable-workflow-secret"  // a key secret passed to a reusable workflow
	KindCompositeCall   = "composite-action-input"    // a key secret passed to a local composite action
)

// KeyUse is one place a workflow hands a static AWS key to a job.
type KeyUse struct {
	Repo string `json:"repo"`
	File string `json:"file"`
	Line int    `json:"line"`
	Job  string `json:"job,omitempty"`
	Step string `json:"step,omitempty"`
	Kind string `json:"kind"`
	// Field is the input, variable or secret name set (aws-access-key-id,
	// AWS_SECRET_ACCESS_KEY, ...).
	Field string `json:"field"`
	// Level is where an env: entry sits: workflow, job or step.
	Level string `json:"level,omitempty"`
	// Secrets are the repository secrets the value reads; for
	// secrets[matrix.X] every matrix value.
	Secrets    []string `json:"secrets,omitempty"`
	Expression string   `json:"expression"`
	// Triggers, Refs and Environments say when the job runs: the workflow's
	// events, the branch/tag filters, the job's deployment environments.
	Triggers     []string `json:"triggers,omitempty"`
	Refs         []string `json:"refs,omitempty"`
	Environments []string `json:"environments,omitempty"`
	Matrix       bool     `json:"matrix,omitempty"`
	// Via is the reusable workflow or composite action that receives the
	// key; Reusable marks a use inside a workflow_call workflow.
	Via      string `json:"via,omitempty"`
	Reusable bool   `json:"reusable,omitempty"`
}

// OIDCUse is a step that already assumes a role through OIDC.
type OIDCUse struct {
	Repo string `json:"repo"`
	File string `json:"file"`
	Line int    `json:"line"`
	Job  string `json:"job"`
	Role string `json:"role"` // role-to-assume as written
}

var (
	keyEnvVars   = map[string]bool{"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true}
	keyInputs    = map[string]bool{"aws-access-key-id": true, "aws-secret-access-key": true, "aws-session-token": true}
	reSecretDot  = regexp.MustCompile(`secrets\.([A-Za-z_][A-Za-z0-9_]*)`)
	reSecretIdx  = regexp.MustCompile(`secrets\[\s*['"]([^'"]+)['"]\s*\]`)
	reSecretMat  = regexp.MustCompile(`secrets\[\s*matrix\.([A-Za-z0-9_-]+)\s*\]`)
	reInputRef   = regexp.MustCompile(`inputs\.([A-Za-z0-9_-]+)`)
	reConfigSet  = regexp.MustCompile(`aws\s+configure\s+set\s+(?:[A-Za-z0-9_-]+\.)?(aws_access_key_id|aws_secret_access_key|aws_session_token)\b`)
	reAnySecret  = regexp.MustCompile(`secrets(\.|\[)`)
	configureAct = "aws-actions/configure-aws-credentials"
)

// isConfigureAction reports whether uses names configure-aws-credentials.
func isConfigureAction(uses string) bool {
	return strings.HasPrefix(strings.ToLower(uses), configureAct+"@") || strings.EqualFold(uses, configureAct)
}

// secretNames reads the secrets an expression references; matrix-indexed
// secrets resolve to every value of the matrix variable.
func secretNames(expr string, matrix map[string][]string) (names []string, viaMatrix bool) {
	for _, m := range reSecretDot.FindAllStringSubmatch(expr, -1) {
		names = append(names, m[1])
	}
	for _, m := range reSecretIdx.FindAllStringSubmatch(expr, -1) {
		names = append(names, m[1])
	}
	for _, m := range reSecretMat.FindAllStringSubmatch(expr, -1) {
		names = append(names, matrix[m[1]]...)
		viaMatrix = true
	}
	return uniq(names), viaMatrix
}

// looksLikeKeySecret guesses from a secret or input name whether it holds
// AWS key material.
func looksLikeKeySecret(n string) bool {
	u := strings.ToUpper(strings.ReplaceAll(n, "-", "_"))
	return keyEnvVars[u] || keyInputs[strings.ToLower(n)] ||
		(strings.Contains(u, "AWS") && (strings.Contains(u, "KEY") || strings.Contains(u, "SECRET")))
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Scan finds every static key use and every OIDC use in the repository.
func (r *Repo) Scan() ([]KeyUse, []OIDCUse) {
	var uses []KeyUse
	var oidc []OIDCUse
	actions := map[string]*CompositeAction{}
	for _, a := range r.Actions {
		actions["./"+a.Dir] = a
	}
	for _, wf := range r.Workflows {
		u, o := r.scanWorkflow(wf, actions)
		uses = append(uses, u...)
		oidc = append(oidc, o...)
	}
	sort.SliceStable(uses, func(i, j int) bool {
		if uses[i].File != uses[j].File {
			return uses[i].File < uses[j].File
		}
		return uses[i].Line < uses[j].Line
	})
	return uses, oidc
}

// jobContext fills when a job runs.
func (r *Repo) jobContext(wf *Workflow, j *Job, u *KeyUse) {
	u.Repo, u.File = r.Name, wf.Path
	if j != nil {
		u.Job = j.ID
		u.Environments = jobEnvironments(j)
	}
	for _, t := range wf.Triggers {
		u.Triggers = append(u.Triggers, t.Event)
		for _, b := range t.Branches {
			u.Refs = append(u.Refs, "refs/heads/"+b)
		}
		for _, tg := range t.Tags {
			u.Refs = append(u.Refs, "refs/tags/"+tg)
		}
	}
	u.Triggers, u.Refs = uniq(u.Triggers), uniq(u.Refs)
	u.Reusable = len(wf.CallSecrets) > 0 || hasTrigger(wf, "workflow_call")
}

func hasTrigger(wf *Workflow, ev string) bool {
	for _, t := range wf.Triggers {
		if t.Event == ev {
			return true
		}
	}
	return false
}

// jobEnvironments resolves the job's environment, through the matrix when
// it is ${{ matrix.X }}.
func jobEnvironments(j *Job) []string {
	e := strings.TrimSpace(j.Environment)
	if e == "" {
		return nil
	}
	if m := regexp.MustCompile(`^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$`).FindStringSubmatch(e); m != nil {
		return j.Matrix[m[1]]
	}
	if strings.Contains(e, "${{") {
		return nil // an expression iamspect cannot resolve
	}
	return []string{e}
}

func (r *Repo) scanWorkflow(wf *Workflow, actions map[string]*CompositeAction) ([]KeyUse, []OIDCUse) {
	var uses []KeyUse
	var oidc []OIDCUse
	// Workflow-level env applies to every job.
	for _, u := range envUses(wf.Env, nil) {
		u.Level = "workflow"
		r.jobContext(wf, nil, &u)
		for _, j := range wf.Jobs {
			u.Environments = append(u.Environments, jobEnvironments(j)...)
		}
		u.Environments = uniq(u.Environments)
		uses = append(uses, u)
	}
	for _, j := range wf.Jobs {
		for _, u := range envUses(j.Env, j.Matrix) {
			u.Level = "job"
			r.jobContext(wf, j, &u)
			uses = append(uses, u)
		}
		if j.Uses != "" {
			uses = append(uses, r.reusableCallUses(wf, j)...)
		}
		for _, s := range j.Steps {
			for _, u := range stepUses(s, j.Matrix, actions) {
				r.jobContext(wf, j, &u)
				uses = append(uses, u)
			}
			if isConfigureAction(s.Uses) {
				if role := get(s.With, "role-to-assume"); role != nil && !hasKeyInput(s.With) {
					oidc = append(oidc, OIDCUse{Repo: r.Name, File: wf.Path, Line: role.Line, Job: j.ID, Role: role.Value})
				}
			}
		}
	}
	return uses, oidc
}

func hasKeyInput(with *yaml.Node) bool {
	for in := range keyInputs {
		if get(with, in) != nil {
			return true
		}
	}
	return false
}

// envUses finds AWS key variables set from secrets in an env: mapping.
func envUses(env *yaml.Node, matrix map[string][]string) []KeyUse {
	if env == nil || env.Kind != yaml.MappingNode {
		return nil
	}
	var out []KeyUse
	for i := 0; i+1 < len(env.Content); i += 2 {
		k, v := env.Content[i], env.Content[i+1]
		if !keyEnvVars[k.Value] || v.Kind != yaml.ScalarNode || !refersToSecretOrInput(v.Value) {
			continue
		}
		names, viaMatrix := secretNames(v.Value, matrix)
		out = append(out, KeyUse{Kind: KindEnv, Line: k.Line, Field: k.Value, Secrets: names, Expression: v.Value, Matrix: viaMatrix})
	}
	return out
}

func refersToSecretOrInput(v string) bool {
	return reAnySecret.MatchString(v) || reInputRef.MatchString(v)
}

// stepUses finds the key uses of one step.
func stepUses(s *Step, matrix map[string][]string, actions map[string]*CompositeAction) []KeyUse {
	var out []KeyUse
	for _, u := range envUses(s.Env, matrix) {
		u.Level, u.Step = "step", s.Label()
		out = append(out, u)
	}
	if isConfigureAction(s.Uses) && s.With != nil {
		for i := 0; i+1 < len(s.With.Content); i += 2 {
			k, v := s.With.Content[i], s.With.Content[i+1]
			if !keyInputs[k.Value] || v.Kind != yaml.ScalarNode {
				continue
			}
			names, viaMatrix := secretNames(v.Value, matrix)
			out = append(out, KeyUse{Kind: KindConfigureAction, Line: k.Line, Step: s.Label(), Field: k.Value,
				Secrets: names, Expression: v.Value, Matrix: viaMatrix})
		}
	}
	if s.Run != nil && s.Run.Kind == yaml.ScalarNode {
		for i, line := range runLines(s.Run) {
			m := reConfigSet.FindStringSubmatch(line.text)
			if m == nil {
				continue
			}
			names, viaMatrix := secretNames(line.text, matrix)
			out = append(out, KeyUse{Kind: KindConfigureSet, Line: line.line, Step: s.Label(), Field: m[1],
				Secrets: names, Expression: strings.TrimSpace(line.text), Matrix: viaMatrix})
			_ = i
		}
	}
	if a := actions[strings.TrimSuffix(s.Uses, "/")]; a != nil && s.With != nil {
		keyIns := a.KeyInputs()
		for i := 0; i+1 < len(s.With.Content); i += 2 {
			k, v := s.With.Content[i], s.With.Content[i+1]
			if !keyIns[k.Value] || v.Kind != yaml.ScalarNode || !reAnySecret.MatchString(v.Value) {
				continue
			}
			names, viaMatrix := secretNames(v.Value, matrix)
			out = append(out, KeyUse{Kind: KindCompositeCall, Line: k.Line, Step: s.Label(), Field: k.Value,
				Secrets: names, Expression: v.Value, Matrix: viaMatrix, Via: a.Path})
		}
	}
	return out
}

// runLine is one line of a run: script with its line in the file.
type runLine struct {
	text string
	line int
}

// runLines splits a run: scalar into lines numbered as in the file: a block
// scalar (| or >) starts on the line after its indicator.
func runLines(n *yaml.Node) []runLine {
	lines := strings.Split(strings.TrimRight(n.Value, "\n"), "\n")
	first := n.Line
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		first++
	}
	out := make([]runLine, len(lines))
	for i, l := range lines {
		out[i] = runLine{text: l, line: first + i}
	}
	return out
}

// KeyInputs are the composite action's inputs that end up as AWS keys:
// passed to configure-aws-credentials' key inputs or to a key variable.
func (a *CompositeAction) KeyInputs() map[string]bool {
	out := map[string]bool{}
	mark := func(v string) {
		for _, m := range reInputRef.FindAllStringSubmatch(v, -1) {
			out[m[1]] = true
		}
	}
	for _, s := range a.Steps {
		if isConfigureAction(s.Uses) && s.With != nil {
			for i := 0; i+1 < len(s.With.Content); i += 2 {
				if keyInputs[s.With.Content[i].Value] {
					mark(s.With.Content[i+1].Value)
				}
			}
		}
		if s.Env != nil && s.Env.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(s.Env.Content); i += 2 {
				if keyEnvVars[s.Env.Content[i].Value] {
					mark(s.Env.Content[i+1].Value)
				}
			}
		}
	}
	return out
}

// reusableCallUses finds key secrets passed to a reusable workflow.
func (r *Repo) reusableCallUses(wf *Workflow, j *Job) []KeyUse {
	var called *Workflow
	if p, ok := strings.CutPrefix(j.Uses, "./"); ok {
		for _, w := range r.Workflows {
			if w.Path == p {
				called = w
			}
		}
	}
	var out []KeyUse
	if j.Secrets != nil && j.Secrets.Kind == yaml.ScalarNode && j.Secrets.Value == "inherit" {
		if called != nil && calledUsesKeys(r, called) {
			u := KeyUse{Kind: KindReusableCall, Line: j.Secrets.Line, Field: "secrets: inherit", Expression: "inherit", Via: j.Uses}
			for name := range called.CallSecrets {
				if looksLikeKeySecret(name) {
					u.Secrets = append(u.Secrets, name)
				}
			}
			sort.Strings(u.Secrets)
			r.jobContext(wf, j, &u)
			out = append(out, u)
		}
		return out
	}
	if j.Secrets == nil || j.Secrets.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(j.Secrets.Content); i += 2 {
		k, v := j.Secrets.Content[i], j.Secrets.Content[i+1]
		if v.Kind != yaml.ScalarNode || !reAnySecret.MatchString(v.Value) {
			continue
		}
		keyish := looksLikeKeySecret(k.Value)
		if called != nil {
			keyish = keyish || calledUsesSecretAsKey(r, called, k.Value)
		}
		if !keyish {
			continue
		}
		names, viaMatrix := secretNames(v.Value, j.Matrix)
		u := KeyUse{Kind: KindReusableCall, Line: k.Line, Field: k.Value, Secrets: names, Expression: v.Value, Matrix: viaMatrix, Via: j.Uses}
		r.jobContext(wf, j, &u)
		out = append(out, u)
	}
	return out
}

// calledUsesKeys reports whether a reusable workflow uses any key.
func calledUsesKeys(r *Repo, w *Workflow) bool {
	u, _ := r.scanWorkflow(w, nil)
	return len(u) > 0
}

// calledUsesSecretAsKey reports whether a reusable workflow uses the named
// secret as an AWS key.
func calledUsesSecretAsKey(r *Repo, w *Workflow, name string) bool {
	u, _ := r.scanWorkflow(w, nil)
	for _, x := range u {
		for _, s := range x.Secrets {
			if s == name {
				return true
			}
		}
	}
	return false
}

// ReferencesSecret reports whether a file's text still reads one of the
// named secrets (secrets.NAME, secrets['NAME']) or a secret picked by a
// matrix variable, as the self-check asks of every patched file.
func ReferencesSecret(src []byte, names []string) bool {
	text := string(src)
	if reSecretMat.MatchString(text) {
		return true
	}
	for _, n := range names {
		re := regexp.MustCompile(`secrets(\.` + regexp.QuoteMeta(n) + `\b|\[\s*['"]` + regexp.QuoteMeta(n) + `['"]\s*\])`)
		if re.MatchString(text) {
			return true
		}
	}
	return false
}
