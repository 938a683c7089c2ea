package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/streamgen/streamgen/item"
	"github.com/streamgen/streamgen/schema"
	"github.com/streamgen/streamgen/spec"
)

// accountID is the account in local ARNs.
const accountID = "000000000000"

// Config is what a local stack runs: a spec, its built handler, and where
// to listen and keep data.
type Config struct {
	Spec      *spec.Spec
	Bootstrap string        // the handler binary, built for this machine
	Addr      string        // API address, e.g. 127.0.0.1:8080; port 0 picks a free one
	DataFile  string        // the bbolt store
	Failures  string        // where batches given up on go (FailuresPath)
	Out       io.Writer     // progress, request log, handler output, failed batches
	Backoff   time.Duration // first retry wait of the stream; 0: 500ms
	Timeouts  Timeouts      // of the API's clients; zero ones: 5s header, 20s request, 20s idle
}

// Server is a running local stack.
type Server struct {
	cfg       Config
	item      *item.Item
	store     *Store
	function  *Function
	ln        net.Listener
	http      *http.Server
	apiKey    string
	example   []byte // the banner's create body, nil when none fits
	stop      context.CancelFunc
	streamed  chan struct{} // closed when the stream stops
	streamErr error         // why, set before streamed is closed
	expiring  chan struct{} // closed when the TTL sweeper stops
	once      sync.Once
}

// Start opens the store, starts the handler behind the Runtime API, the
// stream and the API. Stop it with Shutdown.
func Start(cfg Config) (*Server, error) {
	s := cfg.Spec
	if cfg.Backoff == 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	it := item.New(s)
	validator, err := schema.NewValidator(it)
	if err != nil {
		return nil, err
	}
	updates, err := schema.NewUpdateValidator(it)
	if err != nil {
		return nil, err
	}
	store, err := OpenStore(cfg.DataFile, keyNames(it), s.Stream.View)
	if err != nil {
		return nil, err
	}
	srv := &Server{cfg: cfg, item: it, store: store, streamed: make(chan struct{})}
	// item.ExampleBody may miss a pattern, and the banner quotes it for a
	// shell in '...': only a body the model takes, free of ', is shown.
	if body := it.ExampleBody(); validator.Validate(body) == nil && !bytes.ContainsRune(body, '\'') {
		srv.example = body
	}
	fail := func(err error) (*Server, error) {
		if srv.function != nil {
			srv.function.Stop()
		}
		store.Close()
		return nil, err
	}
	label, err := store.Setting("streamLabel", func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000") })
	if err != nil {
		return fail(err)
	}
	if s.API.Auth == spec.AuthAPIKey {
		if srv.apiKey, err = store.Setting("apiKey", newAPIKey); err != nil {
			return fail(err)
		}
	}

	mappingID, err := store.Setting("mappingUUID", newUUID)
	if err != nil {
		return fail(err)
	}
	// The handler runs in a folder of its own: it gets the path whole.
	failures, err := filepath.Abs(cfg.Failures)
	if err != nil {
		return fail(err)
	}
	functionName := FunctionName(s)
	srv.function = &Function{
		Name:    functionName,
		Binary:  cfg.Bootstrap,
		Memory:  s.Stream.Memory,
		Timeout: time.Duration(s.Stream.Timeout) * time.Second,
		Region:  region,
		Env:     handlerEnv(s, region, failures),
		Output:  cfg.Out,
	}
	if err := srv.function.Start(); err != nil {
		return fail(err)
	}

	srv.ln, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fail(fmt.Errorf("listen on %s: %w", cfg.Addr, err))
	}
	api := NewAPI(it, store, validator)
	api.APIKey, api.Log, api.Updates = srv.apiKey, cfg.Out, updates
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.Handle(invokePrefix, &invokeAPI{function: srv.function, log: cfg.Out})
	srv.http = newAPIServer(mux, cfg.Timeouts)
	go srv.http.Serve(jsonErrors(srv.ln))

	maxAge := time.Duration(0)
	if s.Stream.MaxRecordAge > 0 {
		maxAge = time.Duration(s.Stream.MaxRecordAge) * time.Second
	}
	stream := &Stream{
		Store:        store,
		Invoke:       srv.function.Invoke,
		BatchSize:    s.Stream.BatchSize,
		BatchWindow:  time.Duration(s.Stream.BatchWindow) * time.Second,
		Events:       s.Stream.Events,
		Retries:      s.Stream.Retries,
		MaxRecordAge: maxAge,
		Region:       region,
		SourceARN:    fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/%s", region, accountID, s.Name, label),
		FunctionARN:  fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, accountID, functionName),
		Failures:     &Failures{OnFailure: s.Stream.OnFailure, Path: cfg.Failures, MappingID: mappingID},
		Backoff:      cfg.Backoff,
		Log:          cfg.Out,
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv.stop = cancel
	go func() {
		srv.streamErr = stream.Run(ctx)
		close(srv.streamed)
	}()
	srv.expiring = make(chan struct{})
	go srv.expire(ctx)
	return srv, nil
}

// ttlSweep is how often expired items are removed.
const ttlSweep = 2 * time.Second

// expire removes the items whose table.ttl time has passed, until ctx is done.
func (s *Server) expire(ctx context.Context) {
	defer close(s.expiring)
	attr := s.cfg.Spec.Table.TTL
	if attr == "" {
		return
	}
	t := time.NewTicker(ttlSweep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.store.Expire(attr, time.Now())
		switch {
		case err != nil:
			fmt.Fprintf(s.cfg.Out, "ttl: %v\n", err)
		case n > 0:
			fmt.Fprintf(s.cfg.Out, "ttl: %d expired item(s) removed (REMOVE records on the stream)\n", n)
		}
	}
}

// Addr is the address the API listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// APIKey is the key clients send as x-api-key; "" unless auth is api_key.
func (s *Server) APIKey() string { return s.apiKey }

// Shutdown stops accepting requests, lets the in-flight batch finish and
// checkpoint, stops the handler and closes the store. Every stored record not
// yet delivered stays in the store for the next start.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	s.once.Do(func() {
		if err := s.http.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		s.stop()
		<-s.expiring
		<-s.streamed
		if s.streamErr != nil {
			errs = append(errs, fmt.Errorf("stream: %w", s.streamErr))
		}
		s.function.Stop()
		if err := s.store.Close(); err != nil {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}

// Done is closed if delivery stops by itself (a broken store or failure destination);
// the server should then shut down, which returns the stream's error.
func (s *Server) Done() <-chan struct{} { return s.streamed }

// FunctionName is the local handler's name, for AWS_LAMBDA_FUNCTION_NAME
// and the Invoke API.
func FunctionName(s *spec.Spec) string { return s.Name + "-handler" }

// handlerEnv is what the deployed function's configuration gives the
// handler: the spec's variables, those that name its stack (local values),
// and the level Lambda passes for stream.logLevel with the JSON log format.
func handlerEnv(s *spec.Spec, region, failures string) []string {
	env := []string{
		"AWS_LAMBDA_LOG_FORMAT=JSON",
		"AWS_LAMBDA_LOG_LEVEL=" + s.Stream.LogLevel,
		spec.EnvName + "=" + s.Name,
		spec.EnvTableName + "=" + s.Name,
		spec.EnvTableArn + "=" + fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, accountID, s.Name),
	}
	if s.Stream.OnFailure == spec.FailToSQS {
		env = append(env, spec.EnvFailureQueue+"="+failures)
	} else {
		env = append(env, spec.EnvFailureBucket+"="+failures)
	}
	if s.Alarms != nil {
		env = append(env, spec.EnvAlarmTopicArn+"="+fmt.Sprintf("arn:aws:sns:%s:%s:%s-alarms", region, accountID, s.Name))
	}
	for _, v := range s.Stream.Environment {
		env = append(env, v.Name+"="+v.Value)
	}
	return env
}

func keyNames(it *item.Item) []string {
	var names []string
	for _, f := range it.Keys {
		names = append(names, f.Name)
	}
	return names
}
