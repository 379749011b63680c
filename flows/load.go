package flows

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Parse decodes one procedure file. It reports every problem it finds in the
// file (unknown fields, wrong types, broken references) rather than the
// first; the flow is nil when the file could not be read at all.
func Parse(file string, data []byte) (*Flow, Issues) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, unreadable(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Issues{{File: file, Line: extra.Line, Msg: "one procedure per file: remove the second document (---)"}}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, Issues{{File: file, Line: 1, Msg: "a procedure file is a mapping with id, title, steps…"}}
	}

	f := &Flow{File: file, Hash: contentHash(data)}
	iss := decodeStrict(&root, f, file)
	f.pos = positionsOf(root.Content[0])
	f.index = make(map[string]int, len(f.Steps))
	f.byID = make(map[string]*Step, len(f.Steps))
	for i, s := range f.Steps {
		if s == nil {
			continue
		}
		if _, dup := f.byID[s.ID]; dup || s.ID == "" {
			continue // reported by lint
		}
		f.byID[s.ID] = s
		f.index[s.ID] = i
	}
	iss = append(iss, lintFlow(f)...)
	slices.SortStableFunc(iss, func(a, b Issue) int { return a.Line - b.Line })
	return f, iss
}

func positionsOf(n *yaml.Node) positions {
	p := positions{line: n.Line, fields: map[string]int{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		p.fields[n.Content[i].Value] = n.Content[i].Line
	}
	return p
}

// contentHash is short: it only tells two versions of one file apart.
func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:4])
}

// LoadFS reads every *.yaml file at the root of fsys as a procedure. Files
// whose name starts with "_" or "." are skipped. Issues name a file as
// label/name, so that the officer finds it.
func LoadFS(fsys fs.FS, label string) ([]*Flow, Issues) {
	var out []*Flow
	iss := eachYAML(fsys, label, func(file string, data []byte) Issues {
		f, fi := Parse(file, data)
		if f != nil {
			out = append(out, f)
		}
		return fi
	})
	return out, iss
}

// loadEntries reads every *.yaml file in directory dir of fsys as a file
// of entries (questions, intents); issues name files label/dir/name.
func loadEntries[T any](fsys fs.FS, label, dir string, parse func(file string, data []byte) ([]T, Issues)) ([]T, Issues) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, Issues{{File: label, Msg: fmt.Sprintf("cannot read %s: %v", dir, err)}}
	}
	var out []T
	iss := eachYAML(sub, filepath.Join(label, dir), func(file string, data []byte) Issues {
		es, ei := parse(file, data)
		out = append(out, es...)
		return ei
	})
	return out, iss
}

// eachYAML calls parse for every *.yaml file at the root of fsys and
// gathers the issues. A missing directory has no files.
func eachYAML(fsys fs.FS, label string, parse func(file string, data []byte) Issues) Issues {
	return eachFile(fsys, label, []string{".yaml", ".yml"}, parse)
}

// eachFile calls parse for every file at the root of fsys whose extension
// is one of exts, skipping those whose name starts with "_" or ".", and
// gathers the issues. A missing directory has no files.
func eachFile(fsys fs.FS, label string, exts []string, parse func(file string, data []byte) Issues) Issues {
	entries, err := fs.ReadDir(fsys, ".")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return Issues{{File: label, Msg: fmt.Sprintf("cannot read the directory: %v", err)}}
	}
	var iss Issues
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") {
			continue
		}
		if !slices.Contains(exts, path.Ext(name)) {
			continue
		}
		file := filepath.Join(label, name)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			iss.add(file, 0, "", "cannot read the file: %v", err)
			continue
		}
		iss = append(iss, parse(file, data)...)
	}
	return iss
}

// merge lays override items over base ones: an item with the id of a base
// item replaces it, others are added after.
func merge[T any](base, override []T, id func(T) string) []T {
	out := slices.Clone(base)
	for _, o := range override {
		i := slices.IndexFunc(out, func(b T) bool { return id(b) == id(o) })
		if i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out
}

// LearnDir is the directory, beside the procedures, of labelled messages
// the learned model is trained on, besides what the catalog says itself:
// *.tsv files, each line "message<TAB>expected" as in an evaluation set.
// A commune adds its own.
const LearnDir = "learn"

// loadLearned reads the labelled messages of LearnDir in fsys; a missing
// directory has none.
func loadLearned(fsys fs.FS, label string) ([]EvalCase, Issues) {
	sub, err := fs.Sub(fsys, LearnDir)
	if err != nil {
		return nil, Issues{{File: label, Msg: fmt.Sprintf("cannot read %s: %v", LearnDir, err)}}
	}
	var out []EvalCase
	iss := eachFile(sub, filepath.Join(label, LearnDir), []string{".tsv"}, func(file string, data []byte) Issues {
		cases, err := ReadEvalSet(bytes.NewReader(data), file)
		if err != nil {
			var is Issues
			is.add(file, 0, "", "%v", err)
			return is
		}
		out = append(out, cases...)
		return nil
	})
	return out, iss
}
