package procedures_test

import (
	"os"
	"testing"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
)

// BenchmarkUnderstand understands every message of the evaluation set with
// the shipped catalogue; one op is one message (ns/op is the time per
// message).
func BenchmarkUnderstand(b *testing.B) {
	cat, iss := flows.Load(procedures.FS, "procedures", nil, "")
	if err := iss.Err(); err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, file := range []string{"testdata/eval/tuned.tsv", "testdata/eval/heldout.tsv"} {
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		cases, err := flows.ReadEvalSet(f, file)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cases {
			texts = append(texts, c.Text)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cat.Understand(texts[i%len(texts)])
		i++
	}
}

// BenchmarkLoad builds the shipped catalogue and its index, as the bot does
// once at start.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, iss := flows.Load(procedures.FS, "procedures", nil, ""); iss.Err() != nil {
			b.Fatal(iss)
		}
	}
}
