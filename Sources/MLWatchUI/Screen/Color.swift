import Foundation

/// A terminal colour, from the most to the least portable kind.
///
/// `ColorDepth.map(_:)` degrades any colour to what the terminal supports, so themes can be written
/// in RGB and still work on an 8-colour console.
public enum Color: Hashable, Sendable {
    /// The terminal's own default foreground or background (what `-1` means to ncurses).
    case `default`
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright); the user's terminal palette decides the RGB.
    case ansi(UInt8)
    /// One of the 256 xterm colours (16–231 a 6×6×6 cube, 232–255 greys).
    case indexed(UInt8)
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.ansi(0)
    public static let red = Color.ansi(1)
    public static let green = Color.ansi(2)
    public static let yellow = Color.ansi(3)
    public static let blue = Color.ansi(4)
    public static let magenta = Color.ansi(5)
    public static let cyan = Color.ansi(6)
    public static let white = Color.ansi(7)
    public static let brightBlack = Color.ansi(8)
    public static let brightRed = Color.ansi(9)
    public static let brightGreen = Color.ansi(10)
    public static let brightYellow = Color.ansi(11)
    public static let brightBlue = Color.ansi(12)
    public static let brightMagenta = Color.ansi(13)
    public static let brightCyan = Color.ansi(14)
    public static let brightWhite = Color.ansi(15)

    /// The names accepted by `init?(parsing:)` for the 16 ANSI colours, in palette order.
    public static let ansiNames = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]

    /// Parses a theme-file colour: `default`, an ANSI name (`red`, `bright-red`, also `grey`/`gray` for
    /// bright-black), a 256-colour index (`"208"`), or `#rrggbb` / `#rgb`. Returns nil otherwise.
    public init?(parsing text: String) {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
        if value == "default" || value == "none" {
            self = .default
        } else if let index = Color.ansiNames.firstIndex(of: value) {
            self = .ansi(UInt8(index))
        } else if value == "grey" || value == "gray" {
            self = .ansi(8)
        } else if let number = Int(value), (0...255).contains(number) {
            self = number < 16 ? .ansi(UInt8(number)) : .indexed(UInt8(number))
        } else if value.hasPrefix("#") {
            let hex = Array(value.dropFirst())
            let digits: [Character]
            switch hex.count {
            case 6: digits = hex
            case 3: digits = hex.flatMap { [$0, $0] }
            default: return nil
            }
            var bytes: [UInt8] = []
            for pair in stride(from: 0, to: 6, by: 2) {
                guard let byte = UInt8(String(digits[pair ... pair + 1]), radix: 16) else { return nil }
                bytes.append(byte)
            }
            self = .rgb(bytes[0], bytes[1], bytes[2])
        } else {
            return nil
        }
    }
}
