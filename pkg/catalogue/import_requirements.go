package catalogue

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// docTypes maps the leading words of an R or D item to its doc_type, using
// the names of the built-in catalogue.
var docTypes = []struct{ prefix, docType string }{
	{"sk", "SK"}, {"surat keputusan", "SK"},
	{"sop", "SOP"}, {"standar operasional prosedur", "SOP"}, {"standar prosedur operasional", "SOP"},
	{"kak", "KAK"}, {"kerangka acuan", "KAK"},
	{"ruk", "RUK/RPK"}, {"rpk", "RUK/RPK"},
	{"pedoman", "pedoman"}, {"panduan", "panduan"},
	{"notulen", "notulen"}, {"notulensi", "notulen"}, {"notula", "notulen"},
	{"daftar hadir", "daftar hadir"}, {"foto", "foto"}, {"laporan", "laporan"},
}

// guessDocType names the kind of document when the item starts with it
// ("SK Kepala Puskesmas …" → "SK"), else "".
func guessDocType(title string) string {
	lower := strings.ToLower(title)
	for _, d := range docTypes {
		if rest, ok := strings.CutPrefix(lower, d.prefix); ok {
			if r := []rune(rest); len(r) == 0 || !unicode.IsLetter(r[0]) && !unicode.IsDigit(r[0]) {
				return d.docType
			}
		}
	}
	return ""
}

// listRequirements makes one requirement per item of an R, D, O or S cell,
// titled with the item (capitalised) and keyed as setKeys says; numbering
// is the cell's (cellItems.numbering). Warnings say what was assumed.
func listRequirements(m Method, items []item, numbering string) (reqs []Requirement, warnings []string) {
	reqs = make([]Requirement, 0, len(items))
	nums := make([]int, 0, len(items))
	for _, it := range items {
		r := Requirement{
			Method: m,
			Title:  upperFirst(trimItem(it.text, true)),
			Group:  it.group,
			Note:   it.note,
		}
		if m.NeedsFile() {
			r.DocType = guessDocType(r.Title)
		}
		reqs = append(reqs, r)
		nums = append(nums, it.num)
	}
	if w := setKeys(m, reqs, nums, numbering); w != "" {
		warnings = append(warnings, w)
	}
	for i, it := range items {
		if it.examples > 0 {
			warnings = append(warnings, fmt.Sprintf("%s (%q) introduces examples with \":\"; the numbered lines after it (%d) are kept in its note as examples, not read as requirements: check that no requirement follows them", reqs[i].Key, shorten(reqs[i].Title), it.examples))
		}
	}
	return reqs, warnings
}

// setKeys keys the requirements made from the items of one cell: method
// letter + the number the cell gives the item (nums, 0 for an item without
// one), so that the standard's D3 is Bukti's D3; a number taken by an item
// that made no requirement (a heading) is not reused. When the cell
// numbers nothing (one unmarked item, bullets) the keys are 1, 2, 3 … in
// order. They are in order too when the numbers cannot be followed: the
// cell's numbering is wrong (numbering says why) or an item has no number
// while others have one; the warning returned then says why.
func setKeys(m Method, reqs []Requirement, nums []int, numbering string) (warning string) {
	numbered := slices.ContainsFunc(nums, func(n int) bool { return n > 0 })
	reason := numbering
	for i, n := range nums {
		if !numbered || reason != "" {
			break
		}
		switch {
		case n == 0:
			reason = fmt.Sprintf("%q has no number while the other items have one", shorten(reqs[i].Title))
		case i > 0 && n <= nums[i-1]:
			// Not reached (numbering would say it), but keys must be unique.
			reason = fmt.Sprintf("item %d comes after item %d", n, nums[i-1])
		}
	}
	byNumber := numbered && reason == ""
	for i := range reqs {
		n := i + 1
		if byNumber {
			n = nums[i]
		}
		reqs[i].Key = string(m) + strconv.Itoa(n)
	}
	if !numbered || reason == "" {
		return ""
	}
	keys := reqs[0].Key
	switch n := len(reqs); {
	case n > 3:
		keys += " to " + reqs[n-1].Key
	case n > 1:
		for _, r := range reqs[1:] {
			keys += ", " + r.Key
		}
	}
	return fmt.Sprintf("%s: keyed %s in order, not by the numbers; check the numbering against the standard", reason, keys)
}

// unnamedRole is the interviewee of a W item that names nobody.
const unnamedRole = "Petugas terkait"

// interviewRequirements makes one W requirement per item of a W cell,
// titled with its topic (capitalised) and keyed as setKeys says (W1, W2 …
// when the cell numbers nothing); numbering is the cell's
// (cellItems.numbering). An item "roles: topic" (or "roles" then a blank
// line or "Penggalian informasi …") names its interviewees; an item that
// only names roles, followed by other items, names them for the items after
// it (several such items in a row add up) and, like a heading, takes no
// key but keeps its number. Warnings say what was assumed.
func interviewRequirements(items []item, numbering string) (reqs []Requirement, warnings []string) {
	var heading []string
	headingOpen := false // the items just before named roles only, without ":"
	carry := ""
	var nums []int
	var later []func() string // warnings naming a key, in item order
	for i, it := range items {
		flat := oneLine(it.text)
		roles, topic := splitInterview(it.text)
		if len(roles) == 0 && i < len(items)-1 && looksLikeRoles(flat) {
			roles, topic = splitRoles(flat), "" // "Kepala Puskesmas dan Pj UKM" over numbered topics
		}
		note := joinWords(carry, it.note)
		carry = ""
		if len(roles) > 0 && topic == "" {
			if i < len(items)-1 {
				if !headingOpen {
					heading = nil
				}
				heading = addRoles(heading, roles)
				headingOpen = !strings.HasSuffix(flat, ":")
				carry = note
				continue
			}
			later = append(later, func() string {
				return fmt.Sprintf("W item %q names who is interviewed but not on what; left out", flat)
			})
			continue
		}
		switch {
		case len(roles) == 0:
			roles = heading
		case headingOpen:
			roles = addRoles(slices.Clone(heading), roles) // "1. Kepala Puskesmas 2. Pj UKM: topik"
		}
		headingOpen = false
		if len(roles) == 0 {
			roles = []string{unnamedRole}
			at := len(reqs)
			later = append(later, func() string {
				return fmt.Sprintf("%s names nobody (no \"roles: topic\"); interviewee set to %q: write the roles before the topic, e.g. \"Kepala Puskesmas, Pj UKM: Penggalian informasi …\"", reqs[at].Key, unnamedRole)
			})
		}
		reqs = append(reqs, Requirement{
			Method:       Wawancara,
			Title:        upperFirst(trimItem(topic, true)),
			Note:         note,
			Interviewees: roles,
			Topic:        trimItem(topic, false),
		})
		nums = append(nums, it.num)
	}
	if w := setKeys(Wawancara, reqs, nums, numbering); w != "" {
		warnings = append(warnings, w)
	}
	for _, w := range later {
		warnings = append(warnings, w())
	}
	return reqs, warnings
}

// addRoles appends the roles not yet in list (case ignored).
func addRoles(list, roles []string) []string {
	for _, r := range roles {
		if !slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, r) }) {
			list = append(list, r)
		}
	}
	return list
}

// notRoles are words that start an interview topic, not a list of roles.
var notRoles = []string{"penggalian", "wawancara", "menggali", "informasi", "tanyakan", "menanyakan"}

// topicStartRe finds where the topic starts in a W item without a colon:
// "Kepala Puskesmas, Pj UKM Penggalian informasi …".
var topicStartRe = regexp.MustCompile(`(?i)(?:^|\s)((?:penggalian|menggali|digali|menanyakan)\s+informasi|wawancara\s+(?:tentang|terkait|mengenai))\b`)

// splitInterview splits a W item into roles and topic: "Kepala Puskesmas,
// Pj UKM: topic", "Kepala Puskesmas, Pj UKM Penggalian informasi …", or the
// roles as a paragraph of their own before the topic. Text whose roles
// cannot be told apart from the topic is all topic, without roles. text may
// hold line breaks ("\n") and blank lines ("\n\n").
func splitInterview(text string) (roles []string, topic string) {
	flat := oneLine(text)
	colon := strings.Index(flat, ":")
	// "Penggalian informasi" before any colon: what precedes it are roles.
	if loc := topicStartRe.FindStringSubmatchIndex(text); loc != nil && loc[2] > 0 {
		before, after := text[:loc[2]], text[loc[2]:]
		if !strings.Contains(before, ":") {
			if rs := splitRoles(roleLines(before)); len(rs) > 0 && !startsTopic(before) {
				return rs, oneLine(after)
			}
		}
	}
	if colon >= 0 && !startsTopic(flat) {
		before, _, _ := strings.Cut(text, ":")
		return splitRoles(roleLines(before)), strings.TrimSpace(flat[colon+1:])
	}
	// "Kepala Puskesmas, Pj UKM" as a paragraph of its own, then the topic.
	if before, after, ok := strings.Cut(text, "\n\n"); ok && !startsTopic(before) {
		if looksLikeRoles(roleLines(before)) && oneLine(after) != "" {
			return splitRoles(roleLines(before)), oneLine(after)
		}
	}
	return nil, flat
}

func startsTopic(s string) bool {
	lower := strings.ToLower(oneLine(s))
	for _, w := range notRoles {
		if strings.HasPrefix(lower, w) {
			return true
		}
	}
	return false
}

// roleLines joins the lines of a list of roles into one line, reading a
// line break as a comma when the next line starts a role ("Kepala
// Puskesmas\nPj UKM") and as a space when it goes on with one
// ("Koordinator\npelayanan UKM").
func roleLines(s string) string {
	var out string
	for _, l := range lines(s) {
		if l == "" {
			continue
		}
		switch {
		case out == "":
			out = l
		case startsRole(l) && !endsWithJoiner(out):
			out += ", " + l
		default:
			out += " " + l
		}
	}
	return out
}

func endsWithJoiner(s string) bool {
	lower := strings.ToLower(strings.TrimSpace(s))
	for _, j := range []string{",", ";", "&", " dan", " serta"} {
		if strings.HasSuffix(lower, j) {
			return true
		}
	}
	return false
}

// startsRole reports whether s starts with a role word.
func startsRole(s string) bool {
	words := strings.Fields(s)
	return len(words) > 0 && roleHeads[roleWord(words[0])]
}

func roleWord(w string) string { return strings.ToLower(strings.Trim(w, ".,;:()")) }

// maxRoleWords bounds a role read without a colon: a longer run of words is
// a sentence.
const maxRoleWords = 8

// looksLikeRoles reports whether s, with no colon to mark it, reads as a
// list of roles only: every role starts with a role word, none is long or
// holds a verb ("Petugas menjelaskan …"), and s is not a sentence ending
// with a full stop.
func looksLikeRoles(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.Contains(s, ":") {
		return false
	}
	roles := splitRoles(s)
	if len(roles) == 0 {
		return false
	}
	for _, r := range roles {
		words := strings.Fields(r)
		if len(words) > maxRoleWords || !startsRole(r) {
			return false
		}
		for _, w := range words[1:] {
			if verbRe.MatchString(w) {
				return false
			}
		}
	}
	return true
}

// verbRe matches the active verbs of a sentence (menjelaskan, melakukan,
// mengetahui, menyusun, memahami).
var verbRe = regexp.MustCompile(`(?i)^me(?:ng|ny|m|n|l|r)[a-z]{3,}$`)

// roleHeads are words that start a role; "dan"/"serta"/"&" before one of
// them separates two roles, before any other word it is part of one role
// ("Pj Kesehatan Ibu dan Anak").
var roleHeads = map[string]bool{
	"kepala": true, "pj": true, "p.j": true, "penanggung": true, "penanggungjawab": true, "koordinator": true,
	"pelaksana": true, "petugas": true, "tim": true, "ketua": true, "anggota": true, "masyarakat": true,
	"kader": true, "tokoh": true, "perwakilan": true, "lintas": true, "dokter": true,
	"perawat": true, "bidan": true, "apoteker": true, "tenaga": true, "staf": true, "staff": true,
	"pasien": true, "keluarga": true, "pengelola": true, "sasaran": true, "mitra": true,
	"pimpinan": true, "camat": true, "lurah": true, "kades": true, "nakes": true,
	"kapus": true, "kasubag": true, "kasubbag": true, "pemegang": true, "penyuluh": true, "sanitarian": true,
	"nutrisionis": true, "pegawai": true, "karyawan": true, "pengguna": true, "pengunjung": true,
	"pemangku": true, "sekretaris": true, "wakil": true, "kelompok": true, "pengurus": true,
	"bendahara": true, "analis": true, "asisten": true, "operator": true, "admin": true, "kasir": true,
	"perekam": true, "pengemudi": true, "satpam": true, "guru": true, "siswa": true, "ibu": true,
	"remaja": true, "lansia": true, "toma": true, "toga": true, "linsek": true, "linprog": true,
}

// tailHeads are positions, role words that name no one on their own:
// written bare before another position ("Koordinator & Pelaksana pelayanan
// UKM") they share its tail ("Koordinator pelayanan UKM"). Before a
// profession ("Koordinator, bidan desa") they stay as written.
var tailHeads = map[string]bool{
	"kepala": true, "pj": true, "p.j": true, "penanggung": true, "penanggungjawab": true, "koordinator": true,
	"pelaksana": true, "petugas": true, "ketua": true, "anggota": true, "pengelola": true, "staf": true,
	"staff": true, "pemegang": true, "sekretaris": true, "wakil": true, "pengurus": true,
}

var pjRe = regexp.MustCompile(`(?i)^p\.?j\.?\s+`)

// splitRoles splits a list of roles on commas, semicolons and on
// "dan"/"serta"/"&" before a role word; gives a bare role word the tail of
// the role after it ("Ketua dan anggota tim mutu" → "Ketua tim mutu",
// "Anggota tim mutu"); spells out "Pj"; capitalises; drops duplicates.
func splitRoles(s string) []string {
	var parts [][]string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		var cur []string
		words := strings.Fields(part)
		for i, w := range words {
			lw := strings.ToLower(w)
			if lw == "dan" || lw == "serta" || lw == "&" {
				if len(cur) == 0 {
					continue // ", dan pelaksana …"
				}
				if i+1 < len(words) && roleHeads[roleWord(words[i+1])] {
					parts = append(parts, cur)
					cur = nil
					continue
				}
			}
			cur = append(cur, w)
		}
		if len(cur) > 0 {
			parts = append(parts, cur)
		}
	}
	// Shared tails, from the right so that "Ketua, sekretaris dan anggota
	// tim" gives each the tail.
	for i := len(parts) - 2; i >= 0; i-- {
		if n := headLen(parts[i]); n > 0 && n == len(parts[i]) && tailHeads[roleWord(parts[i][0])] {
			if next := parts[i+1]; headLen(next) > 0 && headLen(next) < len(next) && tailHeads[roleWord(next[0])] {
				parts[i] = append(slices.Clone(parts[i]), next[headLen(next):]...)
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, words := range parts {
		role := strings.TrimRight(strings.Join(words, " "), " .")
		if role == "" {
			continue
		}
		role = upperFirst(pjRe.ReplaceAllString(role, "Penanggung jawab "))
		if strings.EqualFold(role, "pj") || strings.EqualFold(role, "p.j.") {
			role = "Penanggung jawab"
		}
		if key := strings.ToLower(role); !seen[key] {
			seen[key] = true
			out = append(out, role)
		}
	}
	return out
}

// headLen is how many leading words of a role are its role word: 2 for
// "Penanggung jawab", 1 for another role word, 0 when it starts with none.
func headLen(words []string) int {
	if len(words) == 0 || !roleHeads[roleWord(words[0])] {
		return 0
	}
	if roleWord(words[0]) == "penanggung" && len(words) > 1 && roleWord(words[1]) == "jawab" {
		return 2
	}
	return 1
}
