package procedures_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
)

// TestLearnIsTheTunedSet: the model learns from the tuned part of the
// evaluation set as it is (go generate ./procedures copies it), never from
// the held-out part.
func TestLearnIsTheTunedSet(t *testing.T) {
	tuned, err := os.ReadFile("testdata/eval/tuned.tsv")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := procedures.FS.ReadFile("learn/tuned.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tuned, shipped) {
		t.Error("learn/tuned.tsv is not testdata/eval/tuned.tsv: run go generate ./procedures")
	}
	entries, err := procedures.FS.ReadDir(flows.LearnDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "tuned.tsv" {
			t.Errorf("learn/%s: the model learns from the tuned part only", e.Name())
		}
	}
}
