// Package procedures holds the procedures shipped with motcua, one YAML file
// each, embedded in the binary. README.md beside them explains the format.
package procedures

import "embed"

// FS holds the shipped procedure files at its root, and in learn/ the
// messages the learned model is trained on: a copy of the tuned part of
// the evaluation set (TestLearnIsTheTunedSet checks it is the same).
//
//go:embed *.yaml faq/*.yaml intents/*.yaml words/*.yaml learn/*.tsv
var FS embed.FS

//go:generate cp testdata/eval/tuned.tsv learn/tuned.tsv
