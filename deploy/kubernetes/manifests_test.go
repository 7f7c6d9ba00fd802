// Package kubernetes holds iamspect's Kubernetes manifests; its tests check
// them, since `kubectl apply --dry-run=client` needs a cluster.
package kubernetes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// object is one decoded manifest.
type object struct {
	file string
	m    map[string]any
}

func (o object) kind() string { return str(o.m, "kind") }
func (o object) name() string { return str(o.m, "metadata", "name") }

// get walks maps by key and lists by index ("0").
func get(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

func num(v any, path ...string) int {
	n, _ := get(v, path...).(int)
	return n
}

func list(v any, path ...string) []any {
	l, _ := get(v, path...).([]any)
	return l
}

func loadManifests(t *testing.T) []object {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	var out []object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var m map[string]any
			err := dec.Decode(&m)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if m != nil {
				out = append(out, object{f, m})
			}
		}
	}
	return out
}

// apiVersions are the kinds the manifests may use, with their API group version.
var apiVersions = map[string]string{
	"Namespace": "v1", "ServiceAccount": "v1", "ConfigMap": "v1", "Service": "v1", "PersistentVolumeClaim": "v1",
	"CronJob": "batch/v1", "Job": "batch/v1", "Deployment": "apps/v1",
}

func TestManifestsAreWellFormed(t *testing.T) {
	objs := loadManifests(t)
	seen := map[string]bool{}
	byKind := map[string][]object{}
	for _, o := range objs {
		want, known := apiVersions[o.kind()]
		if !known {
			t.Errorf("%s: unexpected kind %q", o.file, o.kind())
			continue
		}
		if got := str(o.m, "apiVersion"); got != want {
			t.Errorf("%s: %s has apiVersion %q, want %q", o.file, o.kind(), got, want)
		}
		if o.name() == "" || !regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`).MatchString(o.name()) {
			t.Errorf("%s: %s name %q is not a DNS label", o.file, o.kind(), o.name())
		}
		if o.kind() != "Namespace" && str(o.m, "metadata", "namespace") != "iamspect" {
			t.Errorf("%s: %s/%s is not in namespace iamspect", o.file, o.kind(), o.name())
		}
		key := o.kind() + "/" + o.name()
		if seen[key] {
			t.Errorf("%s defined twice", key)
		}
		seen[key] = true
		byKind[o.kind()] = append(byKind[o.kind()], o)
	}
	for _, k := range []string{"CronJob", "Deployment", "Service", "ServiceAccount", "ConfigMap", "PersistentVolumeClaim"} {
		if len(byKind[k]) == 0 {
			t.Errorf("no %s", k)
		}
	}
	sa := byKind["ServiceAccount"]
	if len(sa) != 1 || !strings.HasPrefix(str(sa[0].m, "metadata", "annotations", "eks.amazonaws.com/role-arn"), "arn:aws:iam::") {
		t.Errorf("the ServiceAccount is not annotated for IRSA: %v", sa)
	}

	// Every pod: the ServiceAccount, non-root, read-only root, no privilege
	// escalation, all capabilities dropped, resources, volumes that exist.
	pods := map[string]any{}
	for _, cj := range byKind["CronJob"] {
		pods["CronJob/"+cj.name()] = get(cj.m, "spec", "jobTemplate", "spec", "template")
	}
	for _, d := range byKind["Deployment"] {
		pods["Deployment/"+d.name()] = get(d.m, "spec", "template")
	}
	for name, tpl := range pods {
		spec := get(tpl, "spec")
		if sa := str(spec, "serviceAccountName"); !seen["ServiceAccount/"+sa] {
			t.Errorf("%s: serviceAccountName %q is not defined", name, sa)
		}
		if get(spec, "securityContext", "runAsNonRoot") != true || num(spec, "securityContext", "runAsUser") == 0 {
			t.Errorf("%s: pod may run as root", name)
		}
		volumes := map[string]any{}
		for _, v := range list(spec, "volumes") {
			volumes[str(v, "name")] = v
			if cm := str(v, "configMap", "name"); cm != "" && !seen["ConfigMap/"+cm] {
				t.Errorf("%s: volume %s names ConfigMap %q, not defined", name, str(v, "name"), cm)
			}
			if pvc := str(v, "persistentVolumeClaim", "claimName"); pvc != "" && !seen["PersistentVolumeClaim/"+pvc] {
				t.Errorf("%s: volume %s names claim %q, not defined", name, str(v, "name"), pvc)
			}
		}
		containers := list(spec, "containers")
		if len(containers) == 0 {
			t.Errorf("%s: no container", name)
		}
		for _, c := range containers {
			cn := name + " container " + str(c, "name")
			if str(c, "image") == "" {
				t.Errorf("%s: no image", cn)
			}
			sc := get(c, "securityContext")
			if get(sc, "readOnlyRootFilesystem") != true || get(sc, "allowPrivilegeEscalation") != false ||
				!slices.Contains(list(sc, "capabilities", "drop"), any("ALL")) {
				t.Errorf("%s: securityContext %v: want a read-only root, no privilege escalation, all capabilities dropped", cn, sc)
			}
			for _, r := range []string{"requests", "limits"} {
				if str(c, "resources", r, "memory") == "" || str(c, "resources", r, "cpu") == "" {
					t.Errorf("%s: no cpu and memory %s", cn, r)
				}
			}
			for _, m := range list(c, "volumeMounts") {
				if volumes[str(m, "name")] == nil {
					t.Errorf("%s: mounts volume %q, not defined", cn, str(m, "name"))
				}
			}
		}
	}

	// The Service selects the serve Deployment's pods, on a port they expose.
	for _, svc := range byKind["Service"] {
		sel, _ := get(svc.m, "spec", "selector").(map[string]any)
		matched := false
		for _, d := range byKind["Deployment"] {
			labels, _ := get(d.m, "spec", "template", "metadata", "labels").(map[string]any)
			ok := len(sel) > 0
			for k, v := range sel {
				ok = ok && labels[k] == v
			}
			if !ok {
				continue
			}
			matched = true
			for _, p := range list(svc.m, "spec", "ports") {
				target := fmt.Sprint(get(p, "targetPort"))
				found := false
				for _, cp := range list(d.m, "spec", "template", "spec", "containers", "0", "ports") {
					found = found || str(cp, "name") == target || fmt.Sprint(get(cp, "containerPort")) == target
				}
				if !found {
					t.Errorf("Service %s: targetPort %s is not a port of Deployment %s", svc.name(), target, d.name())
				}
			}
		}
		if !matched {
			t.Errorf("Service %s selects no Deployment's pods", svc.name())
		}
	}
	// serve reads its database URL from a Secret, never from the manifest.
	for _, d := range byKind["Deployment"] {
		env := list(d.m, "spec", "template", "spec", "containers", "0", "env")
		ok := false
		for _, e := range env {
			if str(e, "name") == "DATABASE_URL" && str(e, "valueFrom", "secretKeyRef", "name") != "" {
				ok = true
			}
		}
		args := fmt.Sprint(list(d.m, "spec", "template", "spec", "containers", "0", "args"))
		if !ok || !strings.Contains(args, "--db=$(DATABASE_URL)") || !strings.Contains(args, "serve") {
			t.Errorf("Deployment %s: want serve --db=$(DATABASE_URL) from a Secret; args %s", d.name(), args)
		}
	}
}

// collectorJob returns the CronJob's job spec, its container and the script.
func collectorJob(t *testing.T) (job, container any, script string) {
	t.Helper()
	var cronJobs []object
	script = ""
	for _, o := range loadManifests(t) {
		switch {
		case o.kind() == "CronJob":
			cronJobs = append(cronJobs, o)
		case o.kind() == "ConfigMap" && o.name() == "iamspect-collect-script":
			script = str(o.m, "data", "collect.sh")
		}
	}
	if len(cronJobs) != 1 || script == "" {
		t.Fatalf("want one CronJob and the collect script, got %d and %d bytes", len(cronJobs), len(script))
	}
	job = get(cronJobs[0].m, "spec", "jobTemplate", "spec")
	return job, get(job, "template", "spec", "containers", "0"), script
}

func envOf(container any, name string) string {
	for _, e := range list(container, "env") {
		if str(e, "name") == name {
			return str(e, "value")
		}
	}
	return ""
}

// The Indexed Job runs one pod per shard: completions and parallelism equal
// the SHARDS the script passes to --shard $((JOB_COMPLETION_INDEX+1))/SHARDS.
func TestIndexedJobMatchesShards(t *testing.T) {
	job, c, script := collectorJob(t)
	if str(job, "completionMode") != "Indexed" {
		t.Errorf("completionMode %q, want Indexed", str(job, "completionMode"))
	}
	shards, err := strconv.Atoi(envOf(c, "SHARDS"))
	if err != nil || shards < 1 {
		t.Fatalf("SHARDS %q", envOf(c, "SHARDS"))
	}
	if num(job, "completions") != shards || num(job, "parallelism") != shards {
		t.Errorf("completions %d, parallelism %d, SHARDS %d: want them equal", num(job, "completions"), num(job, "parallelism"), shards)
	}
	if !strings.Contains(script, `--shard "$((JOB_COMPLETION_INDEX+1))/${SHARDS}"`) {
		t.Errorf("the script does not pass --shard $((JOB_COMPLETION_INDEX+1))/SHARDS:\n%s", script)
	}
	if r := str(job, "template", "spec", "restartPolicy"); r != "Never" && r != "OnFailure" {
		t.Errorf("restartPolicy %q", r)
	}
	if !strings.Contains(str(c, "command", "1"), "collect.sh") {
		t.Errorf("the container does not run the script: %v", get(c, "command"))
	}
}

// The collector script, run for every index with a stand-in iamspect:
// each pod collects its shard into the run's directory, and pod 1 merges
// all parts and scans the merged snapshot once.
func TestCollectScriptRunsShardsThenMergesOnce(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	_, c, script := collectorJob(t)
	shards, _ := strconv.Atoi(envOf(c, "SHARDS"))
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// The stand-in logs its arguments and writes the file after -o.
	fake := `#!/bin/sh
echo "$*" >> "$LOG"
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then echo '{}' > "$2"; fi
  shift
done
`
	if err := os.WriteFile(filepath.Join(bin, "iamspect"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	scriptFile := filepath.Join(dir, "collect.sh")
	if err := os.WriteFile(scriptFile, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "log")
	run := func(index int) {
		cmd := exec.Command(sh, scriptFile)
		cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "LOG=" + log, "PARTS_DIR=" + filepath.Join(dir, "parts"),
			"RUN=iamspect-collect-123", "SHARDS=" + strconv.Itoa(shards), "JOB_COMPLETION_INDEX=" + strconv.Itoa(index),
			"MERGE_WAIT_SECONDS=5"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("index %d: %v\n%s", index, err, out)
		}
	}
	for i := shards - 1; i >= 0; i-- { // pod 1 last, so its wait ends at once
		run(i)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	partsDir := filepath.Join(dir, "parts", "runs", "iamspect-collect-123")
	var want []string
	for i := shards; i >= 1; i-- {
		want = append(want, fmt.Sprintf("collect --org --shard %d/%d --shard-run iamspect-collect-123 --parallel 4 -o %s/part-%d.json", i, shards, partsDir, i))
	}
	var parts []string
	for i := 1; i <= shards; i++ {
		parts = append(parts, fmt.Sprintf("%s/part-%d.json", partsDir, i))
	}
	want = append(want, "merge "+strings.Join(parts, " ")+" -o "+partsDir+"/org.json",
		"scan --snapshot "+partsDir+"/org.json --format table --fail-on none --report json="+partsDir+"/report.json --report html="+partsDir+"/report.html")
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// aws/iam-policy.json is the policy of docs/permissions.md.
func TestIAMPolicyMatchesPermissionsDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/permissions.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## The policy.*?```json\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/permissions.md has no policy block under \"## The policy\"")
	}
	manifest, err := os.ReadFile("aws/iam-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(m[1], &a); err != nil {
		t.Fatalf("docs/permissions.md: %v", err)
	}
	if err := json.Unmarshal(manifest, &b); err != nil {
		t.Fatalf("aws/iam-policy.json: %v", err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("deploy/kubernetes/aws/iam-policy.json differs from the policy in docs/permissions.md: copy it again")
	}
}
