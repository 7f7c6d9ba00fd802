package kubernetes

import (
	"strings"
	"testing"

	"github.com/iamspect/iamspect/internal/server"
)

// The serve.yaml in the ConfigMap is a valid serve configuration, and since
// the Deployment listens on every interface it configures tokens (serve
// refuses to start otherwise), from the file the Secret is mounted at.
func TestServeConfigMapIsAValidConfiguration(t *testing.T) {
	var cfgYAML, args, mount string
	for _, o := range loadManifests(t) {
		switch {
		case o.kind() == "ConfigMap" && o.name() == "iamspect-serve-config":
			cfgYAML = str(o.m, "data", "serve.yaml")
		case o.kind() == "Deployment" && o.name() == "iamspect-serve":
			c := get(o.m, "spec", "template", "spec", "containers", "0")
			for _, a := range list(c, "args") {
				args += a.(string) + " "
			}
			for _, m := range list(c, "volumeMounts") {
				if str(m, "name") == "tokens" {
					mount = str(m, "mountPath")
				}
			}
		}
	}
	if cfgYAML == "" || args == "" {
		t.Fatal("no serve ConfigMap or Deployment")
	}
	cfg, err := server.ParseConfig([]byte(cfgYAML), "/etc/iamspect")
	if err != nil {
		t.Fatalf("serve.yaml in the ConfigMap: %v", err)
	}
	if strings.Contains(args, "--addr=0.0.0.0") && (cfg.Auth.TokensFile == "" || !strings.HasPrefix(cfg.Auth.TokensFile, mount+"/")) {
		t.Errorf("the Deployment listens on 0.0.0.0 but auth.tokens_file %q is not in the tokens mount %q", cfg.Auth.TokensFile, mount)
	}
}
