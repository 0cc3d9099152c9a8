// Command bareserve is a baseline of scripts/bench.sh: a plain net/http
// server with no routing, authentication, database, hashing or logging.
// GET answers every request with the bytes of one file: wrk against it
// shows how many answers of that size this machine can move at all, the
// ceiling of any server sending the same body. POST takes a
// multipart/form-data upload and writes its file part to a new file in a
// directory, fsynced before the answer, as a server storing uploads
// durably must at least do: the floor of an upload over HTTP to this disk.
//
// Usage: bareserve -addr 127.0.0.1:PORT -file BODY [-type CONTENT-TYPE] [-dir UPLOADS]
package main

import (
	"bufio"
	"errors"
	"flag"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	file := flag.String("file", "", "file whose bytes every GET answer carries")
	ctype := flag.String("type", "application/json", "Content-Type of the GET answers")
	dir := flag.String("dir", os.TempDir(), "directory the files of POSTed uploads are written to")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	size := strconv.Itoa(len(body))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			n, err := store(r, *dir)
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

// store writes the first file part of r's multipart body to a new file in
// dir, syncs and closes it, and returns its size. It reads and writes
// through buffers as large as Bukti's (64 KiB before the multipart
// reader, 256 KiB writes).
func store(r *http.Request, dir string) (int64, error) {
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
		n, err := io.CopyBuffer(struct{ io.Writer }{f}, p, make([]byte, 256<<10)) // (not f.ReadFrom's 32 KiB)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return n, err
	}
}
