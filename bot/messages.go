package bot

import (
	_ "embed"
	"fmt"

	"github.com/motcua/motcua/flows"
)

//go:embed messages.yaml
var messagesYAML []byte

// Messages are the bot's own words outside procedures.
type Messages struct {
	Greeting             string `yaml:"greeting"`
	MenuTitle            string `yaml:"menu_title"`
	Help                 string `yaml:"help"`
	Cancelled            string `yaml:"cancelled"`
	NothingToCancel      string `yaml:"nothing_to_cancel"`
	NothingToGoBack      string `yaml:"nothing_to_go_back"`
	EraseConfirm         string `yaml:"erase_confirm"`
	EraseYes             string `yaml:"erase_yes"`
	EraseNo              string `yaml:"erase_no"`
	EraseDone            string `yaml:"erase_done"`
	EraseKept            string `yaml:"erase_kept"`
	StaleButton          string `yaml:"stale_button"`
	UnknownFlow          string `yaml:"unknown_flow"`
	SearchFound          string `yaml:"search_found"`
	SearchMore           string `yaml:"search_more"`
	SearchNone           string `yaml:"search_none"`
	FAQSources           string `yaml:"faq_sources"`
	FAQSource            string `yaml:"faq_source"`
	GroupFound           string `yaml:"group_found"`
	GroupMenu            string `yaml:"group_menu"`
	OpenPrivate          string `yaml:"open_private"`
	OpenPrivateChat      string `yaml:"open_private_chat"`
	TypedHint            string `yaml:"typed_hint"`
	TypedHintInput       string `yaml:"typed_hint_input"`
	Back                 string `yaml:"back"`
	Cancel               string `yaml:"cancel"`
	OtherProcedures      string `yaml:"other_procedures"`
	AfterEnd             string `yaml:"after_end"`
	CommuneNone          string `yaml:"commune_none"`
	NotText              string `yaml:"not_text"`
	ReminderRenewed      string `yaml:"reminder_renewed"`
	ReminderSnooze       string `yaml:"reminder_snooze"`
	ReminderAskExpiry    string `yaml:"reminder_ask_expiry"`
	ReminderAskDate      string `yaml:"reminder_ask_date"`
	ReminderEditButton   string `yaml:"reminder_edit_button"`
	ReminderDateHint     string `yaml:"reminder_date_hint"`
	ReminderDatePast     string `yaml:"reminder_date_past"`
	ReminderRenewDone    string `yaml:"reminder_renew_done"`
	ReminderSnoozed      string `yaml:"reminder_snoozed"`
	ReminderDeleted      string `yaml:"reminder_deleted"`
	ReminderNone         string `yaml:"reminder_none"`
	ReminderListTitle    string `yaml:"reminder_list_title"`
	ReminderLine         string `yaml:"reminder_line"`
	ReminderDeleteButton string `yaml:"reminder_delete_button"`
	ReminderAdd          string `yaml:"reminder_add"`
	ReminderOff          string `yaml:"reminder_off"`
	ActionFailed         string `yaml:"action_failed"`
	StoreDown            string `yaml:"store_down"`
	InternalError        string `yaml:"internal_error"`
	// Commands is the command menu, for channels that show one.
	Commands []Command `yaml:"commands"`
}

// Command is one entry of the command menu.
type Command struct {
	Command     string `yaml:"command"`
	Description string `yaml:"description"`
}

// DefaultMessages returns the messages shipped with the binary.
func DefaultMessages() *Messages {
	var m Messages
	if err := flows.DecodeTexts(messagesYAML, &m); err != nil {
		panic(fmt.Sprintf("bot: shipped messages.yaml: %v", err)) // caught by the package tests
	}
	return &m
}
