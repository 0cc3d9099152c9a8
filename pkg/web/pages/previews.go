package pages

import (
	"context"
	"fmt"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/thumbs"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// preview is what the requirement page shows of an evidence record's
// latest file: its thumbnail (or its type's icon), and what opening the
// preview loads — only then (app.js): a closed preview fetches nothing
// but the thumbnail.
type preview struct {
	Content string // URL of the file
	Thumb   string // URL of the thumbnail; "" while none (yet)
	Pending bool   // the thumbnail is being made
	Kind    string // short type name for the icon: "PDF", "DOCX", …
	Full    string // what opening shows: "pdf", "image", "video"; "" nothing (a link)
}

// fullPreview is what a browser can show of a content type inline.
var fullPreview = map[string]string{
	"application/pdf": "pdf",
	"image/jpeg":      "image",
	"image/png":       "image",
	"image/webp":      "image",
	"video/mp4":       "video",
}

// previews describes the latest file of each record, by evidence ID. A
// thumbnail the store cannot tell about now is shown as an icon (and
// logged), never as an error page.
func (s *handlers) previews(ctx context.Context, evs []bukti.Evidence) map[int64]preview {
	out := make(map[int64]preview, len(evs))
	for _, ev := range evs {
		rev := ev.Latest()
		if rev == nil {
			continue
		}
		p := preview{Content: fmt.Sprintf("/api/v1/evidence/%d/content", ev.ID), Kind: evidence.Kind(rev.ContentType),
			Full: fullPreview[rev.ContentType]}
		if s.Thumbs != nil {
			state, err := s.Thumbs.State(ctx, thumbs.File{SHA256: rev.SHA256, Size: rev.Size, ContentType: rev.ContentType})
			if err != nil {
				s.Log.Warn("thumbnail state unknown: showing the file-type icon", "evidence", ev.ID, "sha256", rev.SHA256, "err", err)
			}
			switch state {
			case thumbs.Ready:
				p.Thumb = core.ThumbnailURL(ev.ID, rev.SHA256)
			case thumbs.Pending:
				p.Pending = true
			}
		}
		out[ev.ID] = p
	}
	return out
}
