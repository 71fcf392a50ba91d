package generator

import (
	"strings"
	"testing"
)

func TestRegistryPackageName(t *testing.T) {
	for _, pkg := range []string{"", "_", "1registry", "my-registry", "func"} {
		if _, err := Registry(nil, DefaultModulePath+"/generated", pkg); err == nil || !strings.Contains(err.Error(), "not a Go identifier") {
			t.Errorf("package %q: error %v, want not a Go identifier", pkg, err)
		}
	}
	src, err := Registry([]Output{{Connector: "connectors/acme.json", Package: "acme"}}, "example.com/m/generated", "clients")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\npackage clients\n", `"example.com/m/generated/acme"`, "var Clients = map[string]func(Config, ...runtime.Option) (any, error){", "c.SetParams(&cfg.Params)", "acme.New(cfg, opts...)"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("registry source lacks %q:\n%s", want, src)
		}
	}
}
