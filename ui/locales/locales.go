// Package locales holds every message Bukti shows or logs, by key, in each
// language it speaks: id.yaml (Bahasa Indonesia, the first language) and
// en.yaml (English, also the language of logs). Pages (package ui), errors
// (package bukti) and the evidence pack read their text from here; no Go
// code carries a user-facing sentence.
//
// Contract: both files hold exactly the same keys (Load fails otherwise); a
// message is a fmt format, and the same key takes the same arguments in
// every language (TestMessages renders every key both ways). An argument of
// type Key, or one that is Localized, is rendered in the message's
// language before formatting, so a message can name a translated word
// ("provinsi" / "province") or wrap another message.
package locales

import (
	"embed"
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Languages the interface speaks, the default first.
var Languages = []string{"id", "en"}

//go:embed id.yaml en.yaml
var files embed.FS

// Key is a message key used as an argument: T renders it in the language
// of the message that names it.
type Key string

// Localized is an argument that has its own text in every language (a
// *bukti.Error, say): T renders it in the language of the message.
type Localized interface{ Text(lang string) string }

// load parses the message files once.
var load = sync.OnceValues(func() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, lang := range Languages {
		b, err := files.ReadFile(lang + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("locales: %s.yaml: %w", lang, err)
		}
		out[lang] = m
	}
	base := out[Languages[0]]
	for _, lang := range Languages[1:] {
		for k := range base {
			if _, ok := out[lang][k]; !ok {
				return nil, fmt.Errorf("locales: %s.yaml lacks key %q", lang, k)
			}
		}
		for k := range out[lang] {
			if _, ok := base[k]; !ok {
				return nil, fmt.Errorf("locales: %s.yaml has key %q that %s.yaml lacks", lang, k, Languages[0])
			}
		}
	}
	return out, nil
})

// Messages returns every message by language and key. The files are
// parsed on the first call; the maps are shared and must not be modified.
func Messages() (map[string]map[string]string, error) { return load() }

// Has reports whether key is a message.
func Has(key string) bool {
	m, err := load()
	if err != nil {
		return false
	}
	_, ok := m[Languages[0]][key]
	return ok
}

// T renders the message key in lang (the first language when lang is
// unknown), formatting args with the message's fmt verbs; Key arguments
// are translated first. An unknown key renders as the key itself, so a gap
// shows without breaking a page or a log line.
func T(lang, key string, args ...any) string {
	all, err := load()
	if err != nil {
		return key
	}
	m, ok := all[lang]
	if !ok {
		lang, m = Languages[0], all[Languages[0]]
	}
	msg, ok := m[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	out := args
	for i, a := range args {
		var text string
		switch v := a.(type) {
		case Key:
			text = T(lang, string(v))
		case Localized:
			text = v.Text(lang)
		default:
			continue
		}
		if &out[0] == &args[0] {
			out = append([]any(nil), args...) // never change the caller's arguments
		}
		out[i] = text
	}
	return fmt.Sprintf(msg, out...)
}
