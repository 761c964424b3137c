// Package audit is Peel's log of who collected, changed, consulted, disclosed, combined and erased
// what, when and why (Data Protection Act 2018 Part 3, s.62). Entries are append-only and
// hash-chained: each entry's hash covers its content and the previous entry's hash, so altering,
// removing or reordering any entry breaks every hash after it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Actions recorded in the log.
const (
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionView        = "view"   // a record opened (consultation)
	ActionSearch      = "search" // records shown in search results (consultation)
	ActionQuery       = "query"  // records shown in a query's answer (consultation)
	ActionImport      = "import" // collection
	ActionExport      = "export" // disclosure
	ActionLink        = "link"   // combination
	ActionUnlink      = "unlink"
	ActionMerge       = "merge" // combination
	ActionUnmerge     = "unmerge"
	ActionDedupe      = "dedupe" // duplicate detection over the whole store
	ActionReview      = "review" // a decision on a proposed duplicate group
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	ActionAdmin       = "admin" // users, tokens, roles, vocabularies, settings
)

// Entry is one line of the audit log.
type Entry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	User     string    `json:"user"`
	Action   string    `json:"action"`
	Records  []string  `json:"records,omitempty"`
	Purpose  string    `json:"purpose,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the entry's hash: SHA-256 over a length-prefixed encoding of every field and
// the previous hash, so no two different entries encode the same. In order: the sequence number,
// the Content, the previous hash.
func (e *Entry) ComputeHash() string {
	h := sha256.New()
	h.Write(field(nil, strconv.FormatInt(e.Seq, 10)))
	h.Write(e.Content())
	h.Write(field(nil, e.PrevHash))
	return hex.EncodeToString(h.Sum(nil))
}

// Content is the length-prefixed encoding of the fields an entry has before it joins the chain:
// its time, user, action, records, purpose and detail. The PostgreSQL store hands it to the
// database, which frames it with the sequence number and previous hash it finds under the chain
// lock, as ComputeHash does.
func (e *Entry) Content() []byte {
	b := field(nil, strconv.FormatInt(e.At.UnixMicro(), 10))
	b = field(b, e.User)
	b = field(b, e.Action)
	recs, _ := json.Marshal(e.Records)
	b = field(b, string(recs))
	b = field(b, e.Purpose)
	return field(b, e.Detail)
}

// field appends one length-prefixed field: its length in bytes, a colon, the bytes.
func field(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	return append(b, s...)
}

// Seal sets the entry's sequence number, previous hash and hash, extending the chain after prev.
func (e *Entry) Seal(prevSeq int64, prevHash string) {
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// Verifier checks entries in sequence order, one at a time, so a log of any size verifies in
// constant memory.
type Verifier struct {
	n        int64
	prevSeq  int64
	prevHash string
}

// NewVerifier starts a verification at the beginning of the log.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// Check verifies the next entry and returns an error describing the first fault.
func (v *Verifier) Check(e *Entry) error {
	switch {
	case e.Seq != v.prevSeq+1:
		return fmt.Errorf("entry %d: sequence gap after entry %d (entries removed or reordered)", e.Seq, v.prevSeq)
	case e.PrevHash != v.prevHash:
		return fmt.Errorf("entry %d: previous hash does not match entry %d", e.Seq, v.prevSeq)
	case e.ComputeHash() != e.Hash:
		return fmt.Errorf("entry %d: content does not match its hash (entry altered)", e.Seq)
	}
	v.n++
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	return nil
}

// Count is the number of entries verified so far.
func (v *Verifier) Count() int64 { return v.n }
