package e2e

import "testing"

func TestReadEnv(t *testing.T) {
	vars := map[string]string{}
	getenv := func(k string) string { return vars[k] }
	e, err := readEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if e.Tags != "not @wip" || e.Format != "pretty" || e.InstanceHosts != "per-org" || e.Retries != 0 ||
		e.ResultsDir != "results" || e.Trace || e.KeepOrgs || e.NoColors {
		t.Errorf("readEnv of nothing = %+v; want the defaults", e)
	}
	vars = map[string]string{"TAGS": "@smoke", "RETRIES": "2", "TRACE": "1", "CI": "true", "MOCKSF_CONTROL_TOKEN": "tok"}
	if e, err = readEnv(getenv); err != nil || e.Tags != "@smoke" || e.Retries != 2 || !e.Trace || !e.NoColors || e.ControlToken != "tok" {
		t.Errorf("readEnv = %+v, %v; want TAGS, RETRIES, TRACE, CI and MOCKSF_CONTROL_TOKEN read", e, err)
	}
	vars = map[string]string{"RETRIES": "-1"}
	if _, err := readEnv(getenv); err == nil {
		t.Error("RETRIES=-1 read; want an error")
	}
}
