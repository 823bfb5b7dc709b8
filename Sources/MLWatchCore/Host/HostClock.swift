import Dispatch
import Foundation

/// The clocks an `EngineHost` and the dashboard read: wall time (epoch seconds: snapshot build times,
/// the header's lag behind the newest event, the monitor's own CPU share) and monotonic time (replay's
/// virtual clock, tick budgets, throttling). Injected, so tests drive them by hand; the CLI passes
/// `HostClock.system`.
public struct HostClock: Sendable {
    /// Seconds since 1970.
    public var wall: @Sendable () -> Double
    /// Seconds from an arbitrary origin that never go backwards.
    public var monotonic: @Sendable () -> Double

    public init(wall: @escaping @Sendable () -> Double, monotonic: @escaping @Sendable () -> Double) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// The machine's clocks (`Date` and `DispatchTime`). Only the command-line wiring uses this.
    public static let system = HostClock(
        wall: { Date().timeIntervalSince1970 },
        monotonic: { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 })
}
