// Package local runs a generated stack on one machine, with no AWS account:
// the API (every route of the spec, with the deployed stack's body models,
// and its DynamoDB calls as package putitem spells them), a crash-safe store with an ordered stream log (bbolt), and the
// stream delivered to the user's real handler binary through a local Lambda
// Runtime API. It is what `gen local` serves.
package local
