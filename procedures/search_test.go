package procedures_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/procedures"
)

// searchSet is the file of citizens' queries and the procedure or question
// each should find first.
const searchSet = "testdata/search.tsv"

// Thresholds for the search test set.
const (
	minAccuracy = 0.95 // share of queries whose first match is the expected one
	minQueries  = 120  // a smaller set says too little about search
)

type searchCase struct {
	line        int
	query, want string
}

// readSearchSet reads lines "query<TAB>expected id"; blank lines and lines
// starting with # are skipped. A malformed or repeated line is a defect of
// the set and fails the test.
func readSearchSet(t *testing.T, file string) []searchCase {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []searchCase
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		query, want, ok := strings.Cut(line, "\t")
		query, want = strings.TrimSpace(query), strings.TrimSpace(want)
		if !ok || query == "" || want == "" || strings.Contains(want, "\t") {
			t.Errorf("%s:%d: want \"query<TAB>expected id\", got %q", file, n, line)
			continue
		}
		key := flows.Normalize(query)
		if first, dup := seen[key]; dup {
			t.Errorf("%s:%d: %q repeats line %d", file, n, query, first)
			continue
		}
		seen[key] = n
		out = append(out, searchCase{line: n, query: query, want: want})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func describe(found []flows.Match) string {
	if len(found) == 0 {
		return "nothing"
	}
	var parts []string
	for i, m := range found {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("… %d more", len(found)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%.1f)", m.ID(), m.Score))
	}
	return strings.Join(parts, ", ")
}

// TestSearch runs every query of testdata/search.tsv through the shipped
// catalogue's search and counts how often the expected procedure or question
// comes first. Every miss is logged with what was found instead; the test
// fails under 95 %, or when an expected id is not in the catalogue (a typo in
// the set is a defect, not a miss).
func TestSearch(t *testing.T) {
	cat, iss := flows.Load(procedures.FS, "procedures", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatalf("shipped procedures fail lint:\n%v", err)
	}
	cases := readSearchSet(t, searchSet)
	if len(cases) < minQueries {
		t.Errorf("%s has %d queries; keep at least %d", searchSet, len(cases), minQueries)
	}
	known := func(id string) bool {
		_, isFlow := cat.Flow(id)
		_, isFAQ := cat.FAQ(id)
		return isFlow || isFAQ
	}
	hits, asked := 0, 0
	covered := map[string]bool{}
	for _, c := range cases {
		if !known(c.want) {
			t.Errorf("%s:%d: %q expects %q, which is neither a procedure nor a question", searchSet, c.line, c.query, c.want)
			continue
		}
		covered[c.want] = true
		asked++
		found := cat.Search(c.query)
		if len(found) > 0 && found[0].ID() == c.want {
			hits++
			continue
		}
		t.Logf("miss %s:%d: %q: want %s, found %s", searchSet, c.line, c.query, c.want, describe(found))
	}
	for _, f := range cat.Flows() {
		if !covered[f.ID] {
			t.Logf("no query in %s expects procedure %s: add a few", searchSet, f.ID)
		}
	}
	if asked == 0 {
		t.Fatal("no queries to run")
	}
	acc := float64(hits) / float64(asked)
	t.Logf("search accuracy: %d of %d queries found first (%.1f %%)", hits, asked, 100*acc)
	if acc < minAccuracy {
		t.Errorf("search accuracy %.1f %% is under %.0f %%", 100*acc, 100*minAccuracy)
	}
}
