package local

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/putitem"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

// API answers the spec's routes (create, read, query, update, delete) as the
// deployed REST API does: resources and methods, auth, throttling, CORS, the
// body models (package schema, checked as a draft-04 validator does), the
// DynamoDB calls of the request templates (package putitem, their Go
// reference) run on the store, with the answers of the contract's table and
// the messages of the deployed response templates.
type API struct {
	Spec      *spec.Spec
	item      *item.Item
	Store     *Store
	Validator *schema.Validator // of create's body
	Updates   *schema.Validator // of update's body (schema.UpdateModel)
	APIKey    string            // checked against x-api-key when auth is api_key
	Log       io.Writer

	throttle *tokenBucket // nil: no stage throttling
	now      func() time.Time
	warnOnce sync.Once
}

// maxBody is API Gateway's payload limit.
const maxBody = 10 << 20

// Answers API Gateway gives by itself (its DEFAULT_4XX messages).
const (
	msgMissingToken = "Missing Authentication Token"
	msgForbidden    = "Forbidden"
	msgTooLarge     = "Request Too Long"
)

// msgTimeout answers a body that did not arrive within the request timeout.
const msgTimeout = "Request Timeout"

// NewAPI returns the API of it.
func NewAPI(it *item.Item, store *Store, v *schema.Validator) *API {
	a := &API{Spec: it.Spec, item: it, Store: store, Validator: v, Log: io.Discard, now: time.Now}
	if t := it.Spec.API.Throttle; t != nil {
		a.throttle = newTokenBucket(t.Rate, t.Burst, time.Now())
	}
	return a
}

// Paths are the collection's paths, below which the items' addresses are:
// the path of the spec, as clients of the stage URL also call it with the
// stage name in front.
func (a *API) Paths() []string {
	return []string{a.Spec.API.Path, "/" + a.Spec.API.Stage + a.Spec.API.Path}
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := a.now()
	rec := &statusRecorder{ResponseWriter: w}
	func() {
		// A bug must still answer JSON, and the item is then not stored.
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(a.Log, "api: internal error: %v\n", p)
				if rec.status == 0 {
					a.fail(rec, http.StatusInternalServerError, putitem.MessageInternal)
				}
			}
		}()
		a.serve(rec, r)
	}()
	fmt.Fprintf(a.Log, "api: %s %s -> %d (%s)\n", r.Method, r.URL.Path, rec.status, a.now().Sub(start).Round(time.Microsecond))
}

// serve answers as API Gateway does: a resource or method the API does not
// have is its 403 Missing Authentication Token, and OPTIONS (with CORS)
// lists the resource's methods.
func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	a.setCORS(w, r)
	res := a.resourceOf(r)
	methods := a.methods(res)
	switch {
	case len(methods) == 0:
		a.gatewayFail(w, r, http.StatusForbidden, msgMissingToken)
	case r.Method == http.MethodOptions && len(a.Spec.API.CORS) > 0:
		h := w.Header()
		allowed := append([]string{http.MethodOptions}, methods...)
		slices.Sort(allowed) // as the stack's OPTIONS methods list them
		h.Set("Access-Control-Allow-Methods", strings.Join(allowed, ","))
		h.Set("Access-Control-Allow-Headers", "Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Api-Key")
		h.Set("Access-Control-Max-Age", "600")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
	case !slices.Contains(methods, r.Method):
		a.gatewayFail(w, r, http.StatusForbidden, msgMissingToken)
	case a.Spec.API.Auth == spec.AuthAPIKey && r.Header.Get("X-Api-Key") != a.APIKey:
		a.gatewayFail(w, r, http.StatusForbidden, msgForbidden)
	case a.throttle != nil && !a.throttle.take(a.now()):
		a.gatewayFail(w, r, http.StatusTooManyRequests, putitem.MessageThrottled)
	default:
		a.dispatch(w, r, res)
	}
}

func (a *API) post(w http.ResponseWriter, r *http.Request) {
	body, ok := a.readBody(w, r)
	if !ok {
		return
	}
	if err := a.Validator.Validate(body); err != nil {
		a.gatewayFail(w, r, http.StatusBadRequest, putitem.MessageInvalidBody+": "+err.Error())
		return
	}
	now := a.now()
	rc := a.requestContext(r, now)
	item, err := itemOf(a.item, body, rc)
	if err != nil {
		// On AWS DynamoDB refuses what it cannot store (ValidationException).
		fmt.Fprintf(a.Log, "api: the item was refused: %v\n", err)
		a.fail(w, http.StatusBadRequest, putitem.MessageRejected)
		return
	}
	answer, err := putitem.Answer(a.item, rc)
	if err != nil {
		fmt.Fprintf(a.Log, "api: answer: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageInternal)
		return
	}
	_, err = a.Store.Put(item, a.Spec.Table.OnDuplicate == spec.Reject, now)
	switch {
	case errors.Is(err, ErrDuplicate):
		a.fail(w, http.StatusConflict, putitem.MessageDuplicate)
	case err != nil:
		fmt.Fprintf(a.Log, "api: store failed: %v\n", err)
		a.fail(w, http.StatusInternalServerError, putitem.MessageInternal)
	default:
		writeJSON(w, http.StatusOK, json.RawMessage(answer))
	}
}

// requestContext is what server-set fields take from request r at now.
func (a *API) requestContext(r *http.Request, now time.Time) putitem.RequestContext {
	return putitem.RequestContext{
		RequestID:        newRequestID(),
		RequestTimeEpoch: now.UnixMilli(),
		SourceIP:         sourceIP(r),
		UserAgent:        r.UserAgent(),
	}
}

// readBody reads the request body, or answers as API Gateway does and
// returns false.
func (a *API) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	a.noteContentType(r)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		var netErr net.Error
		switch {
		case errors.As(err, &tooLarge):
			a.gatewayFail(w, r, http.StatusRequestEntityTooLarge, msgTooLarge)
			return nil, false
		case errors.As(err, &netErr) && netErr.Timeout():
			a.gatewayFail(w, r, http.StatusRequestTimeout, msgTimeout)
			return nil, false
		}
		a.gatewayFail(w, r, http.StatusBadRequest, putitem.MessageInvalidBody)
		return nil, false
	}
	return body, true
}

// noteContentType says once that the deployed API answers 415 to a body
// not sent as application/json; here every body is read as JSON, so that
// `curl -d '{...}'` works as is.
func (a *API) noteContentType(r *http.Request) {
	ct := r.Header.Get("Content-Type")
	if ct == "" || strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return
	}
	a.warnOnce.Do(func() {
		fmt.Fprintf(a.Log, "api: note: a body sent as %s is read as JSON here, but the deployed API answers 415 to it: send Content-Type: application/json\n", ct)
	})
}

// itemOf maps body to the item the request template writes, then checks
// what DynamoDB itself would refuse.
func itemOf(it *item.Item, body []byte, rc putitem.RequestContext) (Item, error) {
	attrs, err := putitem.Item(it, body, rc)
	if err != nil {
		return nil, err
	}
	item, err := toItem(attrs)
	if err != nil {
		return nil, err
	}
	return item, refused(it, item)
}

// setCORS sets the allowed origin on every answer, as the stack does: one
// origin (or "*") always; of several, the request's Origin when allowed.
func (a *API) setCORS(w http.ResponseWriter, r *http.Request) {
	origins := a.Spec.API.CORS
	switch len(origins) {
	case 0:
	case 1:
		w.Header().Set("Access-Control-Allow-Origin", origins[0])
	default:
		w.Header().Set("Vary", "Origin")
		origin := r.Header.Get("Origin")
		for _, o := range origins {
			if o == origin {
				w.Header().Set("Access-Control-Allow-Origin", origin)
			}
		}
	}
}

// gatewayFail is an answer API Gateway gives by itself (a gateway response):
// with several origins it carries the request's Origin whatever it is, as
// the stack's gateway responses do (they cannot test it).
func (a *API) gatewayFail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if origin := r.Header.Get("Origin"); len(a.Spec.API.CORS) > 1 && origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
	a.fail(w, status, msg)
}

func (a *API) fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

// writeJSON answers v as JSON; a json.RawMessage as it is, byte for byte
// (json.Marshal would escape <, >, &, U+2028 and U+2029 in it).
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, raw := v.(json.RawMessage)
	var err error
	if !raw {
		data, err = json.Marshal(v)
	}
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(putitem.ErrorAnswer(putitem.MessageInternal))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(data)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

// newRequestID is a random UUID (version 4), the form of API Gateway's requestId.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newAPIKey is a key like API Gateway's: 40 letters and digits.
func newAPIKey() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 40)
	rand.Read(b)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// tokenBucket is API Gateway's throttle: rate tokens a second, at most burst.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rate float64, burst int, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

func (b *tokenBucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
