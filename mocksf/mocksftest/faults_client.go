package mocksftest

import (
	"net/http"
	"net/url"
)

// RemoveFault removes a fault rule before the test ends (DELETE
// /__mocksf/faults/{id}); requests a Hold rule keeps waiting go on and
// get mocksf's answer.
func (s *Server) RemoveFault(t TB, f Fault) {
	t.Helper()
	if err := s.call("DELETE", "/__mocksf/faults/"+url.PathEscape(f.ID), nil, http.StatusNoContent, nil); err != nil {
		t.Fatalf("mocksftest: remove fault %s: %v", f.ID, err)
	}
}
