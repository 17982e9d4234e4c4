package control

import "net/http"

// HandleReset is POST /__mocksf/reset: mocksf goes back to its seed state.
// Orgs made since are gone and the seed's orgs come back with the same
// IDs, consumer keys and secrets; mail, the request journal and fault
// rules are cleared and the clock runs on real time again. The answer is
// GET /__mocksf/orgs's.
func HandleReset(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := c.Reset(); err != nil {
			writeError(w, err)
			return
		}
		out := []OrgSummary{}
		for _, o := range c.d.Store.Orgs() {
			out = append(out, c.summary(o))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// Reset does what POST /__mocksf/reset does.
func (c *API) Reset() error {
	c.resetMu.Lock()
	defer c.resetMu.Unlock()
	c.faults.clear()
	c.d.Clock.Reset()
	if _, err := c.d.Store.ResetTo(c.d.Seed); err != nil {
		return err
	}
	c.d.Hosts.Prune(func(id string) bool { _, err := c.d.Store.Org(id); return err == nil })
	c.d.Mailer.Clear()
	c.journal.clear()
	return nil
}
