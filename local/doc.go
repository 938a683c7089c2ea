// Package local runs a generated stack on one machine, with no AWS account:
// the API (same body model and same body-to-item mapping as the deployed
// stack), a crash-safe store with an ordered stream log (bbolt), and the
// stream delivered to the user's real handler binary through a local Lambda
// Runtime API. It is what `gen local` serves.
package local
