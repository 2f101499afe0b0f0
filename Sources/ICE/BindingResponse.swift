// Responses to Binding requests. A success carries the source address as seen by us
// (XOR-MAPPED-ADDRESS), MESSAGE-INTEGRITY with our password and FINGERPRINT (RFC 8445 §7.3.1).
// Errors to requests that did not authenticate carry no MESSAGE-INTEGRITY (RFC 8489 §9.1.3:
// there is no key the requester has proven to share); errors after authentication do.

import STUN

/// Encodes the answers the agent sends.
enum BindingResponse {
    static func success(to request: STUNMessage, source: TransportAddress, key: STUNIntegrityKey) -> [UInt8]? {
        let response = STUNMessage(type: STUNMessageType(.successResponse, request.type.method),
                                   transactionID: request.transactionID,
                                   attributes: [.xorMappedAddress(source)])
        return try? response.encode(integrityKey: key, fingerprint: true)
    }

    static func error(to request: STUNMessage, code: STUNErrorCode, unknown: [STUNAttributeType],
                      key: STUNIntegrityKey?) -> [UInt8]? {
        var attributes: [STUNAttribute] = [.errorCode(code)]
        if !unknown.isEmpty { attributes.append(.unknownAttributes(unknown)) }
        let response = STUNMessage(type: STUNMessageType(.errorResponse, request.type.method),
                                   transactionID: request.transactionID, attributes: attributes)
        return try? response.encode(integrityKey: key, fingerprint: true)
    }
}
