package mocksf

import (
	"net/http"
	"strings"
)

// restPrefix is where Salesforce's REST API lives.
const restPrefix = "/services/data/"

// trimTrailingSlash serves a REST path that ends in one "/" as the path
// without it: Salesforce answers POST /services/data/vXX.X/sobjects/Lead/
// and GET …/query/?q= as it answers them without the slash (its own
// documentation's examples use both; salesforce-today.md §2). Doing it
// here, before routing, gives every route under /services/data the rule,
// those added later included, without a second route per resource.
func trimTrailingSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, restPrefix) && len(p) > len(restPrefix) && strings.HasSuffix(p, "/") {
			r.URL.Path = strings.TrimSuffix(p, "/")
			if r.URL.RawPath != "" {
				r.URL.RawPath = strings.TrimSuffix(r.URL.RawPath, "/")
			}
		}
		next.ServeHTTP(w, r)
	})
}
