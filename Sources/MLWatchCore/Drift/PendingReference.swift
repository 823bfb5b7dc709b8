import Dispatch
import Foundation
import Synchronization

/// A reference profile being read on a thread of its own, for a run that does not need it before its first
/// drift test: `mlwatch check` reads the reference log while it reads the logs it checks (on two cores, the
/// reference costs no wall time as long as it is no longer than they are). Whoever needs the profile
/// first waits for it (`DriftMonitor` at its first drift test); the result is the same profile as reading it
/// first would give.
public final class PendingReference: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<ReferenceProfile, ReferenceError>?>(nil)

    /// Starts `read` on a new thread.
    public init(_ read: @escaping @Sendable () throws(ReferenceError) -> ReferenceProfile) {
        let thread = Thread { [self] in
            let r = Result { () throws(ReferenceError) in try read() }
            result.withLock { $0 = r }
            done.signal()
        }
        thread.name = "mlwatch.reference"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The profile, or why it could not be read; waits until the reading thread is done.
    public func wait() -> Result<ReferenceProfile, ReferenceError> {
        if let r = result.withLock({ $0 }) { return r }
        done.wait()
        // Let the next caller through too.
        done.signal()
        return result.withLock { $0 }!
    }
}
