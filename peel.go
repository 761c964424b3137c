// Package peel holds what every part of Peel shares: the service interface the web layer and the
// command line call, and the option and result types of its methods. Stores implement Store;
// nothing here does I/O.
package peel

import (
	"context"
	"io"
	"time"

	"github.com/peel-rms/peel/audit"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/graph"
	"github.com/peel-rms/peel/hazard"
	"github.com/peel-rms/peel/incident"
	"github.com/peel-rms/peel/match"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// LinkView is a link seen from one of its records.
type LinkView struct {
	ID        string       `json:"id"`
	Role      string       `json:"role"`
	Direction string       `json:"direction"` // "out" when the record is the link's from end
	Other     OtherRecord  `json:"other"`
	ValidFrom *pole.Moment `json:"valid_from"`
	ValidTo   *pole.Moment `json:"valid_to"`
	Evidence  string       `json:"evidence,omitempty"`
}

// OtherRecord is the far end of a link, in brief.
type OtherRecord struct {
	ID    string     `json:"id"`
	Kind  pole.Kind  `json:"kind"`
	Refs  []pole.Ref `json:"refs"`
	Label string     `json:"label"`
}

// Change describes a committed write, for in-process listeners (alerts, caches).
type Change struct {
	Kind       string // "record", "link", "call", "incident"
	ID         string
	RecordKind pole.Kind
}

// SearchResult is one record found by a search.
type SearchResult struct {
	ID    string     `json:"id"`
	Kind  pole.Kind  `json:"kind"`
	Label string     `json:"label"`
	Score float64    `json:"score"`
	Refs  []pole.Ref `json:"refs"`
}

// ImportSummary is what an import did, as the contract words it.
type ImportSummary struct {
	Created   map[string]int `json:"created"`
	Updated   map[string]int `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Links     int            `json:"links"`
	Calls     int            `json:"calls"`
}

// ImportOptions qualify an import.
type ImportOptions struct {
	// TempDir holds the spooled body (default: the system temp dir).
	TempDir string
}

// GetOptions choose what to read.
type GetOptions struct {
	Version int        // a past version (0 = current)
	AsAt    *time.Time // the version current at this transaction time
	// NoAudit skips the consultation entry, for internal reads that are audited another way.
	NoAudit bool
}

// Version is one entry of a record's history.
type Version struct {
	Version int          `json:"version"`
	At      time.Time    `json:"at"`
	By      string       `json:"by"`
	Record  *pole.Record `json:"record"`
}

// CreateOptions qualify a create.
type CreateOptions struct {
	// ConfirmNew creates a person even when it strongly matches an existing one; Reason says why.
	ConfirmNew bool
	Reason     string
}

// ListFilter narrows a list of records of one kind.
type ListFilter struct {
	Cursor string
	Limit  int
	// Field filters on the kind's searchable fields, for example type=firearm or postcode=LS1 1AA.
	Type     string
	Category string
	Status   string
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Record string
	User   string
	Action string
	Before int64 // entries with seq below this (paging backwards); 0 = from the newest
	Limit  int
}

// Store is Peel's record store as the web layer and the command line use it. Every method that
// takes a principal authorises the call through it and audits what it does.
type Store interface {
	// Records.
	Create(ctx context.Context, p *auth.Principal, in *pole.Input, opts CreateOptions) (rec *pole.Record, created bool, err error)
	Get(ctx context.Context, p *auth.Principal, id string, opts GetOptions) (*pole.Record, error)
	Update(ctx context.Context, p *auth.Principal, id string, ifMatch int, patch []byte) (*pole.Record, error)
	Delete(ctx context.Context, p *auth.Principal, id string, ifMatch int) error
	List(ctx context.Context, p *auth.Principal, kind pole.Kind, f ListFilter) ([]*pole.Record, string, error)
	History(ctx context.Context, p *auth.Principal, id string) ([]Version, error)
	Lookup(ctx context.Context, p *auth.Principal, source, ref string) (*pole.Record, error)
	Search(ctx context.Context, p *auth.Principal, text string, kind pole.Kind, limit int) ([]SearchResult, error)

	// Links.
	CreateLink(ctx context.Context, p *auth.Principal, in *pole.LinkInput) (*pole.Link, bool, error)
	GetLink(ctx context.Context, p *auth.Principal, id string) (*pole.Link, error)
	UpdateLink(ctx context.Context, p *auth.Principal, id string, ifMatch int, patch []byte) (*pole.Link, error)
	DeleteLink(ctx context.Context, p *auth.Principal, id string, ifMatch int) error
	LinksOf(ctx context.Context, p *auth.Principal, id string, asOf *time.Time) ([]LinkView, error)

	// Interchange.
	Import(ctx context.Context, p *auth.Principal, source string, r io.Reader, opts ImportOptions) (*ImportSummary, error)
	Export(ctx context.Context, p *auth.Principal, out io.Writer) error

	// Audit.
	Consult(ctx context.Context, p *auth.Principal, action string, records []string, detail string) error
	Audit(ctx context.Context, p *auth.Principal, f AuditFilter) ([]audit.Entry, error)
	VerifyAudit(ctx context.Context) (int64, error)

	// Users, sessions, tokens, roles.
	UserCount(ctx context.Context) (int, error)
	User(ctx context.Context, username string) (*auth.User, error)
	Users(ctx context.Context, p *auth.Principal) ([]*auth.User, error)
	CreateUser(ctx context.Context, p *auth.Principal, username string, roles []string, password string, mustChange bool) (*auth.User, error)
	UpdateUser(ctx context.Context, p *auth.Principal, username string, roles []string, disabled *bool) error
	SetPassword(ctx context.Context, p *auth.Principal, username, password string) error
	SignIn(ctx context.Context, username, password, from string) (*auth.User, error)
	CreateSession(ctx context.Context, u *auth.User) (string, error)
	SessionPrincipal(ctx context.Context, secret string) (*auth.Principal, *auth.User, error)
	EndSession(ctx context.Context, secret string) error
	CreateToken(ctx context.Context, p *auth.Principal, username, name string) (string, error)
	TokenPrincipal(ctx context.Context, secret string) (*auth.Principal, error)
	Tokens(ctx context.Context, p *auth.Principal, username string) ([]auth.Token, error)
	RevokeToken(ctx context.Context, p *auth.Principal, id string) error
	Roles(ctx context.Context) ([]auth.Role, error)
	PutRole(ctx context.Context, p *auth.Principal, r auth.Role) error

	// Reference data and settings.
	Vocabulary(ctx context.Context) (*ukref.Vocabulary, error)
	PutVocabulary(ctx context.Context, p *auth.Principal, name string, terms []ukref.Term) error
	Setting(ctx context.Context, name, def string) (string, error)
	PutSetting(ctx context.Context, p *auth.Principal, name, value string) error

	// Link analysis.
	Contacts(ctx context.Context, p *auth.Principal, telID string, q Query) ([]Contact, error)
	LocationEvents(ctx context.Context, p *auth.Principal, personID string, q Query) ([]LocationEvent, error)
	VehicleEvents(ctx context.Context, p *auth.Principal, vehicleID string, q Query) ([]*pole.Record, error)
	TopContacts(ctx context.Context, p *auth.Principal, telID string, q Query, limit int) ([]Contact, error)
	CommonContacts(ctx context.Context, p *auth.Principal, telIDs []string, q Query, minShared int) ([]CommonContact, error)
	CallChains(ctx context.Context, p *auth.Principal, telID string, q Query, depth int, gap time.Duration, limit int) ([]CallChain, error)
	ImportCallsCSV(ctx context.Context, p *auth.Principal, r io.Reader, opts ImportOptions) (*ImportSummary, error)
	Hazards(ctx context.Context, p *auth.Principal, locationID string, asOf time.Time) ([]hazard.Hazard, error)
	HazardsAt(ctx context.Context, p *auth.Principal, lat, lon float64, asOf time.Time) ([]hazard.Hazard, []string, error)
	Traverse(ctx context.Context, p *auth.Principal, start string, steps []graph.Step, opts graph.Options) (*graph.Node, *graph.Result, error)
	Paths(ctx context.Context, p *auth.Principal, from, to string, opts graph.PathOptions) ([]graph.Path, map[string]graph.Node, []string, error)

	// Duplicates.
	MatchPerson(ctx context.Context, p *auth.Principal, person *pole.Person) ([]MatchCandidate, error)
	Dedupe(ctx context.Context, p *auth.Principal) (*DedupeSummary, error)
	Duplicates(ctx context.Context, p *auth.Principal, cursor string, limit int) ([]DuplicateGroup, string, error)
	GroupDetail(ctx context.Context, p *auth.Principal, groupID string) (*GroupDetail, error)
	DecideGroup(ctx context.Context, p *auth.Principal, groupID, decision, note string) error
	Merge(ctx context.Context, p *auth.Principal, survivor string, members []string, reason string) (*Merge, error)
	Unmerge(ctx context.Context, p *auth.Principal, mergeID string) error
	MergesOf(ctx context.Context, p *auth.Principal, survivor string) ([]Merge, error)

	// Incidents.
	Intake(ctx context.Context, p *auth.Principal, in *IntakeReport) (*IntakeResult, error)
	Incident(ctx context.Context, p *auth.Principal, id string) (*Incident, error)
	OpenIncidents(ctx context.Context, p *auth.Principal, limit int) ([]OpenIncident, error)
	SplitIncident(ctx context.Context, p *auth.Principal, incidentID, reportID string) (*Incident, error)
	JoinIncidents(ctx context.Context, p *auth.Principal, incidentID, otherID string) (*Incident, error)
	IncidentRules(ctx context.Context) (incident.Rules, error)
	PutIncidentRules(ctx context.Context, p *auth.Principal, r incident.Rules) error

	// Warning markers.
	MarkersDue(ctx context.Context, p *auth.Principal, before time.Time, limit int) ([]MarkerDue, error)

	// Alerts.
	AlertsAfter(ctx context.Context, seq int64, limit int) ([]Alert, error)
	LastAlert(ctx context.Context) (int64, error)
	AlertSignal() <-chan struct{}

	Now() time.Time
	Close() error
}

// Brief is a record named in brief inside another answer.
type Brief struct {
	ID   string     `json:"id"`
	Kind pole.Kind  `json:"kind,omitempty"`
	Refs []pole.Ref `json:"refs"`
	// Label is a short description; Name and Number repeat it for people and telephones.
	Label  string `json:"label,omitempty"`
	Name   string `json:"name,omitempty"`
	Number string `json:"number,omitempty"`
}

// Contact is a number telephone T called or texted in a window, with who is linked to it.
type Contact struct {
	Telephone Brief     `json:"telephone"`
	Calls     int       `json:"calls"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Persons   []Brief   `json:"persons"`
}

// LocationEvent is an event at a place a person was associated with when it occurred.
type LocationEvent struct {
	Event    *pole.Record
	Location Brief
	Via      string
}

// Query is a time-windowed question: what happened in [AsOf - Within, AsOf], of which types.
type Query struct {
	AsOf   time.Time
	Within pole.Period
	Types  []string
}

// Window is the query's closed interval of valid time.
func (q Query) Window() pole.Window { return pole.WindowOf(q.Within, q.AsOf) }

// CommonContact is a number in contact with several of the telephones asked about.
type CommonContact struct {
	Telephone Brief          `json:"telephone"`
	With      map[string]int `json:"with"` // telephone id asked about -> calls either way
	Calls     int            `json:"calls"`
	First     time.Time      `json:"first"`
	Last      time.Time      `json:"last"`
}

// CallChain is a sequence of calls, each made by the number the previous one reached.
type CallChain struct {
	Calls []pole.Call `json:"calls"`
}

// MarkerDue is a warning marker due for review, with the person or location that carries it.
type MarkerDue struct {
	Record *pole.Record
	Index  int // the marker's position in the record's markers
	Marker pole.Marker
}

// Alert tells dispatchers and responding officers about hazards at an incident's location: when
// an incident is raised where hazards are known, or a hazard is added where an incident is open.
type Alert struct {
	Seq      int64         `json:"-"`
	Incident AlertIncident `json:"incident"`
	Hazards  []AlertHazard `json:"hazards"`
	At       time.Time     `json:"at"`
	// Reason is "raised" (a new incident at a place with hazards) or "hazard_added".
	Reason string `json:"reason"`
}

// AlertIncident is the incident an alert is about.
type AlertIncident struct {
	ID       string        `json:"id"`
	Category string        `json:"category"`
	Location AlertLocation `json:"location"`
}

// AlertLocation is where the incident is.
type AlertLocation struct {
	ID   string     `json:"id,omitempty"`
	Lat  *float64   `json:"lat"`
	Lon  *float64   `json:"lon"`
	Refs []pole.Ref `json:"refs"`
}

// AlertHazard is a hazard in an alert, with the access of the record it names so each subscriber
// receives only what it may see. Access is never sent.
type AlertHazard struct {
	hazard.Hazard
	New    bool         `json:"new,omitempty"`
	Access *pole.Access `json:"access,omitempty"`
}

// IntakeLocation is where a reported incident is: a location record, a point, or an address.
type IntakeLocation struct {
	ID      string
	Lat     *float64
	Lon     *float64
	Address *pole.Location
	// Accuracy of the point in metres (for example the radius AML gives a mobile call); 0 unknown.
	Accuracy float64
}

// IntakeReport is one report of an incident from command and control or the public.
type IntakeReport struct {
	Category   string
	OccurredAt *pole.Moment
	ReportedAt *pole.Moment
	Location   IntakeLocation
	Summary    string
	// Reporter is a person to record (never blocks intake), or ReporterID names one.
	Reporter   *pole.Input
	ReporterID string
}

// IntakeResult is the report as stored, and what matching decided.
type IntakeResult struct {
	Record      *pole.Record
	DuplicateOf *string         // the master incident's id, nil when this report is a new incident
	ReportCount int             // the master's count of reports, this one included
	Hazards     []hazard.Hazard // the master's location's hazards, as the caller may see them
	Reasons     []string        // why matching joined it to the master
}

// Incident is an open or closed incident with all its reports.
type Incident struct {
	Record      *pole.Record
	Reports     []*pole.Record // every report, the master first
	ReportCount int
	Open        bool
	Location    *Brief
}

// OpenIncident is an incident on the dispatch board.
type OpenIncident struct {
	Incident Incident
	Hazards  []hazard.Hazard
}

// MatchCandidate is an existing person who may be the person given, with why.
type MatchCandidate struct {
	ID          string         `json:"id"`
	Score       float64        `json:"score"`
	Probability float64        `json:"probability"`
	Reasons     []match.Reason `json:"reasons"`
	Label       string         `json:"label,omitempty"`
	Refs        []pole.Ref     `json:"refs"`
}

// DuplicateGroup is a group of people proposed as one person, awaiting review.
type DuplicateGroup struct {
	ID      string  `json:"id"`
	Members []Brief `json:"members"`
	Score   float64 `json:"score"`
	Status  string  `json:"status"`
}

// DedupeSummary is what a dedupe run did.
type DedupeSummary struct {
	People         int     `json:"people"`
	CandidatePairs int     `json:"candidate_pairs"`
	Groups         int     `json:"groups"`
	GroupedPeople  int     `json:"grouped_people"`
	Seconds        float64 `json:"seconds"`
}

// Merge is people merged into a survivor.
type Merge struct {
	ID       string    `json:"id"`
	Survivor string    `json:"survivor"`
	Members  []string  `json:"members"`
	Reason   string    `json:"reason"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
	Undone   bool      `json:"undone"`
}

// GroupDetail is a duplicate group for a reviewer: the members in full and how each compares with
// the first.
type GroupDetail struct {
	ID          string           `json:"id"`
	Status      string           `json:"status"`
	Score       float64          `json:"score"`
	Note        string           `json:"note,omitempty"`
	Members     []*pole.Record   `json:"members"`
	Comparisons []MatchCandidate `json:"comparisons"`
}
