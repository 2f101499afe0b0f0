import Hummingbird

/// The browser client served at `GET /` and `GET /app.js`: go live with WHIP, watch with WHEP.
/// Kept as string literals (`WebClient+Page.swift`, `WebClient+Script.swift`) so the binary
/// needs no resource bundle and the page can never go missing at run time.
enum WebClient {
    static func response(_ text: String, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
