package thumbs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// decoders decode the kinds read here, by content type rather than by
// sniffing: the evidence service has sniffed the file already.
var decoders = map[kind]struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}{
	kindJPEG: {jpeg.DecodeConfig, jpeg.Decode},
	kindPNG:  {png.DecodeConfig, png.Decode},
	kindWebP: {webp.DecodeConfig, webp.Decode},
}

// decodeFile decodes the picture in path, refusing one of more than
// maxPixels before decoding it, and returns its thumbnail. A JPEG's EXIF
// orientation is applied.
func decodeFile(path string, k kind, maxPixels int64) ([]byte, error) {
	d, ok := decoders[k]
	if !ok {
		return nil, fmt.Errorf("thumbs: no decoder for kind %d", k)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("thumbs: %w", err)
	}
	defer f.Close()
	cfg, err := d.config(f)
	if err != nil {
		return nil, unusablef("cannot read the picture's header: %v", err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); cfg.Width <= 0 || cfg.Height <= 0 || px > maxPixels {
		return nil, unusablef("the picture is %d×%d pixels, more than the %d a thumbnail is made of", cfg.Width, cfg.Height, maxPixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("thumbs: %w", err)
	}
	img, err := d.decode(f)
	if err != nil {
		return nil, unusablef("cannot decode the picture: %v", err)
	}
	orientation := 1
	if k == kindJPEG {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("thumbs: %w", err)
		}
		orientation = jpegOrientation(f)
	}
	return encode(orient(shrink(img, Size), orientation))
}

// shrink scales img to fit in size×size pixels (never up) with
// Catmull-Rom, over white: a transparent PNG gets a white background, as
// on paper.
func shrink(img image.Image, size int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > size || h > size {
		if w >= h {
			w, h = size, max(1, (h*size+w/2)/w)
		} else {
			w, h = max(1, (w*size+h/2)/h), size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src // fast paths for the opaque (JPEG's YCbCr, most PNGs)
	if o, ok := img.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, op, nil)
	return dst
}

// encode writes a thumbnail as a JPEG.
func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("thumbs: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// viaTool runs a tool that writes dir/out.png from the file, then makes
// the thumbnail of that picture. A tool that fails, or runs out of time,
// marks the file unusable; a tool that could not be started, or a ctx that
// ended (a shutdown), does not.
func (s *Service) viaTool(ctx context.Context, dir, tool string, args ...string) ([]byte, error) {
	argv := append([]string{s.tools[tool]}, args...)
	if s.limit != "" {
		cpu := max(1, int(s.opt.Timeout.Seconds()))
		argv = append([]string{s.limit, "--as=" + strconv.FormatInt(s.opt.Memory, 10), "--cpu=" + strconv.Itoa(cpu),
			"--core=0", "--"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	// A bare environment: the tools need no configuration of the
	// server's, and fontconfig's cache goes to the job's directory.
	cmd.Env = []string{"PATH=" + toolPath, "HOME=" + dir, "LC_ALL=C", "XDG_CACHE_HOME=" + dir}
	cmd.Dir = dir
	stderr := &capped{max: stderrMax}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	cmd.WaitDelay = toolWaitDelay
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case context.Cause(ctx) != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return nil, fmt.Errorf("thumbs: %s: %w", tool, context.Cause(ctx)) // shutting down
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, unusablef("%s took longer than %v", tool, s.opt.Timeout)
	case errors.As(err, &exit):
		return nil, unusablef("%s failed (%v): %s", tool, exit, strings.TrimSpace(stderr.String()))
	default:
		return nil, fmt.Errorf("thumbs: run %s: %w", tool, err)
	}
	out := dir + "/out.png"
	if _, err := os.Stat(out); err != nil {
		return nil, unusablef("%s wrote no picture: %s", tool, strings.TrimSpace(stderr.String()))
	}
	return decodeFile(out, kindPNG, s.opt.MaxPixels)
}

// capped keeps the first max bytes written to it.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
