// Package metricstest reads Prometheus metrics in tests: it scrapes a
// /metrics endpoint (or parses its text), and looks series up by name and
// labels. Bukti's metrics live in one process-wide registry, so tests
// compare two scrapes ([Samples.Delta]) rather than absolute values.
package metricstest

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Samples are the series of one scrape: a key of the metric name and its
// sorted labels (see [Key]) to the value. A histogram contributes
// name_count and name_sum; a summary the same.
type Samples map[string]float64

// Key is the key of a series in Samples: name{k1="v1",k2="v2"} with the
// labels sorted by name, given as pairs "k1", "v1", "k2", "v2".
func Key(name string, labelPairs ...string) string {
	if len(labelPairs)%2 != 0 {
		panic("metricstest.Key: odd number of label arguments")
	}
	m := map[string]string{}
	for i := 0; i < len(labelPairs); i += 2 {
		m[labelPairs[i]] = labelPairs[i+1]
	}
	return key(name, m)
}

func key(name string, labels map[string]string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(labels)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, labels[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Get is the value of the series, 0 when it is absent.
func (s Samples) Get(name string, labelPairs ...string) float64 {
	return s[Key(name, labelPairs...)]
}

// Has reports whether the series is present.
func (s Samples) Has(name string, labelPairs ...string) bool {
	_, ok := s[Key(name, labelPairs...)]
	return ok
}

// Delta is the series' value in s minus its value in before.
func (s Samples) Delta(before Samples, name string, labelPairs ...string) float64 {
	return s.Get(name, labelPairs...) - before.Get(name, labelPairs...)
}

// Names lists the series of a metric (for failure messages).
func (s Samples) Names(prefix string) []string {
	var out []string
	for k := range s {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Parse reads the Prometheus text exposition format.
func Parse(r io.Reader) (Samples, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	out := Samples{}
	for name, mf := range fams {
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				out[key(name, labels)] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				out[key(name, labels)] = m.GetGauge().GetValue()
			case dto.MetricType_UNTYPED:
				out[key(name, labels)] = m.GetUntyped().GetValue()
			case dto.MetricType_HISTOGRAM:
				out[key(name+"_count", labels)] = float64(m.GetHistogram().GetSampleCount())
				out[key(name+"_sum", labels)] = m.GetHistogram().GetSampleSum()
			case dto.MetricType_SUMMARY:
				out[key(name+"_count", labels)] = float64(m.GetSummary().GetSampleCount())
				out[key(name+"_sum", labels)] = m.GetSummary().GetSampleSum()
			}
		}
	}
	return out, nil
}

// Scrape GETs url (a /metrics endpoint), asking for the text format, and
// parses the answer; any failure fails the test.
func Scrape(t testing.TB, url string) Samples {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scrape %s: %v", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("scrape %s: status %d: %s", url, resp.StatusCode, b)
	}
	s, err := Parse(resp.Body)
	if err != nil {
		t.Fatalf("parse the scrape of %s: %v", url, err)
	}
	return s
}
