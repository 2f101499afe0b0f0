"""Headless Chromium (Debian's chromium + chromedriver) driving the server's own web page. It must
run in a network namespace with only loopback (tools/test makes one), so it can only ever reach
our server."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
         "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
         "--allow-loopback-in-peer-connection",
         "--disable-features=WebRtcHideLocalIpsWithMdns",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


def only_loopback() -> bool:
    return sorted(os.listdir("/sys/class/net")) == ["lo"]


class Browser:
    def __init__(self, extra_flags: tuple[str, ...] = (), confined: bool = False):
        """`confined`: the caller runs in a namespace it made whose only links lead to other
        namespaces it made (test_https_netns.py), so the loopback-only check does not apply."""
        if not confined and not only_loopback():
            pytest.skip("Chromium runs only inside a loopback-only network namespace (tools/test)")
        self.profile = tempfile.mkdtemp(prefix="chobi-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        # An extra flag replaces a default one of the same name (e.g. a fake camera with fps=30).
        names = {f.split("=", 1)[0] for f in extra_flags}
        flags = [f for f in FLAGS if f.split("=", 1)[0] not in names] + list(extra_flags)
        for flag in flags + [f"--user-data-dir={self.profile}"]:
            opts.add_argument(flag)
        self.driver = webdriver.Chrome(options=opts, service=Service(executable_path="/usr/bin/chromedriver"))
        self.driver.set_script_timeout(20)

    def open(self, url: str):
        self.driver.get(url)

    def state(self) -> dict:
        return self.driver.execute_script(
            "return window.chobi ? {state: window.chobi.state, error: String(window.chobi.lastError || '')} : null;")

    def inbound_video_frames_decoded(self) -> int:
        """framesDecoded from Chromium's own getStats(), summed over inbound video streams."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            if (!window.chobi || !window.chobi.pc) { done(-1); return; }
            window.chobi.pc.getStats().then(stats => {
                let n = 0;
                stats.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') n += (s.framesDecoded || 0); });
                done(n);
            }).catch(() => done(-2));
        """)

    def outbound_video_frames_encoded(self) -> int:
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            if (!window.chobi || !window.chobi.pc) { done(-1); return; }
            window.chobi.pc.getStats().then(stats => {
                let n = 0;
                stats.forEach(s => { if (s.type === 'outbound-rtp' && s.kind === 'video') n += (s.framesEncoded || 0); });
                done(n);
            }).catch(() => done(-2));
        """)

    def selected_transport(self) -> dict | None:
        """The selected candidate pair from Chromium's own getStats(): each side's protocol
        (udp/tcp), address, port and tcpType; None before one is selected."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            if (!window.chobi || !window.chobi.pc) { done(null); return; }
            window.chobi.pc.getStats().then(stats => {
                let pair = null;
                stats.forEach(s => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
                if (!pair) { done(null); return; }
                const side = id => { const c = stats.get(id); return c ? {protocol: c.protocol, address: c.address,
                    port: c.port, candidateType: c.candidateType, tcpType: c.tcpType || null} : null; };
                done({local: side(pair.localCandidateId), remote: side(pair.remoteCandidateId)});
            }).catch(() => done(null));
        """)

    def rtp_stats(self, kind: str = "video") -> dict:
        """Chromium's own verdict on its RTP streams: every outbound-rtp and inbound-rtp entry of
        `kind` with the fields the media-quality tests read, plus the selected candidate pair's
        availableOutgoingBitrate (the sender's bandwidth estimate)."""
        return self.driver.execute_async_script("""
            const kind = arguments[0];
            const done = arguments[arguments.length - 1];
            if (!window.chobi || !window.chobi.pc) { done({outbound: [], inbound: [], pair: null}); return; }
            window.chobi.pc.getStats().then(stats => {
                const out = {outbound: [], inbound: [], pair: null, at: performance.now()};
                stats.forEach(s => {
                    if (s.type === 'outbound-rtp' && s.kind === kind)
                        out.outbound.push({rid: s.rid || null, frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0,
                            framesPerSecond: s.framesPerSecond || 0, framesSent: s.framesSent || 0,
                            framesEncoded: s.framesEncoded || 0, bytesSent: s.bytesSent || 0,
                            packetsSent: s.packetsSent || 0,
                            targetBitrate: s.targetBitrate || 0,
                            qualityLimitationReason: s.qualityLimitationReason || null});
                    if (s.type === 'inbound-rtp' && s.kind === kind)
                        out.inbound.push({mid: s.mid || null, frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0,
                            framesPerSecond: s.framesPerSecond || 0, framesDecoded: s.framesDecoded || 0,
                            framesReceived: s.framesReceived || 0, packetsReceived: s.packetsReceived || 0,
                            bytesReceived: s.bytesReceived || 0, audioLevel: s.audioLevel,
                            totalSamplesReceived: s.totalSamplesReceived || 0,
                            freezeCount: s.freezeCount || 0, totalFreezesDuration: s.totalFreezesDuration || 0});
                    if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded')
                        out.pair = {availableOutgoingBitrate: s.availableOutgoingBitrate || 0,
                                    availableIncomingBitrate: s.availableIncomingBitrate || 0};
                });
                done(out);
            }).catch(e => done({outbound: [], inbound: [], pair: null, error: String(e)}));
        """, kind)

    def script(self, source: str, *args):
        return self.driver.execute_script(source, *args)

    def fill(self, element_id: str, text: str):
        field = self.driver.find_element("id", element_id)
        field.clear()
        field.send_keys(text)

    def click(self, css: str):
        self.driver.find_element("css selector", css).click()

    def visible(self, css: str) -> bool:
        return bool(self.script(
            "const e = document.querySelector(arguments[0]); return !!e && e.offsetParent !== null;", css))

    def inbound_video(self) -> list[dict]:
        """Chromium's own getStats() for each inbound video stream: trackIdentifier, framesDecoded."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            if (!window.chobi || !window.chobi.pc) { done([]); return; }
            window.chobi.pc.getStats().then(stats => {
                const found = [];
                stats.forEach(s => {
                    if (s.type === 'inbound-rtp' && s.kind === 'video')
                        found.push({track: s.trackIdentifier || s.mid || s.id, framesDecoded: s.framesDecoded || 0});
                });
                done(found);
            }).catch(() => done([]));
        """)

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
