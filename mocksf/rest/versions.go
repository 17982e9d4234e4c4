package rest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
)

// apiVersion is a REST API version; mocksf serves major versions only
// (NN.0), as Salesforce does.
type apiVersion struct{ major, minor int }

// oldestVersion is the oldest version Salesforce still lists: Winter '11.
var oldestVersion = apiVersion{major: 20}

// parseVersion reads "67.0".
func parseVersion(s string) (apiVersion, bool) {
	majorText, minorText, ok := strings.Cut(s, ".")
	if !ok {
		return apiVersion{}, false
	}
	major, err1 := strconv.Atoi(majorText)
	minor, err2 := strconv.Atoi(minorText)
	if err1 != nil || err2 != nil || major < 0 || minor < 0 || len(minorText) != 1 {
		return apiVersion{}, false
	}
	return apiVersion{major, minor}, true
}

func (v apiVersion) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

// served reports whether mocksf answers under this version.
func (v apiVersion) served(newest apiVersion) bool {
	return v.minor == 0 && v.major >= oldestVersion.major && v.major <= newest.major
}

// releaseLabel names the release that brought a version. Releases run
// Winter, Spring, Summer from Winter '11 (20.0), three a year.
func releaseLabel(major int) string {
	n := major - oldestVersion.major
	season := [...]string{"Winter", "Spring", "Summer"}[n%3]
	year := 11 + n/3
	// Salesforce's own list spells this one label with a curly apostrophe.
	if season == "Spring" && year == 18 {
		return "Spring ’18"
	}
	return fmt.Sprintf("%s '%02d", season, year)
}

type versionInfo struct {
	Label   string `json:"label"`
	URL     string `json:"url"`
	Version string `json:"version"`
}

// HandleVersions answers GET /services/data: every version served, oldest
// first. It needs no session; when the request carries a valid one, the
// list stops at the newest version of the session's org, as the org's My
// Domain would answer.
func HandleVersions(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		newest := api.newestVersion()
		if at, status, _ := authenticate(api.Store, r.Header.Get("Authorization")); status == 0 {
			newest = api.orgNewestVersion(at.OrgID)
		}
		var list []versionInfo
		for major := oldestVersion.major; major <= newest.major; major++ {
			v := apiVersion{major: major}
			list = append(list, versionInfo{Label: releaseLabel(major), URL: "/services/data/v" + v.String(), Version: v.String()})
		}
		writeJSON(w, http.StatusOK, list)
	})
}

// resourceNames are the resources listed by version, each served (jobs as
// /jobs/ingest and /jobs/query); clients look the names up here.
var resourceNames = []string{"sobjects", "query", "queryAll", "limits", "search", "parameterizedSearch", "composite", "jobs", "tooling", "recent"}

// HandleResources answers GET /services/data/vXX.X/: resource name to
// URL, plus the absolute identity URL of the session's user.
func HandleResources(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		base := versionBase(r)
		out := make(map[string]string, len(resourceNames)+1)
		for _, name := range resourceNames {
			out[name] = base + "/" + name
		}
		out["identity"] = api.baseURL() + "/id/" + at.OrgID + "/" + at.UserID
		writeJSON(w, http.StatusOK, out)
	})
}

// versionBase is "/services/data/vXX.X" for the request's version.
func versionBase(r *http.Request) string {
	return "/services/data/" + mux.Vars(r)["version"]
}
