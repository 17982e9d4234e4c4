package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

const customSeed = `
orgs:
  - name: Custom
    apiDailyLimit: 50
    newestApiVersion: "66.0"
    users: [{username: c@custom.test, password: pw}]
    customObjects:
      - name: Invoice__c
        fields:
          - {name: Amount__c, type: currency}
          - {name: Account__c, type: reference, referenceTo: account}
      - name: Line_Item__c
        label: Line
        labelPlural: Lines
        fields:
          - {name: Invoice__c, type: reference, referenceTo: invoice__c, relationshipName: Invoice}
    customFields:
      lead:
        - {name: Ext__c, type: string, externalId: true}
        - {name: Score__c, type: int}
    records:
      Invoice__c:
        - {Amount__c: 5}
      Line_Item__c:
        - {Name: L1}
`

func TestCustomSchema(t *testing.T) {
	t.Parallel()
	st := store.New(newTestClock().Now)
	seed, err := store.ParseSeed([]byte(customSeed))
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	org := res[0].Org.ID
	cs := st.CustomSchema(org)
	if cs == nil || len(cs.Objects) != 2 {
		t.Fatalf("CustomSchema = %+v; want two objects", cs)
	}
	inv, line := cs.Objects[0], cs.Objects[1]
	if inv.KeyPrefix != "a00" || inv.Label != "Invoice" || inv.LabelPlural != "Invoices" || line.KeyPrefix != "a01" || line.LabelPlural != "Lines" {
		t.Errorf("objects = %+v, %+v", inv, line)
	}
	if f := inv.Fields[0]; f.Precision != 18 || f.Scale != 2 || f.Label != "Amount" {
		t.Errorf("Amount__c = %+v; want currency 18,2 labelled Amount", f)
	}
	if f := inv.Fields[1]; f.ReferenceTo != "Account" || f.RelationshipName != "Account__r" {
		t.Errorf("Account__c = %+v; want a lookup to Account through Account__r", f)
	}
	if f := line.Fields[0]; f.ReferenceTo != "Invoice__c" || f.RelationshipName != "Invoice__r" {
		t.Errorf("Line_Item__c.Invoice__c = %+v; want a lookup to Invoice__c through Invoice__r", f)
	}
	lead := cs.Fields["Lead"]
	if len(lead) != 2 || lead[0].Length != 255 || !lead[0].ExternalID || lead[1].Precision != 9 {
		t.Errorf("Lead custom fields = %+v", lead)
	}
	for object, prefix := range map[string]string{"Invoice__c": "a00", "Line_Item__c": "a01"} {
		recs := st.Records(org, object)
		if len(recs) != 1 || recs[0].ID[:3] != prefix {
			t.Errorf("%s records = %+v; want one with prefix %s", object, recs, prefix)
			continue
		}
		if got, ok := st.ObjectOfID(org, recs[0].ID); !ok || got != object {
			t.Errorf("ObjectOfID(%s) = %q, %v; want %s", recs[0].ID, got, ok, object)
		}
	}
	if got, _ := st.ObjectOfID(org, res[0].Users[0].ID); got != "User" {
		t.Errorf("ObjectOfID(user) = %q; want User", got)
	}
	if st.NewestAPIVersion(org) != "66.0" {
		t.Errorf("NewestAPIVersion = %q; want 66.0", st.NewestAPIVersion(org))
	}
	if u, _ := st.APIUsageOf(org); u.Max != 50 {
		t.Errorf("daily limit = %d; want 50", u.Max)
	}
}

func TestCustomSchemaValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec string
		want string
	}{
		{"customObjects: [{name: Invoice}]", `orgs[0].customObjects[0].name "Invoice": want an API name ending in __c`},
		{"customObjects: [{name: Bad__Name__c}]", `orgs[0].customObjects[0].name "Bad__Name__c"`},
		{"customObjects: [{name: A__c}, {name: a__c}]", `orgs[0].customObjects[1].name "a__c" is declared twice`},
		{"customObjects: [{name: Lead__c, fields: [{name: X__c, type: text}]}]", `orgs[0].customObjects[0].fields[0].type "text": want one of string,`},
		{"customFields: {Lead: [{name: X__c, type: string, length: 300}]}", `orgs[0].customFields.Lead[0].length 300: want 1 to 255 for type string`},
		{"customFields: {Lead: [{name: X__c, type: picklist}]}", `orgs[0].customFields.Lead[0].values: a picklist needs at least one value`},
		{"customFields: {Lead: [{name: X__c, type: picklist, values: [a], defaultValue: b}]}", `orgs[0].customFields.Lead[0].defaultValue "b" is not one of its values`},
		{"customFields: {Lead: [{name: X__c, type: reference, referenceTo: Widget__c}]}", `orgs[0].customFields.Lead[0].referenceTo "Widget__c": want a standard object`},
		{"customFields: {Lead: [{name: X__c, type: boolean, required: true}]}", `orgs[0].customFields.Lead[0].required: a boolean field`},
		{"customFields: {Lead: [{name: X__c, type: date, externalId: true}]}", `orgs[0].customFields.Lead[0].externalId: only string, email, double and int`},
		{"customFields: {Lead: [{name: X__c, type: double, precision: 19}]}", `orgs[0].customFields.Lead[0].precision 19, scale 0`},
		{"customFields: {Lead: [{name: X__c, type: string}, {name: x__C, type: string}]}", `orgs[0].customFields.Lead[1].name "x__C": want an API name`},
		{"customFields: {Lead: [{name: X__c, type: string}, {name: x__c, type: string}]}", `orgs[0].customFields.Lead[1].name "x__c" is declared twice on the object`},
		{"customFields: {Widget: [{name: X__c, type: string}]}", `orgs[0].customFields.Widget: "Widget" is neither a standard object`},
		{"apiDailyLimit: -1", `orgs[0].apiDailyLimit -1: want a positive number`},
		{"newestApiVersion: \"66\"", `orgs[0].newestApiVersion "66": want a version like "66.0"`},
		{"newestApiVersion: \"19.0\"", `orgs[0].newestApiVersion "19.0"`},
	}
	for _, tt := range tests {
		doc := "orgs:\n  - name: Acme\n    " + tt.spec + "\n"
		_, err := store.ParseSeed([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v; want one containing %q", tt.spec, err, tt.want)
		}
	}
}

func TestRecordSnapshotAndTx(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	clock := s.clock
	clock.Advance(500 * time.Millisecond) // audit dates keep whole seconds
	org := s.acme.ID
	before := s.store.RecordSnapshot(org, "Lead")
	if len(before) == 0 {
		t.Fatal("no Leads")
	}
	for i := 1; i < len(before); i++ {
		if before[i-1].ID >= before[i].ID {
			t.Fatalf("snapshot not in ID order: %s, %s", before[i-1].ID, before[i].ID)
		}
	}
	first := before[0]
	oldName := first.Fields["LastName"]
	var created store.Record
	err := s.store.UpdateRecords(org, "Lead", func(tx *store.RecordTx) error {
		if _, err := tx.Update(first.ID, s.admin.ID, map[string]any{"LastName": "Changed"}); err != nil {
			return err
		}
		var err error
		created, err = tx.Insert(s.admin.ID, map[string]any{"LastName": "New"})
		if err != nil {
			return err
		}
		return tx.Delete(created.ID, s.admin.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The snapshot taken before still shows the old version.
	if first.Fields["LastName"] != oldName || first.LastModifiedByID != "" {
		t.Errorf("old snapshot changed: %+v", first)
	}
	now := clock.Now().UTC().Truncate(time.Second)
	cur, _ := s.store.RecordRef(org, "Lead", first.ID)
	if cur.Fields["LastName"] != "Changed" || cur.LastModifiedByID != s.admin.ID || !cur.SystemModstamp.Equal(now) || !cur.LastModifiedDate.Equal(now) {
		t.Errorf("updated record = %+v; want LastName Changed by %s at %v", cur, s.admin.ID, now)
	}
	gone, _ := s.store.RecordRef(org, "Lead", created.ID)
	if !gone.IsDeleted || !gone.DeletedDate.Equal(now) || !gone.SystemModstamp.Equal(now) {
		t.Errorf("deleted record = %+v; want deleted at %v", gone, now)
	}
	after := s.store.RecordSnapshot(org, "Lead")
	if len(after) != len(before)+1 || after[len(after)-1].ID != created.ID {
		t.Errorf("snapshot after insert has %d records, last %s; want %d, last %s", len(after), after[len(after)-1].ID, len(before)+1, created.ID)
	}
	if err := s.store.UpdateRecords("00D000000000000AAA", "Lead", func(*store.RecordTx) error { return nil }); err == nil {
		t.Error("UpdateRecords on an unknown org succeeded")
	}
}

func TestAPIUsageWindow(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	org := s.acme.ID
	u, err := s.store.APIUsageOf(org)
	if err != nil || u.Used != 0 || u.Max != 100000+2*1000 {
		t.Fatalf("usage = %+v, %v; want 0 of 102000 (Enterprise, two users)", u, err)
	}
	for range 3 {
		if _, err := s.store.CountAPIRequest(org); err != nil {
			t.Fatal(err)
		}
		s.clock.Advance(8 * time.Hour)
	}
	// 24 hours after the first request it has left the window.
	if u, _ := s.store.APIUsageOf(org); u.Used != 2 {
		t.Errorf("after 24 h: %d requests in the window; want 2", u.Used)
	}
	if _, err := s.store.CountAPIRequest("00D000000000000AAA"); err == nil {
		t.Error("CountAPIRequest on an unknown org succeeded")
	}
}
