package pages

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/bukti-id/bukti/pkg/audit"
	"github.com/bukti-id/bukti/pkg/bukti"
	"github.com/bukti-id/bukti/pkg/web/core"
)

// auditPerPage is how many audit rows one page of /admin/audit shows.
const auditPerPage = 50

// auditPage is the audit log page's data: one page of rows, newest first,
// with the filters applied and what the filter lists offer.
type auditPage struct {
	Entries    []auditRow
	Total      int64
	Page       int
	Pages      int
	Prev, Next string // links to the neighbouring pages; "" at either end
	CSV        string // the same rows as CSV (the API's export)
	User       int64  // filters; 0: any
	Facility   int64
	Users      []bukti.User
	Facilities []bukti.Facility
}

// auditRow is one audit row with its action in words and its user and
// facility by name.
type auditRow struct {
	bukti.AuditEntry
	Label        string // the action in words, or its code when it has none
	UserName     string // "" for no user (a failed sign-in, the command line)
	FacilityName string
}

// adminAudit shows the audit log to an admin: paged, newest first, by
// user and by facility. Bad filters are refused as the API refuses them.
func (s *handlers) adminAudit(c echo.Context) error {
	if err := core.Principal(c).RequireAdmin(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	data := auditPage{}
	var err error
	for name, dst := range map[string]*int64{"user": &data.User, "facility": &data.Facility} {
		if *dst, err = queryID(c, name); err != nil {
			return err
		}
	}
	page, err := queryID(c, "page")
	if err != nil {
		return err
	}
	if page > audit.MaxPageNumber {
		return bukti.E(bukti.EINVALID, "err.api.page_must_at_most", audit.MaxPageNumber)
	}
	p := audit.Page{Number: int(page), Size: auditPerPage}.Normalized()
	f := audit.Filter{All: true, UserID: data.User, FacilityID: data.Facility}
	entries, total, err := s.DB.AuditList(ctx, f, p)
	if err != nil {
		return err
	}
	if data.Users, err = s.Auth.Users(ctx); err != nil {
		return err
	}
	if data.Facilities, err = s.Org.Facilities(ctx, true, nil); err != nil {
		return err
	}
	users, facilities := map[int64]string{}, map[int64]string{}
	for _, u := range data.Users {
		users[u.ID] = u.Email
		if u.Name != "" && u.Name != u.Email {
			users[u.ID] = u.Name + " (" + u.Email + ")"
		}
	}
	for _, f := range data.Facilities {
		facilities[f.ID] = f.Name
	}
	for _, e := range entries {
		r := auditRow{AuditEntry: e, Label: e.Action}
		if key := "audit.action." + e.Action; s.Tr(c, key) != key {
			r.Label = s.Tr(c, key)
		}
		if e.UserID != nil {
			if r.UserName = users[*e.UserID]; r.UserName == "" {
				r.UserName = s.Tr(c, "audit.deleted_user", *e.UserID)
			}
		}
		if e.FacilityID != nil {
			if r.FacilityName = facilities[*e.FacilityID]; r.FacilityName == "" {
				r.FacilityName = s.Tr(c, "audit.deleted_facility", *e.FacilityID)
			}
		}
		data.Entries = append(data.Entries, r)
	}
	data.Total, data.Page = total, p.Number
	data.Pages = int((total + int64(p.Size) - 1) / int64(p.Size))
	link := func(page int) string {
		q := url.Values{}
		if data.User != 0 {
			q.Set("user", strconv.FormatInt(data.User, 10))
		}
		if data.Facility != 0 {
			q.Set("facility", strconv.FormatInt(data.Facility, 10))
		}
		if page > 1 {
			q.Set("page", strconv.Itoa(page))
		}
		if len(q) == 0 {
			return "/admin/audit"
		}
		return "/admin/audit?" + q.Encode()
	}
	if p.Number > 1 {
		data.Prev = link(min(p.Number-1, max(data.Pages, 1)))
	}
	if p.Number < data.Pages {
		data.Next = link(p.Number + 1)
	}
	data.CSV = fmt.Sprintf("/api/v1/audit.csv?user_id=%d&facility_id=%d", data.User, data.Facility)
	return s.Render(c, http.StatusOK, "admin_audit", s.Tr(c, "audit.title"), data)
}

// queryID parses an optional positive ID (or page number) query
// parameter; empty is 0.
func queryID(c echo.Context, name string) (int64, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, bukti.E(bukti.EINVALID, "err.api.query_parameter_must_non_negative", name, v)
	}
	return n, nil
}
