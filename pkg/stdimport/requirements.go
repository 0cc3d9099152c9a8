package stdimport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/bukti-id/bukti/pkg/catalogue"
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
// keyed method letter + position and titled with the item (capitalised).
func listRequirements(m catalogue.Method, items []item) []catalogue.Requirement {
	out := make([]catalogue.Requirement, 0, len(items))
	for i, it := range items {
		r := catalogue.Requirement{
			Key:    string(m) + strconv.Itoa(i+1),
			Method: m,
			Title:  upperFirst(trimItem(it.text, true)),
			Group:  it.group,
			Note:   it.note,
		}
		if m.NeedsFile() {
			r.DocType = guessDocType(r.Title)
		}
		out = append(out, r)
	}
	return out
}

// unnamedRole is the interviewee of a W item that names nobody.
const unnamedRole = "Petugas terkait"

// interviewRequirements makes one W requirement per item of a W cell,
// titled with its topic (capitalised) and keyed W1, W2 …. An
// item "roles: topic" names its interviewees; an item "roles:" followed by
// other items names them for the items after it. Warnings say what was
// assumed.
func interviewRequirements(items []item) (reqs []catalogue.Requirement, warnings []string) {
	var heading []string
	carry := ""
	for i, it := range items {
		roles, topic := splitInterview(it.text)
		note := joinWords(carry, it.note)
		carry = ""
		if len(roles) > 0 && topic == "" {
			if i < len(items)-1 {
				heading, carry = roles, note
				continue
			}
			warnings = append(warnings, fmt.Sprintf("W item %q names who is interviewed but not on what; left out", it.text))
			continue
		}
		if len(roles) == 0 {
			roles = heading
		}
		if len(roles) == 0 {
			roles = []string{unnamedRole}
			warnings = append(warnings, fmt.Sprintf("W%d names nobody (no \"roles: topic\"); interviewee set to %q", len(reqs)+1, unnamedRole))
		}
		reqs = append(reqs, catalogue.Requirement{
			Key:          "W" + strconv.Itoa(len(reqs)+1),
			Method:       catalogue.Wawancara,
			Title:        upperFirst(trimItem(topic, true)),
			Note:         note,
			Interviewees: roles,
			Topic:        trimItem(topic, false),
		})
	}
	return reqs, warnings
}

// notRoles are words that start an interview topic, not a list of roles.
var notRoles = []string{"penggalian", "wawancara", "menggali", "informasi", "tanyakan", "menanyakan"}

// splitInterview splits "Kepala Puskesmas, Pj UKM: topic" into roles and
// topic. Text without a colon, or whose part before the colon reads as a
// topic, has no roles and is all topic.
func splitInterview(text string) (roles []string, topic string) {
	before, after, ok := strings.Cut(text, ":")
	if !ok {
		return nil, strings.TrimSpace(text)
	}
	lower := strings.ToLower(strings.TrimSpace(before))
	for _, w := range notRoles {
		if strings.HasPrefix(lower, w) {
			return nil, strings.TrimSpace(text)
		}
	}
	roles = splitRoles(before)
	if len(roles) == 0 {
		return nil, strings.TrimSpace(after)
	}
	return roles, strings.TrimSpace(after)
}

// roleHeads are words that start a role; "dan"/"serta" before one of them
// separates two roles, before any other word it is part of one role ("Pj
// Kesehatan Ibu dan Anak").
var roleHeads = map[string]bool{
	"kepala": true, "pj": true, "penanggung": true, "koordinator": true, "pelaksana": true,
	"petugas": true, "tim": true, "ketua": true, "anggota": true, "masyarakat": true,
	"kader": true, "tokoh": true, "perwakilan": true, "lintas": true, "dokter": true,
	"perawat": true, "bidan": true, "apoteker": true, "tenaga": true, "staf": true,
	"pasien": true, "keluarga": true, "pengelola": true, "sasaran": true, "mitra": true,
	"pimpinan": true, "camat": true, "lurah": true, "kades": true, "nakes": true,
}

var pjRe = regexp.MustCompile(`(?i)^p\.?j\.?\s+`)

// splitRoles splits a list of roles on commas, semicolons and on
// "dan"/"serta"/"&" before a role word; spells out "Pj"; capitalises; drops
// duplicates.
func splitRoles(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(words []string) {
		role := strings.Join(words, " ")
		role = strings.TrimRight(role, " .")
		if role == "" {
			return
		}
		role = upperFirst(pjRe.ReplaceAllString(role, "Penanggung jawab "))
		if key := strings.ToLower(role); !seen[key] {
			seen[key] = true
			out = append(out, role)
		}
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		var cur []string
		words := strings.Fields(part)
		for i, w := range words {
			lw := strings.ToLower(w)
			if lw == "dan" || lw == "serta" || lw == "&" {
				if len(cur) == 0 {
					continue // ", dan pelaksana …"
				}
				if i+1 < len(words) && roleHeads[strings.ToLower(strings.TrimRight(words[i+1], "."))] {
					add(cur)
					cur = nil
					continue
				}
			}
			cur = append(cur, w)
		}
		add(cur)
	}
	return out
}
