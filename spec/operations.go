package spec

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// Names of the variables the generated stack gives the handler, so that it
// can find its own stack; the spec's environment may not set them.
const (
	EnvName          = "STREAMGEN_NAME"           // the spec's name
	EnvTableName     = "STREAMGEN_TABLE_NAME"     // the DynamoDB table
	EnvTableArn      = "STREAMGEN_TABLE_ARN"      // its ARN
	EnvFailureBucket = "STREAMGEN_FAILURE_BUCKET" // onFailure: s3, the bucket of failed batches
	EnvFailureQueue  = "STREAMGEN_FAILURE_QUEUE"  // onFailure: sqs, the queue's URL
	EnvAlarmTopicArn = "STREAMGEN_ALARM_TOPIC"    // with alarms, the SNS topic's ARN
)

// GeneratedEnv lists the names above.
var GeneratedEnv = []string{EnvName, EnvTableName, EnvTableArn, EnvFailureBucket, EnvFailureQueue, EnvAlarmTopicArn}

// lambdaReserved are the variables Lambda sets itself and refuses in a
// function's configuration ("Defined runtime environment variables",
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
var lambdaReserved = []string{
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
	"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
	"AWS_LAMBDA_RUNTIME_API", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"LAMBDA_RUNTIME_DIR", "LAMBDA_TASK_ROOT", "TZ",
}

var (
	onFailures = []string{string(FailToS3), string(FailToSQS)}
	logLevels  = []string{"DEBUG", "INFO", "WARN", "ERROR"}

	// Compiled when first used, as parse.go's patterns.
	// Lambda's rule for variable names.
	envNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]+$`) })
	// An IAM action: a service prefix, a colon and an action name, which
	// may hold the wildcards * and ?.
	actionRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9*?]+$`) })
	// arn:partition:service:region:account:resource; region and account
	// may be empty (S3, IAM), wildcards are IAM's.
	arnRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:(aws[a-z-]*|\*):[a-z0-9*-]+:[a-z0-9*-]*:([0-9]{12}|\*)?:\S+$`)
	})
	emailRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`) })
)

// operations reads the stream keys about running the handler in production:
// the failure destination, log level, environment and permissions.
func (p *parser) operations(m map[string]entry, s *Stream) {
	const path = "stream"
	if e, ok := m["onFailure"]; ok {
		if v, ok := p.oneOf(e.value, path+".onFailure", "failure destination", onFailures, map[string]string{"queue": "sqs", "dlq": "sqs", "bucket": "s3"}); ok {
			s.OnFailure = OnFailure(v)
		}
	}
	if e, ok := m["failureRetention"]; ok {
		// SQS keeps a message 14 days at most; an S3 lifecycle rule any number of days.
		hi := 3650
		if s.OnFailure == FailToSQS {
			hi = 14
		}
		if v, ok := p.integer(e.value, path+".failureRetention"); ok {
			if v < 1 || v > hi {
				p.errorf(e.value, path+".failureRetention", "must be in 1..%d days with onFailure: %s, not %d", hi, s.OnFailure, v)
			} else {
				s.FailureRetention = v
			}
		}
	}
	if e, ok := m["logLevel"]; ok {
		aliases := map[string]string{"warning": "WARN", "debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR", "trace": "DEBUG"}
		if v, ok := p.oneOf(e.value, path+".logLevel", "log level", logLevels, aliases); ok {
			s.LogLevel = v
		}
	}
	if e, ok := m["environment"]; ok {
		s.Environment = p.environment(e.value)
	}
	if e, ok := m["permissions"]; ok {
		s.Permissions = p.permissions(e.value)
	}
}

// environment reads the handler's variables, in file order.
func (p *parser) environment(n *yaml.Node) []EnvVar {
	const path = "stream.environment"
	if !p.isMapping(n, path) {
		return nil
	}
	var vars []EnvVar
	size := 0
	for _, e := range p.entries(n, path) {
		name := e.key.Value
		switch {
		case !envNameRe().MatchString(name):
			p.errorf(e.key, path, "%q is not a variable name Lambda accepts: a letter, then at least one of A-Z, a-z, 0-9 and _", name)
			continue
		case contains(lambdaReserved, name):
			p.errorf(e.key, path, "%q is reserved: Lambda sets it itself", name)
			continue
		case contains(GeneratedEnv, name):
			p.errorf(e.key, path, "%q is set by the generated stack for the handler to find its stack; choose another name", name)
			continue
		case name == "AWS_LAMBDA_LOG_LEVEL" || name == "AWS_LAMBDA_LOG_FORMAT" || name == "LOG_LEVEL":
			p.errorf(e.key, path, "%q would fight stream.logLevel, which sets the handler's level; use stream.logLevel", name)
			continue
		}
		v, ok := p.str(e.value, join(path, name))
		if ok {
			vars = append(vars, EnvVar{Name: name, Value: v})
			size += len(name) + len(v)
		}
	}
	if size > maxEnvBytes {
		p.errorf(n, path, "the variables take %d bytes (names and values); Lambda takes 4 KB of variables in all, "+
			"of which the stack's own STREAMGEN_* keep %d: at most %d", size, 4096-maxEnvBytes, maxEnvBytes)
	}
	return vars
}

// maxEnvBytes is what the spec's variables may take of the 4 KB Lambda
// allows a function ("Lambda quotas": environment variables, 4 KB); the
// rest is kept for GeneratedEnv, whose names and values (an ARN, a bucket
// name, a queue URL) stay well under it.
const maxEnvBytes = 4096 - 512

// permissions reads the Allow statements added to the handler's role.
func (p *parser) permissions(n *yaml.Node) []Permission {
	const path = "stream.permissions"
	if !p.isList(n, path) {
		return nil
	}
	var out []Permission
	for i, c := range n.Content {
		at := index(path, i)
		m := p.block(c, at, []string{"actions", "resources"})
		if m == nil {
			continue
		}
		p.require(m, c, at, "actions", "resources")
		var perm Permission
		if e, ok := m["actions"]; ok {
			perm.Actions = p.nonEmptyStrings(e.value, at+".actions", "action", func(v string) string {
				if actionRe().MatchString(v) {
					return ""
				}
				if v == "*" || strings.HasPrefix(v, "*:") {
					return "action " + strconv.Quote(v) + " names no service; write service:Action, e.g. events:PutEvents"
				}
				return "action " + strconv.Quote(v) + " must be service:Action, e.g. events:PutEvents or s3:Get*"
			})
		}
		if e, ok := m["resources"]; ok {
			perm.Resources = p.nonEmptyStrings(e.value, at+".resources", "resource", func(v string) string {
				if v == "*" || arnRe().MatchString(v) {
					return ""
				}
				return "resource " + strconv.Quote(v) + " must be an ARN (arn:aws:service:region:account:resource) or \"*\""
			})
		}
		if perm.Actions != nil && perm.Resources != nil {
			out = append(out, perm)
		}
	}
	return out
}

// nonEmptyStrings reads a list of at least one unique string, each checked
// by bad (the message, or ""); it returns nil when anything is wrong.
func (p *parser) nonEmptyStrings(n *yaml.Node, path, what string, bad func(string) string) []string {
	if !p.isList(n, path) {
		return nil
	}
	if len(n.Content) == 0 {
		p.errorf(n, path, "is empty; give at least one %s", what)
		return nil
	}
	var out []string
	ok := true
	seen := map[string]bool{}
	for i, c := range n.Content {
		at := index(path, i)
		v, good := p.str(c, at)
		switch {
		case !good:
		case seen[v]:
			p.errorf(c, at, "duplicate %s %q", what, v)
			good = false
		case bad(v) != "":
			p.errorf(c, at, "%s", bad(v))
			good = false
		}
		seen[v] = true
		ok = ok && good
		out = append(out, v)
	}
	if !ok {
		return nil
	}
	return out
}

func (p *parser) alarms(e entry) *Alarms {
	const path = "alarms"
	a := &Alarms{IteratorAge: 300}
	m := p.block(e.value, path, []string{"email", "iteratorAge"})
	if m == nil {
		return a
	}
	if e, ok := m["email"]; ok && p.isList(e.value, path+".email") {
		seen := map[string]bool{}
		for i, c := range e.value.Content {
			at := index(path+".email", i)
			v, ok := p.str(c, at)
			switch {
			case !ok:
			case seen[v]:
				p.errorf(c, at, "duplicate address %q", v)
			case !emailRe().MatchString(v):
				p.errorf(c, at, "%q is not an email address like ops@example.com", v)
			default:
				a.Email = append(a.Email, v)
			}
			seen[v] = true
		}
	}
	if e, ok := m["iteratorAge"]; ok {
		if v, ok := p.intIn(e.value, path+".iteratorAge", 60, 86400); ok {
			a.IteratorAge = v
		}
	}
	return a
}
