// API: the control API's HTTP layer, in tRPC's wire format.
//
// What it does: a registry of named procedures (queries and mutations with a Decodable input
// and an Encodable output) mounted under `/api/trpc/` exactly as tRPC's HTTP link speaks it
// (GET `?input=`, POST body, `?batch=1`, the result and error envelopes, tRPC's error codes);
// user tokens (HS256 JWTs, `kind: "user"`) and bcrypt password hashing off the event loop;
// safety around every call: per-IP and per-user token-bucket rate limits, a request size limit,
// and a CORS allow-list. docs/api.md describes the wire format for clients.
//
// What it does not: no storage and no product logic. Procedures (users.*, streaming.*) are
// registered by the server from outside; this module never sees a database, a room or a
// media session, and never reads a clock it was not given.
