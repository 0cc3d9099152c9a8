package sqlstore

// The readiness area: the readiness inputs of facilities (live evidence,
// named interviewees, TDD marks) as the scorer reads them, and the version
// of those inputs (table readiness_versions, migration 8) that every unit
// of work touching a facility changes (Tx.Touch, tx.go).

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/readiness"
)

// ReadinessVersion identifies one state of a facility's readiness inputs.
// Every unit of work that touches the facility gives it a new Token (a
// random number, stored in the same transaction as the change, so every
// server sharing the database sees it), and a facility deleted and created
// again under the same ID has another Created. Equal versions read at two
// times mean the inputs did not change in between; whatever was computed
// from the inputs of one version holds for as long as the version does
// (and the time does not cross a date the inputs name).
type ReadinessVersion struct {
	Created int64 // the facility's creation time, Unix microseconds
	Token   int64 // 0: never touched
}

// bumpVersion gives a facility a new readiness version, inside tx (a
// unit of work, after it locked the facility's row on PostgreSQL). A
// facility that does not exist gets none.
func bumpVersion(tx *gorm.DB, facilityID int64) error {
	token := rand.Int64N(math.MaxInt64) + 1 // never 0, the version of an untouched facility
	err := tx.Exec(`INSERT INTO readiness_versions (facility_id, version) SELECT id, ? FROM facilities WHERE id = ?
		ON CONFLICT (facility_id) DO UPDATE SET version = excluded.version`, token, facilityID).Error
	if err != nil {
		return fmt.Errorf("new readiness version of facility %d: %w", facilityID, err)
	}
	return nil
}

// ReadinessVersionOf returns the version of a facility's readiness inputs;
// ErrNotFound when there is no such facility. It is one indexed read,
// made to be asked before every use of something computed from the inputs.
func (d *DB) ReadinessVersionOf(ctx context.Context, facilityID int64) (ReadinessVersion, error) {
	vs, err := readinessVersions(d.gdb.WithContext(ctx), []int64{facilityID})
	if err != nil {
		return ReadinessVersion{}, err
	}
	v, ok := vs[facilityID]
	if !ok {
		return ReadinessVersion{}, ErrNotFound
	}
	return v, nil
}

// readinessVersions reads the versions of the facilities that exist among
// ids.
func readinessVersions(db *gorm.DB, ids []int64) (map[int64]ReadinessVersion, error) {
	rows, err := db.Raw(`SELECT f.id, f.created_at, COALESCE(v.version, 0) FROM facilities f
		LEFT JOIN readiness_versions v ON v.facility_id = f.id WHERE f.id IN ?`, ids).Rows()
	if err != nil {
		return nil, fmt.Errorf("read readiness versions: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]ReadinessVersion, len(ids))
	for rows.Next() {
		var (
			id      int64
			created sql.NullTime
			v       ReadinessVersion
		)
		if err := rows.Scan(&id, &created, &v.Token); err != nil {
			return nil, fmt.Errorf("read readiness versions: %w", err)
		}
		if created.Valid {
			v.Created = created.Time.UnixMicro()
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read readiness versions: %w", err)
	}
	return out, nil
}

// FacilityInputs are the readiness inputs of one facility with their
// version, read together.
type FacilityInputs struct {
	Version ReadinessVersion
	readiness.Input
	// Evidence counts the live evidence records: the first Evidence of
	// Input.Items; the items after them are the named interviewees.
	Evidence int
	dates    []time.Time // what Items' ValidUntil point into (parse)
}

// loadChunk bounds the facilities of one statement of LoadReadiness.
const loadChunk = 500

// LoadReadiness loads the readiness inputs of facilities, to be scored as
// of now, each with the version they are of. Facilities that do not exist
// are left out.
//
// Each facility's inputs come in one row of one statement, so they are
// one consistent state (a unit of work changes them and the version
// together), and the database does the per-record work: it folds a
// facility's evidence into one string (group_concat, string_agg) that is
// split here, instead of handing over millions of rows column by column
// (which, through the SQLite driver, cost most of a cold national report).
// A facility whose strings cannot be read back exactly — a text holding
// the separators — is read again row by row.
func (d *DB) LoadReadiness(ctx context.Context, facilityIDs []int64, now time.Time) (map[int64]*FacilityInputs, error) {
	return d.loadAll(ctx, facilityIDs, now, true)
}

// LoadScoreInputs is LoadReadiness without the named interviewees: the
// inputs of a facility's scores (readiness.Scorer.Brief, the gap reports),
// which interview preparation never changes. Items holds the evidence
// alone.
func (d *DB) LoadScoreInputs(ctx context.Context, facilityIDs []int64, now time.Time) (map[int64]*FacilityInputs, error) {
	return d.loadAll(ctx, facilityIDs, now, false)
}

// EachScoreInputs calls fn with the inputs LoadScoreInputs would load for
// each of facilityIDs that exists, in no particular order, and stops at
// fn's first error, which it returns. The inputs are read as
// LoadScoreInputs reads them (one statement per chunk of facilities, row
// by row for a facility whose texts hold the separators), but not kept:
// fi, its Items and its NotApplicable map are reused for the next
// facility, so fn must not retain them (copy what it keeps). This is how
// the gap reports score every facility without allocating its records.
func (d *DB) EachScoreInputs(ctx context.Context, facilityIDs []int64, now time.Time, fn func(id int64, fi *FacilityInputs) error) error {
	return d.each(ctx, facilityIDs, now, false, true, fn)
}

// loadAll collects what each reads into fresh FacilityInputs.
func (d *DB) loadAll(ctx context.Context, facilityIDs []int64, now time.Time, people bool) (map[int64]*FacilityInputs, error) {
	out := make(map[int64]*FacilityInputs, len(facilityIDs))
	err := d.each(ctx, facilityIDs, now, people, false, func(id int64, fi *FacilityInputs) error {
		out[id] = fi
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each reads the readiness inputs of facilities (the named interviewees
// only if people) and calls fn with those of each facility that exists.
// With reuse, one FacilityInputs is passed to every call; otherwise each
// call gets its own.
func (d *DB) each(ctx context.Context, facilityIDs []int64, now time.Time, people, reuse bool, fn func(int64, *FacilityInputs) error) error {
	db := d.gdb.WithContext(ctx)
	query := loadReadinessSQL(db.Dialector.Name(), people)
	var (
		again  []int64
		shared *FacilityInputs
	)
	for part := range slices.Chunk(facilityIDs, loadChunk) {
		rows, err := db.Raw(query, part).Rows()
		if err != nil {
			return fmt.Errorf("load readiness inputs: %w", err)
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var (
					id                int64
					created           sql.NullTime
					token             int64
					evs, named, marks string
				)
				if err := rows.Scan(&id, &created, &token, &evs, &named, &marks); err != nil {
					return fmt.Errorf("load readiness inputs: %w", err)
				}
				fi := shared
				if fi == nil {
					fi = &FacilityInputs{Input: readiness.Input{NotApplicable: map[string]string{}}}
					if reuse {
						shared = fi
					}
				}
				fi.Now, fi.Version = now, ReadinessVersion{Token: token}
				if created.Valid {
					fi.Version.Created = created.Time.UnixMicro()
				}
				if !fi.parse(evs, named, marks) {
					again = append(again, id)
					continue
				}
				if err := fn(id, fi); err != nil {
					return err
				}
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("load readiness inputs: %w", err)
			}
			return nil
		}()
		if err != nil {
			return err
		}
	}
	if len(again) == 0 {
		return nil
	}
	// Row by row, in one transaction with the versions: as consistent as
	// the statement above.
	read := map[int64]*FacilityInputs{}
	err := d.transaction(ctx, func(_ context.Context, tx *gorm.DB) error {
		vs, err := readinessVersions(tx, again)
		if err != nil {
			return err
		}
		ins, err := readinessRows(tx, again, now, people)
		if err != nil {
			return err
		}
		for _, id := range again {
			if v, ok := vs[id]; ok {
				ins[id].Version = v
				read[id] = ins[id]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range again {
		if fi, ok := read[id]; ok {
			if err := fn(id, fi); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadinessInputs loads the readiness inputs (live evidence, named
// interviewees, TDD marks) of several facilities, to be scored as of now
// (see LoadReadiness). Every requested facility has an entry, empty when
// it holds nothing.
func (d *DB) ReadinessInputs(ctx context.Context, facilityIDs []int64, now time.Time) (map[int64]readiness.Input, error) {
	loaded, err := d.LoadReadiness(ctx, facilityIDs, now)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]readiness.Input, len(facilityIDs))
	for _, id := range facilityIDs {
		if fi, ok := loaded[id]; ok {
			out[id] = fi.Input
		} else {
			out[id] = readiness.Input{Now: now, NotApplicable: map[string]string{}}
		}
	}
	return out, nil
}

// Separators of the strings LoadReadiness's statement folds: fields of a
// record, records, and the record count before the records.
const (
	fieldSep  = "\x1f"
	recordSep = "\x1e"
	countSep  = "\x1d"
)

// evidenceRecordSQLite is an evidence record of LoadReadiness's statement
// on SQLite, written exactly as migration 10 indexes it
// (idx_evidence_readiness_record, on facility_id and this expression, of
// live evidence): SQLite reads the record from that index instead of
// formatting it for each of the millions of records of a national report
// (TestReadinessRecordFromIndex). Changing it means a new migration with
// the new expression.
const evidenceRecordSQLite = `printf('%s' || char(31) || '%s' || char(31) || '%s' || char(31) || '%s%s', requirement_id, stage, part, ` +
	`CASE WHEN review = 'rejected' THEN 'r' ELSE '' END, CASE WHEN valid_until IS NULL THEN '' ELSE COALESCE(strftime('%s', valid_until), 'x') END)`

// loadReadinessSQL is LoadReadiness's statement for a dialect: per
// facility its creation time, version, and for each of its live evidence,
// named interviewees (none unless people) and TDD marks,
// "<count>\x1d<record>\x1e<record>…" with the fields of a record separated
// by \x1f. An evidence record is requirement, stage, part, then "r" when
// rejected followed by the Unix seconds of its valid-until date, if any
// ("x" for a date the database cannot read); an interviewee record is
// requirement and role; a TDD mark element and reason. The count tells a
// text holding a separator (more records than rows) from the real thing.
func loadReadinessSQL(dialect string, people bool) string {
	// On SQLite the evidence records are read from the index that holds
	// them (migration 10), named so the planner cannot prefer another.
	chr, agg := "char", "group_concat"
	evidence, from := evidenceRecordSQLite, "evidences e INDEXED BY idx_evidence_readiness_record"
	if dialect == "postgres" {
		chr, agg, from = "chr", "string_agg", "evidences e"
		evidence = `e.requirement_id || chr(31) || e.stage || chr(31) || e.part || chr(31) ||
			CASE WHEN e.review = 'rejected' THEN 'r' ELSE '' END || COALESCE(floor(extract(epoch FROM e.valid_until))::bigint::text, '')`
	}
	named := "'0' || " + chr + "(29)"
	if people {
		named = `(SELECT count(*) || ` + chr + `(29) || COALESCE(` + agg + `(i.requirement_id || ` + chr + `(31) || i.role, ` + chr + `(30)), '')
			FROM interviewees i WHERE i.facility_id = f.id)`
	}
	return `SELECT f.id, f.created_at, COALESCE(v.version, 0),
		(SELECT count(*) || ` + chr + `(29) || COALESCE(` + agg + `(` + evidence + `, ` + chr + `(30)), '')
			FROM ` + from + ` WHERE e.facility_id = f.id AND e.deleted_at IS NULL),
		` + named + `,
		(SELECT count(*) || ` + chr + `(29) || COALESCE(` + agg + `(n.element_id || ` + chr + `(31) || n.reason, ` + chr + `(30)), '')
			FROM not_applicables n WHERE n.facility_id = f.id)
		FROM facilities f LEFT JOIN readiness_versions v ON v.facility_id = f.id WHERE f.id IN ?`
}

// parse reads the three strings of LoadReadiness's statement into fi,
// reusing its Items, NotApplicable map and dates; false when one cannot be
// read back exactly.
func (fi *FacilityInputs) parse(evs, people, marks string) bool {
	clear(fi.NotApplicable)
	fi.Items, fi.Evidence = fi.Items[:0], 0
	n, evs, ok := counted(evs)
	if !ok {
		return false
	}
	m, people, ok := counted(people)
	if !ok {
		return false
	}
	fi.Items = slices.Grow(fi.Items, n+m)
	if fi.Items, fi.dates, ok = parseEvidence(evs, n, fi.Items, fi.dates); !ok {
		return false
	}
	fi.Evidence = n
	err := eachRecord(people, m, func(f []string) {
		fi.Items = append(fi.Items, readiness.Item{RequirementID: f[0], Part: f[1]})
	})
	if !err {
		return false
	}
	k, marks, ok := counted(marks)
	if !ok {
		return false
	}
	return eachRecord(marks, k, func(f []string) { fi.NotApplicable[f[0]] = f[1] }) && len(fi.NotApplicable) == k
}

// counted splits "<count>\x1d<records>".
func counted(s string) (int, string, bool) {
	c, rest, ok := strings.Cut(s, countSep)
	if !ok {
		return 0, "", false
	}
	n, err := strconv.Atoi(c)
	if err != nil || n < 0 || (n == 0) != (rest == "") {
		return 0, "", false
	}
	return n, rest, true
}

// parseEvidence appends the n evidence records of s to items: exactly n
// records of exactly four fields, or false. It runs once for every
// evidence record of a report, so it scans s once and allocates at most
// the dates: the valid-until dates go into dates, reused (emptied) when
// it can hold n of them, so that no append moves a date an item points to.
func parseEvidence(s string, n int, items []readiness.Item, dates []time.Time) ([]readiness.Item, []time.Time, bool) {
	dates = dates[:0]
	for k := range n {
		end, ok := recordEnd(s, k == n-1)
		if !ok {
			return nil, dates, false
		}
		rec := s[:end]
		var f [3]string
		for i := range f {
			j := strings.IndexByte(rec, fieldSep[0])
			if j < 0 {
				return nil, dates, false
			}
			f[i], rec = rec[:j], rec[j+1:]
		}
		it := readiness.Item{RequirementID: f[0], Stage: f[1], Part: f[2]}
		if rec != "" && rec[0] == 'r' {
			it.Rejected, rec = true, rec[1:]
		}
		if rec != "" {
			var secs int64
			neg := rec[0] == '-'
			if neg {
				rec = rec[1:]
			}
			if rec == "" || len(rec) > 18 {
				return nil, dates, false
			}
			for i := 0; i < len(rec); i++ {
				c := rec[i]
				if c < '0' || c > '9' {
					return nil, dates, false // "x", a separator, anything else
				}
				secs = secs*10 + int64(c-'0')
			}
			if neg {
				secs = -secs
			}
			if cap(dates) < n {
				dates = make([]time.Time, 0, n)
			}
			dates = append(dates, time.Unix(secs, 0).UTC())
			it.ValidUntil = &dates[len(dates)-1]
		}
		items = append(items, it)
		s = s[min(end+1, len(s)):]
	}
	return items, dates, true
}

// recordEnd is where the record at the start of s ends: at the next
// record separator, or at the end of s for the last record, which no
// separator may follow (a text ending in one would otherwise pass for an
// empty record more).
func recordEnd(s string, last bool) (int, bool) {
	end := strings.IndexByte(s, recordSep[0])
	if last {
		return len(s), end < 0
	}
	return end, end >= 0
}

// eachRecord calls fn with the two fields of each of the n records of s:
// exactly n records of exactly two fields, or false.
func eachRecord(s string, n int, fn func([]string)) bool {
	var f [2]string
	for k := range n {
		end, ok := recordEnd(s, k == n-1)
		if !ok {
			return false
		}
		f[0], f[1], ok = strings.Cut(s[:end], fieldSep)
		if !ok || strings.Contains(f[1], fieldSep) {
			return false
		}
		fn(f[:])
		s = s[min(end+1, len(s)):]
	}
	return true
}

// readinessRows loads the readiness inputs of facilities row by row (the
// named interviewees only if people), on a given handle (a transaction,
// say): the reading LoadReadiness falls back on. Every requested facility
// has an entry.
func readinessRows(db *gorm.DB, facilityIDs []int64, now time.Time, people bool) (map[int64]*FacilityInputs, error) {
	out := make(map[int64]*FacilityInputs, len(facilityIDs))
	for _, id := range facilityIDs {
		out[id] = &FacilityInputs{Input: readiness.Input{Now: now, NotApplicable: map[string]string{}}}
	}
	rows, err := db.Model(&bukti.Evidence{}).Select("facility_id", "requirement_id", "stage", "part", "review", "valid_until").
		Where("facility_id IN ? AND deleted_at IS NULL", facilityIDs).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                       int64
			req, stage, part, review string
			validUntil               *time.Time
		)
		if err := rows.Scan(&id, &req, &stage, &part, &review, &validUntil); err != nil {
			return nil, err
		}
		fi := out[id]
		fi.Items = append(fi.Items, readiness.Item{RequirementID: req, Stage: stage, Part: part, Rejected: review == bukti.ReviewRejected, ValidUntil: validUntil})
		fi.Evidence++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if people {
		var named []bukti.Interviewee
		if err := db.Select("facility_id", "requirement_id", "role").Where("facility_id IN ?", facilityIDs).Find(&named).Error; err != nil {
			return nil, err
		}
		for _, p := range named {
			out[p.FacilityID].Items = append(out[p.FacilityID].Items, readiness.Item{RequirementID: p.RequirementID, Part: p.Role})
		}
	}
	var tdd []bukti.NotApplicable
	if err := db.Where("facility_id IN ?", facilityIDs).Find(&tdd).Error; err != nil {
		return nil, err
	}
	for _, t := range tdd {
		out[t.FacilityID].NotApplicable[t.ElementID] = t.Reason
	}
	return out, nil
}
