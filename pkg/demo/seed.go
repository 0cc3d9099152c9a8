package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/catalogue"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Limits and defaults of Seed.
const (
	MaxFacilities         = 100000
	DefaultCompleteness   = 0.6
	facilitiesPerProvince = 500 // default number of provinces: ceil(facilities / 500)
	facilitiesPerDistrict = 40  // default districts per province: ~40 facilities each
	facilitiesPerTx       = 100 // one unit of work per this many facilities
)

// DemoUserEmail is the (disabled) account the seeded evidence is attributed to.
const DemoUserEmail = "demo-seed@bukti.invalid"

// SeedOptions says how much demo data to make.
type SeedOptions struct {
	// Facilities is the number of Puskesmas to create, 1..MaxFacilities.
	Facilities int
	// Provinces defaults to ceil(Facilities / 500).
	Provinces int
	// DistrictsPerProvince defaults to about 40 facilities per district
	// (13 for 500 facilities per province), at least min(3, facilities per
	// province).
	DistrictsPerProvince int
	// Seed makes the data: the same seed, options and catalogue give the
	// same rows.
	Seed int64
	// Completeness is the mean share of requirements with evidence, in
	// (0, 1]; 0 means DefaultCompleteness. Facilities vary around it from
	// nearly empty to complete.
	Completeness float64
	// Now is the time the data is made at (evidence dates, expiry);
	// zero means time.Now().
	Now time.Time
	// Progress, when set, is called after each committed transaction with
	// the number of facilities done so far (never concurrently).
	Progress func(done, total int)
}

// SeedResult counts what Seed wrote.
type SeedResult struct {
	Provinces     int `json:"provinces"`
	Districts     int `json:"districts"`
	Facilities    int `json:"facilities"`
	Evidence      int `json:"evidence"`
	Revisions     int `json:"revisions"`
	Interviewees  int `json:"interviewees"`
	NotApplicable int `json:"not_applicable"`
	// Of Evidence: how many a surveyor accepted or rejected, and how many
	// have expired.
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Expired  int `json:"expired"`
	// FirstCode and LastCode are the codes of the first and last facility
	// created.
	FirstCode string        `json:"first_code"`
	LastCode  string        `json:"last_code"`
	Elapsed   time.Duration `json:"elapsed"`
}

// Rows is the number of rows written (leaving out the demo user).
func (r SeedResult) Rows() int {
	return r.Provinces + r.Districts + r.Facilities + r.Evidence + r.Revisions + r.Interviewees + r.NotApplicable + 1 // + the audit row
}

func (r SeedResult) String() string {
	return fmt.Sprintf("%d provinces, %d districts, %d facilities (%s…%s); %d evidence (%d accepted, %d rejected, %d expired) with %d revisions; %d interviewees; %d TDD marks",
		r.Provinces, r.Districts, r.Facilities, r.FirstCode, r.LastCode, r.Evidence, r.Accepted, r.Rejected, r.Expired, r.Revisions,
		r.Interviewees, r.NotApplicable)
}

// Seed fills the database of st with synthetic demo data for cat:
// provinces, districts, facilities (codes "P000001", "P000002", …,
// continuing after the highest such code already present), and for each
// facility evidence records with one revision each, named interviewees for
// W items and a few TDD marks.
// Facilities vary from nearly empty to complete, so their readiness spreads
// over every status of the catalogue's threshold table; a few records are
// rejected by a surveyor and a few have expired. The evidence is attributed
// to one disabled account, DemoUserEmail, created when missing. One audit
// row (action "demo.seed") records the seed as a whole; the rows it made
// are not audited one by one.
//
// No blob is written: every revision carries the SHA-256 of a small fixed
// fake content that is not in the blob store. Demo data is meant for
// reports, dashboards and benchmarks; downloading a seeded file (the
// content endpoint, evidence packs) answers 404.
//
// Seed is built for volume: it writes through the store's bulk session
// (sqlstore.DB.DemoBulk), one unit of work per 100 facilities with rows in
// batches of thousands, several units at once where the database takes
// more than one writer (PostgreSQL). On a 2-core machine, 10,000
// facilities on FullStandard (7.7 million evidence rows, 18.5 million rows
// in all, a 4.4 GB file) took 107 s on SQLite. If Seed fails midway, the
// units already committed stay: seed a database you can throw away.
func Seed(ctx context.Context, st *sqlstore.DB, cat *catalogue.Catalogue, opt SeedOptions) (SeedResult, error) {
	start := time.Now()
	if err := opt.normalize(); err != nil {
		return SeedResult{}, err
	}
	if cat == nil || len(cat.Bab) == 0 {
		return SeedResult{}, errors.New("demo: Seed needs a catalogue")
	}
	var res SeedResult
	err := st.DemoBulk(ctx, func(bulk *sqlstore.DB) error {
		s := &seeder{st: bulk, cat: cat, opt: opt, plan: planOf(cat), res: &res}
		return s.run(ctx)
	})
	res.Elapsed = time.Since(start)
	return res, err
}

func (o *SeedOptions) normalize() error {
	if o.Facilities < 1 || o.Facilities > MaxFacilities {
		return fmt.Errorf("demo: the number of facilities must be between 1 and %d, got %d", MaxFacilities, o.Facilities)
	}
	if o.Completeness == 0 {
		o.Completeness = DefaultCompleteness
	}
	if !(o.Completeness > 0 && o.Completeness <= 1) {
		return fmt.Errorf("demo: completeness must be more than 0 and at most 1, got %v", o.Completeness)
	}
	if o.Provinces == 0 {
		o.Provinces = ceilDiv(o.Facilities, facilitiesPerProvince)
	}
	if o.Provinces < 1 || o.Provinces > o.Facilities {
		return fmt.Errorf("demo: the number of provinces must be between 1 and the number of facilities (%d), got %d", o.Facilities, o.Provinces)
	}
	perProvince := ceilDiv(o.Facilities, o.Provinces)
	if o.DistrictsPerProvince == 0 {
		o.DistrictsPerProvince = max(ceilDiv(perProvince, facilitiesPerDistrict), min(3, perProvince))
	}
	if o.DistrictsPerProvince < 1 || o.Provinces*o.DistrictsPerProvince > o.Facilities {
		return fmt.Errorf("demo: %d districts in each of %d provinces is more districts than facilities (%d)", o.DistrictsPerProvince, o.Provinces, o.Facilities)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// reqPlan is a requirement with what its seeded documents are called.
type reqPlan struct {
	r      *catalogue.Requirement
	slots  []catalogue.Slot
	titles []string // evidence title per slot (R and D)
	files  []string // file name per slot
	kind   []int    // index into fakeFiles per slot
}

// elementPlan is an EP with the requirements a facility can meet: files
// (R, D) and interviewees (W).
type elementPlan struct {
	id   string
	bab  int // index of its Bab
	reqs []reqPlan
}

type plan struct {
	elements       []elementPlan
	babs           int
	fileSlots      int // slots of R and D requirements
	interviewSlots int // roles of W requirements
}

// fakeFile is the fixed content every seeded revision claims to have.
type fakeFile struct {
	contentType, ext string
	sha256           string
	size             int64
}

var fakeFiles = func() []fakeFile {
	out := []fakeFile{{contentType: "application/pdf", ext: "pdf"}, {contentType: "image/jpeg", ext: "jpg"}}
	for i := range out {
		content := "bukti demo seed: " + out[i].ext + " placeholder, not stored\n"
		sum := sha256.Sum256([]byte(content))
		out[i].sha256, out[i].size = hex.EncodeToString(sum[:]), int64(len(content))
	}
	return out
}()

func planOf(cat *catalogue.Catalogue) *plan {
	p := &plan{babs: len(cat.Bab)}
	bab := make(map[string]int, len(cat.Bab)) // Bab ID → its index
	for bi, b := range cat.Bab {
		bab[b.ID] = bi
	}
	for place := range cat.Elements() {
		e := place.Element
		ep := elementPlan{id: e.ID, bab: bab[place.Bab.ID]}
		for ri := range e.Requirements {
			r := &e.Requirements[ri]
			rp := reqPlan{r: r, slots: r.Slots()}
			switch {
			case r.Method == catalogue.Wawancara:
				p.interviewSlots += len(rp.slots)
			case r.Method.NeedsFile():
				for _, sl := range rp.slots {
					title, file, kind := slotFile(r, sl)
					rp.titles, rp.files, rp.kind = append(rp.titles, title), append(rp.files, file), append(rp.kind, kind)
				}
				p.fileSlots += len(rp.slots)
			default:
				continue // O and S are seen on site
			}
			ep.reqs = append(ep.reqs, rp)
		}
		p.elements = append(p.elements, ep)
	}
	return p
}

// slotFile names the document of one slot: its title, file name and kind.
func slotFile(r *catalogue.Requirement, sl catalogue.Slot) (string, string, int) {
	title, name, kind := r.Title, r.ID, 0
	docType := r.DocType
	if sl.Part != "" {
		for _, p := range r.Parts {
			if p.Key == sl.Part {
				title, docType = p.Title+" — "+r.Title, p.DocType
			}
		}
		name += "-" + sl.Part
	}
	if sl.Stage != "" {
		title += " (tahap " + sl.Stage + ")"
		name += "-" + sl.Stage
	}
	if docType == "foto" {
		kind = 1
	}
	if t := []rune(title); len(t) > 300 {
		title = string(t[:299]) + "…"
	}
	name = strings.NewReplacer("/", "-", ".", "-").Replace(strings.ToLower(name)) + "." + fakeFiles[kind].ext
	return title, name, kind
}

type seeder struct {
	st   *sqlstore.DB // the bulk session (sqlstore.DB.DemoBulk)
	cat  *catalogue.Catalogue
	opt  SeedOptions
	plan *plan
	res  *SeedResult
	user int64
}

func (s *seeder) run(ctx context.Context) error {
	opt := s.opt
	now := opt.Now.UTC()
	first, err := s.nextNumbers(ctx)
	if err != nil {
		return err
	}
	var districts []bukti.District
	err = s.st.Run(ctx, nil, func(tx *sqlstore.Tx) error {
		var err error
		if s.user, err = demoUser(tx, now); err != nil {
			return err
		}
		r := newRNG(uint64(opt.Seed), 1)
		provinces := make([]bukti.Province, opt.Provinces)
		for i := range provinces {
			name := fmt.Sprintf("Provinsi Demo %d", i+1)
			if i < len(provinceNames) {
				name = provinceNames[i] + " (demo)"
			}
			provinces[i] = bukti.Province{Code: fmt.Sprintf("DP%03d", first.province+i), Name: name, CreatedAt: now}
		}
		if err := tx.DemoInsertProvinces(provinces); err != nil {
			return fmt.Errorf("insert provinces: %w", err)
		}
		for i, p := range provinces {
			for j := range opt.DistrictsPerProvince {
				kind := "Kabupaten"
				if r.chance(0.2) {
					kind = "Kota"
				}
				districts = append(districts, bukti.District{Code: fmt.Sprintf("DK%04d", first.district+i*opt.DistrictsPerProvince+j),
					Name: kind + " " + placeName(r), ProvinceID: p.ID, CreatedAt: now})
			}
		}
		if err := tx.DemoInsertDistricts(districts); err != nil {
			return fmt.Errorf("insert districts: %w", err)
		}
		s.res.Provinces, s.res.Districts = len(provinces), len(districts)
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	if err := s.facilities(ctx, first.facility, districts); err != nil {
		return err
	}
	s.res.FirstCode, s.res.LastCode = facilityCode(first.facility), facilityCode(first.facility+opt.Facilities-1)

	return s.st.Run(ctx, nil, func(tx *sqlstore.Tx) error {
		return tx.Audit(audit.Entry{Action: "demo.seed", ObjectType: "demo",
			ObjectID: s.res.FirstCode + ".." + s.res.LastCode,
			Summary: fmt.Sprintf("synthetic demo data for %s@%s, seed %d, completeness %.2f: %s (no blobs)",
				s.cat.ID, s.cat.Version, opt.Seed, opt.Completeness, s.res)})
	})
}

// facilities writes the facilities and what they hold, one unit of work
// per facilitiesPerTx facilities. SQLite has one writer; PostgreSQL takes
// several at once, which keeps both the client and the server busy.
func (s *seeder) facilities(ctx context.Context, firstNumber int, districts []bukti.District) error {
	workers := 1
	if !s.st.DemoOneWriter() {
		workers = min(max(runtime.NumCPU(), 2), 4)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan int)
	go func() {
		defer close(chunks)
		for lo := 0; lo < s.opt.Facilities; lo += facilitiesPerTx {
			select {
			case chunks <- lo:
			case <-ctx.Done():
				return
			}
		}
	}()
	var (
		mu       sync.Mutex
		done     int
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for lo := range chunks {
				hi := min(lo+facilitiesPerTx, s.opt.Facilities)
				var part SeedResult
				err := s.st.Run(ctx, nil, func(tx *sqlstore.Tx) error {
					return s.chunk(tx, lo, hi, firstNumber, districts, &part)
				})
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("demo: facilities %d–%d: %w", lo+1, hi, err)
						cancel()
					}
					mu.Unlock()
					continue
				}
				s.res.add(part)
				done += hi - lo
				if s.opt.Progress != nil {
					s.opt.Progress(done, s.opt.Facilities)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (r *SeedResult) add(o SeedResult) {
	r.Facilities += o.Facilities
	r.Evidence += o.Evidence
	r.Revisions += o.Revisions
	r.Interviewees += o.Interviewees
	r.NotApplicable += o.NotApplicable
	r.Accepted += o.Accepted
	r.Rejected += o.Rejected
	r.Expired += o.Expired
}

func facilityCode(n int) string { return fmt.Sprintf("P%06d", n) }

// firstNumbers are the numbers the new codes start at.
type firstNumbers struct{ province, district, facility int }

// nextNumbers continues after the highest demo codes already present, so
// a second seed (with -force) adds rather than collides.
func (s *seeder) nextNumbers(ctx context.Context) (firstNumbers, error) {
	next := func(model any, prefix string, digits int) (int, error) {
		codes, err := s.st.DemoCodesLike(ctx, model, prefix+strings.Repeat("_", digits))
		if err != nil {
			return 0, err
		}
		n := 0
		for _, c := range codes {
			if v, err := strconv.Atoi(c[len(prefix):]); err == nil && v > n {
				n = v
			}
		}
		return n + 1, nil
	}
	var f firstNumbers
	var err error
	if f.province, err = next(&bukti.Province{}, "DP", 3); err != nil {
		return f, err
	}
	if f.district, err = next(&bukti.District{}, "DK", 4); err != nil {
		return f, err
	}
	if f.facility, err = next(&bukti.Facility{}, "P", 6); err != nil {
		return f, err
	}
	if f.facility+s.opt.Facilities-1 > 999999 || f.district+s.opt.Provinces*s.opt.DistrictsPerProvince-1 > 9999 || f.province+s.opt.Provinces-1 > 999 {
		return f, errors.New("demo: the demo codes (P000001…P999999, districts DK0001…DK9999, provinces DP001…DP999) are used up in this database")
	}
	return f, nil
}

// demoUser returns the ID of the disabled account seeded evidence is
// attributed to, creating it when missing. It cannot sign in: it is
// disabled and its password hash matches no password.
func demoUser(tx *sqlstore.Tx, now time.Time) (int64, error) {
	id, err := tx.DemoEnsureUser(bukti.User{Email: DemoUserEmail, Name: "Data demo (bukti demo seed)", PasswordHash: "!", Disabled: true, CreatedAt: now})
	if err != nil {
		return 0, fmt.Errorf("create the demo user: %w", err)
	}
	return id, nil
}

// chunk writes facilities [lo, hi) and everything they hold in tx. The
// facilities are new, so no score of theirs is cached: tx touches none.
func (s *seeder) chunk(tx *sqlstore.Tx, lo, hi, firstNumber int, districts []bukti.District, res *SeedResult) error {
	now := s.opt.Now.UTC()
	facilities := make([]bukti.Facility, 0, hi-lo)
	rngs := make([]*rng, 0, hi-lo)
	for i := lo; i < hi; i++ {
		r := newRNG(uint64(s.opt.Seed), 2, uint64(i))
		d := districts[i*len(districts)/s.opt.Facilities]
		facilities = append(facilities, bukti.Facility{Code: facilityCode(firstNumber + i), Name: "Puskesmas " + placeName(r),
			DistrictID: d.ID, CreatedAt: now.AddDate(0, 0, -r.between(400, 2000))})
		rngs = append(rngs, r)
	}
	if err := tx.DemoInsertFacilities(facilities); err != nil {
		return fmt.Errorf("insert facilities: %w", err)
	}
	// Room for the expected rows, so appending does not copy them over and over.
	n := len(facilities)
	fileCap := int(float64(n*s.plan.fileSlots)*s.opt.Completeness*1.1) + 16
	var (
		evs    = make([]bukti.Evidence, 0, fileCap)
		files  = make([]int, 0, fileCap) // fakeFiles index per evidence
		names  = make([]string, 0, fileCap)
		people = make([]bukti.Interviewee, 0, int(float64(n*s.plan.interviewSlots)*s.opt.Completeness*1.1)+16)
		tdd    []bukti.NotApplicable
	)
	for i, f := range facilities {
		s.facility(rngs[i], f, now, &evs, &files, &names, &people, &tdd)
	}
	if len(evs) > 0 {
		// The IDs come back, so the revisions can point at them.
		if err := tx.DemoInsertEvidence(evs); err != nil {
			return fmt.Errorf("insert evidence: %w", err)
		}
		revs := make([]bukti.Revision, len(evs))
		for i, ev := range evs {
			ff := fakeFiles[files[i]]
			revs[i] = bukti.Revision{EvidenceID: ev.ID, Number: 1, SHA256: ff.sha256, Size: ff.size, ContentType: ff.contentType,
				FileName: names[i], UploadedBy: s.user, CreatedAt: ev.CreatedAt}
		}
		if err := tx.DemoInsertRevisions(revs); err != nil {
			return fmt.Errorf("insert revisions: %w", err)
		}
	}
	if len(people) > 0 {
		if err := tx.DemoInsertInterviewees(people); err != nil {
			return fmt.Errorf("insert interviewees: %w", err)
		}
	}
	if len(tdd) > 0 {
		if err := tx.DemoInsertNotApplicable(tdd); err != nil {
			return fmt.Errorf("insert TDD marks: %w", err)
		}
	}
	res.Facilities += len(facilities)
	res.Evidence += len(evs)
	res.Revisions += len(evs)
	res.Interviewees += len(people)
	res.NotApplicable += len(tdd)
	for _, ev := range evs {
		switch {
		case ev.Review == bukti.ReviewAccepted:
			res.Accepted++
		case ev.Review == bukti.ReviewRejected:
			res.Rejected++
		}
		if ev.ValidUntil != nil && ev.ValidUntil.Before(now) {
			res.Expired++
		}
	}
	return nil
}

// facility makes the evidence, interviewees and TDD marks of one facility.
//
// Its completeness f (the share of requirements it has evidence for) is
// drawn as u^a with u uniform and a = 1/mean − 1, so the mean over
// facilities is the requested one while single facilities range from
// nearly empty to complete; each Bab varies around it (by up to ±0.2 at
// f = 0.5, less towards empty or complete). Within a
// Bab of completeness f, an EP is complete with probability f/(2−f), and
// otherwise each of its requirements has evidence with probability f/2,
// which keeps the share at f and gives the EP scores 10, 5 and 0 in
// proportions that move facilities across every status.
func (s *seeder) facility(r *rng, f bukti.Facility, now time.Time, evs *[]bukti.Evidence, files *[]int, names *[]string,
	people *[]bukti.Interviewee, tdd *[]bukti.NotApplicable) {
	mean := s.opt.Completeness
	level := 1.0
	if mean < 1 {
		level = math.Pow(r.float(), 1/mean-1)
	}
	perBab := make([]float64, s.plan.babs)
	for i := range perBab {
		perBab[i] = level + (r.float()-0.5)*0.8*min(level, 1-level)
	}
	skip := map[string]bool{}
	if r.chance(0.15) {
		for range r.between(1, 3) {
			ep := pick(r, s.plan.elements).id
			if !skip[ep] {
				skip[ep] = true
				*tdd = append(*tdd, bukti.NotApplicable{FacilityID: f.ID, ElementID: ep,
					Reason: "Pelayanan ini tidak diselenggarakan di Puskesmas ini (data demo).", SetBy: s.user, CreatedAt: now.AddDate(0, 0, -r.between(1, 300))})
			}
		}
	}
	for ei := range s.plan.elements {
		ep := &s.plan.elements[ei]
		if skip[ep.id] {
			continue
		}
		c := perBab[ep.bab]
		complete := r.chance(c / (2 - c))
		for pi := range ep.reqs {
			p := &ep.reqs[pi]
			if !complete && !r.chance(c/2) {
				continue
			}
			// Some requirements with several slots are only partly done.
			partly := len(p.slots) > 1 && !complete && r.chance(0.5)
			for si, sl := range p.slots {
				if partly && r.chance(0.5) {
					continue
				}
				if p.r.Method == catalogue.Wawancara {
					*people = append(*people, bukti.Interviewee{FacilityID: f.ID, RequirementID: p.r.ID, Role: sl.Part, Name: personName(r),
						Position: sl.Part, UpdatedBy: s.user, UpdatedAt: now.Add(-time.Duration(r.between(1, 365*24)) * time.Hour)})
					continue
				}
				*evs = append(*evs, s.evidence(r, f, p, si, now))
				*files = append(*files, p.kind[si])
				*names = append(*names, p.files[si])
			}
		}
	}
}

// evidence makes the record of slot si of p: reviewed or not, and for
// regulations (R) with a document number, issue date and sometimes an
// expiry, a few of them past.
func (s *seeder) evidence(r *rng, f bukti.Facility, p *reqPlan, si int, now time.Time) bukti.Evidence {
	sl := p.slots[si]
	created := now.Add(-time.Duration(r.between(1, 365*24*60)) * time.Minute)
	ev := bukti.Evidence{FacilityID: f.ID, RequirementID: p.r.ID, Stage: sl.Stage, Part: sl.Part, Title: p.titles[si],
		Review: bukti.ReviewPending, CreatedBy: s.user, CreatedAt: created, UpdatedAt: created}
	switch x := r.float(); {
	case x < 0.02:
		ev.Review, ev.ReviewNote = bukti.ReviewRejected, pick(r, rejectNotes)
	case x < 0.4:
		ev.Review = bukti.ReviewAccepted
	}
	if p.r.Method == catalogue.Regulasi {
		issued := created.AddDate(0, 0, -r.between(0, 900)).Truncate(24 * time.Hour)
		ev.IssueDate = &issued
		ev.DocNumber = fmt.Sprintf("%03d/%s/PKM/%d", r.between(1, 400), strings.ToUpper(strings.ReplaceAll(p.r.DocType, "/", "-")), issued.Year())
		ev.DocRevision = fmt.Sprintf("%02d", r.between(0, 2))
		if p.r.DocType == "SK" || r.chance(0.2) {
			// Decrees are valid for a while; a few have run out.
			until := now.AddDate(0, 0, r.between(30, 1000)).Truncate(24 * time.Hour)
			if r.chance(0.08) {
				until = now.AddDate(0, 0, -r.between(1, 200)).Truncate(24 * time.Hour)
			}
			ev.ValidUntil = &until
		}
	}
	return ev
}

var rejectNotes = []string{
	"Dokumen belum ditandatangani Kepala Puskesmas.",
	"Berkas tidak sesuai dengan persyaratan; unggah bukti pelaksanaan.",
	"Tanggal penetapan tidak terbaca.",
	"Foto tidak menunjukkan kegiatan yang dimaksud.",
}

var provinceNames = []string{
	"Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu", "Lampung",
	"Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur",
	"Banten", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah",
	"Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan",
	"Sulawesi Tenggara", "Gorontalo", "Sulawesi Barat", "Maluku", "Maluku Utara", "Papua Barat", "Papua Barat Daya",
	"Papua", "Papua Selatan", "Papua Tengah", "Papua Pegunungan",
}

var (
	placeHeads = []string{"Suka", "Karang", "Tanjung", "Sungai", "Bukit", "Pasir", "Teluk", "Muara", "Batu", "Air", "Kebon",
		"Cempaka", "Rawa", "Gunung", "Kampung", "Pulau", "Sidoa", "Mekar", "Cibeu", "Lubuk"}
	placeTails = []string{"maju", "jaya", "makmur", "sari", "indah", "baru", "raya", "mulya", "asri", "harapan", "rejo",
		"agung", "mukti", "wangi", "tengah", "timur", "barat", "permai", "lestari", "sejahtera"}
	firstNames = []string{"Siti", "Dewi", "Rina", "Sri", "Nur", "Ahmad", "Budi", "Agus", "Eko", "Yuni", "Ratna", "Dian",
		"Hendra", "Wahyu", "Fitri", "Lestari", "Rudi", "Andi", "Made", "Putu", "Yohana", "Maria", "Fransiska", "Ikhsan"}
	lastNames = []string{"Rahmawati", "Susanti", "Hidayat", "Saputra", "Wijaya", "Kurniawan", "Pratiwi", "Setiawan",
		"Nugroho", "Handayani", "Siregar", "Nasution", "Simanjuntak", "Wulandari", "Santoso", "Lubis", "Hakim", "Manurung"}
)

func placeName(r *rng) string {
	return pick(r, placeHeads) + pick(r, placeTails)
}

func personName(r *rng) string {
	return pick(r, firstNames) + " " + pick(r, lastNames)
}
