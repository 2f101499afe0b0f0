#if canImport(Glibc)
import Glibc
#endif

/// A synthetic microphone: a sine at `frequency` Hz, 48 kHz, in 20 ms frames with continuous
/// phase (no click between frames, so Opus codes it as the pure tone it is). A viewer checks what
/// it decoded against the same frequency (`ToneDetector`): audio that decodes to something else
/// is as broken as audio that does not decode.
public struct ToneSource: Sendable {
    public let frequency: Double
    public let amplitude: Double
    public let channels: Int
    private var phase = 0.0

    /// - Parameter amplitude: of full scale, 0...1 (0.3 leaves the codec headroom).
    public init(frequency: Double = 440, amplitude: Double = 0.3, channels: Int = 1) {
        self.frequency = frequency
        self.amplitude = min(1, max(0, amplitude))
        self.channels = max(1, channels)
    }

    /// Writes the next 20 ms (interleaved, `OpusEncoder.frameSamples × channels` samples).
    public mutating func next(into pcm: UnsafeMutableBufferPointer<Int16>) {
        let step = 2 * Double.pi * frequency / Double(OpusEncoder.sampleRate)
        let scale = amplitude * Double(Int16.max)
        let frames = min(OpusEncoder.frameSamples, pcm.count / channels)
        for i in 0..<frames {
            let value = Int16(scale * sin(phase))
            for c in 0..<channels { pcm[i * channels + c] = value }
            phase += step
        }
        // Keep the phase small: a growing double loses the precision sin needs.
        phase = phase.truncatingRemainder(dividingBy: 2 * Double.pi)
    }

    public mutating func next() -> [Int16] {
        var pcm = [Int16](repeating: 0, count: OpusEncoder.frameSamples * channels)
        pcm.withUnsafeMutableBufferPointer { next(into: $0) }
        return pcm
    }
}

/// Reads a decoded frame back: its level (RMS, of full scale) and whether the tone is what it
/// carries: Goertzel's power at `frequency` against the frame's whole power (Parseval), on the
/// first channel. No allocation; about 4 multiply-adds a sample.
public struct ToneDetector: Sendable {
    public let frequency: Double
    /// The share of the power that must sit at `frequency` for a frame to count as the tone.
    public let minimumShare: Double

    public init(frequency: Double = 440, minimumShare: Double = 0.5) {
        self.frequency = frequency
        self.minimumShare = minimumShare
    }

    public struct Reading: Sendable, Equatable {
        /// Root mean square, 0...1 of full scale.
        public var rms: Double
        /// The tone's share of the power, 0...1.
        public var share: Double
    }

    /// `samples` per channel of interleaved `pcm` with `channels` channels.
    public func read(_ pcm: UnsafeBufferPointer<Int16>, samples: Int, channels: Int) -> Reading {
        let n = min(samples, pcm.count / max(1, channels))
        guard n > 0 else { return Reading(rms: 0, share: 0) }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(OpusEncoder.sampleRate))
        var (s1, s2, energy) = (0.0, 0.0, 0.0)
        for i in 0..<n {
            let x = Double(pcm[i * channels]) / Double(Int16.max)
            energy += x * x
            let s = x + coefficient * s1 - s2
            s2 = s1
            s1 = s
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        // A sinusoid of amplitude A over n samples gives Goertzel power (A·n/2)² and energy A²·n/2.
        let share = energy > 0 ? min(1, 2 * power / (Double(n) * energy)) : 0
        return Reading(rms: (energy / Double(n)).squareRoot(), share: share)
    }

    public func isTone(_ reading: Reading) -> Bool { reading.rms > 0.01 && reading.share >= minimumShare }
}
