package demo

// rng is a small deterministic generator (SplitMix64). It is used instead of
// math/rand so that the synthetic catalogue and the demo data stay the same
// across Go releases: requirement IDs and seeded rows depend on the stream.
type rng struct{ s uint64 }

func newRNG(seed ...uint64) *rng {
	r := &rng{s: 0x9e3779b97f4a7c15}
	for _, x := range seed {
		r.s ^= x
		r.next()
		r.s += x * 0xbf58476d1ce4e5b9
	}
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n must be positive.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// pick returns one element of xs.
func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// sample returns k distinct elements of xs in their original order.
func sample[T any](r *rng, xs []T, k int) []T {
	if k >= len(xs) {
		return append([]T(nil), xs...)
	}
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < k; i++ { // partial Fisher–Yates
		j := i + r.intn(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	chosen := make([]bool, len(xs))
	for _, i := range idx[:k] {
		chosen[i] = true
	}
	out := make([]T, 0, k)
	for i, x := range xs {
		if chosen[i] {
			out = append(out, x)
		}
	}
	return out
}

// spread divides total among len(mins) slots: each slot gets its minimum,
// the rest is handed out one at a time to random slots holding fewer than
// max. The caller makes sure total fits.
func spread(r *rng, total, max int, mins []int) []int {
	out := append([]int(nil), mins...)
	left := total
	for _, m := range mins {
		left -= m
	}
	for left > 0 {
		if i := r.intn(len(out)); out[i] < max {
			out[i]++
			left--
		}
	}
	return out
}
