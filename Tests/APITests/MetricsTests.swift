import Hummingbird
import HummingbirdTesting
import Testing
@testable import API

/// `/metrics` material: every call is counted under its procedure and answer code, latency per
/// procedure, and the labels never come from what a client sends.
struct MetricsTests {
    @Test func callsAreCountedByProcedureAndCodeWithBoundedLabels() async throws {
        let configuration = APIHarness.configuration(perAddress: RateLimit(ratePerSecond: 0.001, burst: 8),
                                                     clientAddress: .forwardedFor(.everyone))
        let api = await APIHarness.demoRouter(configuration)
        let metrics = api.metrics
        let router = Router(context: BasicRequestContext.self)
        api.mount(on: router)
        try await Application(router: router, logger: APIHarness.quietLogger).test(.router) { client async throws in
            let from: HTTPFields = APIHarness.forwarded("198.51.100.7")
            var fromJSON = from
            fromJSON[.contentType] = "application/json"
            #expect(try await APIHarness.get(client, "demo.hello", headers: from).status == .ok)
            #expect(try await APIHarness.get(client, "demo.hello", headers: from).status == .ok)
            #expect(try await APIHarness.get(client, "demo.whoami", headers: from).status == .unauthorized)
            #expect(try await APIHarness.post(client, "demo.createPost", body: #"{"title":""}"#,
                                              headers: fromJSON).status == .unauthorized)
            #expect(try await APIHarness.get(client, "no.such.procedure-evil", headers: from).status == .notFound)
            #expect(try await APIHarness.get(client, "demo.echo", input: "{not json", headers: from).status == .badRequest)
            // A batch counts each call: one OK, one unknown.
            #expect(try await client.executeRequest(uri: APIHarness.prefix + "/demo.hello,other.thing?batch=1",
                                                    method: .get, headers: from, body: nil).status.code == 207)
            // The bucket (8) is empty now: the next request is refused as a whole.
            #expect(try await APIHarness.get(client, "demo.hello", headers: from).status == .tooManyRequests)
        }
        #expect(metrics.calls(procedure: "demo.hello", code: "OK") == 3)
        #expect(metrics.calls(procedure: "demo.whoami", code: "UNAUTHORIZED") == 1)
        #expect(metrics.calls(procedure: "demo.createPost", code: "UNAUTHORIZED") == 1)
        #expect(metrics.calls(procedure: "unknown", code: "NOT_FOUND") == 2)
        #expect(metrics.calls(procedure: "demo.echo", code: "PARSE_ERROR") == 1)
        #expect(metrics.calls(procedure: "request", code: "TOO_MANY_REQUESTS") == 1)

        let text = metrics.prometheusText()
        #expect(text.contains(#"chobi_api_calls_total{procedure="demo.hello",code="OK"} 3"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_count{procedure="demo.hello"} 3"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="demo.hello",le="+Inf"} 3"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_count{procedure="unknown"} 2"#))
        #expect(!text.contains("evil") && !text.contains("other.thing") && !text.contains("no.such"))
        // Buckets are cumulative: never decreasing, ending at the count.
        let helloBuckets = text.split(separator: "\n")
            .filter { $0.hasPrefix(#"chobi_api_call_duration_seconds_bucket{procedure="demo.hello""#) }
            .compactMap { Int($0.split(separator: " ").last ?? "") }
        #expect(helloBuckets.count == TRPCMetrics.bucketBounds.count + 1)
        #expect(helloBuckets == helloBuckets.sorted() && helloBuckets.last == 3)
    }

    @Test func latencyLandsInTheBucketOfItsBound() {
        let metrics = TRPCMetrics()
        metrics.record(procedure: "p", code: "OK", seconds: 0.0004)
        metrics.record(procedure: "p", code: "OK", seconds: 0.001)
        metrics.record(procedure: "p", code: "OK", seconds: 0.003)
        metrics.record(procedure: "p", code: "OK", seconds: 60)
        let text = metrics.prometheusText()
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="0.0005"} 1"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="0.001"} 2"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="0.0025"} 2"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="0.005"} 3"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="2.5"} 3"#))
        #expect(text.contains(#"chobi_api_call_duration_seconds_bucket{procedure="p",le="+Inf"} 4"#))
        let sum = text.split(separator: "\n").first { $0.hasPrefix(#"chobi_api_call_duration_seconds_sum{procedure="p"}"#) }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(sum.map { abs($0 - 60.0044) < 1e-9 } == true)
    }
}
