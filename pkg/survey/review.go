package survey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/evidence"
	"github.com/bukti-id/bukti/pkg/sqlstore"
)

// Items returns a survey's snapshot, by requirement then evidence and
// revision; superseded items are included (their SupersededBy is set).
func (s *Service) Items(ctx context.Context, id int64) ([]bukti.SnapshotItem, error) {
	return s.Store.SurveyItems(ctx, id)
}

// Current returns the items under review: those not superseded.
func Current(items []bukti.SnapshotItem) []bukti.SnapshotItem {
	return slices.DeleteFunc(slices.Clone(items), func(it bukti.SnapshotItem) bool { return it.SupersededBy != nil })
}

// Verdict is a surveyor's review of one snapshot item.
type Verdict struct {
	Review string `json:"review"` // accepted or rejected
	Note   string `json:"note"`   // required when rejecting
}

// Review records an assigned surveyor's verdict on a snapshot item until
// the survey is finalized (in review, or scored: every item needs a verdict
// before finalization). A rejection needs a reason; it is also set on
// the evidence record when the item is still its latest revision, so the
// quality team sees it as something to fix.
func (s *Service) Review(ctx context.Context, id, itemID, by int64, v Verdict) (*bukti.SnapshotItem, error) {
	v.Note = strings.TrimSpace(v.Note)
	switch {
	case v.Review != bukti.ReviewAccepted && v.Review != bukti.ReviewRejected:
		return nil, bukti.Errorf(bukti.EINVALID, "Hasil telaah %q tidak sah; pilih accepted atau rejected.", "review %q is not allowed; choose accepted or rejected", v.Review)
	case v.Review == bukti.ReviewRejected && textLen(v.Note) < 10:
		return nil, bukti.Errorf(bukti.EINVALID, "Tuliskan alasan penolakan (minimal 10 karakter) agar tim mutu tahu apa yang harus diperbaiki.", "a rejection needs a reason of at least 10 characters")
	case textLen(v.Note) > 2000:
		return nil, bukti.Errorf(bukti.EINVALID, "Catatan telaah paling banyak 2000 karakter.", "the review note is longer than 2000 characters")
	}
	var it bukti.SnapshotItem
	err := s.change(ctx, id, Review, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		got, err := u.SurveyItem(id, itemID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return itemNotFound(itemID)
		} else if err != nil {
			return err
		}
		it = *got
		if it.SupersededBy != nil {
			return bukti.Errorf(bukti.ECONFLICT, "Butir #%d sudah diganti oleh unggahan baru (#%d); telaah butir yang baru.", "item %d was superseded by item %d; review that one", it.ID, *it.SupersededBy)
		}
		now := u.Now
		it.Review, it.ReviewNote, it.ReviewedBy, it.ReviewedAt = v.Review, v.Note, &by, &now
		if err := u.SetSurveyItemReview(&it); err != nil {
			return err
		}
		if err := s.reflect(u, sv, &it); err != nil {
			return err
		}
		return s.audit(u, sv, "survey.review", fmt.Sprintf("item %d (%s r%d): %s %s", it.ID, it.RequirementID, it.RevisionNumber, it.Review, it.ReviewNote))
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// reflect copies a verdict onto the evidence record, through the evidence
// service (which touches the facility, dropping its cached scores), when
// no newer survey of the facility is under review (that survey's verdicts
// are the current ones) and the reviewed revision is still the record's
// latest.
func (s *Service) reflect(u *sqlstore.Tx, sv *bukti.Survey, it *bukti.SnapshotItem) error {
	newer, err := u.CountNewerSurveys(sv.FacilityID, sv.ID, []string{bukti.SurveyInReview, bukti.SurveyScored})
	if err != nil {
		return err
	}
	if newer > 0 {
		return nil
	}
	_, err = s.Evidence.SetVerdict(u, sv.FacilityID, it.EvidenceID, it.RevisionNumber, evidence.Verdict{Review: it.Review, Note: it.ReviewNote})
	return err
}

func itemNotFound(id int64) error {
	return bukti.Errorf(bukti.ENOTFOUND, "Butir snapshot #%d tidak ditemukan pada survei ini.", "snapshot item %d not found in this survey", id)
}

// Resubmit adds the latest revision of an evidence record to the snapshot
// while the survey is in review: a re-upload after a rejection (the
// rejected item is superseded) or evidence the snapshot did not hold. An
// item still pending or accepted cannot be replaced.
func (s *Service) Resubmit(ctx context.Context, id, evidenceID, by int64) (*bukti.SnapshotItem, error) {
	var it bukti.SnapshotItem
	err := s.change(ctx, id, Resubmit, by, func(u *sqlstore.Tx, sv *bukti.Survey) error {
		ev, err := u.SurveyEvidence(sv.FacilityID, evidenceID)
		if errors.Is(err, sqlstore.ErrNotFound) {
			return evidence.NotFound(evidenceID)
		} else if err != nil {
			return err
		}
		rev := ev.Latest()
		if rev == nil {
			return evidence.NotFound(evidenceID)
		}
		if _, _, ok := s.Catalogue.Requirement(ev.RequirementID); !ok {
			return bukti.Errorf(bukti.EINVALID, "Persyaratan %s tidak ada di katalog survei ini.", "requirement %s is not in this survey's catalogue", ev.RequirementID)
		}
		prev, err := u.CurrentSurveyItem(id, evidenceID)
		found := err == nil
		if err != nil && !errors.Is(err, sqlstore.ErrNotFound) {
			return err
		}
		switch {
		case found && prev.RevisionNumber == rev.Number:
			return bukti.Errorf(bukti.ECONFLICT, "Revisi %d bukti #%d sudah ada di snapshot; unggah revisi baru terlebih dahulu.", "revision %d of evidence %d is already in the snapshot; upload a new revision first", rev.Number, evidenceID)
		case found && prev.Review != bukti.ReviewRejected:
			return bukti.Errorf(bukti.ECONFLICT, "Bukti #%d di snapshot belum ditolak (status: %s); hanya bukti yang ditolak yang dapat diajukan ulang.", "evidence %d in the snapshot is %s, not rejected; only rejected evidence can be resubmitted", evidenceID, prev.Review)
		}
		it = snapshotOf(id, ev, rev, u.Now)
		if err := u.CreateSurveyItem(&it); err != nil {
			return err
		}
		if found {
			if err := u.SupersedeSurveyItem(prev, it.ID); err != nil {
				return err
			}
		}
		return s.audit(u, sv, "survey.resubmit", "evidence "+strconv.FormatInt(evidenceID, 10)+" r"+strconv.Itoa(rev.Number))
	})
	if err != nil {
		return nil, err
	}
	return &it, nil
}
