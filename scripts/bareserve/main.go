// Command bareserve is a baseline of scripts/bench.sh: a plain net/http
// server with no routing, authentication, database, hashing or logging.
//
// GET answers every request with the bytes of one file: wrk against it
// shows how many answers of that size this machine can move at all, the
// ceiling of any server sending the same body.
//
// POST takes a multipart/form-data upload and stores its file part as a
// server storing uploads durably must at least do: written to a new file
// in a directory and fsynced before the answer (the floor of an upload
// over HTTP to this disk), or, with -s3-endpoint, sent to S3 the one way
// that needs no multipart upload although the file's length is unknown
// until the body ends: spooled whole to a temporary file, then
// sent in one PUT with an unsigned payload, as Bukti sends its parts.
//
// With -proxy it relays every request to an S3 server as it comes, and
// the answer back, bodies streamed through (with -hash, SHA-256-hashed on
// the way): a client's signed PUT or GET through it costs what one more
// hop between the client and S3 costs at the least, the floor of any
// server that stores uploads on S3 and serves them back.
//
// Usage: bareserve -addr 127.0.0.1:PORT -file BODY [-type CONTENT-TYPE]
// [-dir UPLOADS] [-s3-endpoint HOST:PORT -s3-bucket BUCKET], the S3 keys
// in BARESERVE_S3_ACCESS_KEY and BARESERVE_S3_SECRET_KEY; or
// bareserve -addr 127.0.0.1:PORT -proxy HOST:PORT [-hash].
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httputil"
	"os"
	"strconv"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	file := flag.String("file", "", "file whose bytes every GET answer carries")
	ctype := flag.String("type", "application/json", "Content-Type of the GET answers")
	dir := flag.String("dir", os.TempDir(), "directory the files of POSTed uploads are written to (or spooled in, for S3)")
	endpoint := flag.String("s3-endpoint", "", "S3 server (host:port, plain http) POSTed uploads are sent to, instead of -dir")
	bucket := flag.String("s3-bucket", "", "bucket of -s3-endpoint")
	hashed := flag.Bool("hash", false, "with -proxy: SHA-256 every body relayed, uploads and downloads")
	proxy := flag.String("proxy", "", "S3 server (host:port, plain http) every PUT is relayed to as it comes")
	flag.Parse()
	if *proxy != "" {
		log.Fatal(http.ListenAndServe(*addr, relay(*proxy, *hashed)))
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	store := func(f *os.File, n int64) error { return f.Sync() }
	if *endpoint != "" {
		client, err := minio.New(*endpoint, &minio.Options{Creds: credentials.NewStaticV4(
			os.Getenv("BARESERVE_S3_ACCESS_KEY"), os.Getenv("BARESERVE_S3_SECRET_KEY"), "")})
		if err != nil {
			log.Fatal(err)
		}
		core := minio.Core{Client: client}
		store = func(f *os.File, n int64) error {
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			_, err := core.PutObject(context.Background(), *bucket, "bareserve-"+strconv.FormatInt(n, 10), f, n, "", "",
				minio.PutObjectOptions{ContentType: "application/octet-stream", DisableContentSha256: true})
			return err
		}
	}
	size := strconv.Itoa(len(body))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n, err := receive(r, *dir, store)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			_, _ = io.WriteString(w, strconv.FormatInt(n, 10)+"\n")
			return
		}
		h := w.Header()
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", size)
		_, _ = w.Write(body)
	})))
}

// receive writes the first file part of r's multipart body to a new file
// in dir, through buffers as large as Bukti's (64 KiB before the multipart
// reader, 256 KiB writes), hands it to store with its size, and returns
// the size.
func receive(r *http.Request, dir string, store func(*os.File, int64) error) (int64, error) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return 0, errors.New("bareserve: not a multipart/form-data upload")
	}
	mr := multipart.NewReader(bufio.NewReaderSize(r.Body, 64<<10), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return 0, err
		}
		if p.FileName() == "" {
			continue
		}
		f, err := os.CreateTemp(dir, "upload-*")
		if err != nil {
			return 0, err
		}
		defer os.Remove(f.Name())
		n, err := io.CopyBuffer(struct{ io.Writer }{f}, p, make([]byte, 256<<10)) // (not f.ReadFrom's 32 KiB)
		if err == nil {
			err = store(f, n)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return n, err
	}
}

// relay forwards each request to the S3 server at endpoint as it comes,
// and its answer back, bodies streamed through (no spooling): what one
// more hop between the client and S3 costs at the least. The Host header
// stays the one the client sent, the one its signature covers. With
// hashed, the request's body (an upload) and the answer's (a download)
// are SHA-256-hashed on the way.
func relay(endpoint string, hashed bool) http.Handler {
	p := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.Out.URL.Scheme = "http"
		r.Out.URL.Host = endpoint
		if hashed && r.In.Body != nil {
			r.Out.Body = hashing(r.In.Body)
		}
	}}
	if hashed {
		p.ModifyResponse = func(res *http.Response) error {
			res.Body = hashing(res.Body)
			return nil
		}
	}
	return p
}

// hashing returns body, SHA-256-hashed as it is read.
func hashing(body io.ReadCloser) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{io.TeeReader(body, sha256.New()), body}
}
