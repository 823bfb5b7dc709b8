import CNCurses
import Foundation
import MLWatchUI

/// The real terminal: a `TerminalBackend` on ncurses (wide-character `ncursesw`).
///
/// - Starts with `newterm`, not `initscr` (which exits the process on an unknown `TERM`), and throws
///   `TerminalError.unknownTerminal` instead.
/// - `flush` sends only the cells that changed since the previous frame, moving the cursor once per
///   run of adjacent changes, then `refresh`es: no `clear()` per frame, so no flicker.
/// - Colour pairs are allocated on demand; colours are degraded to what the terminal has (`COLORS`),
///   and `NO_COLOR` gives monochrome with attributes only.
/// - Borders come from the `ScreenBuffer`'s Unicode box characters; this type never uses ACS.
///
/// ncurses is not thread-safe: create, use and shut down an instance on one thread (the UI thread).
/// Pair it with a `TerminalSession` so that signals and crashes also restore the terminal.
public final class NCursesTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public let colorDepth: ColorDepth

    private let screen: OpaquePointer
    /// Files this instance opened itself (closed on shutdown); nil for stdin/stdout.
    private let ownedFiles: [UnsafeMutablePointer<FILE>]
    private var lastFlushed: ScreenBuffer?
    private var pairs: ColorPairCache
    /// Whether colour number -1 means "terminal default" (`use_default_colors` succeeded).
    private let hasDefaultColors: Bool
    private let mouseEnabled: Bool
    private var encodedGraphemes: [String: [wchar_t]] = [:]
    private var isShutDown = false

    /// Starts ncurses on the process's terminal (stdin/stdout).
    ///
    /// - Parameters:
    ///   - environment: read for `TERM` (error message only; ncurses reads the real one) and `NO_COLOR`.
    ///   - enableMouse: report clicks and wheel steps as `Key.mouse` (off by default: mouse reporting
    ///     stops plain drag-to-select in most terminals).
    /// - Throws: `TerminalError.unknownTerminal` when terminfo has no entry for `TERM`.
    public convenience init(
        environment: [String: String] = ProcessInfo.processInfo.environment, enableMouse: Bool = false
    ) throws {
        try self.init(
            input: mlw_stdin(), output: mlw_stdout(), ownedFiles: [], environment: environment,
            enableMouse: enableMouse)
    }

    /// Starts ncurses reading from and writing to the file at `path` (e.g. `/dev/null` to exercise
    /// start-up and shutdown without a terminal, or a pseudo-terminal's path). `term` is the terminal
    /// type to assume.
    public convenience init(devicePath path: String, term: String, environment: [String: String] = [:]) throws {
        guard let input = fopen(path, "r"), let output = fopen(path, "w") else {
            throw TerminalError.initializationFailed("cannot open \(path)")
        }
        var environment = environment
        environment["TERM"] = term
        do {
            try self.init(
                input: input, output: output, ownedFiles: [input, output], environment: environment,
                enableMouse: false, term: term)
        } catch {
            fclose(input)
            fclose(output)
            throw error
        }
    }

    private init(
        input: UnsafeMutablePointer<FILE>, output: UnsafeMutablePointer<FILE>,
        ownedFiles: [UnsafeMutablePointer<FILE>], environment: [String: String], enableMouse: Bool,
        term: String? = nil
    ) throws {
        // Without the user's locale, ncursesw treats every byte as Latin-1: braille, blocks and box
        // drawing come out as mojibake.
        setlocale(LC_ALL, "")
        // ncurses learns of resizes through SIGWINCH on this (the UI) thread. Code that runs before us may
        // have left it blocked on the main thread (seen in the dashboard: resizes were never reported),
        // so unblock it explicitly.
        var winch = sigset_t()
        sigemptyset(&winch)
        sigaddset(&winch, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &winch, nil)
        TerminalRestore.save(fd: fileno(output))
        let termName = term ?? environment["TERM"] ?? ""
        // newterm(nil, …) reads $TERM; passing the name explicitly lets a test pick one.
        let created: OpaquePointer? = term.map { name in name.withCString { newterm($0, output, input) } }
            ?? newterm(nil, output, input)
        guard let created else {
            TerminalRestore.disarm()
            throw TerminalError.unknownTerminal(termName)
        }
        screen = created
        set_term(created)
        self.ownedFiles = ownedFiles
        self.mouseEnabled = enableMouse

        cbreak()  // keys arrive one by one, Ctrl+C still raises SIGINT (handled by TerminalSession)
        noecho()
        nonl()  // Enter arrives as CR, and ncurses may use line feeds for faster cursor motion
        keypad(mlw_stdscr(), true)
        intrflush(mlw_stdscr(), false)
        _ = mlw_set_escdelay(25)  // Esc must feel instant; the 1 s default makes the UI look frozen
        _ = curs_set(0)
        if enableMouse { mlw_enable_mouse() }

        var depth = ColorDepth.mono
        var defaults = false
        if has_colors(), environment["NO_COLOR"].map(\.isEmpty) ?? true {
            start_color()
            defaults = use_default_colors() == OK
            // COLORTERM=truecolor does not help here: ncurses emits direct colour only for terminfo
            // entries that declare it (xterm-direct, COLORS = 2^24), which `detect` sees in `COLORS`.
            var colorEnvironment = environment
            colorEnvironment["COLORTERM"] = nil
            depth = ColorDepth.detect(colors: Int(mlw_colors()), environment: colorEnvironment)
        }
        colorDepth = depth
        hasDefaultColors = defaults
        pairs = ColorPairCache(capacity: depth == .mono ? 0 : Int(mlw_color_pairs())) { pair, fg, bg in
            _ = mlw_init_pair(Int32(pair), Int32(fg), Int32(bg))
        }
        size = TerminalSize(width: Int(mlw_cols()), height: Int(mlw_lines()))
        werase(mlw_stdscr())
        wrefresh(mlw_stdscr())
    }

    deinit {
        shutdown()
    }

    // MARK: TerminalBackend

    public func flush(_ buffer: ScreenBuffer) {
        guard !isShutDown else { return }
        var previous = lastFlushed
        if previous == nil || previous?.width != buffer.width || previous?.height != buffer.height {
            // First frame, or the terminal was resized: repaint everything once.
            werase(mlw_stdscr())
            previous = nil
        }
        var changes = buffer.diff(from: previous ?? ScreenBuffer(width: 0, height: 0))
        if !draw(changes) {
            // Ran out of colour pairs: start over with a fresh set, repainting the whole screen.
            pairs.reset()
            werase(mlw_stdscr())
            changes = buffer.diff(from: ScreenBuffer(width: 0, height: 0))
            _ = draw(changes, allowDefaultPair: true)
        }
        wrefresh(mlw_stdscr())
        lastFlushed = buffer
    }

    public func readKey(timeoutMs: Int) -> Key? {
        guard !isShutDown else { return nil }
        wtimeout(mlw_stdscr(), Int32(clamping: timeoutMs))
        var code: wint_t = 0
        let result = wget_wch(mlw_stdscr(), &code)
        switch result {
        case ERR:
            return nil
        case mlw_key_code_yes():
            return functionKey(Int32(bitPattern: UInt32(code)))
        default:
            return characterKey(UInt32(code))
        }
    }

    public func bell() {
        guard !isShutDown else { return }
        beep()
    }

    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        if mlw_has_alternate_screen() == 0 {
            // Nothing to switch back to: clear what the dashboard drew, so the prompt starts clean.
            _ = erase()
            _ = refresh()
        }
        _ = curs_set(1)
        endwin()
        delscreen(screen)
        for file in ownedFiles { fclose(file) }
        TerminalRestore.disarm()
    }

    // MARK: Drawing

    /// Writes `changes` (row-major), moving the cursor only where a run of adjacent cells breaks.
    /// Returns false when a colour pair could not be allocated (unless `allowDefaultPair`).
    private func draw(_ changes: [CellChange], allowDefaultPair: Bool = false) -> Bool {
        var cursor: (x: Int, y: Int)? = nil
        var lastStyle: Style? = nil
        var attributes: attr_t = 0
        var pair: Int32 = 0
        for change in changes {
            guard change.y < size.height, change.x < size.width else { continue }
            let style = change.cell.style
            if style != lastStyle {
                if let resolved = resolve(style) {
                    (attributes, pair) = resolved
                } else if allowDefaultPair {
                    (attributes, pair) = (attributeBits(colorDepth.degrade(style)), 0)
                } else {
                    return false
                }
                lastStyle = style
            }
            let encoded = encode(change.cell.grapheme, fitting: size.width - change.x)
            encoded.text.withUnsafeBufferPointer { text in
                if let cursor, cursor.y == change.y, cursor.x == change.x {
                    _ = mlw_add_cell(text.baseAddress, attributes, pair)
                } else {
                    _ = mlw_put_cell(Int32(change.y), Int32(change.x), text.baseAddress, attributes, pair)
                }
            }
            if encoded.padding {
                // The grapheme is drawn narrow (see `encode`): blank its second column.
                var space: [wchar_t] = [0x20, 0]
                _ = space.withUnsafeMutableBufferPointer { mlw_add_cell($0.baseAddress, attributes, pair) }
            }
            cursor = (change.x + change.cell.width, change.y)
        }
        return true
    }

    /// ncurses attributes and colour pair for a style; nil when no pair is left.
    private func resolve(_ style: Style) -> (attr_t, Int32)? {
        let degraded = colorDepth.degrade(style)
        let fg = colorNumber(degraded.fg, isBackground: false)
        let bg = colorNumber(degraded.bg, isBackground: true)
        guard let pair = pairs.pair(fg: fg, bg: bg) else { return nil }
        return (attributeBits(degraded), Int32(pair))
    }

    private func attributeBits(_ style: Style) -> attr_t {
        var bits = mlw_a_normal()
        if style.bold { bits |= mlw_a_bold() }
        if style.dim { bits |= mlw_a_dim() }
        if style.underline { bits |= mlw_a_underline() }
        if style.reverse { bits |= mlw_a_reverse() }
        return bits
    }

    /// The ncurses colour number of an already degraded colour (-1: terminal default).
    private func colorNumber(_ color: Color?, isBackground: Bool) -> Int {
        let fallback = hasDefaultColors ? -1 : (isBackground ? Int(COLOR_BLACK) : Int(COLOR_WHITE))
        switch color {
        case nil, .default?: return fallback
        case .ansi(let index)?: return Int(index)
        case .indexed(let index)?: return Int(index)
        case .rgb(let r, let g, let b)?: return Int(r) << 16 | Int(g) << 8 | Int(b)  // direct colour
        }
    }

    /// A grapheme as a NUL-terminated wide string ncurses draws at the width the buffer expects.
    ///
    /// ncurses sizes a cell by libc `wcwidth` of the grapheme's first scalar. Where that disagrees with
    /// `DisplayWidth` (an emoji with VS16 that libc thinks narrow, or a scalar newer than libc's
    /// tables), drawing it as-is would shift the rest of the row, so the grapheme is replaced: by its
    /// base character plus a padding space, or by `�`.
    private func encode(_ grapheme: String, fitting room: Int) -> (text: [wchar_t], padding: Bool) {
        if grapheme.utf8.count == 1 { return ([wchar_t(grapheme.utf8.first!), 0], false) }
        let expected = DisplayWidth.of(grapheme)
        if expected == 2, room < 2 { return ([0x20, 0], false) }
        if let cached = encodedGraphemes[grapheme] { return (cached, expected == 2 && wideMismatch(cached)) }
        let scalars = grapheme.unicodeScalars.prefix(5).map { wchar_t(bitPattern: $0.value) }
        let libcWidth = Int(mlw_wcwidth(scalars[0]))
        let text: [wchar_t]
        if libcWidth == expected {
            text = scalars + [0]
        } else if expected == 2, libcWidth == 1 {
            text = [scalars[0], 0]  // drawn narrow, padded by `draw`
        } else {
            text = [0xFFFD, 0]  // libc does not know it: a visible stand-in of the right width
        }
        if encodedGraphemes.count > 4096 { encodedGraphemes.removeAll(keepingCapacity: true) }
        encodedGraphemes[grapheme] = text
        return (text, expected == 2 && wideMismatch(text))
    }

    /// True when libc thinks the first character of `text` is narrow.
    private func wideMismatch(_ text: [wchar_t]) -> Bool { mlw_wcwidth(text[0]) != 2 }

    // MARK: Keys

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case mlw_key_resize():
            // ncurses has already resized stdscr (and updated LINES/COLS) by now.
            size = TerminalSize(width: Int(mlw_cols()), height: Int(mlw_lines()))
            lastFlushed = nil
            return .resize
        case mlw_key_up(): return .up
        case mlw_key_down(): return .down
        case mlw_key_left(): return .left
        case mlw_key_right(): return .right
        case mlw_key_sleft(): return .shiftLeft
        case mlw_key_sright(): return .shiftRight
        case mlw_key_home(): return .home
        case mlw_key_end(): return .end
        case mlw_key_ppage(): return .pageUp
        case mlw_key_npage(): return .pageDown
        case mlw_key_backspace(): return .backspace
        case mlw_key_dc(): return .delete
        case mlw_key_btab(): return .backTab
        case mlw_key_enter(): return .enter
        case mlw_key_mouse():
            guard mouseEnabled else { return nil }
            var x: Int32 = 0
            var y: Int32 = 0
            let buttons: [Int32: MouseButton] = [1: .left, 2: .middle, 3: .right, 4: .wheelUp, 5: .wheelDown]
            guard let button = buttons[mlw_get_mouse(&x, &y)] else { return nil }
            return .mouse(x: Int(x), y: Int(y), button: button)
        case mlw_key_f0() + 1 ... mlw_key_f0() + 63:
            return .function(Int(code - mlw_key_f0()))
        default:
            return nil
        }
    }

    private func characterKey(_ code: UInt32) -> Key? {
        switch code {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x01 ... 0x1A: return .ctrl(Character(Unicode.Scalar(code + 0x60)!))
        case 0x00 ..< 0x20, 0x80 ..< 0xA0: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .char(Character(scalar))
        }
    }
}
