// Command bareserve is a baseline of scripts/bench.sh: it answers every
// request with the bytes of one file, as a plain net/http server with no
// routing, authentication, database or logging. wrk against it shows how
// many answers of that size this machine can move at all, the ceiling of
// any server sending the same body.
//
// Usage: bareserve -addr 127.0.0.1:PORT -file BODY [-type CONTENT-TYPE]
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	file := flag.String("file", "", "file whose bytes every answer carries")
	ctype := flag.String("type", "application/json", "Content-Type of the answers")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	size := strconv.Itoa(len(body))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", size)
		_, _ = w.Write(body)
	})))
}
