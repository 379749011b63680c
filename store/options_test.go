package store_test

import (
	"testing"

	"github.com/motcua/motcua/store"
)

func TestTaggedPrefix(t *testing.T) {
	if got := store.TaggedPrefix("", "people"); got != "mc:{people}:" {
		t.Errorf("default prefix: %q", got)
	}
	if got := store.TaggedPrefix("xa1", "rem"); got != "xa1:{rem}:" {
		t.Errorf("prefix xa1: %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a prefix with a brace did not panic")
		}
	}()
	store.TaggedPrefix("mc{x}", "rem")
}
