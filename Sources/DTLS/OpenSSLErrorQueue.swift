// OpenSSL reports failures through a per-thread error queue. We clear it before each call (so
// SSL_get_error sees only our call's errors) and turn what is left into the text of a DTLSError.

import COpenSSL

enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    /// Empties the queue; returns its first entry as text, or `fallback` when it was empty.
    static func drain(or fallback: String) -> String {
        var first: String?
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == nil {
                var buffer = [CChar](repeating: 0, count: 256)
                buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
                first = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return first ?? fallback
    }
}
