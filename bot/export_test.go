package bot

// ParseWhen is parseWhen, for the tests.
var ParseWhen = parseWhen
