// LiveSessions: Chobi Live's product procedures on the control API — accounts (`users.*`) and
// live sessions (`streaming.*`) — and the recorder that turns room presence into participant rows.
//
// What it does: validates input, authorizes (who is the host), talks to the store, mints room
// tokens, and asks signaling to act on live rooms (end, kick, mute, demote) so clients hear it.
// What it does not: no wire format (module API), no SQL (module Store), no media (the media plane
// behind signaling).
// Videos (`Videos/`): the `videos.*` procedures, the resumable upload endpoint and range playback
// over files on disk; what a file is comes from module MediaProbe, never from the client.
