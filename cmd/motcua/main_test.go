package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// envOf turns a map into a lookup like os.LookupEnv.
// envOf is an environment of m's variables. The tests type far faster
// than a citizen can, so unless m says otherwise a chat's flood limit is
// raised well above their pace (not taken off: it still runs); the fault
// tests check the default.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		if !ok && k == "MOTCUA_UPDATES_CHAT_BURST" {
			return "1000", true
		}
		return v, ok
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults without a file", check: func(t *testing.T, c Config) {
			if c.Redis.URL != "" || c.Redis.Prefix != "mc" || time.Duration(c.Conversation.IdleTTL) != 30*24*time.Hour || c.Timezone != "Asia/Ho_Chi_Minh" {
				t.Errorf("%+v", c)
			}
		}},
		{name: "file then environment", file: "redis:\n  prefix: xa\nconversation:\n  idle_ttl: 12h\n",
			env: map[string]string{"MOTCUA_REDIS_URL": "redis://:secret@localhost:6379/2", "MOTCUA_LOG_LEVEL": "debug", "MOTCUA_CONVERSATION_IDLE_TTL": "7d"},
			check: func(t *testing.T, c Config) {
				if c.Redis.Prefix != "xa" || c.Redis.URL != "redis://:secret@localhost:6379/2" || c.Log.Level != "debug" || time.Duration(c.Conversation.IdleTTL) != 7*24*time.Hour {
					t.Errorf("%+v", c)
				}
			}},
		{name: "unknown key", file: "redis:\n  urll: x\n", wantErr: "field urll not found"},
		{name: "password in the file", file: "redis:\n  url: redis://:secret@localhost:6379\n", wantErr: "MOTCUA_REDIS_URL instead"},
		{name: "bad values reported together", file: "timezone: Sao_Hoa\nlog:\n  level: loud\n", wantErr: "log.level \"loud\""},
		{name: "commune without its date", env: map[string]string{"MOTCUA_COMMUNE_NAME": "xã A"}, wantErr: "commune.updated"},
		{name: "commune from the environment", env: map[string]string{"MOTCUA_COMMUNE_NAME": "xã A", "MOTCUA_COMMUNE_UPDATED": "23/11/2026", "MOTCUA_COMMUNE_NOTICES": "[Họp thôn thứ Hai, Tiêm chủng thứ Tư]"},
			check: func(t *testing.T, c Config) {
				if c.Commune.Name != "xã A" || len(c.Commune.Notices) != 2 || c.Commune.Notices[1] != "Tiêm chủng thứ Tư" {
					t.Errorf("%+v", c.Commune)
				}
			}},
		{name: "bad duration", env: map[string]string{"MOTCUA_CONVERSATION_IDLE_TTL": "mot thang"}, wantErr: "MOTCUA_CONVERSATION_IDLE_TTL"},
		{name: "villages", env: map[string]string{"MOTCUA_COMMUNE_VILLAGES": "[Thôn 1, Buôn Ea Sa]"},
			check: func(t *testing.T, c Config) {
				if len(c.Commune.Villages) != 2 || c.Commune.Villages[1] != "Buôn Ea Sa" {
					t.Errorf("%+v", c.Commune.Villages)
				}
			}},
		{name: "two villages of one name", env: map[string]string{"MOTCUA_COMMUNE_VILLAGES": "[Thôn Đắk Lư, thon dak lu]"}, wantErr: "are the same name"},
		{name: "zalo token in the file", file: "zalo:\n  token: \"1:abc\"\n", wantErr: "MOTCUA_ZALO_TOKEN"},
		{name: "two webhooks on one path", env: map[string]string{"MOTCUA_TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/hook", "MOTCUA_ZALO_WEBHOOK_URL": "https://bot.example.vn/hook"}, wantErr: "paths must differ"},
		{name: "leases too short", env: map[string]string{"MOTCUA_REMINDERS_LEASE": "500ms", "MOTCUA_NOTICES_LEASE": "900ms"}, wantErr: "notices.lease 900ms: at least 1s"},
		{name: "lease defaults", check: func(t *testing.T, c Config) {
			if time.Duration(c.Reminders.Lease) != 10*time.Second || time.Duration(c.Notices.Lease) != 10*time.Second || c.Reminders.Spec != "@every 5s" {
				t.Errorf("reminders %v %q, notices %v", time.Duration(c.Reminders.Lease), c.Reminders.Spec, time.Duration(c.Notices.Lease))
			}
		}},
		{name: "zalo defaults", check: func(t *testing.T, c Config) {
			if c.Zalo.Quota != 3000 || c.Zalo.APIURL != "https://bot-api.zaloplatforms.com" || c.Notices.Workers != 8 {
				t.Errorf("%+v %+v", c.Zalo, c.Notices)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "absent.yaml")
			if tt.file != "" {
				path = writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml", tt.file)
			}
			c, err := loadConfig(path, envOf(tt.env))
			if tt.file == "" && err != nil && errors.Is(err, os.ErrNotExist) {
				// An explicit path must exist; the default one may not.
				c, err = loadConfig("", envOf(tt.env))
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLintCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"lint"}, nil, &out, &errOut, envOf(nil)); err != nil {
		t.Fatalf("shipped procedures: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "intents OK") {
		t.Errorf("stdout %q", out.String())
	}

	out.Reset()
	errOut.Reset()
	err := run(context.Background(), []string{"lint", "../../flows/testdata/bad"}, nil, &out, &errOut, envOf(nil))
	var exit exitError
	if !errors.As(err, &exit) || exit != 1 {
		t.Fatalf("err = %v, want exit status 1", err)
	}
	for _, want := range []string{
		"flows/testdata/bad/hong.yaml:12: steps[0].colour: unknown field",
		"flows/testdata/bad/vong.yaml:9: steps (a): a loop that never waits",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("missing %q in:\n%s", want, errOut.String())
		}
	}
}

func TestChatOnTheMemoryStore(t *testing.T) {
	var out, errOut bytes.Buffer
	in := strings.NewReader("1\n1\n10/11/2026\n/huy\n")
	if err := run(context.Background(), []string{"chat"}, in, &out, &errOut, envOf(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "kept in memory") {
		t.Errorf("the memory store is announced in one line: %q", errOut.String())
	}
	for _, want := range []string{"Xin chào!", "Đã dừng thủ tục"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %q in:\n%s", want, out.String())
		}
	}
}

func TestBrokenOverrideStopsChat(t *testing.T) {
	var out, errOut bytes.Buffer
	env := envOf(map[string]string{"MOTCUA_PROCEDURES_DIR": "../../flows/testdata/bad"})
	err := run(context.Background(), []string{"chat"}, strings.NewReader(""), &out, &errOut, env)
	if err == nil || !strings.Contains(errOut.String(), "hong.yaml:12: steps[0].colour: unknown field") {
		t.Fatalf("err = %v\n%s", err, errOut.String())
	}
	if out.Len() != 0 {
		t.Errorf("nothing is said to the citizen: %q", out.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"phat"}, nil, &out, &errOut, envOf(nil))
	var exit exitError
	if !errors.As(err, &exit) || exit != 2 || !strings.Contains(errOut.String(), "unknown command") {
		t.Fatalf("err = %v, %s", err, errOut.String())
	}
}
