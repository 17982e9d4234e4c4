package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// restVersion is the REST API version the checks' own requests use.
const restVersion = "v60.0"

// The records the Salesforce CLI checks look for and make.
const (
	seedAccount    = "Conformance Seed Account" // in seed.yaml, Industry Technology
	seedAccounts   = 5                          // seed.yaml's Accounts: 2 given, 3 generated
	cliAccount     = "Conformance CLI Account"
	cliAccountNew  = "Conformance CLI Renamed"
	sfAlias        = "conform"
	connectedLabel = "Connected" // sf org display's connectedStatus for a working org
)

// sfCLI runs the pinned Salesforce CLI with a config of its own.
type sfCLI struct {
	bin     string
	env     []string
	dir     string // its HOME, removed at the end
	c       config
	verbose func(string)
}

// newSFCLI makes a home for the CLI in a temporary directory and the
// environment that keeps it offline and non-interactive.
func newSFCLI(c config, getenv func(string) string, verbose func(string)) (*sfCLI, error) {
	home, err := os.MkdirTemp("", "sfconform-sf-")
	if err != nil {
		return nil, fmt.Errorf("sfconform: sf home: %w", err)
	}
	bin := filepath.Join(c.dir, "node_modules", ".bin")
	env := []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		// The CLI spawns sf itself for some work: find the pinned one.
		"PATH=" + bin + string(os.PathListSeparator) + getenv("PATH"),
		"SF_DISABLE_TELEMETRY=true", "SFDX_DISABLE_TELEMETRY=true",
		"SF_AUTOUPDATE_DISABLE=true", "SFDX_AUTOUPDATE_DISABLE=true",
		"SF_SKIP_NEW_VERSION_CHECK=true", "SF_HIDE_RELEASE_NOTES=true",
		"SF_HIDE_RELEASE_NOTES_FOOTER=true",
		// Keys in a file, not a desktop keychain nobody can unlock here.
		"SF_USE_GENERIC_UNIX_KEYCHAIN=true", "SFDX_USE_GENERIC_UNIX_KEYCHAIN=true",
		// mocksf's hosts are not in DNS as *.salesforce.com.
		"SF_DISABLE_DNS_CHECK=true", "SFDX_DISABLE_DNS_CHECK=true",
		"SF_DISABLE_LOG_FILE=true", "NO_COLOR=1", "FORCE_COLOR=0",
	}
	return &sfCLI{bin: filepath.Join(bin, "sf"), env: env, dir: home, c: c, verbose: verbose}, nil
}

// sfResult is the --json envelope of every sf command.
type sfResult struct {
	Status   int             `json:"status"`
	Result   json.RawMessage `json:"result"`
	Name     string          `json:"name"`
	Message  string          `json:"message"`
	Warnings []string        `json:"warnings"`
}

// run runs sf with args (and --json) and extra environment, and decodes
// the result into out. A non-zero status is an error with sf's message.
func (s *sfCLI) run(ctx context.Context, out any, extraEnv []string, args ...string) error {
	stdout, stderr, err := s.exec(ctx, extraEnv, append(args, "--json")...)
	name := command(args)
	var res sfResult
	if i := bytes.IndexByte(stdout, '{'); i >= 0 && json.Unmarshal(stdout[i:], &res) == nil {
		if res.Status != 0 {
			return fmt.Errorf("%s: %s: %s", name, res.Name, res.Message)
		}
		if out != nil {
			if err := json.Unmarshal(res.Result, out); err != nil {
				return fmt.Errorf("%s: its result: %w: %s", name, err, truncate(string(res.Result), 200))
			}
		}
		return nil
	}
	if err == nil {
		err = errors.New("no JSON on stdout")
	}
	return fmt.Errorf("%s: %w: %s %s", name, err, truncate(string(stdout), 200), truncate(string(stderr), 300))
}

// command names an sf command by its words before the first flag:
// "sf data query".
func command(args []string) string {
	words := []string{"sf"}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// exec runs sf with a timeout and returns what it printed.
func (s *sfCLI) exec(ctx context.Context, extraEnv []string, args ...string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = append(append([]string{}, s.env...), extraEnv...)
	cmd.Dir = s.dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	s.verbose(fmt.Sprintf("$ sf %s\n%s%s", strings.Join(args, " "), o.String(), e.String()))
	return o.Bytes(), e.Bytes(), err
}

// runSF runs the Salesforce CLI's checks against the seed's org with a
// token from the real code flow.
func runSF(ctx context.Context, c config, h *harness, r *report, getenv func(string) string) {
	verbose := func(string) {}
	if c.verbose {
		verbose = func(s string) { fmt.Fprintln(r.out, s) }
	}
	sf, err := newSFCLI(c, getenv, verbose)
	if err != nil {
		r.fail("sf setup", err.Error(), h.newestRequest())
		return
	}
	defer os.RemoveAll(sf.dir)
	org := []string{"--target-org", sfAlias}
	var token, createdID string

	since := h.newestRequest()
	tok, err := h.login()
	if err != nil {
		r.fail("sf login (mocksf's pages, code flow)", err.Error(), since)
		return
	}
	token = tok.AccessToken
	r.pass("sf login (mocksf's pages, code flow)", "token for "+h.user.Username)

	checks := []struct {
		name string
		fn   func(since int64) (string, error)
	}{
		{"sf org login access-token", func(int64) (string, error) {
			var got struct {
				Username    string `json:"username"`
				OrgID       string `json:"orgId"`
				InstanceURL string `json:"instanceUrl"`
			}
			err := sf.run(ctx, &got, []string{"SF_ACCESS_TOKEN=" + token},
				"org", "login", "access-token", "--instance-url", h.org.InstanceURL, "--no-prompt", "--alias", sfAlias, "--set-default")
			if err != nil {
				return "", err
			}
			if !strings.EqualFold(got.Username, h.user.Username) || !sameID(got.OrgID, h.org.ID) {
				return "", fmt.Errorf("logged in as %q of org %q; want %q of %q", got.Username, got.OrgID, h.user.Username, h.org.ID)
			}
			return got.Username + " of " + got.OrgID, nil
		}},
		{"sf org display", func(int64) (string, error) {
			var got struct {
				ConnectedStatus string `json:"connectedStatus"`
				Username        string `json:"username"`
				ID              string `json:"id"`
			}
			if err := sf.run(ctx, &got, nil, append([]string{"org", "display"}, org...)...); err != nil {
				return "", err
			}
			if got.ConnectedStatus != connectedLabel || !sameID(got.ID, h.org.ID) {
				return "", fmt.Errorf("connectedStatus %q, org %q; want %q, %q", got.ConnectedStatus, got.ID, connectedLabel, h.org.ID)
			}
			return got.ConnectedStatus, nil
		}},
		{"sf data query", func(int64) (string, error) {
			recs, err := sfQuery(ctx, sf, org, "SELECT Id, Name, Industry FROM Account WHERE Name = '"+seedAccount+"'")
			if err != nil {
				return "", err
			}
			if len(recs) != 1 || recs[0]["Name"] != seedAccount || recs[0]["Industry"] != "Technology" {
				return "", fmt.Errorf("got %v; want the one Account %q in Technology", recs, seedAccount)
			}
			return fmt.Sprintf("%s (%s)", recs[0]["Name"], recs[0]["Industry"]), nil
		}},
		// sf 2.150's data query has no --bulk any more: its Bulk API 2.0
		// query is data export bulk.
		{"sf data query --bulk (sf data export bulk)", func(int64) (string, error) {
			file := filepath.Join(sf.dir, "accounts.csv")
			var got struct {
				TotalSize int `json:"totalSize"`
			}
			if err := sf.run(ctx, &got, nil, append([]string{"data", "export", "bulk", "--query", "SELECT Id, Name FROM Account",
				"--output-file", file, "--result-format", "csv", "--wait", "2"}, org...)...); err != nil {
				return "", err
			}
			rows, err := readCSV(file)
			if err != nil {
				return "", err
			}
			if got.TotalSize != seedAccounts || len(rows) != seedAccounts+1 || !hasRow(rows, "Name", seedAccount) {
				return "", fmt.Errorf("totalSize %d, %d CSV lines; want %d Accounts with %q", got.TotalSize, len(rows), seedAccounts, seedAccount)
			}
			return fmt.Sprintf("%d Accounts as CSV", got.TotalSize), nil
		}},
		{"sf data create record", func(int64) (string, error) {
			var got struct {
				ID      string `json:"id"`
				Success bool   `json:"success"`
			}
			if err := sf.run(ctx, &got, nil, append([]string{"data", "create", "record", "--sobject", "Account",
				"--values", "Name='" + cliAccount + "' Industry=Energy"}, org...)...); err != nil {
				return "", err
			}
			if !got.Success || got.ID == "" {
				return "", fmt.Errorf("success %v, id %q", got.Success, got.ID)
			}
			createdID = got.ID
			// Mocksf's own answer, not the CLI's: the record is queryable.
			if err := h.queryOne(token, "SELECT Id, Name, Industry FROM Account WHERE Id = '"+got.ID+"'", map[string]any{"Name": cliAccount, "Industry": "Energy"}); err != nil {
				return "", err
			}
			return got.ID + " " + cliAccount, nil
		}},
		{"sf data update record", func(int64) (string, error) {
			if createdID == "" {
				return "", errors.New(skipped + "sf data create record made nothing")
			}
			if err := sf.run(ctx, nil, nil, append([]string{"data", "update", "record", "--sobject", "Account",
				"--record-id", createdID, "--values", "Name='" + cliAccountNew + "'"}, org...)...); err != nil {
				return "", err
			}
			if err := h.queryOne(token, "SELECT Id, Name, Industry FROM Account WHERE Id = '"+createdID+"'", map[string]any{"Name": cliAccountNew, "Industry": "Energy"}); err != nil {
				return "", err
			}
			return "queried back as " + cliAccountNew, nil
		}},
		{"sf sobject describe", func(int64) (string, error) {
			var got struct {
				Name   string `json:"name"`
				Fields []struct {
					Name string `json:"name"`
					Type string `json:"type"`
				} `json:"fields"`
			}
			if err := sf.run(ctx, &got, nil, append([]string{"sobject", "describe", "--sobject", "Account"}, org...)...); err != nil {
				return "", err
			}
			types := map[string]string{}
			for _, f := range got.Fields {
				types[f.Name] = f.Type
			}
			if got.Name != "Account" || types["Id"] != "id" || types["Name"] != "string" {
				return "", fmt.Errorf("name %q, Id %q, Name %q; want Account with Id id and Name string", got.Name, types["Id"], types["Name"])
			}
			return fmt.Sprintf("Account, %d fields", len(got.Fields)), nil
		}},
		{"sf api request rest", func(int64) (string, error) {
			if createdID == "" {
				return "", errors.New(skipped + "sf data create record made nothing")
			}
			// It prints the answer's body as is.
			stdout, stderr, err := sf.exec(ctx, nil, append([]string{"api", "request", "rest",
				"/services/data/" + restVersion + "/sobjects/Account/" + createdID}, org...)...)
			if err != nil {
				return "", fmt.Errorf("%w: %s %s", err, truncate(string(stdout), 200), truncate(string(stderr), 300))
			}
			var rec map[string]any
			if i := bytes.IndexByte(stdout, '{'); i < 0 || json.Unmarshal(stdout[i:], &rec) != nil {
				return "", fmt.Errorf("not a JSON record: %s", truncate(string(stdout), 200))
			}
			if rec["Id"] == nil || rec["Name"] != cliAccountNew {
				return "", fmt.Errorf("got %v; want the Account named %q", rec, cliAccountNew)
			}
			return "GET sobjects/Account/" + createdID, nil
		}},
		{"sf data delete record", func(int64) (string, error) {
			if createdID == "" {
				return "", errors.New(skipped + "sf data create record made nothing")
			}
			if err := sf.run(ctx, nil, nil, append([]string{"data", "delete", "record", "--sobject", "Account",
				"--record-id", createdID}, org...)...); err != nil {
				return "", err
			}
			status, err := h.rest(token, "GET", "/services/data/"+restVersion+"/sobjects/Account/"+createdID, nil)
			if err != nil || status != http.StatusNotFound {
				return "", fmt.Errorf("GET the deleted record: %d %v; want 404", status, err)
			}
			return "gone (404)", nil
		}},
		{"sf data search (SOSL)", func(int64) (string, error) {
			var got struct {
				SearchRecords []struct {
					Attributes struct{ Type string } `json:"attributes"`
					Name       string
				} `json:"searchRecords"`
			}
			sosl := "FIND {Conformance Seed} IN NAME FIELDS RETURNING Account(Name)"
			if err := sf.run(ctx, &got, nil, append([]string{"data", "search", "--query", sosl}, org...)...); err != nil {
				return "", err
			}
			if len(got.SearchRecords) != 1 || got.SearchRecords[0].Attributes.Type != "Account" || got.SearchRecords[0].Name != "Conformance Seed Account" {
				return "", fmt.Errorf("%s found %+v; want the one Account Conformance Seed Account", sosl, got.SearchRecords)
			}
			return "Account " + got.SearchRecords[0].Name, nil
		}},
		{"sf data query of an unknown object", func(int64) (string, error) {
			_, err := sfQuery(ctx, sf, org, "SELECT Id FROM NoSuchObject__c")
			if err == nil {
				return "", errors.New("it succeeded")
			}
			if !strings.Contains(err.Error(), "INVALID_TYPE") && !strings.Contains(err.Error(), "not supported") {
				return "", fmt.Errorf("want Salesforce's INVALID_TYPE (sObject type 'NoSuchObject__c' is not supported), got %v", err)
			}
			return oneLine(err.Error()), nil
		}},
	}
	for _, ck := range checks {
		since := h.newestRequest()
		detail, err := ck.fn(since)
		r.check(ck.name, since, detail, err)
	}
}

// sfQuery runs sf data query and returns its records.
func sfQuery(ctx context.Context, sf *sfCLI, org []string, soql string) ([]map[string]any, error) {
	var got struct {
		TotalSize int              `json:"totalSize"`
		Records   []map[string]any `json:"records"`
	}
	if err := sf.run(ctx, &got, nil, append([]string{"data", "query", "--query", soql}, org...)...); err != nil {
		return nil, err
	}
	if got.TotalSize != len(got.Records) {
		return nil, fmt.Errorf("totalSize %d but %d records", got.TotalSize, len(got.Records))
	}
	return got.Records, nil
}

// readCSV reads a whole CSV file.
func readCSV(file string) ([][]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return rows, nil
}

// hasRow reports whether a CSV with a header row has a row whose column
// is value.
func hasRow(rows [][]string, column, value string) bool {
	if len(rows) == 0 {
		return false
	}
	col := -1
	for i, h := range rows[0] {
		if h == column {
			col = i
		}
	}
	for _, row := range rows[1:] {
		if col >= 0 && col < len(row) && row[col] == value {
			return true
		}
	}
	return false
}

// sameID compares Salesforce IDs, 15 or 18 characters.
func sameID(a, b string) bool {
	return len(a) >= 15 && len(b) >= 15 && a[:15] == b[:15]
}
