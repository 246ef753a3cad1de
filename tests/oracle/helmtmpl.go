// helmtmpl: kubelab's differential oracle for chart rendering. It wires Go's text/template,
// Masterminds Sprig and sigs.k8s.io/yaml the way Helm's pkg/engine does (function map,
// missingkey=zero, parse order, "<no value>" scrub) and prints what `helm template` prints
// (documents split, hooks apart, manifests in install order). Written for kubelab; it uses only
// Debian's Go packages and builds offline in GOPATH mode (see run.sh).
//
// usage: helmtmpl CHARTDIR RELEASE NAMESPACE KUBEVERSION [VALUESFILE] [notes]
package main

import (
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type chartMeta struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	AppVersion  string `json:"appVersion"`
	Description string `json:"description"`
	APIVersion  string `json:"apiVersion"`
	Type        string `json:"type"`
}

type kubeVersion struct{ Version, Major, Minor, GitVersion string }

func readValues(path string) map[string]interface{} {
	out := map[string]interface{}{}
	data, err := ioutil.ReadFile(path)
	if err != nil {
		return out
	}
	if err := yaml.Unmarshal(data, &out); err != nil {
		fail(err)
	}
	if out == nil {
		out = map[string]interface{}{}
	}
	return out
}

// overlay: user values win, maps merge, a user null removes the key.
func overlay(chart, user map[string]interface{}) map[string]interface{} {
	for k, cv := range chart {
		uv, ok := user[k]
		if !ok {
			user[k] = cv
			continue
		}
		if uv == nil {
			delete(user, k)
			continue
		}
		um, uok := uv.(map[string]interface{})
		cm, cok := cv.(map[string]interface{})
		if uok && cok {
			user[k] = overlay(cm, um)
		}
	}
	return user
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "Error:", err)
	os.Exit(1)
}

func main() {
	dir, release, ns, kv := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	var meta chartMeta
	raw, err := ioutil.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		fail(err)
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		fail(err)
	}
	values := readValues(filepath.Join(dir, "values.yaml"))
	notes := false
	for _, a := range os.Args[5:] {
		if a == "notes" {
			notes = true
		} else {
			values = overlay(values, readValues(a))
		}
	}
	parts := strings.SplitN(strings.TrimPrefix(kv, "v"), ".", 3)
	caps := map[string]interface{}{
		"KubeVersion": kubeVersion{Version: kv, Major: parts[0], Minor: parts[1], GitVersion: kv},
	}
	top := map[string]interface{}{
		"Chart":        map[string]interface{}{"Name": meta.Name, "Version": meta.Version, "AppVersion": meta.AppVersion, "Description": meta.Description, "APIVersion": meta.APIVersion, "Type": meta.Type},
		"Release":      map[string]interface{}{"Name": release, "Namespace": ns, "Revision": 1, "IsInstall": true, "IsUpgrade": false, "Service": "Helm"},
		"Values":       values,
		"Capabilities": caps,
	}

	// templates, named CHART/templates/...
	tpls := map[string]string{}
	filepath.Walk(filepath.Join(dir, "templates"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		b, _ := ioutil.ReadFile(p)
		tpls[meta.Name+"/"+filepath.ToSlash(rel)] = string(b)
		return nil
	})
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { // deeper first, then reverse lexical
		a, b := keys[i], keys[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca == cb {
			return a > b
		}
		return ca > cb
	})

	t := template.New("gotpl").Option("missingkey=zero")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, fmt.Errorf("HELM_ERR_START%sHELM_ERR_END", warn)
		} else if s, ok := val.(string); ok && s == "" {
			return val, fmt.Errorf("HELM_ERR_START%sHELM_ERR_END", warn)
		}
		return val, nil
	}
	t.Funcs(funcs)
	for _, k := range keys {
		if _, err := t.New(k).Parse(tpls[k]); err != nil {
			fail(err)
		}
	}
	rendered := map[string]string{}
	for _, k := range keys {
		if strings.HasPrefix(filepath.Base(k), "_") {
			continue
		}
		vals := map[string]interface{}{}
		for kk, vv := range top {
			vals[kk] = vv
		}
		vals["Template"] = map[string]interface{}{"Name": k, "BasePath": meta.Name + "/templates"}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, k, vals); err != nil {
			fail(err)
		}
		rendered[k] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	if notes {
		fmt.Print(rendered[meta.Name+"/templates/NOTES.txt"])
		return
	}

	order := []string{"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService"}
	rank := map[string]int{}
	for i, k := range order {
		rank[k] = i
	}
	type doc struct{ path, content, kind string }
	var manifests, hooks []doc
	sep := regexp.MustCompile(`(?:^|\s*\n)---\s*`)
	files := make([]string, 0)
	for k := range rendered {
		files = append(files, k)
	}
	sort.Strings(files)
	for _, f := range files {
		if filepath.Base(f) == "NOTES.txt" {
			continue
		}
		for _, d := range sep.Split(rendered[f], -1) {
			d = strings.TrimSpace(d)
			if d == "" {
				continue
			}
			var head struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
			}
			yaml.Unmarshal([]byte(d), &head)
			if _, ok := head.Metadata.Annotations["helm.sh/hook"]; ok {
				hooks = append(hooks, doc{f, d, head.Kind})
			} else {
				manifests = append(manifests, doc{f, d, head.Kind})
			}
		}
	}
	sort.SliceStable(manifests, func(i, j int) bool {
		a, aok := rank[manifests[i].kind]
		b, bok := rank[manifests[j].kind]
		switch {
		case aok && bok:
			return a < b
		case aok:
			return true
		case bok:
			return false
		}
		return manifests[i].kind < manifests[j].kind
	})
	var b strings.Builder
	for _, m := range manifests {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.path, m.content)
	}
	out := strings.TrimSpace(b.String())
	if out != "" {
		fmt.Println(out)
	}
	for _, h := range hooks {
		fmt.Printf("---\n# Source: %s\n%s\n", h.path, h.content)
	}
}
