package store

import "fmt"

// Deterministic fake data for the seed's "generate" counts: the n-th record
// of an object always has the same values, so tests can name them.
var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Frances", "Dennis", "Radia", "Tim"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Allen", "Ritchie", "Perlman", "Berners-Lee"}
	companies  = []string{"Analytical Engines", "Cobol Systems", "Enigma Works", "Semaphore Ltd", "Abstraction Inc", "TeX Press", "Apollo Guidance", "Unix Labs"}
	industries = []string{"Technology", "Manufacturing", "Finance", "Education", "Healthcare", "Retail"}
)

// GeneratedFields returns the fields of the n-th (from 0) generated record
// of an object. Objects without a generator get a Name.
func GeneratedFields(object string, n int) map[string]any {
	first := firstNames[n%len(firstNames)]
	last := fmt.Sprintf("%s %d", lastNames[(n/len(firstNames))%len(lastNames)], n+1)
	company := fmt.Sprintf("%s %d", companies[n%len(companies)], n/len(companies)+1)
	switch object {
	case "Lead":
		return map[string]any{
			"FirstName": first, "LastName": last, "Company": company,
			"Email": fmt.Sprintf("lead%d@example.com", n+1), "Status": "Open - Not Contacted",
		}
	case "Contact":
		return map[string]any{
			"FirstName": first, "LastName": last,
			"Email": fmt.Sprintf("contact%d@example.com", n+1),
		}
	case "Account":
		return map[string]any{"Name": company, "Industry": industries[n%len(industries)]}
	default:
		return map[string]any{"Name": fmt.Sprintf("%s %d", object, n+1)}
	}
}
