// Package thumbs makes the small pictures the requirement pages show in
// place of the evidence files themselves: a JPEG of at most Size pixels on
// its longest side, of a photo (JPEG, PNG, WebP, HEIC/HEIF from phones) or
// of the first page of a PDF. They are made in the background, after an
// upload, by a small pool of workers, and kept in the blob store.
//
// Contract:
//   - A thumbnail is named by the content it shows (storage.ThumbKey: the
//     SHA-256 and size of the file), so every revision and every evidence
//     record holding the same bytes shares it, and it never changes: it
//     may be cached forever.
//   - A file no thumbnail can be made of (a damaged image, an encrypted
//     PDF, a picture larger than MaxPixels) gets a recorded failure
//     (storage.ThumbFailed) instead, and is not tried again. A failure of
//     the blob store, or a shutdown, records nothing: the file is tried
//     again the next time it is asked for.
//   - Making a thumbnail never holds up an upload: Enqueue never blocks,
//     and a full queue drops the file, which is queued again the next time
//     a page asks for it (State). That is also how files stored before
//     thumbnails existed get theirs: on the first view of their page.
//   - JPEG, PNG and WebP are decoded here, the EXIF orientation of a JPEG
//     applied; PDFs are rendered by poppler's pdftoppm and HEIC by
//     libheif's heif-thumbnailer (Debian packages poppler-utils and
//     heif-thumbnailer), each in its own process under a time limit and,
//     where prlimit (util-linux) is found, a memory and CPU limit. A type
//     whose tool is not installed gets no thumbnail and no recorded
//     failure: installing the tool later is enough.
package thumbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/bukti-id/bukti/storage"
)

// Defaults of Options.
const (
	DefaultWorkers   = 2
	DefaultQueue     = 512
	DefaultTimeout   = time.Minute
	DefaultMaxPixels = 50_000_000  // a 48-megapixel phone photo passes
	DefaultMemory    = 1 << 30     // address space of a tool's process
	maxReason        = 500         // bytes of a recorded failure's reason
	settledCache     = 100_000     // thumbnails remembered as made or failed
	copyBuffer       = 256 << 10   // bytes per read of a blob into its temporary file
	stderrMax        = 2 << 10     // bytes of a tool's standard error kept for the reason
	toolWaitDelay    = time.Second // wait for a killed tool's pipes
	toolPath         = "/usr/bin:/bin"
	failurePrefix    = "thumbnail: " // starts every recorded reason
	quality          = 75            // JPEG quality of a thumbnail
)

// Size is the longest side of a thumbnail, in pixels: twice the 160 CSS
// pixels the pages show it at, for sharp screens.
const Size = 320

// Options tune a Service. The zero value takes the defaults.
type Options struct {
	// Workers is how many thumbnails are made at once (0:
	// DefaultWorkers, at most the number of CPUs).
	Workers int
	// Queue is how many files may wait (0: DefaultQueue).
	Queue int
	// Timeout bounds the making of one thumbnail (0: DefaultTimeout).
	Timeout time.Duration
	// MaxPixels is the largest picture (width × height) decoded (0:
	// DefaultMaxPixels); a larger one gets a recorded failure.
	MaxPixels int64
	// Memory is the address-space limit of a tool's process in bytes (0:
	// DefaultMemory).
	Memory int64
	// TempDir holds a file while its thumbnail is made ("": the system's).
	TempDir string
	// Log receives what the workers do (nil: slog.Default()).
	Log *slog.Logger
	// LookPath finds the tools (nil: exec.LookPath); tests hide one with it.
	LookPath func(string) (string, error)
}

// File is the content a thumbnail is made of: what a revision records.
type File struct {
	SHA256      string
	Size        int64
	ContentType string
}

// State is where the thumbnail of a file stands.
type State int

const (
	// None: no thumbnail is made of this type of file (an office
	// document, a video) or its tool is not installed.
	None State = iota
	// Pending: not made yet; it is queued.
	Pending
	// Ready: it can be read (Open).
	Ready
	// Failed: none can be made of this file; the reason is recorded.
	Failed
)

func (s State) String() string {
	return [...]string{"none", "pending", "ready", "failed"}[s]
}

// Service makes and serves thumbnails. Start runs its workers, Stop ends
// them; without Start, State and Enqueue still work (files wait in the
// queue) and Make makes one thumbnail at once.
type Service struct {
	blobs storage.Store
	opt   Options
	log   *slog.Logger
	tools map[string]string // tool name → path, for those installed
	limit string            // path of prlimit, or ""

	queue chan File

	mu      sync.Mutex
	pending map[string]bool  // queued or being made, by image key
	settled map[string]State // Ready or Failed, by image key: neither changes

	startOnce sync.Once
	stopOnce  sync.Once
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// The tools, by the content types they render.
const (
	toolPDF  = "pdftoppm"
	toolHEIF = "heif-thumbnailer"
	toolLim  = "prlimit"
)

// New returns a service on blobs. It looks for the tools once, here.
func New(blobs storage.Store, opt Options) *Service {
	if opt.Workers <= 0 {
		opt.Workers = min(DefaultWorkers, runtime.NumCPU())
	}
	if opt.Queue <= 0 {
		opt.Queue = DefaultQueue
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.MaxPixels <= 0 {
		opt.MaxPixels = DefaultMaxPixels
	}
	if opt.Memory <= 0 {
		opt.Memory = DefaultMemory
	}
	if opt.LookPath == nil {
		opt.LookPath = exec.LookPath
	}
	log := opt.Log
	if log == nil {
		log = slog.Default()
	}
	s := &Service{blobs: blobs, opt: opt, log: log, tools: map[string]string{},
		queue: make(chan File, opt.Queue), pending: map[string]bool{}, settled: map[string]State{}}
	for _, name := range []string{toolPDF, toolHEIF} {
		if p, err := opt.LookPath(name); err == nil {
			s.tools[name] = p
		}
	}
	if p, err := opt.LookPath(toolLim); err == nil {
		s.limit = p
	}
	return s
}

// Tools reports which tools were found (name → path) and which are
// missing, for the start-up log.
func (s *Service) Tools() (found map[string]string, missing []string) {
	found = map[string]string{}
	for _, name := range []string{toolPDF, toolHEIF, toolLim} {
		p := s.tools[name]
		if name == toolLim {
			p = s.limit
		}
		if p == "" {
			missing = append(missing, name)
		} else {
			found[name] = p
		}
	}
	return found, missing
}

// kind is how a content type is turned into a picture.
type kind int

const (
	kindNone kind = iota
	kindJPEG
	kindPNG
	kindWebP
	kindHEIF
	kindPDF
)

// kinds are the content types (as evidence sniffs them) thumbnails are
// made of.
var kinds = map[string]kind{
	"image/jpeg":          kindJPEG,
	"image/png":           kindPNG,
	"image/webp":          kindWebP,
	"image/heic":          kindHEIF,
	"image/heif":          kindHEIF,
	"image/heic-sequence": kindHEIF,
	"image/heif-sequence": kindHEIF,
	"application/pdf":     kindPDF,
}

// kindOf is the kind of a content type, kindNone when no thumbnail is
// made of it here (its tool missing included).
func (s *Service) kindOf(contentType string) kind {
	ct, _, _ := strings.Cut(contentType, ";")
	k := kinds[strings.ToLower(strings.TrimSpace(ct))]
	switch {
	case k == kindPDF && s.tools[toolPDF] == "":
		return kindNone
	case k == kindHEIF && s.tools[toolHEIF] == "":
		return kindNone
	}
	return k
}

// Supports reports whether thumbnails are made of contentType.
func (s *Service) Supports(contentType string) bool {
	return s != nil && s.kindOf(contentType) != kindNone
}

// keys are the image and failure keys of f's thumbnail.
func keys(f File) (image, failed string, err error) {
	if image, err = storage.ThumbKey(f.SHA256, f.Size, storage.ThumbImage); err != nil {
		return "", "", err
	}
	failed, err = storage.ThumbKey(f.SHA256, f.Size, storage.ThumbFailed)
	return image, failed, err
}

// State reports where f's thumbnail stands, queueing it when it is
// Pending. A thumbnail (or failure) once found is remembered: a page of
// twelve files costs the store nothing after its first view.
func (s *Service) State(ctx context.Context, f File) (State, error) {
	if !s.Supports(f.ContentType) {
		return None, nil
	}
	image, failed, err := keys(f)
	if err != nil {
		return None, err
	}
	if st, ok := s.known(image); ok {
		return st, nil
	}
	switch _, err := s.blobs.Size(ctx, image); {
	case err == nil:
		s.remember(image, Ready)
		return Ready, nil
	case !errors.Is(err, storage.ErrNotFound):
		return None, err
	}
	switch _, err := s.blobs.Size(ctx, failed); {
	case err == nil:
		s.remember(image, Failed)
		return Failed, nil
	case !errors.Is(err, storage.ErrNotFound):
		return None, err
	}
	s.Enqueue(f)
	return Pending, nil
}

func (s *Service) known(image string) (State, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.settled[image]
	return st, ok
}

func (s *Service) remember(image string, st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.settled) >= settledCache {
		clear(s.settled) // forgetting costs a Size call or two per file
	}
	s.settled[image] = st
}

// Open returns f's thumbnail (a JPEG) and its size in bytes; an error
// satisfying errors.Is(err, storage.ErrNotFound) while there is none.
func (s *Service) Open(ctx context.Context, f File) (io.ReadCloser, int64, error) {
	image, _, err := keys(f)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.blobs.Size(ctx, image)
	if err != nil {
		return nil, 0, err
	}
	rc, err := s.blobs.Open(ctx, image)
	if err != nil {
		return nil, 0, err
	}
	s.remember(image, Ready)
	return rc, n, nil
}

// Reason returns the recorded reason why no thumbnail can be made of f.
func (s *Service) Reason(ctx context.Context, f File) (string, error) {
	_, failed, err := keys(f)
	if err != nil {
		return "", err
	}
	rc, err := s.blobs.Open(ctx, failed)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxReason))
	return string(b), err
}

// Enqueue asks for f's thumbnail to be made in the background. It never
// blocks: it reports false when f gets none (its type) or the queue is
// full (f is queued again the next time State sees it missing).
func (s *Service) Enqueue(f File) bool {
	if !s.Supports(f.ContentType) {
		return false
	}
	image, _, err := keys(f)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[image] {
		return true
	}
	select {
	case s.queue <- f:
		s.pending[image] = true
		return true
	default:
		return false
	}
}

// Start runs the workers until Stop. It may be called once; later calls
// do nothing.
func (s *Service) Start() {
	s.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		s.cancel = cancel
		for range s.opt.Workers {
			s.wg.Go(func() { s.work(ctx) })
		}
	})
}

// Stop ends the workers: a thumbnail being made is abandoned (its tool is
// killed; nothing is recorded) and Stop returns once every worker has.
// Files still queued stay unmade until asked for again.
func (s *Service) Stop() {
	s.stopOnce.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
	})
}

func (s *Service) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-s.queue:
			start := time.Now()
			err := s.Make(ctx, f)
			image, _, _ := keys(f)
			s.mu.Lock()
			delete(s.pending, image)
			s.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				s.log.Warn("thumbnail not made: will try again when asked", "sha256", f.SHA256, "type", f.ContentType, "err", err)
			} else if err == nil {
				s.log.Debug("thumbnail made", "sha256", f.SHA256, "type", f.ContentType, "ms", time.Since(start).Milliseconds())
			}
		}
	}
}

// unusable marks a file no thumbnail can be made of; its reason is
// recorded.
type unusable struct{ reason string }

func (e *unusable) Error() string { return e.reason }

func unusablef(format string, args ...any) error {
	return &unusable{reason: fmt.Sprintf(format, args...)}
}

// Make makes f's thumbnail now and stores it, or records why it cannot be
// made. It returns nil when either is done (or was already), and an error
// when neither could be: the store failed, ctx ended, a temporary file
// could not be written. A file whose type gets no thumbnail is an error.
func (s *Service) Make(ctx context.Context, f File) error {
	k := s.kindOf(f.ContentType)
	if k == kindNone {
		return fmt.Errorf("thumbs: no thumbnail is made of %q files", f.ContentType)
	}
	image, failed, err := keys(f)
	if err != nil {
		return err
	}
	for _, key := range []string{image, failed} {
		if _, err := s.blobs.Size(ctx, key); err == nil {
			return nil // made (or failed) before, maybe by another server
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	// The time limit is the making's; storing the result is not held to it.
	rctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	jpegBytes, err := s.render(rctx, f, k)
	var bad *unusable
	switch {
	case errors.As(err, &bad):
		reason := failurePrefix + bad.reason
		if len(reason) > maxReason {
			reason = reason[:maxReason]
		}
		s.log.Info("no thumbnail can be made", "sha256", f.SHA256, "type", f.ContentType, "reason", bad.reason)
		if err := s.put(ctx, failed, []byte(reason)); err != nil {
			return err
		}
		s.remember(image, Failed)
		return nil
	case err != nil:
		return err
	}
	if err := s.put(ctx, image, jpegBytes); err != nil {
		return err
	}
	s.remember(image, Ready)
	return nil
}

// put stores b under key.
func (s *Service) put(ctx context.Context, key string, b []byte) error {
	tmp, err := s.blobs.Stage(ctx, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("thumbs: stage %s: %w", key, err)
	}
	if _, err := s.blobs.Commit(ctx, tmp, key); err != nil {
		_ = s.blobs.Discard(context.WithoutCancel(ctx), tmp)
		return fmt.Errorf("thumbs: commit %s: %w", key, err)
	}
	return nil
}

// render copies f into a temporary file and turns it into a thumbnail.
func (s *Service) render(ctx context.Context, f File, k kind) ([]byte, error) {
	dir, err := os.MkdirTemp(s.opt.TempDir, "bukti-thumb-")
	if err != nil {
		return nil, fmt.Errorf("thumbs: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	src, err := s.fetch(ctx, f, dir)
	if err != nil {
		return nil, err
	}
	switch k {
	case kindPDF:
		return s.viaTool(ctx, dir, toolPDF, "-f", "1", "-l", "1", "-singlefile", "-scale-to", fmt.Sprint(Size), "-png", src, dir+"/out")
	case kindHEIF:
		return s.viaTool(ctx, dir, toolHEIF, "-s", fmt.Sprint(Size), src, dir+"/out.png")
	default:
		return decodeFile(src, k, s.opt.MaxPixels)
	}
}

// fetch copies f's blob into dir and returns the file's path.
func (s *Service) fetch(ctx context.Context, f File, dir string) (string, error) {
	key, err := storage.Key(f.SHA256)
	if err != nil {
		return "", err
	}
	rc, err := s.blobs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("thumbs: open %s: %w", key, err)
	}
	defer rc.Close()
	path := dir + "/in"
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("thumbs: temporary file: %w", err)
	}
	n, err := io.CopyBuffer(out, io.LimitReader(rc, f.Size+1), make([]byte, copyBuffer))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("thumbs: copy %s: %w", key, err)
	}
	if n != f.Size {
		// The store does not hold what was recorded: bukti fsck reports it;
		// a thumbnail of other bytes must not be kept under this key.
		return "", fmt.Errorf("thumbs: %s holds %d bytes, the record says %d", key, n, f.Size)
	}
	return path, nil
}
