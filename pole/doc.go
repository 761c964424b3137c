// Package pole is Peel's domain model: the POLE record kinds (person, object, location, event, with
// vehicles and telephones as kinds of their own), the links between them, external references,
// versions, warning markers and telephone calls, with their validation. It does no I/O.
package pole
