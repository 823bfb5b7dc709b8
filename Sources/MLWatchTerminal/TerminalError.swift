/// Why the ncurses terminal could not start. The CLI prints `description` and exits non-zero.
public enum TerminalError: Error, Equatable, CustomStringConvertible {
    /// `newterm` found no terminfo entry for `$TERM` (the value; empty when unset).
    case unknownTerminal(String)
    /// ncurses refused to start on the given files for another reason.
    case initializationFailed(String)

    public var description: String {
        switch self {
        case .unknownTerminal(let term):
            let shown = term.isEmpty ? "TERM is not set" : "unknown terminal type \"\(term)\""
            return "mlwatch: cannot start the dashboard: \(shown). "
                + "Set TERM to a type your terminfo knows (e.g. xterm-256color), or use --no-ui."
        case .initializationFailed(let reason):
            return "mlwatch: cannot start the dashboard: \(reason)"
        }
    }
}
