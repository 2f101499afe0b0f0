#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON of one call's answer: `{"result":{"data":…}}` or
/// `{"error":{"code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":"…"},"message":"…"}}`.
/// Keys are sorted, so the same answer is always the same bytes.
enum TRPCEnvelope {
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// Throws when the output cannot be encoded (a NaN, say); the caller answers with an
    /// internal error instead.
    static func success(_ data: any Encodable, encoder: JSONEncoder) throws -> [UInt8] {
        if let fast = data as? any JSONBytesEncodable {
            var out = JSONBytes()
            out.raw(#"{"result":{"data":"#)
            fast.writeJSON(to: &out)
            out.raw("}}")
            return out.bytes
        }
        return Array(try encoder.encode(Success(result: .init(data: data))))
    }

    /// `path` is nil for request-level errors (rate limit, size limit), as tRPC does.
    static func error(_ error: TRPCError, path: String?, encoder: JSONEncoder) -> [UInt8] {
        let shape = Failure(error: .init(
            code: error.code.jsonRPCCode, message: error.message,
            data: .init(code: error.code.rawValue, httpStatus: error.code.httpStatus, path: path)))
        // Strings and integers always encode; the fallback only keeps this total.
        return (try? Array(encoder.encode(shape))) ?? Array(#"{"error":{"code":-32603,"data":{"code":"INTERNAL_SERVER_ERROR","httpStatus":500},"message":"Internal server error"}}"#.utf8)
    }

    private struct Success: Encodable {
        struct Result: Encodable {
            let data: any Encodable

            enum CodingKeys: String, CodingKey { case data }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(data, forKey: .data)
            }
        }
        let result: Result
    }

    private struct Failure: Encodable {
        struct Shape: Encodable {
            let code: Int
            let message: String
            let data: ErrorData
        }
        struct ErrorData: Encodable {
            let code: String
            let httpStatus: Int
            let path: String?
        }
        let error: Shape
    }
}
