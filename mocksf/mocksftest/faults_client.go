package mocksftest

import (
	"context"
	"strconv"
)

// RemoveFault removes a fault rule before the test ends (DELETE
// /__mocksf/faults/{id}); requests a Hold rule keeps waiting go on and
// get mocksf's answer.
func (s *Server) RemoveFault(t TB, f Fault) {
	t.Helper()
	if err := s.Control.DeleteFault(context.Background(), f.ID); err != nil {
		t.Fatalf("mocksftest: remove fault %s: %v", f.ID, err)
	}
}

// PageSize makes query and queryAll pages n records long (Salesforce
// keeps n within 200 to 2,000) until the test ends, by a requestHeaders
// fault that adds Sforce-Query-Options: batchSize=n.
func (s *Server) PageSize(t TB, n int) Fault {
	t.Helper()
	return s.Fault(t, Rule{Path: QueryPath, RequestHeaders: map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(n)}})
}

// DropConnections makes the next n requests (0: all, until the fault is
// removed) fail on the network: mocksf closes the connection without an
// answer. Hits says how many it took.
func (s *Server) DropConnections(t TB, n int) Fault {
	t.Helper()
	return s.Fault(t, Rule{Drop: true, Times: n})
}
