package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// commandName is what the Bot API allows as a command: lower-case Latin
// letters, digits and underscores, so "khai-sinh" or "khai_sinh_ĐK" are
// refused.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// setMyCommands keeps one list of commands, whatever scope and
// language_code the request gives.
func (s *Server) setMyCommands(_ context.Context, p params) answer {
	var commands []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(p["commands"]), &commands); err != nil {
		return badRequest("can't parse commands JSON array")
	}
	if len(commands) > 100 {
		return badRequest("too many commands")
	}
	for _, c := range commands {
		if !commandName.MatchString(c.Command) {
			return badRequest(fmt.Sprintf("BOT_COMMAND_INVALID (%q)", c.Command))
		}
		if n := utf8.RuneCountInString(c.Description); n < 1 || n > 256 {
			return badRequest(fmt.Sprintf("BOT_COMMAND_DESCRIPTION_INVALID (%q)", c.Command))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = commands
	return result(true)
}

func (s *Server) getMyCommands(context.Context, params) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.commands == nil {
		return result([]any{})
	}
	return result(s.commands)
}

func (s *Server) deleteMyCommands(context.Context, params) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands = nil
	return result(true)
}

// Commands are the bot's commands as setMyCommands last set them.
func (s *Server) Commands() []tgbotapi.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}
