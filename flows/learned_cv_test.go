package flows

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// tunedLabels reads the tuned part of the evaluation set, and as labelled
// messages for the model.
func tunedLabels(t testing.TB, c *Catalog, file string) ([]EvalCase, []Labelled) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := ReadEvalSet(f, file)
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]Labelled, len(cases))
	for i, k := range cases {
		labels[i] = Labelled{Text: k.Text, Want: k.Want}
	}
	return cases, labels
}

// folds splits the cases into k stratified folds (by expected answer),
// with a fixed seed: fold[i] is the fold of case i.
func folds(cases []EvalCase, k int, seed uint64) []int {
	by := map[string][]int{}
	var wants []string
	for i, c := range cases {
		if _, ok := by[c.Want]; !ok {
			wants = append(wants, c.Want)
		}
		by[c.Want] = append(by[c.Want], i)
	}
	slices.Sort(wants)
	rnd := rand.New(rand.NewPCG(seed, seed))
	out := make([]int, len(cases))
	n := 0
	for _, w := range wants {
		is := by[w]
		rnd.Shuffle(len(is), func(a, b int) { is[a], is[b] = is[b], is[a] })
		for _, i := range is {
			out[i] = n % k
			n++
		}
	}
	return out
}

// TestCrossValidate estimates, by k-fold cross-validation on the tuned
// part, how the matcher, the model and their combinations do on messages
// the model never saw. Slow-ish: run with MOTCUA_CV=1.
func TestCrossValidate(t *testing.T) {
	if os.Getenv("MOTCUA_CV") == "" {
		t.Skip("MOTCUA_CV not set")
	}
	c, iss := Load(os.DirFS("../procedures"), "procedures", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	cases, labels := tunedLabels(t, c, "../procedures/testdata/eval/tuned.tsv")
	const k = 5
	fold := folds(cases, k, 7)
	type variant struct {
		name string
		b    blendSettings
	}
	// The matcher alone (the model never wins), the model alone (the
	// matcher only breaks its ties), and blends around the one chosen.
	variants := []variant{
		{"matcher", blendSettings{beta: 0, noneAt: 0}},
		{"model", blendSettings{beta: 1000, noneAt: blend.noneAt, social: true}},
		{"chosen", blend},
	}
	for _, mw := range []int{0, 1, 3} {
		b := blend
		b.minWords = mw
		variants = append(variants, variant{fmt.Sprintf("chosen, min words %d", mw), b})
	}
	for _, beta := range []float64{2, 3, 4, 5} {
		for _, na := range []float64{1.0, 1.4} {
			for _, soc := range []bool{false, true} {
				variants = append(variants, variant{fmt.Sprintf("beta %.0f none %.1f social %v", beta, na, soc), blendSettings{beta: beta, noneAt: na, social: soc, minWords: blend.minWords}})
			}
		}
	}
	chosen := blend
	defer func() { blend = chosen }()
	// sixth is the first line of the sixth batch, written blind and
	// added before any tuning on it (the matcher's one change since moved
	// none of its lines): the honest part for the matcher too.
	sixth := 0
	for i, k := range cases {
		if k.Line > 1060 {
			sixth = i
			break
		}
	}
	splits := []struct {
		name string
		// test: the fold of case i to test, or -1 to train on it always.
		fold func(i int) int
		k    int
	}{
		{"5-fold", func(i int) int { return fold[i] }, k},
		{"1-5 → 6", func(i int) int {
			if i >= sixth {
				return 0
			}
			return -1
		}, 1},
		{"6 5-fold", func(i int) int {
			if i >= sixth {
				return fold[i]
			}
			return -1
		}, k},
	}
	if only := os.Getenv("MOTCUA_CV_SPLIT"); only != "" {
		splits = slices.DeleteFunc(splits, func(s struct {
			name string
			fold func(i int) int
			k    int
		}) bool {
			return s.name != only
		})
	}
	for _, sp := range splits {
		results := make([]Evaluation, len(variants))
		for f := range sp.k {
			var train []Labelled
			var test []EvalCase
			for i := range cases {
				if sp.fold(i) == f {
					test = append(test, cases[i])
				} else {
					train = append(train, labels[i])
				}
			}
			model := c.learn(train)
			for v, vr := range variants {
				blend = vr.b
				c.model = model
				if vr.name == "matcher" {
					c.model = nil
				}
				ev, err := c.Evaluate(test)
				if err != nil {
					t.Fatal(err)
				}
				results[v] = append(results[v], ev...)
			}
		}
		t.Logf("%s (%d messages)", sp.name, len(results[0]))
		for v, vr := range variants {
			by := results[v].ByClass()
			line := fmt.Sprintf("%-32s %5.1f", vr.name, 100*results[v].Overall().TopShare())
			for _, cl := range classOrder {
				line += fmt.Sprintf("  %s %5.1f", string(cl)[:3], 100*by[cl].TopShare())
			}
			t.Log(line)
		}
	}
}
