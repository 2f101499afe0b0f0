#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// Ids arriving in input: a malformed one is the caller's mistake (BAD_REQUEST naming the field).
enum Identifier {
    static func parse(_ text: String, field: String) throws(TRPCError) -> UUID {
        guard let id = UUID(hexText: text) else { throw InputValidation.failure(field, "must be an id") }
        return id
    }

    static func caller(_ context: TRPCCallContext) throws(TRPCError) -> UUID {
        let user = try context.requireUser()
        guard let id = UUID(hexText: user.id) else { throw .unauthorized("token names no user") }
        return id
    }
}
