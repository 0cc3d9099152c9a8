package pack

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bukti-id/bukti/pkg/evidence"
)

// Limits on names inside the archive, in bytes of UTF-8.
const (
	// maxPath bounds every entry path: below the 255/260 limits of common
	// unzip tools and Windows Explorer even once extracted a few folders
	// deep.
	maxPath = 199
	// maxFileName bounds a file's name within its folder.
	maxFileName = 120
	// maxSegment bounds a folder name made from data (stage, part, an
	// unknown requirement ID).
	maxSegment = 48
	// maxExt is the longest extension kept as such; a longer "extension" is
	// treated as part of the stem.
	maxExt = 10
)

// windowsReserved are the device names Windows refuses as a file's stem,
// whatever the extension ("CON.pdf" is the console).
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true,
	"COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true,
	"LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
	"CONIN$": true, "CONOUT$": true,
}

// cleanRunes makes s safe as one path element: invalid UTF-8, control and
// format characters (including bidi overrides), path separators and the
// characters Windows reserves (<>:"/\|?*) become "_"; other white space
// becomes a space; runs of spaces, of "_" and of dots collapse to one, so
// ".." cannot survive. Letters of every script, digits and symbols are
// kept as they are (no Unicode normalization: the standard library has
// none).
func cleanRunes(s string) string {
	s = strings.ToValidUTF8(s, "_")
	var b strings.Builder
	b.Grow(len(s))
	var last rune = -1
	for _, r := range s {
		switch {
		case r == '/' || r == '\\' || strings.ContainsRune(`<>:"|?*`, r):
			r = '_'
		case r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
			unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			r = '_'
		case unicode.IsSpace(r):
			r = ' '
		case !unicode.IsGraphic(r):
			r = '_'
		}
		if (r == ' ' || r == '_' || r == '.') && r == last {
			continue
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// trimEnds removes what may not start or end a name: spaces, dots (no
// hidden files, and Windows drops trailing dots) and "_" left over from
// replaced characters.
func trimEnds(s string) string { return strings.Trim(s, " ._") }

// hasAlnum reports whether s holds at least one letter or digit: a name
// without one ("_ _", "---") says nothing and is replaced.
func hasAlnum(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// unreserve prefixes "_" to a stem Windows reserves as a device name.
func unreserve(stem string) string {
	if windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		return "_" + stem
	}
	return stem
}

// splitExt splits a cleaned name into stem and extension (with its dot).
// Only a short run of ASCII letters and digits after the last dot counts as
// an extension.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || len(name)-i-1 == 0 || len(name)-i > maxExt+1 {
		return name, ""
	}
	for _, c := range []byte(name[i+1:]) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return name, ""
		}
	}
	return name[:i], name[i:]
}

// segment makes s safe as a folder name of at most maxSegment bytes; it
// returns fallback when nothing meaningful is left.
func segment(s, fallback string) string {
	s = trimEnds(truncate(trimEnds(cleanRunes(s)), maxSegment))
	if !hasAlnum(s) {
		return fallback
	}
	// Windows reserves "CON" also as a folder name; the first dot ends
	// the device name there too.
	stem, rest, _ := strings.Cut(s, ".")
	if windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))] {
		return "_" + stem + dotIf(rest)
	}
	return s
}

func dotIf(rest string) string {
	if rest == "" {
		return ""
	}
	return "." + rest
}

// safeFileName returns the name a file uploaded as name gets in a pack:
// one path element of at most max bytes (max below 16 is raised to 16)
// with no separator, no "..", no control or format character, no leading
// or trailing dot or space, no character or device name Windows reserves,
// and the extension kept when the name is cut. The extension is always one
// of contentType, the type detected from the file's bytes, never the one
// the uploader gave (see evidence.FileNameFor): "laporan.html" holding a
// PDF is packed as "laporan.pdf". When nothing meaningful is left of the
// name (empty, only punctuation) it returns fallback + the extension.
//
// The result is deterministic and never empty. It does not make names
// unique; see folderNames.
func safeFileName(name, contentType, fallback string, max int) string {
	if max < 16 {
		max = 16
	}
	cleaned := trimEnds(cleanRunes(name))
	if stem, _ := splitExt(cleaned); !hasAlnum(stem) {
		cleaned = fallback
	}
	// FileNameFor's result always ends in a lower-case extension that
	// splitExt recognizes, after a stem with a letter or digit.
	stem, ext := splitExt(evidence.FileNameFor(cleaned, contentType))
	// One byte is kept for the "_" that defuses a device name.
	stem = trimEnds(truncate(trimEnds(stem), max-len(ext)-1))
	if stem == "" {
		stem = fallback
	}
	// Windows reserves the stem up to its first dot: also "CON.tar.gz".
	head, rest, _ := strings.Cut(stem, ".")
	if u := unreserve(head); u != head {
		stem = u + dotIf(rest)
	}
	return stem + ext
}

// folderNames hands out unique names within one folder. Names are compared
// case-insensitively, because Windows and macOS extract "A.pdf" and
// "a.pdf" to the same file.
type folderNames struct {
	used map[string]bool
}

// unique returns name, or name with " (2)", " (3)" … before its extension
// if an earlier call already handed it out; the result still fits in max
// bytes.
func (f *folderNames) unique(name string, max int) string {
	if f.used == nil {
		f.used = map[string]bool{}
	}
	stem, ext := splitExt(name)
	cand := name
	for n := 2; f.used[strings.ToLower(cand)]; n++ {
		suffix := " (" + strconv.Itoa(n) + ")"
		cand = strings.TrimRight(truncate(stem, max-len(ext)-len(suffix)), " ._") + suffix + ext
	}
	f.used[strings.ToLower(cand)] = true
	return cand
}
