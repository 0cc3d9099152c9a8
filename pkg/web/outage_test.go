package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bukti-id/bukti/pkg/sqlstore"
	"github.com/bukti-id/bukti/pkg/testenv"
	"github.com/bukti-id/bukti/pkg/web"
	"github.com/bukti-id/bukti/storage"
)

// faultyStore is the harness's store, failing Stage, Open and Check with
// fail (classified as the backends classify).
type faultyStore struct {
	storage.Store
	fail error
}

func (f faultyStore) Stage(context.Context, io.Reader) (string, error) { return "", f.fail }
func (f faultyStore) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, f.fail
}
func (f faultyStore) Check(context.Context) error { return f.fail }

var (
	storeDown = fmt.Errorf("%w: storage: stage to s3 http://minio:9000/bukti: %w", storage.ErrUnavailable,
		&net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connection refused"}})
	diskFull = fmt.Errorf("%w: storage: stage: %w", storage.ErrNoSpace,
		&fs.PathError{Op: "write", Path: "/data/blobs/tmp/x", Err: syscall.ENOSPC})
)

// withStore is a server on the harness's services with another blob store.
func (h *harness) withStore(st storage.Store) *httptest.Server {
	d := h.web.Deps
	ev := *d.Evidence
	ev.Blobs = st
	d.Evidence = &ev
	srv := httptest.NewServer(web.New(d).Handler())
	h.t.Cleanup(srv.Close)
	return srv
}

// naiveUpload sends an upload the way a simple client does, the whole
// body before reading the answer, and returns the answer; it fails the
// test when the server breaks the connection before the client could
// read a status.
func naiveUpload(t *testing.T, srv *httptest.Server, token string, facilityID int64, content []byte) *http.Response {
	t.Helper()
	body, ct := multipartBody(field{name: "requirement", value: "2.1.2/a/R1"}, file("besar.pdf", content))
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // catches hangs only
	fmt.Fprintf(conn, "POST /api/v1/facilities/%d/evidence HTTP/1.1\r\nHost: bukti\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		facilityID, token, ct, len(body))
	if _, err := conn.Write(body); err != nil {
		t.Fatalf("the server broke the connection while the body was sent: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

type errorAnswer struct {
	Error struct {
		Code, Message string
		MessageEN     string `json:"message_en"`
	}
}

func decodeError(t *testing.T, resp *http.Response) errorAnswer {
	t.Helper()
	var e errorAnswer
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not an error body (status %d): %s", resp.StatusCode, b)
	}
	return e
}

// TestOutageAnswers checks the answers of an outage: a blob store that is
// down is 503 with Retry-After and a message in both languages, read by a
// client that sends the whole body before reading (so the body is drained,
// not cut); a full store is 507; neither records anything.
func TestOutageAnswers(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 16<<20)
	f := h.createFacility("P-GANGGUAN")
	big := append(testenv.PDF("besar"), bytes.Repeat([]byte(" "), 6<<20)...)
	cases := []struct {
		name   string
		fail   error
		status int
		code   string
		id, en string
	}{
		{"store down", storeDown, http.StatusServiceUnavailable, "unavailable", "Penyimpanan berkas", "file store"},
		{"disk full", diskFull, http.StatusInsufficientStorage, "insufficient_storage", "penuh", "full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := h.withStore(faultyStore{Store: h.store, fail: tc.fail})
			before := h.counts()
			resp := naiveUpload(t, srv, h.token, f.ID, big)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			e := decodeError(t, resp)
			if e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.id) || !strings.Contains(e.Error.MessageEN, tc.en) {
				t.Errorf("answer %+v", e.Error)
			}
			retry := resp.Header.Get("Retry-After")
			if tc.status == http.StatusServiceUnavailable && retry != "30" {
				t.Errorf("Retry-After %q, want 30", retry)
			}
			if after := h.counts(); after != before {
				t.Errorf("a refused upload recorded something: %+v → %+v", before, after)
			}
			if n := testenv.StagedLeft(t, h.storeCfg); n != 0 {
				t.Errorf("%d staged files left", n)
			}
		})
	}

	t.Run("download while the store is down", func(t *testing.T) {
		up := h.mustUpload(f.ID, field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("unduh")))
		srv := h.withStore(faultyStore{Store: h.store, fail: storeDown})
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/evidence/%d/content", srv.URL, up.ID), nil)
		req.Header.Set("Authorization", "Bearer "+h.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})

	t.Run("database busy", func(t *testing.T) {
		// SQLite's writer turn, held longer than the timeout by another
		// unit: the upload's unit cannot run, and says so.
		d := sqlstore.New(h.db, nil)
		d.SetTimeout(300 * time.Millisecond)
		t.Cleanup(func() { d.SetTimeout(0) })
		holding := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- d.Run(context.Background(), nil, func(*sqlstore.Tx) error {
				close(holding)
				time.Sleep(2 * time.Second)
				return nil
			})
		}()
		<-holding
		before := h.counts()
		r := h.upload(fmt.Sprintf("/api/v1/facilities/%d/evidence", f.ID), field{name: "requirement", value: "2.1.2/a/R1"}, file("sk.pdf", testenv.PDF("sibuk")))
		<-done
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") != "30" {
			t.Fatalf("status %d, Retry-After %q: %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		if code, msg := h.apiError(r); code != "unavailable" || !strings.Contains(msg, "Basis data") {
			t.Errorf("answer %s %q", code, msg)
		}
		if after := h.counts(); after != before {
			t.Errorf("recorded: %+v → %+v", before, after)
		}
	})
}

// TestReadiness checks /readyz against the store's state and that
// /healthz, the liveness check, stays 200 whatever it is.
func TestReadiness(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	cases := []struct {
		name   string
		store  storage.Store
		status int
		blobs  string
	}{
		{"ready", h.store, http.StatusOK, "ok"},
		{"store down", faultyStore{Store: h.store, fail: storeDown}, http.StatusServiceUnavailable, "unavailable"},
		{"store full", faultyStore{Store: h.store, fail: diskFull}, http.StatusServiceUnavailable, "full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := h.withStore(tc.store)
			resp, err := http.Get(srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]string
			json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || body["blobs"] != tc.blobs || body["database"] != "ok" {
				t.Errorf("readyz: %d %v, want %d with blobs %q", resp.StatusCode, body, tc.status, tc.blobs)
			}
			if tc.status == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
				t.Error("readyz 503 without Retry-After")
			}
			resp, err = http.Get(srv.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("healthz %d", resp.StatusCode)
			}
		})
	}
}
