package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/store/redistest"
)

func TestArguments(t *testing.T) {
	tests := []struct {
		args             []string
		config, cmd, dir string
		err              string // "help", "exit 2"
	}{
		{args: nil, cmd: "chat"},
		{args: []string{"-config", "a.yaml", "chat"}, config: "a.yaml", cmd: "chat"},
		{args: []string{"chat", "-config", "a.yaml"}, config: "a.yaml", cmd: "chat"},
		{args: []string{"chat", "-config=a.yaml"}, config: "a.yaml", cmd: "chat"},
		{args: []string{"-config", "a.yaml", "serve", "-config", "a.yaml"}, config: "a.yaml", cmd: "serve"},
		{args: []string{"lint", "dir", "-config", "a.yaml"}, config: "a.yaml", cmd: "lint", dir: "dir"},
		{args: []string{"lint", "-config", "a.yaml", "dir"}, config: "a.yaml", cmd: "lint", dir: "dir"},
		{args: []string{"chat", "-h"}, err: "help"},
		{args: []string{"-h"}, err: "help"},
		{args: []string{"chat", "extra"}, err: "exit 2"},
		{args: []string{"chat", "-cfg", "a.yaml"}, err: "exit 2"},
		{args: []string{"lint", "a", "b"}, err: "exit 2"},
		{args: []string{"-config", "a.yaml", "chat", "-config", "b.yaml"}, err: "exit 2"},
		{args: []string{"phat"}, err: "exit 2"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			config, cmd, rest, err := parseArgs(tt.args, &stderr)
			var exit exitError
			switch {
			case tt.err == "help":
				if !errors.Is(err, errHelp) || !strings.Contains(stderr.String(), "Usage:") {
					t.Errorf("err = %v, stderr %q; want the usage", err, stderr.String())
				}
			case tt.err == "exit 2":
				if !errors.As(err, &exit) || exit != 2 || stderr.Len() == 0 {
					t.Errorf("err = %v, stderr %q; want exit status 2 and why", err, stderr.String())
				}
			case err != nil:
				t.Fatalf("err = %v, %s", err, stderr.String())
			default:
				dir := ""
				if len(rest) > 0 {
					dir = rest[0]
				}
				if config != tt.config || cmd != tt.cmd || dir != tt.dir {
					t.Errorf("got config %q, command %q, dir %q", config, cmd, dir)
				}
			}
		})
	}
}

// TestChatReadsConfigAfterTheCommand: "motcua chat -config FILE" reads
// FILE (here one with a mistake, which stops it).
func TestChatReadsConfigAfterTheCommand(t *testing.T) {
	file := writeFile(t, t.TempDir(), "sai.yaml", "redis:\n  urll: x\n")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"chat", "-config", file}, strings.NewReader(""), &out, &errOut, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "field urll not found") {
		t.Fatalf("err = %v: the file after the command was not read", err)
	}
	if err := run(context.Background(), []string{"chat", "-h"}, nil, &out, &errOut, envOf(nil)); !errors.Is(err, errHelp) {
		t.Errorf("chat -h: %v", err)
	}
}

// TestChatResumesFromRedis: with Redis, the next chat opens where the last
// one stopped, with a greeting and the pending question.
func TestChatResumesFromRedis(t *testing.T) {
	srv := redistest.Start(t)
	env := envOf(map[string]string{"MOTCUA_REDIS_URL": "redis://" + srv.Addr() + "/0"})
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"chat"}, strings.NewReader("1\n1\n"), &out, &errOut, env); err != nil {
		t.Fatal(err, errOut.String())
	}
	if !strings.Contains(out.String(), "Bé sinh ngày nào?") {
		t.Fatalf("the first chat did not reach the date question:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"chat"}, strings.NewReader("10/11/2026\n"), &out, &errOut, env); err != nil {
		t.Fatal(err, errOut.String())
	}
	opening, _, _ := strings.Cut(out.String(), "\n> ")
	for _, want := range []string{"Chào bạn quay lại!", "“Đăng ký khai sinh cho bé (“3 trong 1”)”", "Bé sinh ngày nào?"} {
		if !strings.Contains(opening, want) {
			t.Errorf("the resumed chat opens without %q:\n%s", want, opening)
		}
	}
	if !strings.Contains(out.String(), "Hạn khai sinh là ngày") {
		t.Errorf("the answer to the pending question:\n%s", out.String())
	}
}

// TestRedisLogsStayOutOfTheChat: when Redis goes away mid-chat, go-redis's
// own lines (pool.go … connection refused) do not print into the chat: they
// go to the log, on stderr, one line each at warn.
func TestRedisLogsStayOutOfTheChat(t *testing.T) {
	srv := redistest.Start(t)
	env := envOf(map[string]string{"MOTCUA_REDIS_URL": "redis://" + srv.Addr() + "/0"})
	inR, inW := io.Pipe()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), []string{"chat"}, inR, out, errOut, env) }()
	waitFor(t, 30*time.Second, "the chat's greeting", func() bool { return strings.Contains(out.String(), "Xin chào!") })
	srv.Stop(t)
	io.WriteString(inW, "1\n")
	waitFor(t, 30*time.Second, "the chat's apology", func() bool { return strings.Contains(out.String(), "hệ thống đang bận") })
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"pool.go", "connection refused", "redis: "} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("the chat shows %q:\n%s", bad, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "level=WARN msg=\"redis client\"") {
		t.Errorf("go-redis's lines are not in the log:\n%s", errOut.String())
	}
	for _, line := range strings.Split(errOut.String(), "\n") {
		if strings.Contains(line, "pool.go") && !strings.HasPrefix(line, "time=") {
			t.Errorf("a line of go-redis's own format: %q", line)
		}
	}
}
