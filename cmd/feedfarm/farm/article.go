package farm

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// story is one event: what every outlet's copy of it agrees on. A story
// that appears in several feeds is rendered once per feed with a
// different variant; variant 0 is the original.
type story struct {
	seed  uint64
	topic topic
	zh    bool
}

// article is one rendering of a story.
type article struct {
	title      string
	lead       string
	body       []string // sentences after the lead
	categories []string
}

// writer renders articles; it owns scratch space and a random source
// that it reseeds for every piece, so a piece depends only on its seed.
type writer struct {
	pcg rand.PCG
	r   *rand.Rand
	buf []byte
	ids []int
	ent [numEntities]string
}

func newWriter() *writer {
	w := &writer{}
	w.r = rand.New(&w.pcg)
	return w
}

func (w *writer) seed(a, b uint64) { w.pcg.Seed(a, b) }

// Seeds of the pieces of a story, paired with the story's seed. Each
// piece's seed depends on the template it renders (sentenceSeed plus the
// template's number…), so a sentence reads the same in every copy.
const (
	seedEntities = 1 + iota
	seedPlan
	seedVariant  // + variant
	headlineSeed = 1000
	leadSeed     = 2000
	sentenceSeed = 3000
	genericSeed  = 4000
)

// article renders variant of s. Variants other than 0 have another
// headline, the body sentences in another order and one more sentence.
func (w *writer) article(s story, variant int) article {
	v := english
	if s.zh {
		v = chinese
	}
	tv := &v.topics[s.topic]
	w.seed(s.seed, seedEntities)
	v.entities(w.r, s.topic, &w.ent)

	w.seed(s.seed, seedPlan)
	angle := w.r.IntN(len(tv.leads))
	alts := tv.headlines[angle]
	h := w.r.IntN(len(alts))
	lead := w.r.IntN(len(tv.leads[angle]))
	n := 6 + w.r.IntN(4)
	fromTopic := (n + 1) / 2
	// ids: topic sentences are 0…len(body)-1, generic ones follow.
	w.ids = w.ids[:0]
	w.ids = appendSample(w.ids, w.r, len(tv.body), fromTopic+1, 0)
	extra := w.ids[fromTopic] // kept back for variants
	w.ids = w.ids[:fromTopic]
	w.ids = appendSample(w.ids, w.r, len(v.generic), n-fromTopic, len(tv.body))
	shuffle(w.r, w.ids)
	cats := []string{tv.categories[0]}
	if c := tv.categories[1+w.r.IntN(len(tv.categories)-1)]; w.r.IntN(2) == 0 {
		cats = append(cats, c)
	}
	if variant > 0 {
		w.seed(s.seed, seedVariant+uint64(variant))
		shuffle(w.r, w.ids)
		at := w.r.IntN(len(w.ids) + 1)
		w.ids = append(w.ids, 0)
		copy(w.ids[at+1:], w.ids[at:])
		w.ids[at] = extra
	}

	a := article{categories: cats}
	// Each variant has its own headline: the angle's next one, then the
	// same ones reworded.
	k := (h + variant) % len(alts)
	a.title = w.sentence(v, alts[k], s.seed, headlineSeed+angle*10+k)
	if wrap := variant / len(alts); wrap > 0 {
		a.title = fmt.Sprintf(v.wrappers[(wrap-1)%len(v.wrappers)], a.title)
	}
	a.lead = w.sentence(v, tv.leads[angle][lead], s.seed, leadSeed+angle*10+lead)
	a.body = make([]string, 0, len(w.ids))
	for _, id := range w.ids {
		if id < len(tv.body) {
			a.body = append(a.body, w.sentence(v, tv.body[id], s.seed, sentenceSeed+id))
		} else {
			g := id - len(tv.body)
			a.body = append(a.body, w.sentence(v, v.generic[g], s.seed, genericSeed+g))
		}
	}
	return a
}

// sentence renders t with its own seed, so that it reads the same in
// every variant of the story, and capitalises its first letter.
func (w *writer) sentence(v *vocab, t tmpl, storySeed uint64, id int) string {
	w.seed(storySeed, uint64(id))
	w.buf = v.render(w.buf[:0], t, &w.ent, w.r)
	if len(w.buf) > 0 && 'a' <= w.buf[0] && w.buf[0] <= 'z' {
		w.buf[0] -= 'a' - 'A'
	}
	return string(w.buf)
}

// appendSample appends k distinct numbers from [0, n) plus offset.
func appendSample(dst []int, r *rand.Rand, n, k, offset int) []int {
	k = min(k, n)
	start := len(dst)
	for len(dst)-start < k {
		x := offset + r.IntN(n)
		dup := false
		for _, y := range dst[start:] {
			dup = dup || x == y
		}
		if !dup {
			dst = append(dst, x)
		}
	}
	return dst
}

func shuffle(r *rand.Rand, s []int) {
	r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

// entities fills ent with a story's values.
func (v *vocab) entities(r *rand.Rand, t topic, ent *[numEntities]string) {
	first := pick(r, v.first)
	last := pick(r, v.last)
	first2, last2 := pick(r, v.first), pick(r, v.last)
	if v.chinese {
		// Chinese names are surname (last) then given name (first).
		ent[entPerson] = last + first
		ent[entPerson2] = last2 + first2
		ent[entLast] = ent[entPerson]
	} else {
		ent[entPerson] = first + " " + last
		ent[entPerson2] = first2 + " " + last2
		ent[entLast] = last
	}
	ent[entCity], ent[entCity2] = pickTwo(r, v.cities)
	ent[entCountry], ent[entCountry2] = pickTwo(r, v.countries)
	ent[entDay] = pick(r, v.days)
	ent[entMonth] = pick(r, v.months)
	ent[entN] = strconv.Itoa(2 + r.IntN(29))
	ent[entN2] = strconv.Itoa(100 + r.IntN(900))
	thousands, hundreds := 1+r.IntN(99), r.IntN(10)
	if v.chinese {
		ent[entN3] = strconv.Itoa(thousands*1000 + hundreds*100)
	} else {
		ent[entN3] = strconv.Itoa(thousands) + "," + strconv.Itoa(hundreds) + "00"
	}
	ent[entPct] = decimal(r.IntN(10), 1+r.IntN(9))
	ent[entPct2] = decimal(1+r.IntN(15), r.IntN(10))
	ent[entMoney] = v.money(r)
	ent[entYear] = strconv.Itoa(2012 + r.IntN(12))
	winner := 1 + r.IntN(5)
	ent[entScore] = strconv.Itoa(winner) + "-" + strconv.Itoa(r.IntN(winner))
	ent[entTemp] = strconv.Itoa(31 + r.IntN(16))
	ent[entCVE] = "CVE-2024-" + strconv.Itoa(1000+r.IntN(49000))
	ent[entCVSS] = decimal(7+r.IntN(3), r.IntN(10))

	tv := &v.topics[t]
	var b []byte
	for _, e := range [...]struct {
		id   entity
		alts []tmpl
	}{
		{entRole, tv.roles}, {entOrg, tv.orgs}, {entOrg2, tv.orgs2},
		{entThing, tv.things}, {entThing2, tv.things2},
	} {
		b = v.render(b[:0], e.alts[r.IntN(len(e.alts))], ent, r)
		ent[e.id] = string(b)
	}
}

func (v *vocab) money(r *rand.Rand) string {
	if v.chinese {
		if r.IntN(2) == 0 {
			return decimal(1+r.IntN(99), r.IntN(10)) + "亿元"
		}
		return strconv.Itoa(100+r.IntN(9900)) + "万元"
	}
	if r.IntN(2) == 0 {
		return "$" + decimal(1+r.IntN(49), r.IntN(10)) + " billion"
	}
	return "$" + strconv.Itoa(10+r.IntN(990)) + " million"
}

func decimal(whole, tenths int) string {
	return strconv.Itoa(whole) + "." + strconv.Itoa(tenths)
}

// pickTwo picks two different entries of s.
func pickTwo(r *rand.Rand, s []string) (string, string) {
	i := r.IntN(len(s))
	j := r.IntN(len(s) - 1)
	if j >= i {
		j++
	}
	return s[i], s[j]
}
