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
	Greeting               string `yaml:"greeting"`
	MenuTitle              string `yaml:"menu_title"`
	HelpIntro              string `yaml:"help_intro"`
	HelpCommune            string `yaml:"help_commune"`
	HelpReminders          string `yaml:"help_reminders"`
	HelpVolunteers         string `yaml:"help_volunteers"`
	HelpVillages           string `yaml:"help_villages"`
	HelpNotices            string `yaml:"help_notices"`
	HelpOutro              string `yaml:"help_outro"`
	Cancelled              string `yaml:"cancelled"`
	NothingToCancel        string `yaml:"nothing_to_cancel"`
	NothingToGoBack        string `yaml:"nothing_to_go_back"`
	EraseConfirm           string `yaml:"erase_confirm"`
	EraseYes               string `yaml:"erase_yes"`
	EraseNo                string `yaml:"erase_no"`
	EraseDone              string `yaml:"erase_done"`
	EraseKept              string `yaml:"erase_kept"`
	StaleButton            string `yaml:"stale_button"`
	UnknownFlow            string `yaml:"unknown_flow"`
	SearchFound            string `yaml:"search_found"`
	SearchMore             string `yaml:"search_more"`
	SearchNone             string `yaml:"search_none"`
	GroupFound             string `yaml:"group_found"`
	GroupMenu              string `yaml:"group_menu"`
	OpenPrivate            string `yaml:"open_private"`
	OpenPrivateChat        string `yaml:"open_private_chat"`
	TypedHint              string `yaml:"typed_hint"`
	TypedHintInput         string `yaml:"typed_hint_input"`
	TypedHintAsk           string `yaml:"typed_hint_ask"`
	TypedHintInputAsk      string `yaml:"typed_hint_input_ask"`
	ChooseHint             string `yaml:"choose_hint"`
	Back                   string `yaml:"back"`
	Cancel                 string `yaml:"cancel"`
	OtherProcedures        string `yaml:"other_procedures"`
	AfterEnd               string `yaml:"after_end"`
	AfterEndHint           string `yaml:"after_end_hint"`
	FixLast                string `yaml:"fix_last"`
	Resumed                string `yaml:"resumed"`
	CommuneMissing         string `yaml:"commune_missing"`
	PersonContacts         string `yaml:"person_contacts"`
	PersonNone             string `yaml:"person_none"`
	SocialThanks           string `yaml:"social_thanks"`
	OutOfScope             string `yaml:"out_of_scope"`
	NotQuestionDate        string `yaml:"not_question_date"`
	NotQuestionNumber      string `yaml:"not_question_number"`
	NotQuestionText        string `yaml:"not_question_text"`
	NotQuestionForeign     string `yaml:"not_question_foreign"`
	NotText                string `yaml:"not_text"`
	ReminderRenewed        string `yaml:"reminder_renewed"`
	ReminderSnooze         string `yaml:"reminder_snooze"`
	ReminderAskExpiry      string `yaml:"reminder_ask_expiry"`
	ReminderAskDate        string `yaml:"reminder_ask_date"`
	ReminderEditButton     string `yaml:"reminder_edit_button"`
	ReminderDateHint       string `yaml:"reminder_date_hint"`
	ReminderDateKept       string `yaml:"reminder_date_kept"`
	ReminderDatePast       string `yaml:"reminder_date_past"`
	ReminderRenewDone      string `yaml:"reminder_renew_done"`
	ReminderWhen           string `yaml:"reminder_when"`
	ReminderWhenAnd        string `yaml:"reminder_when_and"`
	ReminderWhenNone       string `yaml:"reminder_when_none"`
	ReminderWhenAfter      string `yaml:"reminder_when_after"`
	ReminderDateFar        string `yaml:"reminder_date_far"`
	ReminderSnoozed        string `yaml:"reminder_snoozed"`
	ReminderDeleted        string `yaml:"reminder_deleted"`
	ReminderNotFound       string `yaml:"reminder_not_found"`
	ReminderNone           string `yaml:"reminder_none"`
	ReminderListTitle      string `yaml:"reminder_list_title"`
	ReminderLine           string `yaml:"reminder_line"`
	ReminderDeleteButton   string `yaml:"reminder_delete_button"`
	ReminderAdd            string `yaml:"reminder_add"`
	ReminderOff            string `yaml:"reminder_off"`
	AskVolunteer           string `yaml:"ask_volunteer"`
	TicketOff              string `yaml:"ticket_off"`
	TicketActive           string `yaml:"ticket_active"`
	TicketTypeQuestion     string `yaml:"ticket_type_question"`
	TicketConfirm          string `yaml:"ticket_confirm"`
	TicketSend             string `yaml:"ticket_send"`
	TicketDontSend         string `yaml:"ticket_dont_send"`
	TicketNotSent          string `yaml:"ticket_not_sent"`
	TicketSent             string `yaml:"ticket_sent"`
	TicketNoName           string `yaml:"ticket_no_name"`
	TicketWhere            string `yaml:"ticket_where"`
	TicketNowhere          string `yaml:"ticket_nowhere"`
	TicketPost             string `yaml:"ticket_post"`
	TicketRepostPrefix     string `yaml:"ticket_repost_prefix"`
	TicketClaim            string `yaml:"ticket_claim"`
	TicketClaimID          string `yaml:"ticket_claim_id"`
	TicketTaken            string `yaml:"ticket_taken"`
	TicketGone             string `yaml:"ticket_gone"`
	TicketNotFound         string `yaml:"ticket_not_found"`
	TicketNotVolunteer     string `yaml:"ticket_not_volunteer"`
	TicketClaimedGroup     string `yaml:"ticket_claimed_group"`
	TicketClaimedCitizen   string `yaml:"ticket_claimed_citizen"`
	TicketClaimedVolunteer string `yaml:"ticket_claimed_volunteer"`
	TicketRelease          string `yaml:"ticket_release"`
	TicketToStaff          string `yaml:"ticket_to_staff"`
	TicketCloseButton      string `yaml:"ticket_close_button"`
	TicketNotYours         string `yaml:"ticket_not_yours"`
	TicketAnswer           string `yaml:"ticket_answer"`
	TicketThanks           string `yaml:"ticket_thanks"`
	TicketFollowUp         string `yaml:"ticket_followup"`
	TicketRelayed          string `yaml:"ticket_relayed"`
	TicketClosed           string `yaml:"ticket_closed"`
	TicketClosedCitizen    string `yaml:"ticket_closed_citizen"`
	TicketReleased         string `yaml:"ticket_released"`
	TicketToStaffDone      string `yaml:"ticket_to_staff_done"`
	TicketStaff            string `yaml:"ticket_staff"`
	TicketListTitle        string `yaml:"ticket_list_title"`
	TicketListMine         string `yaml:"ticket_list_mine"`
	TicketListOpen         string `yaml:"ticket_list_open"`
	TicketListNone         string `yaml:"ticket_list_none"`
	RoleVolunteer          string `yaml:"role_volunteer"`
	RoleStaff              string `yaml:"role_staff"`
	InviteNotStaff         string `yaml:"invite_not_staff"`
	InviteUsage            string `yaml:"invite_usage"`
	InviteCode             string `yaml:"invite_code"`
	JoinLimited            string `yaml:"join_limited"`
	JoinInvalid            string `yaml:"join_invalid"`
	JoinConfigured         string `yaml:"join_configured"`
	JoinDone               string `yaml:"join_done"`
	StaffCommands          string `yaml:"staff_commands"`
	ActionFailed           string `yaml:"action_failed"`
	StoreDown              string `yaml:"store_down"`
	StoreDownAgain         string `yaml:"store_down_again"`
	TooFast                string `yaml:"too_fast"`
	InternalError          string `yaml:"internal_error"`
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

// Buttons returns the labels of the buttons the bot shows citizens, for
// flows.Catalog.CheckButtons: a procedure's text may name them (“✅ Đã gia
// hạn” in a reminder's words). Labels with a {name} in them are left out.
func (m *Messages) Buttons() []string {
	return []string{
		m.Back, m.Cancel, m.OtherProcedures, m.FixLast, m.AskVolunteer,
		m.EraseYes, m.EraseNo, m.OpenPrivateChat,
		m.ReminderRenewed, m.ReminderSnooze, m.ReminderAdd,
		m.TicketSend, m.TicketDontSend, m.TicketThanks,
	}
}
