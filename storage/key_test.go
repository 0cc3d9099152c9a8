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

func TestThumbKey(t *testing.T) {
	valid := sha256Hex("bukti")
	fan := valid[:2] + "/" + valid[2:4] + "/"
	tests := []struct {
		name    string
		sum     string
		size    int64
		kind    string
		want    string
		wantErr string
	}{
		{name: "image", sum: valid, size: 1234, kind: storage.ThumbImage, want: "thumb/" + fan + valid + "-1234.jpg"},
		{name: "failure", sum: valid, size: 0, kind: storage.ThumbFailed, want: "thumb/" + fan + valid + "-0.failed"},
		{name: "upper case sum", sum: strings.ToUpper(valid), size: 1, kind: storage.ThumbImage, wantErr: "64 lower-case hex"},
		{name: "path traversal", sum: "../" + valid[3:], size: 1, kind: storage.ThumbImage, wantErr: "64 lower-case hex"},
		{name: "negative size", sum: valid, size: -1, kind: storage.ThumbImage, wantErr: "negative"},
		{name: "unknown kind", sum: valid, size: 1, kind: "png", wantErr: "unknown thumbnail kind"},
		{name: "kind with a slash", sum: valid, size: 1, kind: "jpg/../x", wantErr: "unknown thumbnail kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := storage.ThumbKey(tc.sum, tc.size, tc.kind)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ThumbKey = %q, %v; want an error saying %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ThumbKey = %q, %v; want %q", got, err, tc.want)
			}
			sum, size, kind, ok := storage.ParseThumbKey(got)
			if !ok || sum != tc.sum || size != tc.size || kind != tc.kind {
				t.Errorf("ParseThumbKey(%q) = %q, %d, %q, %v; want the inputs back", got, sum, size, kind, ok)
			}
			if _, err := storage.Key(got); err == nil {
				t.Errorf("Key accepted the thumbnail key %q as a sum", got)
			}
		})
	}
}

func TestParseThumbKeyRefuses(t *testing.T) {
	valid := sha256Hex("bukti")
	fan := valid[:2] + "/" + valid[2:4] + "/"
	for name, key := range map[string]string{
		"blob key":            "sha256/" + fan + valid,
		"wrong fan-out":       "thumb/00/00/" + valid + "-1.jpg",
		"no size":             "thumb/" + fan + valid + "-.jpg",
		"leading zero":        "thumb/" + fan + valid + "-01.jpg",
		"signed size":         "thumb/" + fan + valid + "-+1.jpg",
		"no kind":             "thumb/" + fan + valid + "-1",
		"unknown kind":        "thumb/" + fan + valid + "-1.png",
		"nested":              "thumb/" + fan + valid + "-1.jpg/x",
		"traversal":           "thumb/" + fan + "../../" + valid + "-1.jpg",
		"size overflows":      "thumb/" + fan + valid + "-99999999999999999999.jpg",
		"staged object name":  "tmp/" + valid[:32],
		"upper case sum":      "thumb/" + strings.ToUpper(fan+valid) + "-1.jpg",
		"empty":               "",
		"prefix only":         "thumb/",
		"missing separator":   "thumb/" + fan + valid + "1.jpg",
		"double dot and kind": "thumb/" + fan + valid + "-1..jpg",
	} {
		t.Run(name, func(t *testing.T) {
			if sum, size, kind, ok := storage.ParseThumbKey(key); ok {
				t.Errorf("ParseThumbKey(%q) = %q, %d, %q, true; want it refused", key, sum, size, kind)
			}
		})
	}
}
