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

    /// `color` as the nearest colour this depth can show (by RGB distance in the 256-colour palette, by
    /// hue family for 16 and 8 colours), or nil for `.mono` (no colour).
    /// `.default` stays `.default` at every depth but mono.
    public func map(_ color: Color) -> Color? {
        switch (self, color) {
        case (.mono, _): return nil
        case (_, .default): return .default
        case (.truecolor, _): return color
        case (.c256, .rgb): return .indexed(ColorDepth.nearest(color.rgbValue, in: 16 ... 255))
        case (.c256, _): return color
        case (.c16, .ansi): return color
        case (.c16, _): return .ansi(ColorDepth.ansiByHue(color.rgbValue, bright: true))
        case (.c8, .ansi(let index)): return .ansi(index & 7)  // bright red → red
        case (.c8, _): return .ansi(ColorDepth.ansiByHue(color.rgbValue, bright: false))
        }
    }

    /// The ANSI colour of the same hue family. Nearest-RGB distance is wrong for 8/16 colours: it maps
    /// a soft red like #e06c75 to magenta, and "critical" must stay red. Low-saturation colours map
    /// to black/grey/white by brightness; the rest to one of six 60° hue sectors, bright when light.
    private static func ansiByHue(_ rgb: (Int, Int, Int), bright allowBright: Bool) -> UInt8 {
        let (r, g, b) = rgb
        let high = max(r, g, b), low = min(r, g, b), delta = high - low
        let value = Double(high) / 255
        if delta < 40 || Double(delta) / Double(max(high, 1)) < 0.25 {
            if !allowBright { return value < 0.5 ? 0 : 7 }
            return value < 0.25 ? 0 : value < 0.6 ? 8 : value < 0.85 ? 7 : 15
        }
        var hue: Double
        if high == r {
            hue = 60 * (Double(g - b) / Double(delta))
        } else if high == g {
            hue = 60 * (Double(b - r) / Double(delta) + 2)
        } else {
            hue = 60 * (Double(r - g) / Double(delta) + 4)
        }
        if hue < 0 { hue += 360 }
        // Sectors centred on red 0°, yellow 60°, green 120°, cyan 180°, blue 240°, magenta 300°.
        let sector = Int((hue + 30).truncatingRemainder(dividingBy: 360) / 60)
        let base: [UInt8] = [1, 3, 2, 6, 4, 5]
        return base[sector] + (allowBright && value > 0.8 ? 8 : 0)
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
