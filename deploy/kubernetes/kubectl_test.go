package kubernetes

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeAPIServer answers what `kubectl apply --dry-run=client
// --validate=false` asks a cluster: API discovery for the kinds the
// manifests use, and "not found" for every object (so each is "created").
func fakeAPIServer(t *testing.T) *httptest.Server {
	t.Helper()
	res := func(name, kind string, namespaced bool) map[string]any {
		return map[string]any{"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": []string{"create", "get", "list", "patch"}}
	}
	group := func(name string) map[string]any {
		gv := map[string]any{"groupVersion": name + "/v1", "version": "v1"}
		return map[string]any{"name": name, "versions": []any{gv}, "preferredVersion": gv}
	}
	docs := map[string]any{
		"/api": map[string]any{"kind": "APIVersions", "versions": []string{"v1"}, "serverAddressByClientCIDRs": []any{}},
		"/api/v1": map[string]any{"kind": "APIResourceList", "groupVersion": "v1", "resources": []any{
			res("namespaces", "Namespace", false), res("serviceaccounts", "ServiceAccount", true), res("configmaps", "ConfigMap", true),
			res("services", "Service", true), res("persistentvolumeclaims", "PersistentVolumeClaim", true)}},
		"/apis": map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{group("batch"), group("apps")}},
		"/apis/batch/v1": map[string]any{"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": []any{
			res("cronjobs", "CronJob", true), res("jobs", "Job", true)}},
		"/apis/apps/v1": map[string]any{"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": []any{
			res("deployments", "Deployment", true)}},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if doc, ok := docs[r.URL.Path]; ok && r.Method == http.MethodGet {
			_ = json.NewEncoder(w).Encode(doc)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// kubectl itself reads every manifest: `kubectl apply --dry-run=client`
// against a stand-in API server (it needs API discovery, which a client
// dry run cannot do without a cluster). Schema validation needs the
// cluster's OpenAPI documents, so it is off; TestManifestsAreWellFormed
// checks the fields instead.
func TestKubectlDryRunClient(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not on PATH (Debian/Ubuntu: apt-get install kubectl); TestManifestsAreWellFormed still checks the manifests")
	}
	srv := fakeAPIServer(t)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"" + srv.URL + "\"}\n  name: fake\n" +
		"contexts:\n- context: {cluster: fake, user: fake}\n  name: fake\ncurrent-context: fake\nusers:\n- name: fake\n  user: {token: x}\n"
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache"), "--request-timeout", "10s",
		"apply", "--dry-run=client", "--validate=false", "-f", ".")
	cmd.Env = append(os.Environ(), "HOME="+dir)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl apply --dry-run=client: %v\n%s", err, out)
	}
	for _, o := range loadManifests(t) {
		want := strings.ToLower(o.kind()) + "/" + o.name() + " created (dry run)"
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			// kubectl names kinds with their group: cronjob.batch/NAME.
			k, rest, _ := strings.Cut(line, "/")
			k, _, _ = strings.Cut(k, ".")
			found = found || k+"/"+rest == want
		}
		if !found {
			t.Errorf("kubectl did not apply %s:\n%s", want, out)
		}
	}
}
