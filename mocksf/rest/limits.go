package rest

import (
	"net/http"
	"slices"
)

// limitInfo is one entry of /limits.
type limitInfo struct {
	Max       int `json:"Max"`
	Remaining int `json:"Remaining"`
}

// fixedLimits are the org limits mocksf reports but does not count: the
// allocations of a new Enterprise Edition org, never used up.
var fixedLimits = map[string]int{
	"ConcurrentAsyncGetReportInstances":     200,
	"ConcurrentSyncReportRuns":              20,
	"DailyAsyncApexExecutions":              250000,
	"DailyBulkApiBatches":                   15000,
	"DailyBulkV2QueryFileStorageMB":         976562,
	"DailyBulkV2QueryJobs":                  10000,
	"DailyDurableGenericStreamingApiEvents": 10000,
	"DailyDurableStreamingApiEvents":        10000,
	"DailyGenericStreamingApiEvents":        10000,
	"DailyStandardVolumePlatformEvents":     10000,
	"DailyStreamingApiEvents":               10000,
	"DailyWorkflowEmails":                   390,
	"DurableStreamingApiConcurrentClients":  20,
	"FileStorageMB":                         20,
	"HourlyAsyncReportRuns":                 1200,
	"HourlyDashboardRefreshes":              200,
	"HourlyDashboardResults":                5000,
	"HourlyDashboardStatuses":               999999999,
	"HourlyODataCallout":                    10000,
	"HourlySyncReportRuns":                  500,
	"HourlyTimeBasedWorkflow":               50,
	"MassEmail":                             10,
	"SingleEmail":                           15,
	"StreamingApiConcurrentClients":         20,
}

// dataStorageMB is the data storage of a new org; records count 2 KB each,
// as Salesforce counts most records.
const dataStorageMB = 5

// HandleLimits answers GET /services/data/vXX.X/limits: the org's limits
// by name, each {"Max","Remaining"}, keys in alphabetical order.
// DailyApiRequests is the real count behind Sforce-Limit-Info (this call
// included) and DataStorageMB shrinks with the org's records; the others
// are fixed.
func HandleLimits(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		usage, err := api.Store.APIUsageOf(at.OrgID)
		if err != nil {
			writeError(w, http.StatusNotFound, errNotFound)
			return
		}
		out := make(map[string]limitInfo, len(fixedLimits)+2)
		for name, max := range fixedLimits {
			out[name] = limitInfo{Max: max, Remaining: max}
		}
		out["DailyApiRequests"] = limitInfo{Max: usage.Max, Remaining: max(usage.Max-usage.Used, 0)}
		records := 0
		for _, object := range api.Store.Objects(at.OrgID) {
			for _, rec := range api.Store.RecordSnapshot(at.OrgID, object) {
				if !rec.IsDeleted {
					records++
				}
			}
		}
		out["DataStorageMB"] = limitInfo{Max: dataStorageMB, Remaining: dataStorageMB - records*2/1024}
		// encoding/json writes map keys sorted, as Salesforce lists them.
		writeJSON(w, http.StatusOK, out)
	})
}

// HandleNotFound answers a path under a version that names no resource.
func HandleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, errNotFound)
	})
}

// Methods routes a resource's requests by HTTP method, and answers the
// others 405 METHOD_NOT_ALLOWED with the methods it takes, as Salesforce
// does. HEAD is served wherever GET is. (The router's own method matching
// cannot be used for this: gorilla/mux 1.8.1 loses a method mismatch in a
// subrouter and reports it as not found.)
type Methods map[string]http.Handler

func (m Methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := m[r.Method]
	if !ok && r.Method == http.MethodHead {
		h, ok = m[http.MethodGet]
	}
	if !ok {
		allowed := make([]string, 0, len(m))
		for method := range m {
			allowed = append(allowed, method)
		}
		slices.Sort(allowed)
		if m[http.MethodGet] != nil {
			allowed = append(allowed, http.MethodHead)
		}
		writeError(w, http.StatusMethodNotAllowed, errMethodNotAllowed(r.Method, allowed))
		return
	}
	h.ServeHTTP(w, r)
}
