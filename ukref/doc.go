// Package ukref holds the UK reference formats and code lists Peel encodes: postcodes, vehicle
// registration marks, telephone numbers, partial dates, warning markers and the default vocabularies.
// Each rule is data plus a small parse or validate function, so another jurisdiction can replace it.
package ukref
