import Foundation
import Synchronization

/// The bound on shutting down after SIGINT/SIGTERM: commands that catch those signals to stop cleanly
/// (write the checkpoint, print a last snapshot, restore the terminal) arm it when the signal arrives.
/// Whatever the clean stop is blocked on — a FIFO, a full pipe, a hostile peer — the process ends
/// `seconds` later with a message, so a service manager's SIGTERM is never followed by a SIGKILL.
enum ExitDeadline {
    /// Within the 2 s a stop may take, with room for the process to exit.
    static let seconds = 1.8

    /// Starts the countdown (once; later calls do nothing): `_exit(status)` unless the process ended first.
    static func arm(status: Int32, command: String) {
        guard armed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let thread = Thread {
            Thread.sleep(forTimeInterval: seconds)
            Console.error("\(command): could not stop cleanly within \(seconds) s of the signal; exiting now\n")
            _exit(status)
        }
        thread.start()
    }

    private static let armed = Atomic<Bool>(false)
}
