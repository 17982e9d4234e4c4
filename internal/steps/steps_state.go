// The steps of the catalogue's section "Salesforce: state" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
)

// connectedAppsAllowed reads from the control API that the org no longer
// restricts creating connected apps, as External Client App Settings'
// Allow creation of connected apps makes it.
// The Save before it may still be on its way, so it asks until the
// step's deadline.
func (w *world) connectedAppsAllowed() error {
	held, err := w.askMocksf("mocksf's control API to show restrictConnectedApps: false for the org", func() (bool, error) {
		err := w.refreshOrg()
		return err == nil && !w.org.RestrictConnectedApps, err
	})
	if err == nil && !held {
		err = fmt.Errorf("mocksf's control API still shows restrictConnectedApps: true for the org after %s", StepTimeout)
	}
	return err
}

// askMocksf asks check, every 50 ms until it holds or the step's deadline
// passes, for what mocksf shows once something the page has already
// answered reaches it (a Save, the product's revoke). held is false at
// the deadline; an error of check ends it.
func (w *world) askMocksf(what string, check func() (bool, error)) (held bool, err error) {
	defer w.progress.waitingFor(what)()
	deadline := time.Now().Add(StepTimeout)
	for {
		if held, err := check(); held || err != nil {
			return held, err
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// timePasses moves the clock of the scenario's own org (POST
// /__mocksf/orgs/{id}/clock): everything of that org ages, no other
// org's, so the scenario runs beside the others.
func (w *world) timePasses(n int, unit string) error {
	d := time.Duration(n) * time.Minute
	if inEnglish(unit) == "hours" {
		d = time.Duration(n) * time.Hour
	}
	_, err := w.mocksf().AdvanceOrg(context.Background(), w.org.ID, d)
	return err
}

func (w *world) leadsCreated(n int) error {
	recs := make([]control.Fields, n)
	for i := range recs {
		recs[i] = control.Fields{"FirstName": "New", "LastName": fmt.Sprintf("Lead %d", i+1), "Company": "Fresh Co", "Email": fmt.Sprintf("new%d@example.com", i+1)}
	}
	_, err := w.mocksf().InsertRecords(context.Background(), w.org.ID, "Lead", control.RecordsInsert{Records: recs})
	return err
}

// nextRESTCallFails makes Salesforce answer this org's next REST call
// with a Salesforce error, once, as a session expiring mid-sync would.
func (w *world) nextRESTCallFails(errorCode string) error {
	_, err := w.mocksf().AddFault(context.Background(), control.Rule{Path: "/services/data/**", OrgID: w.org.ID, Times: 1, SalesforceError: errorCode})
	return err
}

// journal returns this org's requests to a path, newest first.
func (w *world) journal(path string) ([]map[string]any, error) {
	var j struct {
		Requests []map[string]any `json:"requests"`
	}
	err := w.mocksf().Do(context.Background(), "GET", "/__mocksf/requests?"+control.RequestFilter{Org: w.org.ID, Path: path}.Query(), nil, http.StatusOK, &j)
	return j.Requests, err
}

func (w *world) productRefreshed() error {
	reqs, err := w.journal("/services/oauth2/token")
	if err != nil {
		return err
	}
	for _, r := range reqs {
		form, _ := json.Marshal(r["form"])
		if strings.Contains(string(form), `"grant_type":["refresh_token"]`) && fmt.Sprint(r["status"]) == "200" {
			return nil
		}
	}
	return fmt.Errorf("mocksf saw no successful refresh_token grant from the product (%d token requests)", len(reqs))
}

func (w *world) salesforceRevokesRefresh() error {
	_, err := w.mocksf().Revoke(context.Background(), w.org.ID, control.RevokeRequest{Username: w.user("sync@acme.test"), ClientID: w.consumerKey})
	return err
}

// refreshTokenRevoked reads mocksf's journal for the product's revoke.
// The product forgets the connection first and revokes after, and its
// page hears of the first at once (its status stream), so the revoke
// may still be on its way when the page says not connected: it asks
// until the step's deadline.
func (w *world) refreshTokenRevoked() error {
	var revokes int
	held, err := w.askMocksf("mocksf's journal to show the product's revoke", func() (bool, error) {
		reqs, err := w.journal("/services/oauth2/revoke")
		revokes = len(reqs)
		return slices.ContainsFunc(reqs, func(r map[string]any) bool { return fmt.Sprint(r["status"]) == "200" }), err
	})
	if err == nil && !held {
		err = fmt.Errorf("the product did not revoke its token at Salesforce (%d revoke requests in %s)", revokes, StepTimeout)
	}
	return err
}

var failureKinds = regexp.MustCompile(`^(?:HTTP (\d{3})|a dropped connection|"([A-Z_]+)")$`)

// restCallsFail arms a fault on this org's REST API for the next n calls.
func (w *world) restCallsFail(n int, failure string) error {
	return w.armFault("/services/data/**", n, failure)
}

// tokenCallsFail arms a fault on the token endpoint for this org.
func (w *world) tokenCallsFail(n int, failure string) error {
	return w.armFault("/services/oauth2/token", n, failure)
}

func (w *world) armFault(path string, n int, failure string) error {
	m := failureKinds.FindStringSubmatch(inEnglish(failure))
	if m == nil {
		return fmt.Errorf(`failure %q: want HTTP <status>, a dropped connection or "<SALESFORCE_ERROR>"`, failure)
	}
	rule := control.Rule{Path: path, OrgID: w.org.ID, Times: n}
	switch {
	case m[1] != "":
		rule.Status, _ = strconv.Atoi(m[1])
	case m[2] != "":
		rule.SalesforceError = m[2]
	default:
		rule.Drop = true
	}
	_, err := w.mocksf().AddFault(context.Background(), rule)
	return err
}

// restCallsSlow delays this org's next n REST answers.
func (w *world) restCallsSlow(n, seconds int) error {
	_, err := w.mocksf().AddFault(context.Background(), control.Rule{Path: "/services/data/**", OrgID: w.org.ID, Times: n, Delay: time.Duration(seconds) * time.Second})
	return err
}

// sessionExpires revokes the product's access tokens only, as a session
// timeout does; its refresh token keeps working.
func (w *world) sessionExpires() error {
	_, err := w.mocksf().Revoke(context.Background(), w.org.ID, control.RevokeRequest{Username: w.user("sync@acme.test"), ClientID: w.consumerKey, SessionsOnly: true})
	return err
}
