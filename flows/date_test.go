package flows

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	today := Date{Year: 2026, Month: time.March, Day: 5}
	tests := []struct {
		name  string
		in    string
		today Date // today above when zero
		want  Date
		err   error
	}{
		{name: "padded", in: "05/03/2026", want: Date{2026, time.March, 5}},
		{name: "unpadded", in: "5/3/2026", want: Date{2026, time.March, 5}},
		{name: "dashes", in: "5-3-2026", want: Date{2026, time.March, 5}},
		{name: "dots", in: "05.03.2026", want: Date{2026, time.March, 5}},
		{name: "spaces", in: "5 3 2026", want: Date{2026, time.March, 5}},
		{name: "surrounding and repeated spaces", in: "  5 /  3 / 2026 ", want: Date{2026, time.March, 5}},
		{name: "mixed separators", in: "5/3-2026", want: Date{2026, time.March, 5}},
		{name: "words", in: "ngày 5 tháng 3 năm 2026", want: Date{2026, time.March, 5}},
		{name: "words without diacritics", in: "ngay 5 thang 3 nam 2026", want: Date{2026, time.March, 5}},
		{name: "words in capitals", in: "NGÀY 05 THÁNG 03 NĂM 2026", want: Date{2026, time.March, 5}},
		{name: "day word then slashes", in: "Ngày 5/3/2026", want: Date{2026, time.March, 5}},
		{name: "mung before the day", in: "mùng 5 tháng 3 năm 2026", want: Date{2026, time.March, 5}},
		{name: "ngay mong", in: "ngày mồng 5 tháng 3", err: ErrDateShape},
		{name: "ngay mong with year", in: "ngày mồng 5 tháng 3 năm 2026", want: Date{2026, time.March, 5}},
		{name: "month word only", in: "5 tháng 3 2026", want: Date{2026, time.March, 5}},
		{name: "comma before year", in: "ngày 5 tháng 3, năm 2026", want: Date{2026, time.March, 5}},
		{name: "leap day", in: "29/02/2024", want: Date{2024, time.February, 29}},
		{name: "end of year", in: "31/12/2025", want: Date{2025, time.December, 31}},
		{name: "earliest year", in: "01/01/1900", want: Date{1900, time.January, 1}},
		{name: "latest year", in: "31/12/2200", want: Date{2200, time.December, 31}},

		{name: "two-digit year this century", in: "5/3/26", want: Date{2026, time.March, 5}},
		{name: "two-digit year next year", in: "5/3/27", want: Date{2027, time.March, 5}},
		{name: "two-digit year two years ahead is last century", in: "5/3/28", want: Date{1928, time.March, 5}},
		{name: "two-digit year 00", in: "1/1/00", want: Date{2000, time.January, 1}},
		{name: "two-digit year 99", in: "1/1/99", want: Date{1999, time.January, 1}},
		{name: "two-digit year with zero today", in: "1/1/05", today: Date{Year: 1}, want: Date{1905, time.January, 1}},

		{name: "empty", in: "", err: ErrDateShape},
		{name: "spaces only", in: "   ", err: ErrDateShape},
		{name: "yesterday", in: "hôm qua", err: ErrDateShape},
		{name: "letters", in: "abc", err: ErrDateShape},
		{name: "month and year", in: "12/2025", err: ErrDateShape},
		{name: "year only", in: "2026", err: ErrDateShape},
		{name: "four fields", in: "1/2/3/2026", err: ErrDateShape},
		{name: "date and time", in: "5/3/2026 10:30", err: ErrDateShape},
		{name: "month by name", in: "5 March 2026", err: ErrDateShape},
		{name: "month word as month", in: "5 tháng ba 2026", err: ErrDateShape},
		{name: "day word only", in: "ngày", err: ErrDateShape},
		{name: "words in the wrong place", in: "ngày 5 năm 3 tháng 2026", err: ErrDateShape},
		{name: "month word twice", in: "5 tháng tháng 3 2026", err: ErrDateShape},
		{name: "three-digit day", in: "005/03/2026", err: ErrDateShape},
		{name: "three-digit year", in: "5/3/202", err: ErrDateShape},
		{name: "one-digit year", in: "5/3/6", err: ErrDateShape},
		{name: "five-digit year", in: "5/3/20260", err: ErrDateShape},
		{name: "grouped number", in: "1.000.000", err: ErrDateShape},
		{name: "digits joined", in: "05032026", err: ErrDateShape},
		{name: "non-ASCII digits", in: "٥/٣/٢٠٢٦", err: ErrDateShape},
		{name: "ISO", in: "2026-05-01", err: ErrDateYearFirst},
		{name: "year first with slashes", in: "2026/5/1", err: ErrDateYearFirst},

		{name: "31 February", in: "31/02/2025", err: ErrDateInvalid},
		{name: "30 February in a leap year", in: "30/2/2024", err: ErrDateInvalid},
		{name: "29 February in a common year", in: "29/2/2026", err: ErrDateInvalid},
		{name: "29 February 1900", in: "29/2/1900", err: ErrDateInvalid},
		{name: "31 April", in: "31/4/2026", err: ErrDateInvalid},
		{name: "month 13", in: "12/13/2025", err: ErrDateInvalid},
		{name: "month 0", in: "1/0/2025", err: ErrDateInvalid},
		{name: "day 0", in: "0/1/2020", err: ErrDateInvalid},
		{name: "day 32", in: "32/1/2020", err: ErrDateInvalid},
		{name: "year before 1900", in: "31/12/1899", err: ErrDateInvalid},
		{name: "year after 2200", in: "1/1/2201", err: ErrDateInvalid},
		{name: "year 0000", in: "1/1/0000", err: ErrDateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := today
			if !tt.today.IsZero() {
				td = tt.today
			}
			got, err := ParseDate(tt.in, td)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseDate(%q) = %v, %v; want error %v", tt.in, got, err, tt.err)
				}
				if !got.IsZero() {
					t.Errorf("ParseDate(%q) = %v with an error, want the zero Date", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDateErrors(t *testing.T) {
	if !errors.Is(ErrDateYearFirst, ErrDateShape) {
		t.Error("ErrDateYearFirst is not an ErrDateShape")
	}
	if errors.Is(ErrDateInvalid, ErrDateShape) || errors.Is(ErrDateShape, ErrDateInvalid) {
		t.Error("ErrDateInvalid and ErrDateShape overlap")
	}
}

func TestParseISODate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Date
		err  error
	}{
		{name: "date", in: "2026-03-05", want: Date{2026, time.March, 5}},
		{name: "leap day", in: "2024-02-29", want: Date{2024, time.February, 29}},
		{name: "year outside ParseDate's bounds", in: "1850-07-14", want: Date{1850, time.July, 14}},
		{name: "empty", in: "", err: ErrDateShape},
		{name: "day first", in: "05/03/2026", err: ErrDateShape},
		{name: "unpadded", in: "2026-3-5", err: ErrDateShape},
		{name: "slashes", in: "2026/03/05", err: ErrDateShape},
		{name: "spaces", in: " 2026-03-05", err: ErrDateShape},
		{name: "sign", in: "+202-03-05", err: ErrDateShape},
		{name: "letters", in: "2026-03-0x", err: ErrDateShape},
		{name: "with time", in: "2026-03-05T00:00:00Z", err: ErrDateShape},
		{name: "29 February in a common year", in: "2026-02-29", err: ErrDateInvalid},
		{name: "month 13", in: "2026-13-01", err: ErrDateInvalid},
		{name: "day 0", in: "2026-01-00", err: ErrDateInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseISODate(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseISODate(%q) = %v, %v; want error %v", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseISODate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDateFormat(t *testing.T) {
	tests := []struct {
		name      string
		d         Date
		str, iso  string
		wantsZero bool
	}{
		{name: "padded", d: Date{2026, time.March, 5}, str: "05/03/2026", iso: "2026-03-05"},
		{name: "two-digit fields", d: Date{1999, time.December, 31}, str: "31/12/1999", iso: "1999-12-31"},
		{name: "small year", d: Date{33, time.April, 3}, str: "03/04/0033", iso: "0033-04-03"},
		{name: "zero", d: Date{}, str: "", iso: "", wantsZero: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := tt.d.ISO(); got != tt.iso {
				t.Errorf("ISO() = %q, want %q", got, tt.iso)
			}
			if got := tt.d.IsZero(); got != tt.wantsZero {
				t.Errorf("IsZero() = %v, want %v", got, tt.wantsZero)
			}
		})
	}
}

func TestDateOf(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*60*60)
	tests := []struct {
		name string
		t    time.Time
		want Date
	}{
		{name: "UTC", t: time.Date(2026, 3, 5, 23, 59, 0, 0, time.UTC), want: Date{2026, time.March, 5}},
		{name: "Hanoi evening is the next day's morning", t: time.Date(2026, 3, 5, 18, 0, 0, 0, time.UTC).In(hanoi), want: Date{2026, time.March, 6}},
		{name: "Hanoi midnight", t: time.Date(2026, 1, 1, 0, 0, 0, 0, hanoi), want: Date{2026, time.January, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateOf(tt.t); got != tt.want {
				t.Errorf("DateOf(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestDateAdd(t *testing.T) {
	tests := []struct {
		name string
		got  Date
		want Date
	}{
		{name: "days", got: Date{2026, time.March, 5}.AddDays(60), want: Date{2026, time.May, 4}},
		{name: "days across a year", got: Date{2025, time.December, 31}.AddDays(1), want: Date{2026, time.January, 1}},
		{name: "days to a leap day", got: Date{2024, time.February, 28}.AddDays(1), want: Date{2024, time.February, 29}},
		{name: "days back", got: Date{2026, time.March, 1}.AddDays(-1), want: Date{2026, time.February, 28}},
		{name: "zero days", got: Date{2026, time.March, 5}.AddDays(0), want: Date{2026, time.March, 5}},
		{name: "days on the zero Date", got: Date{}.AddDays(5), want: Date{}},

		{name: "month", got: Date{2026, time.March, 5}.AddMonths(1), want: Date{2026, time.April, 5}},
		{name: "month from 31 January", got: Date{2026, time.January, 31}.AddMonths(1), want: Date{2026, time.February, 28}},
		{name: "month from 31 January in a leap year", got: Date{2024, time.January, 31}.AddMonths(1), want: Date{2024, time.February, 29}},
		{name: "month to a 30-day month", got: Date{2026, time.March, 31}.AddMonths(1), want: Date{2026, time.April, 30}},
		{name: "72 months from a leap day", got: Date{2020, time.February, 29}.AddMonths(72), want: Date{2026, time.February, 28}},
		{name: "48 months from a leap day", got: Date{2020, time.February, 29}.AddMonths(48), want: Date{2024, time.February, 29}},
		{name: "months across a year", got: Date{2025, time.November, 15}.AddMonths(3), want: Date{2026, time.February, 15}},
		{name: "months back", got: Date{2026, time.March, 31}.AddMonths(-1), want: Date{2026, time.February, 28}},
		{name: "months back across a year", got: Date{2026, time.January, 15}.AddMonths(-1), want: Date{2025, time.December, 15}},
		{name: "months back many years", got: Date{2026, time.March, 5}.AddMonths(-72), want: Date{2020, time.March, 5}},
		{name: "months back to December", got: Date{2026, time.December, 5}.AddMonths(-12), want: Date{2025, time.December, 5}},
		{name: "months back before year 0", got: Date{1, time.January, 1}.AddMonths(-13), want: Date{-1, time.December, 1}},
		{name: "months on the zero Date", got: Date{}.AddMonths(1), want: Date{}},

		{name: "years", got: Date{2026, time.March, 5}.AddYears(6), want: Date{2032, time.March, 5}},
		{name: "years from a leap day", got: Date{2024, time.February, 29}.AddYears(1), want: Date{2025, time.February, 28}},
		{name: "years back", got: Date{2026, time.March, 5}.AddYears(-6), want: Date{2020, time.March, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestDaysUntil(t *testing.T) {
	tests := []struct {
		name string
		d, e Date
		want int
	}{
		{name: "same day", d: Date{2026, time.March, 5}, e: Date{2026, time.March, 5}, want: 0},
		{name: "tomorrow", d: Date{2026, time.March, 5}, e: Date{2026, time.March, 6}, want: 1},
		{name: "yesterday", d: Date{2026, time.March, 5}, e: Date{2026, time.March, 4}, want: -1},
		{name: "across a leap day", d: Date{2024, time.February, 28}, e: Date{2024, time.March, 1}, want: 2},
		{name: "a common year", d: Date{2025, time.January, 1}, e: Date{2026, time.January, 1}, want: 365},
		{name: "a leap year", d: Date{2024, time.January, 1}, e: Date{2025, time.January, 1}, want: 366},
		{name: "across a European DST change", d: Date{2026, time.March, 28}, e: Date{2026, time.March, 30}, want: 2},
		{name: "more than 292 years", d: Date{1900, time.January, 1}, e: Date{2200, time.December, 31}, want: 109937}, // 301×365 + 73 leap days − 1
		{name: "more than 292 years back", d: Date{2200, time.December, 31}, e: Date{1900, time.January, 1}, want: -109937},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.DaysUntil(tt.e); got != tt.want {
				t.Errorf("%v.DaysUntil(%v) = %d, want %d", tt.d, tt.e, got, tt.want)
			}
			if got := tt.d.AddDays(tt.want); got != tt.e {
				t.Errorf("%v.AddDays(%d) = %v, want %v", tt.d, tt.want, got, tt.e)
			}
		})
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		name string
		d, e Date
		want int
	}{
		{name: "same", d: Date{2026, time.March, 5}, e: Date{2026, time.March, 5}, want: 0},
		{name: "earlier day", d: Date{2026, time.March, 4}, e: Date{2026, time.March, 5}, want: -1},
		{name: "later month, earlier day", d: Date{2026, time.April, 1}, e: Date{2026, time.March, 31}, want: 1},
		{name: "earlier year, later month", d: Date{2025, time.December, 31}, e: Date{2026, time.January, 1}, want: -1},
		{name: "zero is before any date", d: Date{}, e: Date{1900, time.January, 1}, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Compare(tt.e); got != tt.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tt.d, tt.e, got, tt.want)
			}
			if got := tt.e.Compare(tt.d); got != -tt.want {
				t.Errorf("%v.Compare(%v) = %d, want %d", tt.e, tt.d, got, -tt.want)
			}
			if got := tt.d.Before(tt.e); got != (tt.want < 0) {
				t.Errorf("%v.Before(%v) = %v", tt.d, tt.e, got)
			}
			if got := tt.d.After(tt.e); got != (tt.want > 0) {
				t.Errorf("%v.After(%v) = %v", tt.d, tt.e, got)
			}
		})
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"05/03/2026", "5-3-26", "ngày 5 tháng 3 năm 2026", "31/02/2025",
		"2026-05-01", "hôm qua", "", "29/2/00", "1 1 99",
	} {
		f.Add(s, 2026)
	}
	f.Fuzz(func(t *testing.T, s string, year int) {
		today := Date{Year: year, Month: time.June, Day: 15}
		d, err := ParseDate(s, today)
		if err != nil {
			if !errors.Is(err, ErrDateShape) && !errors.Is(err, ErrDateInvalid) {
				t.Fatalf("ParseDate(%q) error %v is neither ErrDateShape nor ErrDateInvalid", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v with error %v", s, d, err)
			}
			return
		}
		if !d.valid() || d.Year < minYear || d.Year > maxYear {
			t.Fatalf("ParseDate(%q) = %#v, not a date in range", s, d)
		}
		if again, err := ParseDate(d.String(), today); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, but ParseDate(%q) = %v, %v", s, d, d.String(), again, err)
		}
		if again, err := ParseISODate(d.ISO()); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, but ParseISODate(%q) = %v, %v", s, d, d.ISO(), again, err)
		}
		if n := d.AddDays(1).DaysUntil(d); n != -1 {
			t.Fatalf("%v.AddDays(1).DaysUntil(%v) = %d", d, d, n)
		}
	})
}

func BenchmarkParseDate(b *testing.B) {
	today := Date{Year: 2026, Month: time.March, Day: 5}
	for _, bb := range []struct {
		name string
		in   string
	}{
		{name: "slashes", in: "05/03/2026"},
		{name: "words", in: "ngày 5 tháng 3 năm 2026"},
		{name: "not a date", in: "hôm qua"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseDate(bb.in, today)
			}
		})
	}
}
