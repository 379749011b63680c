package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// The repository's evaluation set: its tuned part and the part the
// matcher is never tuned on.
const (
	tunedSet   = "../../procedures/testdata/eval/tuned.tsv"
	heldoutSet = "../../procedures/testdata/eval/heldout.tsv"
)

// TestEvalSet is the gate on understanding what villagers type, understood
// exactly as the bot does (the shipped configuration and procedures):
//   - on the tuned part, read by cross-validation in five parts (the
//     learned model is trained on that part, so as it is it would say
//     nothing), the first answer is right for at least 95 % of the
//     messages, and for at least 90 % in every class (97.5 % on
//     2026-12-07, its weakest class faq at 94.0 %);
//   - on the held-out part, written blind, for at least 93 % (95.5 % on
//     2026-12-07). That is a floor against regressions a little under
//     the goal (95 %, procedures/testdata/eval/README.md): a gate right at
//     the goal on a part nobody may tune on would invite tuning on it, and
//     one message is 0.45 % of it. Its classes, of 13 to 99 messages, are
//     not gated one by one.
func TestEvalSet(t *testing.T) {
	for _, tt := range []struct {
		file  string
		args  []string
		title string
	}{
		{tunedSet, []string{"-cv", "5", "-min", "0.95", "-min-class", "0.90"}, "tuned.tsv, cross-validated in 5 parts: "},
		{heldoutSet, []string{"-min", "0.93"}, "heldout.tsv: "},
	} {
		var out, errOut bytes.Buffer
		args := append(append([]string{"eval"}, tt.args...), tt.file)
		err := run(context.Background(), args, nil, &out, &errOut, envOf(nil))
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt.file, err, errOut.String())
		}
		for _, want := range []string{tt.title, "first answer right", "in the list shown", "µs a message"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: missing %q in the report", tt.file, want)
			}
		}
	}
}

func TestEvalReportsMisses(t *testing.T) {
	dir := t.TempDir()
	set := writeFile(t, dir, "set.tsv", "# two right, one wrong on purpose\n"+
		"làm giấy khai sinh cho con\tkhai-sinh\n"+
		"cho mình nói chuyện với cán bộ\t@person\n"+
		"bố tôi mới mất\tket-hon\n")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"eval", "-debug", "-min", "0.9", set}, nil, &out, &errOut, envOf(nil))
	var exit exitError
	if !errors.As(err, &exit) || exit != 1 {
		t.Fatalf("err = %v, want exit status 1\n%s", err, errOut.String())
	}
	for _, want := range []string{
		"2/3     66.7 %",
		"1/1    100.0 %",
		"1  ket-hon → khai-tu",
		`set.tsv:4: "bố tôi mới mất": want ket-hon, got procedure khai-tu (offered: khai-tu)`,
		"read as: bo toi(stop) moi(stop) mat",
		"khai-tu ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "66.7 % of first answers right, under 90.0 %") {
		t.Errorf("stderr: %s", errOut.String())
	}
}

func TestEvalRefusesADefectiveSet(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range map[string]struct{ set, want string }{
		"unknown id":   {"khai sinh\tkhai-sanh\n", `expects "khai-sanh", which is neither`},
		"no tab":       {"khai sinh khai-sinh\n", `want "message<TAB>expected"`},
		"repeated":     {"khai sinh\tkhai-sinh\nkhai sinh\tkhai-sinh\n", "repeats line 1"},
		"unknown kind": {"khai sinh\t@procedures\n", `expects "@procedures"`},
	} {
		t.Run(name, func(t *testing.T) {
			set := writeFile(t, dir, strings.ReplaceAll(name, " ", "-")+".tsv", tt.set)
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"eval", set}, nil, &out, &errOut, envOf(nil))
			var exit exitError
			if !errors.As(err, &exit) || exit != 1 || !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("err = %v, stderr:\n%s", err, errOut.String())
			}
		})
	}
}

func TestEvalExplainsOneMessage(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"eval", "-q", "xin bản sao trích lục khai tử của mẹ"}, nil, &out, &errOut, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"read as: xin(stop) bansao trich luc khai tu", "ban-sao-trich-luc ", "→ procedure ban-sao-trich-luc", "offered: ban-sao-trich-luc"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}
