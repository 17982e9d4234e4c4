package rest

import (
	"bytes"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// Limits of GET /recent: Salesforce returns at most 200 recently viewed
// items, and that many when no limit is given.
const (
	maxRecent     = 200
	defaultRecent = 200
)

// HandleRecent answers GET /services/data/vXX.X/recent[?limit=n]: the
// records the user most recently viewed, as a JSON array of
// {"attributes":{"type","url"},"Id","Name"}, newest first. mocksf does
// not track views, so it lists the records the user created or last
// changed, by when (an approximation; docs/mocksf-rest.md). A limit that
// is not a positive integer is ignored; above 200 it is 200.
func HandleRecent(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		limit := defaultRecent
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
			limit = min(n, maxRecent)
		}
		schema := api.schemaOf(at.OrgID)
		env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
		writeRaw(w, http.StatusOK, recentJSON(versionBase(r), recentItems(env, schema.sorted, at.UserID, limit)))
	})
}

// recentItem is one record of a recent list.
type recentItem struct {
	view *recordView
	name *fieldDef
	when time.Time
}

// recentItems are the records of objects that userID created or last
// changed, newest first, at most limit of them.
func recentItems(env *rowEnv, objects []*sobject, userID string, limit int) []recentItem {
	var items []recentItem
	for _, o := range objects {
		if o.derived || o.name == "User" {
			continue
		}
		name := nameFieldOf(o)
		if name == nil {
			continue
		}
		views := env.views(o, false)
		for i := range views {
			rec := views[i].rec
			by := rec.LastModifiedByID
			if by == "" {
				by = rec.CreatedByID
			}
			if by != userID && rec.CreatedByID != userID {
				continue
			}
			when := rec.SystemModstamp
			if when.IsZero() {
				when = rec.LastModifiedDate
			}
			items = append(items, recentItem{&views[i], name, when})
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		if !items[i].when.Equal(items[j].when) {
			return items[i].when.After(items[j].when)
		}
		// IDs share one serial across objects (sfid): the later record
		// has the larger one.
		return serialOf(items[i].view.id()) > serialOf(items[j].view.id())
	})
	if len(items) > limit {
		items = items[:limit]
	}
	return items
}

// recentJSON writes a recent list: attributes, Id and Name of each.
func recentJSON(base string, items []recentItem) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		appendRecord(&b, base, it.view, []*planNode{{key: "Id", field: it.view.obj.fieldPtr("Id")}, {key: "Name", field: it.name}})
	}
	b.WriteByte(']')
	return b.Bytes()
}

// nameFieldOf is an object's name field (Name, or Task's Subject).
func nameFieldOf(o *sobject) *fieldDef {
	for i := range o.fields {
		if o.fields[i].nameField {
			return &o.fields[i]
		}
	}
	return nil
}

// serialOf is the serial part of an ID made by sfid.New, after its key
// prefix and pod.
func serialOf(id string) string {
	if len(id) < 15 {
		return id
	}
	return id[5:15]
}
