import Foundation

/// Last-resort terminal restoration that is safe inside a signal handler.
///
/// `endwin` is neither async-signal-safe nor thread-safe, so crash handlers and the "UI loop is stuck"
/// path cannot call it. Instead this keeps a copy of the terminal modes saved before ncurses started,
/// and restores them with `tcsetattr` plus a fixed escape string written with `write(2)` (both
/// async-signal-safe): leave the alternate screen, show the cursor, reset attributes, stop mouse
/// reporting, leave keypad-transmit mode. Normal shutdown goes through `endwin` and disarms this.
enum TerminalRestore {
    // Written only on the UI thread before handlers can run (save) or when disarming; read by signal
    // handlers, where locks are not allowed. A torn read at worst skips or repeats a harmless reset.
    nonisolated(unsafe) private static var fd: Int32 = -1
    nonisolated(unsafe) private static var savedModes = termios()
    nonisolated(unsafe) private static var armed = false
    nonisolated(unsafe) private static var atExitRegistered = false

    /// `ESC[?1049l` main screen, `ESC[?25h` cursor on, `ESC[0m` plain, `ESC[?1000l ESC[?1006l` mouse off,
    /// `ESC[?1l ESC>` normal cursor keys and keypad.
    private static let resetSequence: [UInt8] = Array("\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\u{1B}[?1000l\u{1B}[?1006l\u{1B}[?1l\u{1B}>".utf8)

    /// Remembers `fd`'s terminal modes (a no-op when `fd` is not a terminal) and arms the restore,
    /// including at `exit()`, which a library further up might call without shutting the UI down.
    static func save(fd descriptor: Int32) {
        _ = resetSequence.count  // initialise the lazy static now: swift_once is not signal-safe
        guard isatty(descriptor) == 1, tcgetattr(descriptor, &savedModes) == 0 else { return }
        fd = descriptor
        armed = true
        if !atExitRegistered {
            atExitRegistered = true
            atexit { TerminalRestore.restoreAsyncSignalSafe() }
        }
    }

    /// True while ncurses runs on a real terminal and has not been shut down.
    static var isArmed: Bool { armed }

    /// Normal shutdown happened (`endwin`): nothing left to restore.
    static func disarm() {
        armed = false
    }

    /// Restores the saved modes and resets the screen; async-signal-safe, idempotent.
    static func restoreAsyncSignalSafe() {
        guard armed else { return }
        armed = false
        resetSequence.withUnsafeBufferPointer { bytes in
            _ = write(fd, bytes.baseAddress, bytes.count)
        }
        _ = tcsetattr(fd, TCSANOW, &savedModes)
    }
}
