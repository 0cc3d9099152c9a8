package thumbs

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"io"
)

// The EXIF orientation tag says how a camera held sideways stored its
// picture; a viewer turns it upright. Phones write it on nearly every
// JPEG, so a thumbnail that ignored it would lie on its side.

// exifOrientationTag is the TIFF tag of the orientation in IFD0.
const exifOrientationTag = 0x0112

// maxSegments bounds the JPEG markers read while looking for EXIF.
const maxSegments = 64

// jpegOrientation returns the EXIF orientation (1–8) of the JPEG r reads,
// or 1 (upright) when it has none or it cannot be read: a damaged tag
// never stops a thumbnail. It reads the markers before the image data
// only.
func jpegOrientation(r io.Reader) int {
	br := bufio.NewReader(r)
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return 1
	}
	for range maxSegments {
		marker, err := nextMarker(br)
		if err != nil {
			return 1
		}
		switch {
		case marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7:
			continue // markers without a length
		case marker == 0xDA || marker == 0xD9:
			return 1 // image data (or its end): no EXIF came before it
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return 1
		}
		n := int(binary.BigEndian.Uint16(l[:])) - 2
		if n < 0 {
			return 1
		}
		if marker != 0xE1 {
			if _, err := br.Discard(n); err != nil {
				return 1
			}
			continue
		}
		seg := make([]byte, n)
		if _, err := io.ReadFull(br, seg); err != nil {
			return 1
		}
		if tiff, ok := bytes.CutPrefix(seg, []byte("Exif\x00\x00")); ok {
			return tiffOrientation(tiff)
		}
	}
	return 1
}

// nextMarker reads up to and including the next marker's code, skipping
// fill bytes.
func nextMarker(br *bufio.Reader) (byte, error) {
	b, err := br.ReadByte()
	if err != nil {
		return 0, err
	}
	if b != 0xFF {
		return 0, io.ErrUnexpectedEOF // not at a marker: give up
	}
	for {
		if b, err = br.ReadByte(); err != nil {
			return 0, err
		}
		if b != 0xFF {
			return b, nil
		}
	}
}

// tiffOrientation reads the orientation from the first IFD of an EXIF
// TIFF structure; 1 when absent or invalid.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:4]) != 42 {
		return 1
	}
	off := int64(order.Uint32(t[4:8]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(order.Uint16(t[off : off+2]))
	for i := range count {
		e := off + 2 + i*12
		if e+12 > int64(len(t)) {
			return 1
		}
		if order.Uint16(t[e:e+2]) != exifOrientationTag {
			continue
		}
		if typ, n := order.Uint16(t[e+2:e+4]), order.Uint32(t[e+4:e+8]); typ != 3 || n != 1 { // one SHORT
			return 1
		}
		if v := int(order.Uint16(t[e+8 : e+10])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient turns img upright for an EXIF orientation (1–8): the picture a
// viewer shows.
func orient(img *image.RGBA, orientation int) *image.RGBA {
	if orientation <= 1 || orientation > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if orientation >= 5 { // a quarter turn: sides swap
		dw, dh = h, w
	}
	// from maps a pixel of the upright picture to the stored one.
	from := map[int]func(x, y int) (int, int){
		2: func(x, y int) (int, int) { return w - 1 - x, y },         // mirrored
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }, // upside down
		4: func(x, y int) (int, int) { return x, h - 1 - y },         // mirrored upside down
		5: func(x, y int) (int, int) { return y, x },                 // mirrored, quarter turn
		6: func(x, y int) (int, int) { return y, h - 1 - x },         // turned a quarter left: turn right
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }, // mirrored, quarter turn
		8: func(x, y int) (int, int) { return w - 1 - y, x },         // turned a quarter right: turn left
	}[orientation]
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			sx, sy := from(x, y)
			si := img.PixOffset(img.Rect.Min.X+sx, img.Rect.Min.Y+sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], img.Pix[si:si+4])
		}
	}
	return dst
}
