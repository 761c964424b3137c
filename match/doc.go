// Package match is Peel's entity resolution for people: a probabilistic record
// linkage model of the Fellegi-Sunter family, in pure Go (standard library and
// go-edlib), with no I/O.
//
// # Model
//
// Two person records are compared field by field. Each comparison falls into
// one of a few levels ("exact", "nickname", "jaro_winkler>=0.92",
// "dob_day_month_swapped", "different", ...). Every level has an m probability
// (how often true matches land there) and a u probability (how often
// non-matches do); it contributes log2(m/u) to the match weight, so every
// number shown to a reviewer is a Bayes factor that reads on its own, and the
// weights of a Result's Reasons add up to its Score. Missing values contribute
// nothing. Exact agreement on names and dates of birth is adjusted by term
// frequency (a shared rare surname counts more than a shared "Smith"). Two
// known dependencies between fields are modelled rather than double counted:
// a postcode adds nothing once the address agrees, and an exact surname at an
// agreeing address is weighed against how often people at one address share
// a surname (households), not against random pairs.
//
// # Pipeline
//
//   - [Keys] gives the blocking keys of a person (a union of blocking rules,
//     listed in its documentation). The app stores them in an indexed table
//     and, for "match on create", fetches the people sharing any key of the
//     new record, capping each key (see [Index] for the same in memory).
//   - [Train] estimates a [Model] from the data itself without labels: u from
//     random pairs, m by expectation maximisation over blocked candidate
//     pairs, per group of blocking rules, and the prior. [DefaultModel] is
//     usable without training. Models are JSON.
//   - [NewScorer] with optional [CountFrequencies] gives a [Scorer];
//     [Scorer.Compare] scores one pair with per-field [Reason]s.
//     [Prepare] and [Scorer.ComparePrepared] avoid normalising a person
//     again for every comparison.
//   - [Dedupe] blocks, scores each candidate pair once and clusters the links
//     into a partition, splitting components that are not internally coherent
//     (see cluster.go).
//   - [GeneratePeople] makes synthetic UK-style people with realistic
//     duplicates for tests and benchmarks.
//
// Normalisation helpers ([NormaliseName], [NormalisePostcode],
// [NormalisePhone], [NormaliseEmail], [NormaliseIdentifier],
// [IdentifierType], [NormaliseGender], [ParseDOB]) and the phonetic codes
// ([DoubleMetaphone], [NYSIIS], [TransliterationKey], [Nickname]) are
// exported for the app.
package match
