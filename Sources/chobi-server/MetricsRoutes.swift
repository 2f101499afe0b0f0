import API
import Hummingbird
import MediaTransport
import Signaling

/// `/metrics` in Prometheus text format (exposition format 0.0.4): the media ports, the
/// control API's calls, room membership, and the process's own CPU time and memory
/// (`process_*`, read from /proc). Media counters are read from each media loop on
/// its own thread, so scraping never touches the packet path's state directly.
enum MetricsRoutes {
    static func register(on router: Router<some RequestContext>, media: MediaTransportService, api: TRPCMetrics,
                         hub: SignalingHub) {
        router.get("/metrics") { _, _ -> Response in
            let counters = try await media.counters()
            let delays = try await media.forwardDelays()
            let rooms = await hub.totals()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            let text = render(counters) + render(delays) + api.prometheusText() + render(rooms)
                + ProcessMetrics.currentPrometheusText()
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// One metric family: HELP, TYPE, and a sample per label set ("" for none).
    private static func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, Int)]) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in samples {
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labels)} \(value)\n"
        }
        return out
    }

    static func render(_ totals: RoomTotals) -> String {
        family("chobi_rooms", "gauge", "Rooms with at least one member.", [("", totals.rooms)])
            + family("chobi_room_connections", "gauge", "Member connections (WebSocket, WHIP and WHEP) over all rooms.",
                     [("", totals.connections)])
            + family("chobi_room_users", "gauge", "Distinct users present in rooms, by role.", [
                ("role=\"host\"", totals.hosts), ("role=\"guest\"", totals.guests), ("role=\"viewer\"", totals.viewers),
            ])
    }

    static func render(_ c: DatagramCounters) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(String, Int)]) {
            out += Self.family(name, "counter", help, samples)
        }
        family("chobi_media_datagrams_received_total", "Datagrams read from the media UDP ports, by RFC 7983 class.", [
            ("class=\"stun\"", c.stun), ("class=\"dtls\"", c.dtls), ("class=\"rtp\"", c.rtp), ("class=\"rtcp\"", c.rtcp),
        ])
        family("chobi_media_datagrams_dropped_total", "Media datagrams dropped, by reason.", [
            ("reason=\"unknown_class\"", c.unknownClass),
            ("reason=\"unknown_source\"", c.unknownSource),
            ("reason=\"not_stun\"", c.notSTUN),
            ("reason=\"unknown_ufrag\"", c.unknownUfrag),
            ("reason=\"bad_stun\"", c.badSTUN),
            ("reason=\"dtls_before_ice\"", c.dtlsBeforeICE),
            ("reason=\"rtp_before_dtls\"", c.rtpBeforeDTLS),
            ("reason=\"srtp_auth_fail\"", c.srtpAuthFail),
            ("reason=\"srtp_replay\"", c.srtpReplay),
            ("reason=\"srtp_other\"", c.srtpOther),
            ("reason=\"oversized\"", c.oversized),
            ("reason=\"tcp_address_in_use\"", c.tcpShadowed),
        ])
        family("chobi_media_tcp_connections_total", "ICE-TCP connections on the media ports, by outcome.", [
            ("outcome=\"accepted\"", c.tcpAccepted), ("outcome=\"refused\"", c.tcpRefused),
            ("outcome=\"closed\"", c.tcpClosed), ("outcome=\"unbound_timeout\"", c.tcpUnbound),
            ("outcome=\"error\"", c.tcpErrors),
        ])
        family("chobi_media_tcp_frames_total", "RFC 4571 frames on ICE-TCP connections (each also counted as a datagram above), and packets dropped on a full connection.", [
            ("direction=\"received\"", c.tcpFramesReceived), ("direction=\"sent\"", c.tcpFramesSent),
            ("direction=\"dropped\"", c.tcpDropped),
        ])
        family("chobi_media_datagrams_sent_total", "Datagrams queued on the media UDP ports.", [("", c.sent)])
        family("chobi_media_egress_not_ready_total", "Packets for peers without SRTP keys or an address yet.", [("", c.egressNotReady)])
        family("chobi_media_egress_failed_total", "Packets whose rewrite or protection failed.", [("", c.egressFailed)])
        family("chobi_media_egress_paced_total", "Forwarded packets a viewer's pacer held back.", [("", c.paced)])
        family("chobi_datachannel_messages_total", "Data channel messages received over SCTP, and those refused or not sent.", [
            ("outcome=\"received\"", c.dataChannelMessages), ("outcome=\"refused\"", c.dataChannelRefused),
            ("outcome=\"send_failed\"", c.dataChannelSendFailed),
        ])
        family("chobi_chat_messages_total", "Chat messages over data channels, relayed to the room or refused.", [
            ("outcome=\"relayed\"", c.chatRelayed), ("outcome=\"refused\"", c.chatRefused),
        ])
        family("chobi_congestion_feedback_total", "Congestion feedback: sent to publishers (transport-cc, REMB), read from viewers, or unbuildable.", [
            ("direction=\"sent\"", c.feedbackSent), ("direction=\"received\"", c.feedbackReceived),
            ("direction=\"unbuildable\"", c.feedbackUnbuildable),
        ])
        return out
    }

    static func render(_ delays: ForwardDelayHistogram) -> String {
        let name = "chobi_media_forward_delay_seconds"
        var out = "# HELP \(name) From reading a media datagram off the socket to sending each forwarded copy.\n"
        out += "# TYPE \(name) histogram\n"
        for (bound, count) in delays.cumulativeByOctave {
            let le = bound == .max ? "+Inf" : "\(Double(bound) / 1e9)"
            out += "\(name)_bucket{le=\"\(le)\"} \(count)\n"
        }
        out += "\(name)_sum \(Double(delays.sumNanoseconds) / 1e9)\n"
        out += "\(name)_count \(delays.count)\n"
        return out
    }
}
