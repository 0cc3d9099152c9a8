package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bukti-id/bukti/pkg/bukti"
)

// TestBrowserAdminPhone walks a newcomer admin through the settings page
// in Chromium on a 360×780 phone: a province, a district, a Puskesmas,
// then a user whose first attempt has a bad role scope (the message next
// to the field, everything typed still there), fixed, then a generated
// password, then disabling the account. No page scrolls sideways.
func TestBrowserAdminPhone(t *testing.T) {
	h := newHarness(t, "sqlite", "filesystem", 1<<20)
	ctx := browser(t, 360, 780)
	h.signIn(t, ctx, adminEmail, adminPassword)

	fits := func(step string) {
		t.Helper()
		var ok bool
		var width int64
		run(t, ctx, step+": width", chromedp.Evaluate(`document.documentElement.scrollWidth <= document.documentElement.clientWidth`, &ok),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width))
		if !ok {
			t.Errorf("%s: the page scrolls sideways at 360 px (%d px wide)", step, width)
		}
	}
	// submit fills a form (a select is chosen, an input typed into) and
	// sends it, then waits for then (XPath or ID) on the next page.
	submit := func(step, form string, fields map[string]string, then string) {
		t.Helper()
		actions := []chromedp.Action{chromedp.WaitVisible(form, chromedp.ByQuery)}
		for sel, v := range fields {
			var tag string
			run(t, ctx, "find "+sel, chromedp.Evaluate(`document.querySelector("`+sel+`").tagName`, &tag))
			if tag == "SELECT" {
				actions = append(actions, chromedp.SetValue(sel, v, chromedp.ByQuery))
			} else {
				actions = append(actions, chromedp.Clear(sel, chromedp.ByQuery), chromedp.SendKeys(sel, v, chromedp.ByQuery))
			}
		}
		actions = append(actions, chromedp.Click(form+` button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible(then, chromedp.BySearch))
		run(t, ctx, step, actions...)
	}

	run(t, ctx, "open the settings", chromedp.Navigate(h.srv.URL+"/admin"), chromedp.WaitVisible("#provinces", chromedp.ByID))
	fits("settings page")
	submit("add a province", "#province-add", map[string]string{"#p-code": "33", "#p-name": "Jawa Tengah"},
		`//summary[contains(., "Jawa Tengah")]`)
	submit("add a district", "#district-add", map[string]string{"#d-province": "33", "#d-code": "3374", "#d-name": "Kota Semarang"},
		`//summary[contains(., "Kota Semarang")]`)
	submit("add a Puskesmas", "#facility-add", map[string]string{"#f-district": "3374", "#f-code": "P3374", "#f-name": "Puskesmas Halmahera"},
		`//summary[contains(., "Puskesmas Halmahera")]`)
	var facilityID, districtID int64
	h.db.Model(&bukti.Facility{}).Where("code = ?", "P3374").Pluck("id", &facilityID)
	h.db.Model(&bukti.District{}).Where("code = ?", "3374").Pluck("id", &districtID)
	if facilityID == 0 || districtID == 0 {
		t.Fatal("the district or the Puskesmas was not added")
	}

	typed := map[string]string{"#u-email": "siti@halmahera.test", "#u-name": "Siti Aminah", "#u-role": "quality_team",
		"#u-scope": fmt.Sprintf("district:%d", districtID), "#u-password": "sandi-siti-12345"}
	submit("add a user with a bad scope", "#user-add", typed, "#u-scope-error")
	if msg := text(t, ctx, "#u-scope-error"); !strings.Contains(msg, "Peran Tim Mutu perlu cakupan: pilih satu Puskesmas") {
		t.Errorf("message next to the scope = %q", msg)
	}
	for sel, want := range typed {
		var got string
		run(t, ctx, "read "+sel, chromedp.Value(sel, &got, chromedp.ByQuery))
		if got != want {
			t.Errorf("%s after the refusal = %q, want the typed %q", sel, got, want)
		}
	}
	var near bool
	run(t, ctx, "the message is next to its field", chromedp.Evaluate(`(() => {
		const f = document.querySelector("#u-scope").getBoundingClientRect(), e = document.querySelector("#u-scope-error").getBoundingClientRect();
		return e.top >= f.bottom && e.top - f.bottom < 120 && document.querySelector("#u-scope").getAttribute("aria-invalid") === "true";
	})()`, &near))
	if !near {
		t.Error("the message is not right below the scope field, or the field is not marked invalid")
	}
	fits("refused user form")
	var users int64
	h.db.Model(&bukti.User{}).Where("email = ?", "siti@halmahera.test").Count(&users)
	if users != 0 {
		t.Fatal("the refused form created the user")
	}

	submit("fix the scope", "#user-add", map[string]string{"#u-scope": fmt.Sprintf("facility:%d", facilityID)}, "#password")
	if s := text(t, ctx, "#roles li"); !strings.Contains(s, "Tim Mutu — Puskesmas Halmahera") {
		t.Errorf("the user's role = %q, want it with its scope by name", s)
	}
	fits("user page")

	submit("reset the password to a generated one", "#password form", map[string]string{}, "#generated-password")
	password := text(t, ctx, "#generated-password")
	token := h.login("siti@halmahera.test", password)

	run(t, ctx, "disable", chromedp.Click(`#status form button.danger`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1/following-sibling::p/span[contains(@class, "rejected")]`, chromedp.BySearch))
	var disabled bool
	h.db.Model(&bukti.User{}).Where("email = ?", "siti@halmahera.test").Pluck("disabled", &disabled)
	if !disabled {
		t.Error("the user is not disabled")
	}
	if r := h.call("GET", "/api/v1/auth/me", nil, token); r.status != 401 {
		t.Errorf("the disabled user's session: status %d, want 401", r.status)
	}
	fits("disabled user page")
}
