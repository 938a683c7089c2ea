// The module of the readings stack's stream handler. gen wrote this file once;
// it is yours: add dependencies with `go get` in this folder. Keep the
// requirements below at these versions or later: the runtime gen writes
// into internal/handler is tested with them.
module readings-handler

go 1.26

require github.com/aws/aws-lambda-go v1.55.1
