package storage_test

import (
	"strings"
	"testing"

	"github.com/bukti-id/bukti/storage"
)

func TestKey(t *testing.T) {
	valid := sha256Hex("bukti")
	tests := []struct {
		name    string
		sum     string
		want    string
		wantErr bool
	}{
		{name: "valid", sum: valid, want: "sha256/" + valid[:2] + "/" + valid[2:4] + "/" + valid},
		{name: "all zeros", sum: strings.Repeat("0", 64), want: "sha256/00/00/" + strings.Repeat("0", 64)},
		{name: "empty", sum: "", wantErr: true},
		{name: "upper case", sum: strings.ToUpper(valid), wantErr: true},
		{name: "63 characters", sum: valid[:63], wantErr: true},
		{name: "65 characters", sum: valid + "0", wantErr: true},
		{name: "not hex", sum: "g" + valid[1:], wantErr: true},
		{name: "path traversal", sum: "../" + valid[3:], wantErr: true},
		{name: "sha1 length", sum: valid[:40], wantErr: true},
		{name: "surrounding space", sum: " " + valid[1:], wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := storage.Key(tc.sum)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Key(%q) = %q, want an error", tc.sum, got)
				}
				if !strings.Contains(err.Error(), "64 lower-case hex") {
					t.Errorf("Key(%q) error %q does not say what a sum should be", tc.sum, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Key(%q) = %q, %v; want %q, nil", tc.sum, got, err, tc.want)
			}
		})
	}
}
