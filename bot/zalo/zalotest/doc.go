// Package zalotest is a fake Zalo Bot Platform server, for tests that drive
// the Zalo adapter end to end over HTTP.
//
//	srv := zalotest.New(t, token)
//	b, err := zalo.New(ctx, svc, zalo.Options{Token: token, APIURL: srv.URL()})
//	srv.PushUpdate(zalotest.Text("citizen-1", zalotest.Private, "citizen-1", "khai sinh"))
//	srv.WaitCalls(t, "sendMessage", 1)
//	got := srv.SentTo("citizen-1")
//
// It speaks the Bot Platform's JSON at /bot<token>/<method> (a JSON body,
// POST or GET): the envelope {"ok","result"} or {"ok":false,"error_code",
// "description"} — "errorCode" instead when CamelErrors is set, as some
// answers spell it — with the HTTP status equal to the code; 401 for
// another token, 404 for a method it does not know.
//
// What it imitates, because an adapter must handle it:
//   - getUpdates hands out one update a call (not an array), each once; with
//     nothing queued it waits up to its timeout (at most PollWait) and
//     answers HTTP 408 {"ok":false,"description":"Request timeout"}; a
//     second getUpdates while one waits is refused (409), and getUpdates
//     fails (400) while a webhook is set;
//   - sendMessage refuses an empty text or one over 2000 UTF-16 code units
//     (400), sendPhoto a photo without a URL or a caption over 2000;
//   - the free plan's monthly quota (Quota): past it every send answers 429;
//   - setWebhook wants a URL and a secret_token of 8 to 256 characters.
//
// Faults are injected: FailNext answers any status and body (an HTML 500
// from a proxy), FailNextAPI a Bot Platform error (403, 400). They queue,
// each taking the next call of its method.
//
// What it does not imitate: webhook delivery (Deliver posts an update to
// a handler, wrapped or bare, with the secret header), sendSticker,
// sendVoice, testWebhook (404), parse_mode, and ids, which are made up.
//
// Every call is recorded before it is answered; WaitCalls wakes on a
// channel when one is, never on a sleep.
package zalotest
