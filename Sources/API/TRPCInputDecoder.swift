#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Decodes the inputs of one request's calls from its raw JSON (the `input` query parameter or
/// the POST body) in a single pass of `JSONDecoder`, so a batch's values are never re-encoded.
///
/// Failures per call, like tRPC: text that is not JSON is PARSE_ERROR for every call; a value
/// of the wrong shape is BAD_REQUEST naming the field (`input.title: expected string`).
enum TRPCInputDecoder {
    typealias Outcome = Result<any Sendable, TRPCError>

    struct Call: Sendable {
        var index: Int
        var procedure: TRPCProcedure
    }

    /// `raw` nil means the request had no input at all (tRPC's `undefined`): each procedure
    /// decodes JSON `null`, which `Optional` inputs accept and object inputs refuse with
    /// `input: required`.
    static func decode(raw: [UInt8]?, isBatch: Bool, calls: [Call]) -> [Int: Outcome] {
        guard !calls.isEmpty else { return [:] }
        guard let raw else {
            var outcomes: [Int: Outcome] = [:]
            for call in calls { outcomes[call.index] = decodeAbsent(call.procedure) }
            return outcomes
        }
        // JSON text is UTF-8 (RFC 8259 §8.1); JSONDecoder would only notice inside strings it
        // reads, and call that a bad value rather than bad JSON.
        guard String(validating: raw, as: UTF8.self) != nil else {
            var outcomes: [Int: Outcome] = [:]
            for call in calls { outcomes[call.index] = .failure(.parseError()) }
            return outcomes
        }
        // One call with a flat object (most calls): no JSONDecoder, unless the fast path declines.
        if !isBatch, calls.count == 1, let call = calls.first, let members = FlatJSONInput.parse(raw),
           let value = try? call.procedure.decodeInput(FlatJSONInput.decoder(for: members)) {
            return [call.index: .success(value)]
        }
        let plan = Plan(isBatch: isBatch, calls: calls)
        do {
            let slots = try makeDecoder(plan: plan).decode(Slots.self, from: Data(raw))
            var outcomes = slots.outcomes
            // Batch members without a key in the input object have no input.
            for call in calls where outcomes[call.index] == nil {
                outcomes[call.index] = decodeAbsent(call.procedure)
            }
            return outcomes
        } catch {
            // `Slots` never throws, so this is the JSON text itself (syntax, bad UTF-8, depth).
            var outcomes: [Int: Outcome] = [:]
            for call in calls { outcomes[call.index] = .failure(.parseError()) }
            return outcomes
        }
    }

    private static func decodeAbsent(_ procedure: TRPCProcedure) -> Outcome {
        let plan = Plan(isBatch: false, calls: [Call(index: 0, procedure: procedure)], inputAbsent: true)
        do {
            let slots = try makeDecoder(plan: plan).decode(Slots.self, from: Data("null".utf8))
            return slots.outcomes[0] ?? .failure(.badRequest("input: required"))
        } catch {
            return .failure(.badRequest("input: required"))
        }
    }

    private static func makeDecoder(plan: Plan) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let key = Plan.userInfoKey { decoder.userInfo[key] = plan }
        return decoder
    }

    /// What `Slots` decodes, handed over in `userInfo` because `init(from:)` takes nothing else.
    struct Plan: Sendable {
        static let userInfoKey = CodingUserInfoKey(rawValue: "chobi.trpc.inputPlan")
        var isBatch: Bool
        var calls: [Call]
        var inputAbsent = false
    }

    /// The root of the input document: one call's value, or a batch object `{"0": …, "1": …}`.
    /// Catches every failure per call, so one bad member never fails its neighbours.
    struct Slots: Decodable {
        var outcomes: [Int: Outcome] = [:]

        init(from decoder: any Decoder) {
            guard let key = Plan.userInfoKey, let plan = decoder.userInfo[key] as? Plan else { return }
            guard plan.isBatch else {
                if let call = plan.calls.first {
                    outcomes[call.index] = Self.attempt(call.procedure, decoder, dropping: 0, absent: plan.inputAbsent)
                }
                return
            }
            let container: KeyedDecodingContainer<IndexKey>
            do {
                container = try decoder.container(keyedBy: IndexKey.self)
            } catch {
                for call in plan.calls {
                    outcomes[call.index] = .failure(.badRequest(#""input" needs to be an object when doing a batch call"#))
                }
                return
            }
            for call in plan.calls {
                let key = IndexKey(index: call.index)
                guard container.contains(key) else { continue }
                do {
                    let member = try container.superDecoder(forKey: key)
                    outcomes[call.index] = Self.attempt(call.procedure, member, dropping: 1, absent: false)
                } catch {
                    outcomes[call.index] = .failure(InputFailureMessage.error(for: error, droppingFirst: 1, inputAbsent: false))
                }
            }
        }

        private static func attempt(_ procedure: TRPCProcedure, _ decoder: any Decoder, dropping: Int, absent: Bool) -> Outcome {
            do {
                return .success(try procedure.decodeInput(decoder))
            } catch {
                return .failure(InputFailureMessage.error(for: error, droppingFirst: dropping, inputAbsent: absent))
            }
        }
    }

    /// The keys of a batch input object: the call's position as a decimal string.
    struct IndexKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(index: Int) {
            stringValue = String(index)
            intValue = index
        }

        init?(stringValue: String) {
            self.stringValue = stringValue
            intValue = Int(stringValue)
        }

        init?(intValue: Int) { self.init(index: intValue) }
    }
}
