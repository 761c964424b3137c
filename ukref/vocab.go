package ukref

import (
	"slices"
)

// Term is one entry of a reference vocabulary.
type Term struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	// Category groups warning markers (officer_safety, medical, vulnerability).
	Category string `json:"category,omitempty"`
	// From and To list the record kinds a link role may join.
	From []string `json:"from,omitempty"`
	To   []string `json:"to,omitempty"`
}

// Vocabulary is the force's reference lists. Defaults ship with Peel; an administrator extends them.
// A value not in the force's list is rejected with an error naming the field.
type Vocabulary struct {
	EventTypes      []Term `json:"event_types"`
	Categories      []Term `json:"categories"`
	ObjectTypes     []Term `json:"object_types"`
	IdentifierTypes []Term `json:"identifier_types"`
	MarkerCodes     []Term `json:"marker_codes"`
	LinkRoles       []Term `json:"link_roles"`
}

// VocabularyNames lists the vocabularies by their JSON names.
var VocabularyNames = []string{"event_types", "categories", "object_types", "identifier_types", "marker_codes", "link_roles"}

// List returns the vocabulary of that JSON name, or nil.
func (v *Vocabulary) List(name string) *[]Term {
	switch name {
	case "event_types":
		return &v.EventTypes
	case "categories":
		return &v.Categories
	case "object_types":
		return &v.ObjectTypes
	case "identifier_types":
		return &v.IdentifierTypes
	case "marker_codes":
		return &v.MarkerCodes
	case "link_roles":
		return &v.LinkRoles
	}
	return nil
}

// Find returns the term with that code in list, or nil.
func Find(list []Term, code string) *Term {
	for i := range list {
		if list[i].Code == code {
			return &list[i]
		}
	}
	return nil
}

// Has reports whether code is in list.
func Has(list []Term, code string) bool { return Find(list, code) != nil }

// Codes returns the codes of list, for error messages.
func Codes(list []Term) []string {
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = t.Code
	}
	return out
}

// RoleAllows reports whether the link role joins a record of kind from to one of kind to.
func (t *Term) RoleAllows(from, to string) bool {
	return (len(t.From) == 0 || slices.Contains(t.From, from)) && (len(t.To) == 0 || slices.Contains(t.To, to))
}

func terms(codes ...string) []Term {
	out := make([]Term, len(codes))
	for i, c := range codes {
		out[i] = Term{Code: c}
	}
	return out
}

func roles(from, to []string, codes ...string) []Term {
	out := make([]Term, len(codes))
	for i, c := range codes {
		out[i] = Term{Code: c, From: from, To: to}
	}
	return out
}

// Marker categories.
const (
	OfficerSafety = "officer_safety"
	Medical       = "medical"
	Vulnerability = "vulnerability"
)

// DefaultVocabulary returns the shipped reference lists for England and Wales.
func DefaultVocabulary() *Vocabulary {
	person, location, vehicle, telephone, object, event :=
		[]string{"person"}, []string{"location"}, []string{"vehicle"}, []string{"telephone"}, []string{"object"}, []string{"event"}
	var linkRoles []Term
	linkRoles = append(linkRoles, roles(person, location, "resides_at", "previously_resided_at", "works_at", "frequents", "associated_with")...)
	linkRoles = append(linkRoles, roles(person, vehicle, "keeper_of", "driver_of")...)
	linkRoles = append(linkRoles, Term{Code: "owner_of", From: person, To: []string{"vehicle", "object"}})
	linkRoles = append(linkRoles, Term{Code: "user_of", From: person, To: []string{"vehicle", "telephone"}})
	linkRoles = append(linkRoles, roles(person, telephone, "subscriber_of")...)
	linkRoles = append(linkRoles, roles(person, object, "possesses", "certificate_holder_of")...)
	linkRoles = append(linkRoles, roles(person, person, "associate_of", "family_of", "parent_of", "sibling_of", "partner_of", "ex_partner_of", "co_offender_with")...)
	linkRoles = append(linkRoles, roles(person, event, "victim_in", "suspect_in", "offender_in", "witness_in", "reporter_of", "missing_in", "detained_in", "subject_of")...)
	linkRoles = append(linkRoles, roles(event, location, "occurred_at")...)
	linkRoles = append(linkRoles, roles(event, []string{"person", "vehicle", "object", "telephone"}, "involves")...)
	linkRoles = append(linkRoles, roles(event, event, "report_of")...)
	linkRoles = append(linkRoles, roles(object, location, "stored_at", "found_at")...)
	linkRoles = append(linkRoles, roles(vehicle, location, "seen_at", "registered_at")...)
	return &Vocabulary{
		EventTypes: terms("incident", "crime", "intelligence", "investigation", "stop_search", "custody", "missing_person", "contact"),
		Categories: terms("anti_social_behaviour", "concern_for_safety", "suspicious_circumstances", "domestic_abuse",
			"road_traffic_collision", "assault", "assault_with_injury", "alarm_activation", "burglary", "burglary_dwelling",
			"theft", "theft_from_vehicle", "theft_of_vehicle", "shoplifting", "robbery", "criminal_damage", "highway_disruption",
			"sudden_death", "public_order", "drugs_possession", "possession_of_weapons", "fraud", "missing_person",
			"sexual_offence", "harassment", "other"),
		ObjectTypes:     terms("firearm", "weapon", "drugs", "cash", "document", "phone_handset", "bicycle", "laptop", "jewellery", "other"),
		IdentifierTypes: terms("pnc_id", "cro_number", "ni_number", "passport", "driving_licence", "other"),
		MarkerCodes: []Term{
			{Code: "FI", Description: "firearms", Category: OfficerSafety},
			{Code: "WE", Description: "weapons", Category: OfficerSafety},
			{Code: "VI", Description: "violent", Category: OfficerSafety},
			{Code: "SU", Description: "suicidal", Category: Vulnerability},
			{Code: "SH", Description: "self harm", Category: Vulnerability},
			{Code: "DR", Description: "drugs", Category: OfficerSafety},
			{Code: "ES", Description: "escaper", Category: OfficerSafety},
			{Code: "EX", Description: "explosives", Category: OfficerSafety},
			{Code: "AT", Description: "ailment", Category: Medical},
			{Code: "CO", Description: "contagious", Category: Medical},
			{Code: "MH", Description: "mental health", Category: Vulnerability},
		},
		LinkRoles: linkRoles,
	}
}

// LocationRoles are the person-to-location roles that associate a person with a place.
var LocationRoles = []string{"resides_at", "previously_resided_at", "works_at", "frequents", "associated_with"}
