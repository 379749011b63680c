// Package procedures holds the procedures shipped with motcua, one YAML file
// each, embedded in the binary. README.md beside them explains the format.
package procedures

import "embed"

// FS holds the shipped procedure files at its root.
//
//go:embed *.yaml faq/*.yaml intents/*.yaml words/*.yaml
var FS embed.FS
