// Package ui holds Bukti's pages and static assets, embedded into the
// binary so a deployment is one file.
package ui

import _ "embed"

// Index is the start page served at "/".
//
//go:embed index.html
var Index []byte
