/// How many colours a terminal can show, and the mapping of any `Color` to the nearest one available.
///
/// Detect it once at start-up (`detect(colors:environment:)`), then degrade the theme with
/// `Theme.degraded(to:)`, so no drawing code has to think about colour support.
public enum ColorDepth: String, Hashable, Sendable, CaseIterable, Comparable {
    /// No colour at all: attributes only (bold, underline, reverse). Also what `NO_COLOR` asks for.
    case mono
    /// The 8 basic ANSI colours.
    case c8
    /// The 16 ANSI colours.
    case c16
    /// The xterm 256-colour palette.
    case c256
    /// 24-bit colour.
    case truecolor

    /// Chooses the depth from ncurses' `COLORS` and the environment: `NO_COLOR` (any non-empty value,
    /// see no-color.org) forces `.mono`; `COLORTERM=truecolor|24bit` upgrades a 256-colour terminal.
    public static func detect(colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .mono }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if colors >= 256, colorTerm == "truecolor" || colorTerm == "24bit" { return .truecolor }
        switch colors {
        case 0x0100_0000...: return .truecolor
        case 256...: return .c256
        case 16...: return .c16
        case 8...: return .c8
        default: return .mono
        }
    }

    /// `color` as the nearest colour this depth can show, or nil for `.mono` (no colour).
    /// `.default` stays `.default` at every depth but mono.
    public func map(_ color: Color) -> Color? {
        switch (self, color) {
        case (.mono, _): return nil
        case (_, .default): return .default
        case (.truecolor, _): return color
        case (.c256, .rgb): return .indexed(ColorDepth.nearest(color.rgbValue, in: 16 ... 255))
        case (.c256, _): return color
        case (.c16, .ansi): return color
        case (.c16, _): return .ansi(ColorDepth.nearest(color.rgbValue, in: 0 ... 15))
        case (.c8, .ansi(let index)) where index < 8: return color
        case (.c8, _): return .ansi(ColorDepth.nearest(color.rgbValue, in: 0 ... 7))
        }
    }

    /// `style` with its colours mapped to this depth. In `.mono`, a style whose background was set to
    /// something other than the default becomes reverse video, so highlights (selection, severity
    /// badges) stay visible without colour.
    public func degrade(_ style: Style) -> Style {
        var result = style
        if self == .mono {
            if let bg = style.bg, bg != .default { result.reverse = true }
            result.fg = nil
            result.bg = nil
            return result
        }
        result.fg = style.fg.flatMap(map)
        result.bg = style.bg.flatMap(map)
        return result
    }

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The palette index in `range` closest to `rgb` (squared distance weighted for perceived
    /// brightness: 2·Δr² + 4·Δg² + 3·Δb², a cheap approximation of a perceptual metric).
    private static func nearest(_ rgb: (Int, Int, Int), in range: ClosedRange<Int>) -> UInt8 {
        var best = range.lowerBound
        var bestDistance = Int.max
        for index in range {
            let candidate = Color.paletteRGB(index)
            let dr = candidate.0 - rgb.0, dg = candidate.1 - rgb.1, db = candidate.2 - rgb.2
            let distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return UInt8(best)
    }
}

extension Color {
    /// The colour as RGB, using xterm's default palette for ANSI and indexed colours (the real
    /// palette is the user's; this is only used to pick the nearest colour when degrading).
    /// `.default` counts as mid grey.
    public var rgbValue: (Int, Int, Int) {
        switch self {
        case .default: return (128, 128, 128)
        case .ansi(let index): return Color.paletteRGB(Int(index & 15))
        case .indexed(let index): return Color.paletteRGB(Int(index))
        case .rgb(let r, let g, let b): return (Int(r), Int(g), Int(b))
        }
    }

    /// xterm's RGB for palette entry 0–255.
    static func paletteRGB(_ index: Int) -> (Int, Int, Int) {
        switch index {
        case 0 ..< 16:
            return ansiPalette[index]
        case 16 ..< 232:
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = index - 16
            return (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
        default:
            let grey = 8 + 10 * (index - 232)
            return (grey, grey, grey)
        }
    }

    private static let ansiPalette: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
}
