package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// UnmarshalJSON reads records as the seed's YAML has them: object name →
// list of records, plus "generate": object name → count. Whole numbers
// become int and others float64, as YAML decodes them, so an org made
// over JSON holds the same values as one from a seed file.
func (r *RecordsSpec) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("records: want an object of object name → list of records: %w", err)
	}
	r.Explicit = map[string][]map[string]any{}
	r.Generate = nil
	for key, value := range raw {
		if key == "generate" {
			dec := json.NewDecoder(bytes.NewReader(value))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r.Generate); err != nil {
				return fmt.Errorf("records.generate: want object name → count: %w", err)
			}
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(value))
		dec.UseNumber()
		var list []map[string]any
		if err := dec.Decode(&list); err != nil {
			return fmt.Errorf("records.%s: want a list of records: %w", key, err)
		}
		for _, rec := range list {
			for field, v := range rec {
				rec[field] = plainNumbers(v)
			}
		}
		r.Explicit[key] = list
	}
	return nil
}

// MarshalJSON writes records in the shape UnmarshalJSON reads.
func (r RecordsSpec) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(r.Explicit)+1)
	for object, list := range r.Explicit {
		out[object] = list
	}
	if len(r.Generate) > 0 {
		out["generate"] = r.Generate
	}
	return json.Marshal(out)
}

// plainNumbers turns json.Number values into int or float64.
func plainNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil && i >= math.MinInt && i <= math.MaxInt {
			return int(i)
		}
		f, _ := v.Float64()
		return f
	case []any:
		for i := range v {
			v[i] = plainNumbers(v[i])
		}
		return v
	case map[string]any:
		for k := range v {
			v[k] = plainNumbers(v[k])
		}
		return v
	}
	return v
}

// ParseOrgJSON decodes one org as JSON (the body of POST /__mocksf/orgs):
// the schema of one entry of a seed's orgs, in which unknown fields are
// errors.
func ParseOrgJSON(data []byte) (OrgSpec, error) {
	var spec OrgSpec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		return OrgSpec{}, fmt.Errorf("org: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return OrgSpec{}, fmt.Errorf("org: unexpected data after the JSON object")
	}
	return spec, nil
}

// ParseRecordJSON decodes one record given as a JSON object of field →
// value. Whole numbers become int and others float64, as in an org
// created over JSON (RecordsSpec.UnmarshalJSON), so records made either
// way hold the same values.
func ParseRecordJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var rec map[string]any
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("store: record: want an object of field → value: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return nil, fmt.Errorf("store: record: unexpected data after the JSON object")
	}
	if rec == nil {
		return nil, fmt.Errorf("store: record: want an object of field → value, got null")
	}
	for field, v := range rec {
		rec[field] = plainNumbers(v)
	}
	return rec, nil
}
