package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/peel-rms/peel"
	"github.com/peel-rms/peel/auth"
	"github.com/peel-rms/peel/pole"
	"github.com/peel-rms/peel/ukref"
)

// routes lists every route Peel serves: the JSON API (each operation also described in the
// OpenAPI document) and the web UI.
func (s *Server) routes(mux *http.ServeMux) {
	s.apiRoutes(mux)
	s.uiRoutes(mux)
}

// apiRoutes are the JSON API. Each op feeds both the mux and the OpenAPI document.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	for _, o := range s.allOperations() {
		if o.Raw != nil {
			mux.HandleFunc(o.Method+" "+o.Path, o.Raw)
			continue
		}
		mux.HandleFunc(o.Method+" "+o.Path, s.api(o.Access, o.Handler))
	}
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, pole.Errorf(pole.ENotFound, "no API endpoint %s %s", r.Method, r.URL.Path))
	})
}

// allOperations is every API operation, across the modules that add their own.
func (s *Server) allOperations() []op {
	return slices.Concat(s.operations(), s.queryOperations(), s.callOperations(), s.hazardOperations(), s.incidentOperations(), s.duplicateOperations())
}

// operations describes the foundation's API operations.
func (s *Server) operations() []op {
	var ops []op
	// Each kind's collection is its own path, so the document gives each its exact schema.
	for _, k := range pole.Kinds {
		col := "/api/v1/" + k.Plural()
		name := strings.ToUpper(string(k[:1])) + string(k[1:])
		rec, in := schemaRef(name+"Record"), schemaRef(name+"Input")
		ops = append(ops,
			op{Method: "POST", Path: col, Handler: s.createRecord, Access: writes, Tag: "records", Summary: "Create a " + string(k),
				In: in, Out: rec, Status: 201, Params: []param{{"confirm_new", "query", "boolean", "create a person despite strong matches"}, {"reason", "query", "string", "why the person is new (with confirm_new)"}}},
			op{Method: "GET", Path: col, Handler: s.listRecords, Access: reads, Tag: "records", Summary: "List " + k.Plural(), Out: listOf(rec),
				Params: []param{cursorParam, limitParam, {"type", "query", "string", "event or object type"}, {"category", "query", "string", "incident category"}, {"status", "query", "string", "open or closed"}}},
			op{Method: "GET", Path: col + "/{id}", Handler: s.getRecord, Access: reads, Tag: "records", Summary: "Read a " + string(k), Out: rec,
				Params: []param{pathID, {"version", "query", "integer", "a past version"}, {"as_at", "query", "string", "the version current at this time"}}},
			op{Method: "PATCH", Path: col + "/{id}", Handler: s.patchRecord, Access: writes, Tag: "records", Summary: "Change a " + string(k) + " with a JSON merge patch (RFC 7396); If-Match: VERSION",
				In: schemaRef("MergePatch"), Out: rec, Params: []param{pathID, ifMatchParam}},
			op{Method: "DELETE", Path: col + "/{id}", Handler: s.deleteRecord, Access: writes, Tag: "records", Summary: "Mark a " + string(k) + " deleted (kept in history)", Status: 204, Params: []param{pathID, ifMatchParam}},
		)
	}
	return append(ops, []op{
		{Method: "GET", Path: "/api/v1/records/{id}", Handler: s.getAnyRecord, Access: reads, Tag: "records", Summary: "Read any record with its links", Out: schemaRef("RecordWithLinks"),
			Params: []param{pathID, {"as_of", "query", "string", "only links valid at this time"}, {"version", "query", "integer", "a past version"}}},
		{Method: "GET", Path: "/api/v1/records/{id}/history", Handler: s.history, Access: reads, Tag: "records", Summary: "Every version of a record, oldest first", Out: typeSchema[historyAnswer](), Params: []param{pathID}},
		{Method: "GET", Path: "/api/v1/records/{id}/audit", Handler: s.recordAudit, Access: reads, Tag: "audit", Summary: "Who viewed or changed a record, when and why", Out: typeSchema[auditAnswer](), Params: []param{pathID, {"before", "query", "integer", "entries before this sequence number"}}},
		{Method: "POST", Path: "/api/v1/links", Handler: s.createLink, Access: writes, Tag: "links", Summary: "Link two records with a role and validity", In: typeSchema[pole.LinkInput](), Out: typeSchema[pole.Link](), Status: 201},
		{Method: "GET", Path: "/api/v1/links/{id}", Handler: s.getLink, Access: reads, Tag: "links", Summary: "Read a link", Out: typeSchema[pole.Link](), Params: []param{pathID}},
		{Method: "PATCH", Path: "/api/v1/links/{id}", Handler: s.patchLink, Access: writes, Tag: "links", Summary: "Change a link's role, validity or evidence (merge patch)", In: schemaRef("MergePatch"), Out: typeSchema[pole.Link](), Params: []param{pathID, ifMatchParam}},
		{Method: "DELETE", Path: "/api/v1/links/{id}", Handler: s.deleteLink, Access: writes, Tag: "links", Summary: "Mark a link deleted", Status: 204, Params: []param{pathID, ifMatchParam}},
		{Method: "GET", Path: "/api/v1/lookup", Handler: s.lookup, Access: reads, Tag: "records", Summary: "Find the record a source's ref names", Out: typeSchema[lookupAnswer](),
			Params: []param{{"source", "query", "string", "the source"}, {"ref", "query", "string", "the sender's ref"}}},
		{Method: "GET", Path: "/api/v1/search", Handler: s.search, Access: reads, Tag: "search", Summary: "One search across names, VRMs, numbers, postcodes, addresses and references", Out: typeSchema[searchAnswer](),
			Params: []param{{"q", "query", "string", "what to find"}, {"kind", "query", "string", "only this kind"}, limitParam}},
		{Method: "POST", Path: "/api/v1/import", Handler: s.importNDJSON, Access: writes, Tag: "interchange", Summary: "Import interchange NDJSON, all or nothing", In: ndjsonBody, Out: typeSchema[peel.ImportSummary](),
			Params: []param{{"source", "query", "string", "the source the refs belong to (default import)"}}},
		{Method: "GET", Path: "/api/v1/export", Handler: s.exportNDJSON, Access: reads, Tag: "interchange", Summary: "Export every record the caller may see as interchange NDJSON", Out: ndjsonBody},
		{Method: "GET", Path: "/api/v1/me", Handler: s.me, Access: noPurpose, Tag: "users", Summary: "Who the caller is", Out: typeSchema[meAnswer]()},
		{Method: "GET", Path: "/api/v1/users", Handler: s.listUsers, Access: noPurpose, Tag: "users", Summary: "List users", Out: listOf(typeSchema[auth.User]())},
		{Method: "POST", Path: "/api/v1/users", Handler: s.createUser, Access: noPurpose, Tag: "users", Summary: "Add a user", In: typeSchema[newUser](), Out: typeSchema[newUserAnswer](), Status: 201},
		{Method: "PATCH", Path: "/api/v1/users/{username}", Handler: s.patchUser, Access: noPurpose, Tag: "users", Summary: "Change a user's roles, disabled state or password", In: typeSchema[userPatch](), Out: typeSchema[auth.User](),
			Params: []param{{"username", "path", "string", "the username"}}},
		{Method: "GET", Path: "/api/v1/tokens", Handler: s.listTokens, Access: noPurpose, Tag: "users", Summary: "List a user's API tokens", Out: listOf(typeSchema[auth.Token]()), Params: []param{{"username", "query", "string", "whose tokens (default: the caller)"}}},
		{Method: "POST", Path: "/api/v1/tokens", Handler: s.createToken, Access: noPurpose, Tag: "users", Summary: "Create an API token (shown once)", In: typeSchema[newToken](), Out: typeSchema[tokenAnswer](), Status: 201},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Handler: s.deleteToken, Access: noPurpose, Tag: "users", Summary: "Revoke an API token", Status: 204, Params: []param{pathID}},
		{Method: "GET", Path: "/api/v1/roles", Handler: s.listRoles, Access: noPurpose, Tag: "users", Summary: "Roles and their permissions", Out: listOf(typeSchema[auth.Role]())},
		{Method: "PUT", Path: "/api/v1/roles/{name}", Handler: s.putRole, Access: noPurpose, Tag: "users", Summary: "Create or change a role", In: typeSchema[auth.Role](), Out: typeSchema[auth.Role](), Params: []param{{"name", "path", "string", "the role"}}},
		{Method: "GET", Path: "/api/v1/vocabularies", Handler: s.getVocabularies, Access: noPurpose, Tag: "reference", Summary: "The force's reference vocabularies", Out: typeSchema[ukref.Vocabulary]()},
		{Method: "PUT", Path: "/api/v1/vocabularies/{name}", Handler: s.putVocabulary, Access: noPurpose, Tag: "reference", Summary: "Replace one vocabulary", In: typeSchema[[]ukref.Term](), Out: typeSchema[vocabAnswer](), Params: []param{{"name", "path", "string", "event_types, categories, object_types, identifier_types, marker_codes or link_roles"}}},
		{Method: "GET", Path: "/api/v1/settings", Handler: s.getSettings, Access: noPurpose, Tag: "reference", Summary: "The force's settings", Out: typeSchema[settingsDoc]()},
		{Method: "PUT", Path: "/api/v1/settings", Handler: s.putSettings, Access: noPurpose, Tag: "reference", Summary: "Change the force's settings", In: typeSchema[settingsDoc](), Out: typeSchema[settingsDoc]()},
		{Method: "GET", Path: "/api/v1/audit", Handler: s.listAudit, Access: noPurpose, Tag: "audit", Summary: "The audit log, newest first", Out: typeSchema[auditAnswer](),
			Params: []param{{"record", "query", "string", "entries about this record"}, {"user", "query", "string", "entries by this user"}, {"action", "query", "string", "entries of this action"}, {"before", "query", "integer", "entries before this sequence number"}, limitParam}},
		{Method: "POST", Path: "/api/v1/audit/verify", Handler: s.verifyAudit, Access: noPurpose, Tag: "audit", Summary: "Check the audit log's hash chain", Out: typeSchema[verifyAnswer]()},
	}...)
}

type historyAnswer struct {
	Versions []peel.Version `json:"versions"`
}

type lookupAnswer struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

type meAnswer struct {
	Username    string            `json:"username"`
	Roles       []string          `json:"roles"`
	Permissions []auth.Permission `json:"permissions"`
}

type newUserAnswer struct {
	User     *auth.User `json:"user"`
	Password string     `json:"password,omitempty"`
}

type tokenAnswer struct {
	Token    string `json:"token"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

type vocabAnswer struct {
	Name  string       `json:"name"`
	Terms []ukref.Term `json:"terms"`
}

type verifyAnswer struct {
	OK      bool   `json:"ok"`
	Entries int64  `json:"entries"`
	Error   string `json:"error,omitempty"`
}
