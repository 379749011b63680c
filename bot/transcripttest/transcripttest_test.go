package transcripttest_test

import (
	"reflect"
	"testing"

	"github.com/motcua/motcua/bot/transcripttest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		header []string
		want   []transcripttest.Exchange
	}{
		{
			name:   "header and exchanges",
			data:   "# today: 01/12/2026\n\n> /start\nXin chào!\n  1. Khai sinh\n\n> 1\nBé tên gì?\n",
			header: []string{"# today: 01/12/2026", ""},
			want: []transcripttest.Exchange{
				{Input: "/start", Want: "Xin chào!\n  1. Khai sinh"},
				{Input: "1", Want: "Bé tên gì?"},
			},
		},
		{
			name:   "an empty text",
			data:   ">\nMình chỉ đọc được chữ.",
			header: nil,
			want:   []transcripttest.Exchange{{Input: "", Want: "Mình chỉ đọc được chữ."}},
		},
		{
			name:   "header alone",
			data:   "# nothing said",
			header: []string{"# nothing said"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			tr := transcripttest.Parse(tt.data, func(line string) { header = append(header, line) })
			if !reflect.DeepEqual(header, tt.header) {
				t.Errorf("header lines = %q, want %q", header, tt.header)
			}
			if !reflect.DeepEqual(tr.Exchanges, tt.want) {
				t.Errorf("exchanges = %q, want %q", tr.Exchanges, tt.want)
			}
		})
	}
}
