package sfid_test

import (
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// The 15/18-character pairs below are real Salesforce IDs (the first three
// from Salesforce's documentation and knowledge articles, the org IDs from
// access-token captures in the reference) or hand-made IDs whose checksum
// was worked out by hand: per 5-character chunk, bit i is set when
// character i is an upper-case letter, and the 5-bit value indexes
// "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".
var pairs = []struct {
	name, id15, id18 string
}{
	{"account", "001D000000IRFma", "001D000000IRFmaIAH"},
	{"lead", "00QE000000Ft9Ah", "00QE000000Ft9AhMAJ"},
	{"org from token capture", "00Do0000000cu4b", "00Do0000000cu4bEAA"},
	{"org with upper case in the last chunks", "00Dx0000000BV7z", "00Dx0000000BV7zEAG"},
	{"digit checksum", "00DgL00000GE1HZ", "00DgL00000GE1HZUA1"},
	{"all upper case", "ABCDEABCDEABCDE", "ABCDEABCDEABCDE555"},
	{"all lower case", "abcdeabcdeabcde", "abcdeabcdeabcdeAAA"},
	{"only first and last bit", "Z0000000000000Z", "Z0000000000000ZBAQ"},
	{"only bit 4 in each chunk", "0000Z0000Z0000Z", "0000Z0000Z0000ZQQQ"},
}

func TestTo18(t *testing.T) {
	t.Parallel()
	for _, tc := range pairs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sfid.To18(tc.id15); got != tc.id18 {
				t.Errorf("To18(%q) = %q; want %q", tc.id15, got, tc.id18)
			}
		})
	}
}

func TestTo18LeavesOtherLengthsAlone(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "001", "001D000000IRFm", "001D000000IRFmaI", "001D000000IRFmaIAH"} {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			if got := sfid.To18(id); got != id {
				t.Errorf("To18(%q) = %q; want it unchanged", id, got)
			}
		})
	}
}

func TestTo15(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"001D000000IRFmaIAH", "001D000000IRFma"},
		{"001D000000IRFma", "001D000000IRFma"},
		{"001D000000IRFmaiah", "001D000000IRFma"},
		{"short", "short"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := sfid.To15(tc.in); got != tc.want {
				t.Errorf("To15(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"15 characters", "001D000000IRFma", true},
		{"18 characters", "001D000000IRFmaIAH", true},
		{"18 characters, digit in checksum", "00DgL00000GE1HZUA1", true},
		{"checksum in lower case", "001D000000IRFmaiah", true},
		{"checksum in mixed case", "001D000000IRFmaIaH", true},
		{"wrong checksum", "001D000000IRFmaIAA", false},
		{"checksum from another id", "001D000000IRFmaMAJ", false},
		{"checksum character outside the alphabet", "001D000000IRFmaIA9", false},
		{"body case changed, checksum kept", "001d000000IRFmaIAH", false},
		{"empty", "", false},
		{"14 characters", "001D000000IRFm", false},
		{"16 characters", "001D000000IRFmaI", false},
		{"17 characters", "001D000000IRFmaIA", false},
		{"19 characters", "001D000000IRFmaIAHX", false},
		{"hyphen", "001D000000IRF-a", false},
		{"space", "001D000000IRF a", false},
		{"underscore", "001D000000IRF_a", false},
		{"non-ASCII letter", "001D000000IRFmé", false},
		{"bad character in checksum", "001D000000IRFmaIA_", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sfid.Valid(tc.id); got != tc.want {
				t.Errorf("Valid(%q) = %v; want %v", tc.id, got, tc.want)
			}
		})
	}
}

func TestValidAcceptsEveryPair(t *testing.T) {
	t.Parallel()
	for _, tc := range pairs {
		for _, id := range []string{tc.id15, tc.id18, tc.id15 + strings.ToLower(tc.id18[15:])} {
			if !sfid.Valid(id) {
				t.Errorf("Valid(%q) = false; want true", id)
			}
		}
	}
}

// Equal and Match alike: Match checks neither ID, so it differs on
// malformed ones.
func TestEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		a, b         string
		equal, match bool
	}{
		{"15 and 15", "001D000000IRFma", "001D000000IRFma", true, true},
		{"15 and 18", "001D000000IRFma", "001D000000IRFmaIAH", true, true},
		{"18 and 15", "001D000000IRFmaIAH", "001D000000IRFma", true, true},
		{"18 and 18", "001D000000IRFmaIAH", "001D000000IRFmaIAH", true, true},
		{"checksum case differs", "001D000000IRFmaIAH", "001D000000IRFmaiah", true, true},
		{"15-character ids are case-sensitive", "001D000000IRFma", "001D000000IRFMA", false, false},
		{"different records", "001D000000IRFma", "00QE000000Ft9Ah", false, false},
		{"different records, 18 characters", "001D000000IRFmaIAH", "00QE000000Ft9AhMAJ", false, false},
		{"bad checksum", "001D000000IRFma", "001D000000IRFmaAAA", false, true},
		{"both malformed and identical", "not-an-id", "not-an-id", false, true},
		{"malformed and an id", "Acme", "001D000000IRFma", false, false},
		{"both empty", "", "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sfid.Equal(tc.a, tc.b); got != tc.equal {
				t.Errorf("Equal(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.equal)
			}
			if got := sfid.Match(tc.a, tc.b); got != tc.match {
				t.Errorf("Match(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.match)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for object, prefix := range sfid.KeyPrefixes {
		t.Run(object, func(t *testing.T) {
			t.Parallel()
			seen := map[string]uint64{}
			ns := []uint64{0, 1, 2, 61, 62, 63, 3843, 3844, 1 << 32, 1<<48 + 7}
			for n := uint64(100); n < 2100; n++ {
				ns = append(ns, n)
			}
			for _, n := range ns {
				id := sfid.New(prefix, n)
				if len(id) != 18 {
					t.Fatalf("New(%q, %d) = %q, %d characters; want 18", prefix, n, id, len(id))
				}
				if !sfid.Valid(id) {
					t.Errorf("New(%q, %d) = %q; want a valid id", prefix, n, id)
				}
				if got, err := sfid.Prefix(id); err != nil || got != prefix {
					t.Errorf("Prefix(New(%q, %d)) = %q, %v; want %q, nil", prefix, n, got, err, prefix)
				}
				if sfid.To18(id[:15]) != id {
					t.Errorf("New(%q, %d) = %q; want its own 15-character form's To18", prefix, n, id)
				}
				if prev, ok := seen[id]; ok {
					t.Errorf("New(%q, %d) = %q; same as New(%q, %d)", prefix, n, id, prefix, prev)
				}
				seen[id] = n
			}
		})
	}
}

func TestNewShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		n      uint64
		want   string
	}{
		{"001", 0, "0015g0000000000AAA"},
		{"001", 1, "0015g0000000001AAA"},
		{"001", 10, "0015g000000000AAAQ"},
		{"001", 61, "0015g000000000zAAA"},
		{"001", 62, "0015g0000000010AAA"},
		{"00D", 36, "00D5g000000000aEAA"},
	}
	for _, tc := range tests {
		if got := sfid.New(tc.prefix, tc.n); got != tc.want {
			t.Errorf("New(%q, %d) = %q; want %q", tc.prefix, tc.n, got, tc.want)
		}
	}
}

// Stores order records by ID, relying on a larger serial giving a larger
// ID, which needs the base-62 digits in ASCII order.
func TestNewSortsBySerial(t *testing.T) {
	t.Parallel()
	prev := sfid.New("00Q", 0)
	for n := uint64(1); n < 10000; n++ {
		id := sfid.New("00Q", n)
		if id <= prev {
			t.Fatalf("New(00Q, %d) = %q; want it to sort after New(00Q, %d) = %q", n, id, n-1, prev)
		}
		prev = id
	}
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id      string
		want    string
		wantErr bool
	}{
		{"001D000000IRFma", "001", false},
		{"00QE000000Ft9AhMAJ", "00Q", false},
		{"00Do0000000cu4beaa", "00D", false},
		{"", "", true},
		{"001", "", true},
		{"001D000000IRFmaAAA", "", true},
		{"001D000000IRF-a", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			got, err := sfid.Prefix(tc.id)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Prefix(%q) = %q, nil; want an error", tc.id, got)
				}
				if !strings.HasPrefix(err.Error(), "sfid: ") || !strings.Contains(err.Error(), tc.id) {
					t.Errorf("Prefix(%q) error = %q; want it prefixed %q and naming the id", tc.id, err, "sfid: ")
				}
				if got != "" {
					t.Errorf("Prefix(%q) = %q with an error; want \"\"", tc.id, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Prefix(%q) = %q, %v; want %q, nil", tc.id, got, err, tc.want)
			}
		})
	}
}

func TestKeyPrefixes(t *testing.T) {
	t.Parallel()
	// Prefixes other packages and the reference depend on.
	want := map[string]string{
		"Organization": "00D",
		"User":         "005",
		"Lead":         "00Q",
		"Contact":      "003",
		"Account":      "001",
		"Opportunity":  "006",
		"ConnectedApp": "0H4",
	}
	for object, prefix := range want {
		if got := sfid.KeyPrefixes[object]; got != prefix {
			t.Errorf("KeyPrefixes[%q] = %q; want %q", object, got, prefix)
		}
	}
	for object, prefix := range sfid.KeyPrefixes {
		if len(prefix) != 3 {
			t.Errorf("KeyPrefixes[%q] = %q; want 3 characters", object, prefix)
		}
	}
}
