// Package streamgen generates a Dynamo Streamer stack from a spec: the
// CloudFormation template, its request mapping template and body model, the
// README and the stream handler's Go module. Generate is pure: it writes
// nothing; package output writes what it returns.
package streamgen
