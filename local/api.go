package local

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/streamgen/streamgen/spec"
)

// RequestContext is what API Gateway knows of a request besides its body:
// the sources of server-set fields.
type RequestContext struct {
	RequestID        string
	RequestTimeEpoch int64 // milliseconds
	SourceIP         string
	UserAgent        string
}

// API answers POST <api.path> as the deployed REST API does: routes, auth,
// throttling, CORS, the body model, the mapping to an item and the write,
// with the answers of the contract's table.
type API struct {
	Spec   *spec.Spec
	Store  *Store
	Check  func(body []byte) error                            // the body model (draft-04); its error is the 400 message
	Map    func(body []byte, rc RequestContext) (Item, error) // body -> item, the same rules as the VTL
	APIKey string                                             // checked against x-api-key when auth is api_key
	Log    io.Writer

	throttle *tokenBucket // nil: no stage throttling
	now      func() time.Time
}

// maxBody is API Gateway's payload limit.
const maxBody = 10 << 20

// Answers API Gateway gives by itself, and the generic ones of the response templates.
var (
	msgMissingToken = "Missing Authentication Token"
	msgForbidden    = "Forbidden"
	msgThrottled    = "Too Many Requests"
	msgTooLarge     = "Request Too Long"
	msgDuplicate    = "An item with this key already exists"
	msgInternal     = "Internal server error"
)

// NewAPI returns the API of s; Check and Map must be set before serving.
func NewAPI(s *spec.Spec, store *Store) *API {
	a := &API{Spec: s, Store: store, now: time.Now}
	if t := s.API.Throttle; t != nil {
		a.throttle = newTokenBucket(t.Rate, t.Burst, time.Now())
	}
	return a
}

// Paths are the routes of the POST method: the path of the spec, as clients
// of the stage URL also call it with the stage name in front.
func (a *API) Paths() []string {
	return []string{a.Spec.API.Path, "/" + a.Spec.API.Stage + a.Spec.API.Path}
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := a.now()
	rec := &statusRecorder{ResponseWriter: w}
	a.serve(rec, r)
	if a.Log != nil {
		fmt.Fprintf(a.Log, "api: %s %s -> %d (%s)\n", r.Method, r.URL.Path, rec.status, a.now().Sub(start).Round(time.Microsecond))
	}
}

func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	a.setCORS(w, r)
	routed := false
	for _, p := range a.Paths() {
		routed = routed || r.URL.Path == p
	}
	switch {
	case !routed:
		a.fail(w, http.StatusForbidden, msgMissingToken)
	case r.Method == http.MethodOptions && len(a.Spec.API.CORS) > 0:
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "OPTIONS,POST")
		h.Set("Access-Control-Allow-Headers", "Content-Type,Authorization,X-Amz-Date,X-Amz-Security-Token,X-Api-Key")
		h.Set("Access-Control-Max-Age", "600")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
	case r.Method != http.MethodPost:
		a.fail(w, http.StatusForbidden, msgMissingToken)
	case a.Spec.API.Auth == spec.AuthAPIKey && r.Header.Get("X-Api-Key") != a.APIKey:
		a.fail(w, http.StatusForbidden, msgForbidden)
	case a.throttle != nil && !a.throttle.take(a.now()):
		a.fail(w, http.StatusTooManyRequests, msgThrottled)
	default:
		a.post(w, r)
	}
}

func (a *API) post(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			a.fail(w, http.StatusRequestEntityTooLarge, msgTooLarge)
			return
		}
		a.fail(w, http.StatusBadRequest, "Invalid request body")
		return
	}
	if !json.Valid(body) {
		a.fail(w, http.StatusBadRequest, "Invalid request body: the body is not JSON")
		return
	}
	if err := a.Check(body); err != nil {
		a.fail(w, http.StatusBadRequest, "Invalid request body: "+err.Error())
		return
	}
	now := a.now()
	item, err := a.Map(body, RequestContext{
		RequestID:        newRequestID(),
		RequestTimeEpoch: now.UnixMilli(),
		SourceIP:         sourceIP(r),
		UserAgent:        r.UserAgent(),
	})
	if err != nil {
		// On AWS a body the template cannot map makes DynamoDB refuse the
		// request, which the response template answers with 500.
		fmt.Fprintf(a.Log, "api: mapping failed: %v\n", err)
		a.fail(w, http.StatusInternalServerError, msgInternal)
		return
	}
	_, err = a.Store.Put(item, a.Spec.Table.OnDuplicate == spec.Reject, now)
	switch {
	case errors.Is(err, ErrDuplicate):
		a.fail(w, http.StatusConflict, msgDuplicate)
	case err != nil:
		fmt.Fprintf(a.Log, "api: store failed: %v\n", err)
		a.fail(w, http.StatusInternalServerError, msgInternal)
	default:
		writeJSON(w, http.StatusOK, a.serverSetKeys(item))
	}
}

// serverSetKeys is the 200 answer: the key fields the server set, numbers as numbers.
func (a *API) serverSetKeys(item Item) json.RawMessage {
	out := []byte{'{'}
	for _, f := range a.Spec.KeyFields() {
		if !f.ServerSet() {
			continue
		}
		var av struct {
			S *string
			N *string
		}
		if json.Unmarshal(item[f.Name], &av) != nil {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		name, _ := json.Marshal(f.Name)
		out = append(append(out, name...), ':')
		if av.S != nil {
			s, _ := json.Marshal(*av.S)
			out = append(out, s...)
		} else if av.N != nil {
			out = append(out, *av.N...)
		}
	}
	return append(out, '}')
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

func (a *API) fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"message":"Internal server error"}`)
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
