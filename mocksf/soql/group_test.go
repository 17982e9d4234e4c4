package soql

import "testing"

// TestFromGroup checks that Group, a reserved word, is read as the object
// after FROM, and still refused where a field belongs.
func TestFromGroup(t *testing.T) {
	q, err := Parse("SELECT Id, Name FROM Group WHERE Type = 'Regular'")
	if err != nil {
		t.Fatalf("FROM Group: %v", err)
	}
	if q.Object != "Group" || q.Where == nil {
		t.Errorf("FROM Group: object %q, where %v", q.Object, q.Where)
	}
	if _, err := Parse("SELECT Group FROM Account"); err == nil {
		t.Error("SELECT Group: no error")
	}
}
