// Package incident recognises that a new report describes an incident that is already open
// ("reported N times": one road traffic collision rung in by six drivers), for command and
// control intake.
//
// It is pure domain logic: no I/O, no database, no HTTP. The application keeps open incidents
// (one master [Report] each) in its database and in an [Index], calls [Rules.MatchIndex] (or
// [Rules.Match] with its own candidate list) for each new report, and either links the report
// to the chosen master and stores [Merge] of the two back in the index, or adds the report to
// the index as a new incident. When an incident closes it calls [Index.Remove]. [Replay] does
// exactly this over a list of reports, and is the reference for the app's loop.
//
// Matching is rule based so that a supervisor can read, explain and change it: [Rules] says
// per category how far apart in space and time two reports of one incident can be, which other
// categories a caller may have picked by mistake, and whether the category is bound to one
// address or premises (neighbours are distinct victims) or one vehicle. [DefaultRules] is the
// starting set; it is plain data, checked by [Rules.Validate], and round-trips through JSON.
// Within the rules, candidates are scored and the best one is taken; [Candidate.Reasons] says
// why, for the call taker and the audit trail.
//
// Three report fields beyond the obvious ones matter, and the app should fill them when it can:
// Accuracy (how good the point is: without it precision drops by about a point; see the
// accuracy test), ReportedAt (so that a time that is only the time of the call is recognised as
// such), and Summary (registrations quoted in it link callers, even ones who give the wrong
// place).
//
// [GenerateStream] makes a synthetic but deliberately awkward stream of reports with the truth,
// and [Pairwise] scores a grouping against it, so rule changes can be measured before they go
// live.
package incident
