package flows

// Flow is one procedure as written in a YAML file: what the citizen is told,
// what she is asked, and in which order.
type Flow struct {
	ID       string   `yaml:"id"`
	Title    string   `yaml:"title"`
	Summary  string   `yaml:"summary"`
	Keywords []string `yaml:"keywords"`
	// Examples are whole messages citizens send for this procedure ("vợ em
	// mới sinh hôm kia, giờ lo giấy tờ gì cho cháu"): found like keywords,
	// and each checked to lead here (a warning otherwise).
	Examples []string `yaml:"examples"`
	// NegativeKeywords are words that mean another procedure when they come
	// with this one's: "bản sao" turns khai tử's "trích lục khai tử" into a
	// copy of the record.
	NegativeKeywords []string `yaml:"negative_keywords"`
	Sources          []Source `yaml:"sources"`
	// Order places the flow in the menu: lower first, then by file name.
	// Flows without one come after those with one.
	Order int `yaml:"order"`
	// Start is the id of the first step; the first step in the list when empty.
	Start string  `yaml:"start"`
	Steps []*Step `yaml:"steps"`
	// Reminder, on a procedure reminders are about (BHYT renewal), holds the
	// texts of the reminders the bot sends before a card expires.
	Reminder *ReminderTexts `yaml:"reminder"`

	// File is where the flow was read from, for messages about it.
	File string `yaml:"-"`
	// Hash identifies the content the flow was read from, so that a
	// conversation can tell that its procedure changed since it began.
	Hash string `yaml:"-"`

	byID    map[string]*Step
	index   map[string]int     // step id → position in Steps
	details map[*Step]bool     // steps shown only as an end's details
	vars    map[string]varInfo // answer names → what they hold
	pos     positions
}

// ReminderTexts are the words of a reminder: {label} (whose card),
// {expiry} (dd/mm/yyyy) and {days} ("còn 7 ngày", "đã quá hạn 1 ngày").
type ReminderTexts struct {
	Before string `yaml:"before"` // a stage before the expiry date
	After  string `yaml:"after"`  // the day after, when not confirmed

	pos positions
}

// Source is the legal basis or official page a flow relies on, and the date
// someone last checked it against the flow's text.
type Source struct {
	Title   string `yaml:"title"`
	URL     string `yaml:"url"`
	Checked string `yaml:"checked"` // dd/mm/yyyy

	pos positions
}

// Step kinds.
const (
	KindSay       = "say"       // a message, then the next step
	KindAsk       = "ask"       // a question answered by one of its choices
	KindInput     = "input"     // a typed answer, checked by a validator
	KindChecklist = "checklist" // papers to bring, items filtered by conditions
	KindCompute   = "compute"   // a value worked out from earlier answers
	KindBranch    = "branch"    // goes to the first route whose condition holds
	KindEnd       = "end"       // the end of the flow
	KindTasks     = "tasks"     // a list the citizen ticks, remembered
	KindAction    = "action"    // the bot does something: set a reminder
)

// Step is one point of a flow.
type Step struct {
	ID   string `yaml:"id"`
	Kind string `yaml:"type"`
	// When, if set, skips the step (to its Next) unless the condition holds.
	When Cond `yaml:"when"`
	// Text is shown to the citizen; {name} shows an earlier answer.
	Text string `yaml:"text"`
	// Next is the step that follows; the following step in the list when
	// empty. Flow hands the citizen over to another flow instead.
	Next string `yaml:"next"`
	Flow string `yaml:"flow"`

	// ask
	Choices []*Choice `yaml:"choices"`
	// input and ask: the name the answer is saved under (ask: the step id
	// when empty).
	Save string `yaml:"save"`
	// input
	Input *InputSpec `yaml:"input"`
	// checklist
	Items []*Item `yaml:"items"`
	// compute: Save = From + Add (a date plus "60d", "72m" or "1y"), or a
	// health-insurance premium.
	From    string   `yaml:"from"`
	Add     string   `yaml:"add"`
	Premium *Premium `yaml:"premium"`
	// branch
	Routes []*Route `yaml:"routes"`
	// action: what the bot does, with values from the answers.
	Action string            `yaml:"action"`
	With   map[string]string `yaml:"with"`
	// end: the steps (say, checklist) shown when the citizen asks for the
	// details after the end, a page at a time. They are written after the
	// end and reached only from here, so the end itself can fit a screen.
	Details []string `yaml:"details"`

	pos positions
}

// Choice is one answer to an ask step.
type Choice struct {
	// ID is short and stable: it travels in button data and is what
	// conditions compare with.
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
	When  Cond   `yaml:"when"`
	Next  string `yaml:"next"`
	Flow  string `yaml:"flow"`

	pos positions
}

// Item is one line of a checklist, or of a tasks list (which needs the id).
type Item struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
	When Cond   `yaml:"when"`

	pos positions
}

// Route is one way out of a branch step.
type Route struct {
	When Cond   `yaml:"when"`
	Next string `yaml:"next"`
	Flow string `yaml:"flow"`

	pos positions
}

// Input validator kinds.
const (
	InputDate   = "date"
	InputNumber = "number"
	InputPhone  = "phone"
	InputYesNo  = "yesno"
	InputText   = "text"
)

// InputSpec says what a typed answer must look like.
type InputSpec struct {
	Kind string `yaml:"kind"`
	// date: bounds such as "today", "today-6y", "today+60d" or "01/07/2025".
	// number: bounds as numbers.
	Min string `yaml:"min"`
	Max string `yaml:"max"`
	// TooEarly and TooLate replace the standard hint when a bound is broken.
	TooEarly string `yaml:"too_early"`
	TooLate  string `yaml:"too_late"`
	// text: the longest answer accepted, in characters (default 200).
	MaxLen int `yaml:"max_len"`
	// Words (text) refuses an answer without a letter: a name or a label,
	// not a number typed for a list shown before ("1").
	Words bool `yaml:"words"`
	// Hint replaces the standard hint for an answer of the wrong shape.
	Hint string `yaml:"hint"`
	// LikelyMin and LikelyMax (date and number, written as Min and Max)
	// bound the answers taken at once: one outside them, yet allowed, is
	// asked about first ("Bé sinh năm 1926?"), in Unlikely's words when set
	// ({value}: the answer as shown; {year}: a date's year).
	LikelyMin string `yaml:"likely_min"`
	LikelyMax string `yaml:"likely_max"`
	Unlikely  string `yaml:"unlikely"`

	pos positions
}

// Cond is a condition on earlier answers: every name must have one of the
// listed values. An empty Cond always holds.
//
//	when: {nguoi_khai: cha_me}
//	when: {nguoi_khai: [ong_ba, nguoi_khac], co_giay_chung_sinh: khong}
//
// A date answer also compares as "qua_han" (before today) or "con_han"
// (today or later).
type Cond struct {
	Terms []Term
	Line  int
}

// Term is one name of a condition and the values that satisfy it.
type Term struct {
	Name   string
	Values []string
	Line   int
}

// Step returns the step with the given id.
func (f *Flow) Step(id string) (*Step, bool) {
	s, ok := f.byID[id]
	return s, ok
}

// StartStep returns the step a new conversation begins at.
func (f *Flow) StartStep() *Step {
	if f.Start != "" {
		return f.byID[f.Start]
	}
	return f.Steps[0]
}

// after returns the step that follows s in the file, or nil at the end.
func (f *Flow) after(s *Step) *Step {
	i := f.index[s.ID] + 1
	if i >= len(f.Steps) {
		return nil
	}
	return f.Steps[i]
}

// SaveName is the name an interactive step's answer is saved under.
func (s *Step) SaveName() string {
	if s.Save != "" {
		return s.Save
	}
	if s.Kind == KindAsk || s.Kind == KindTasks {
		return s.ID
	}
	return ""
}

// Interactive reports whether the step waits for the citizen.
func (s *Step) Interactive() bool {
	return s.Kind == KindAsk || s.Kind == KindInput || s.Kind == KindTasks
}
