package i18n_test

import (
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sfharness/sfharness/internal/i18n"
)

func TestMessages(t *testing.T) {
	fsys := fstest.MapFS{
		"nl.toml":  {Data: []byte("\"b\" = \"B\"\n\"a\" = \"\"\n[step]\n\"^x (.+)$\" = \"X\"\n")},
		"bad.toml": {Data: []byte("a = [")},
	}
	tests := []struct {
		name    string
		file    string
		want    map[string]string
		wantErr string
	}{
		{"flat and table keys, an empty one too", "nl.toml", map[string]string{"a": "", "b": "B", "step.^x (.+)$": "X"}, ""},
		{"a file that does not parse", "bad.toml", nil, "bad.toml"},
		{"a file that is not there", "ja.toml", nil, "ja.toml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := i18n.Messages(fsys, tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Messages(%s) error = %v; want one naming %s", tt.file, err, tt.wantErr)
				}
				return
			}
			if err != nil || !maps.Equal(got, tt.want) {
				t.Errorf("Messages(%s) = %q, %v; want %q", tt.file, got, err, tt.want)
			}
		})
	}
}
