// The oracle's snippet mode: each case of a corpus (`=== NAME` then a template body) is parsed
// as mychart/templates/t.yaml beside a shared _helpers.tpl and executed with a values file, as
// Helm's engine would; the output, or the error as Helm reports it after its cleanup
// (`parse error at (...)`, `execution error at (...)`, Go's text otherwise), is printed after
// the case's `=== NAME` line.
package main

import (
	"fmt"
	"io/ioutil"
	"regexp"
	"strings"
	"text/template"
)

var warnRe = regexp.MustCompile(`HELM_ERR_START(.*)HELM_ERR_END`)

func parseErr(file string, err error) string {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Sprintf("parse error in (%s): %s", file, err)
	}
	return fmt.Sprintf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

func execErr(file string, err error) string {
	if _, ok := err.(template.ExecError); !ok {
		return err.Error()
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Sprintf("execution error in (%s): %s", file, err)
	}
	if parts := warnRe.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Sprintf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err.Error()
}

func renderSnippet(body, helpers string, values map[string]interface{}) string {
	const file = "mychart/templates/t.yaml"
	const helpersFile = "mychart/templates/_helpers.tpl"
	t := template.New("gotpl").Option("missingkey=zero")
	t.Funcs(helmFuncs(t))
	for _, f := range []struct{ name, src string }{{file, body}, {helpersFile, helpers}} {
		if _, err := t.New(f.name).Parse(f.src); err != nil {
			return "ERROR: " + parseErr(f.name, err)
		}
	}
	vals := map[string]interface{}{
		"Values":   values,
		"Release":  map[string]interface{}{"Name": "rel", "Namespace": "default", "Revision": 1, "IsInstall": true, "IsUpgrade": false, "Service": "Helm"},
		"Chart":    map[string]interface{}{"Name": "mychart", "Version": "0.1.0", "AppVersion": "1.16.0"},
		"Template": map[string]interface{}{"Name": file, "BasePath": "mychart/templates"},
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, file, vals); err != nil {
		return "ERROR: " + execErr(file, err)
	}
	return strings.ReplaceAll(buf.String(), "<no value>", "")
}

func snippets(casesFile, valuesFile, helpersFile string) {
	raw, err := ioutil.ReadFile(casesFile)
	if err != nil {
		fail(err)
	}
	helpers, err := ioutil.ReadFile(helpersFile)
	if err != nil {
		fail(err)
	}
	values := readValues(valuesFile)
	for _, c := range strings.Split(string(raw), "=== ")[1:] {
		nl := strings.Index(c, "\n")
		name, body := c[:nl], c[nl+1:]
		fmt.Printf("=== %s\n%s\n", name, renderSnippet(body, string(helpers), values))
	}
}
