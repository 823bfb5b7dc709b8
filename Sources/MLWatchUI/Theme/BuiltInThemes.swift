/// Theme text compiled into the binary, so the dashboard has a theme even when no `themes/` folder
/// can be found (e.g. a binary copied elsewhere). A test checks it is identical to `themes/default.yaml`.
enum BuiltInThemes {
    static let defaultYAML = """
# mlwatch default theme (dark). Colours: "default", ANSI names (red, bright-red, …), 0-255, or #rrggbb;
# attributes: bold, dim, underline, reverse. `mono:` gives the attributes used without colour
# (NO_COLOR or a monochrome terminal). Degraded automatically to 256/16/8 colours.
name: default
description: Dark theme for dark terminals (the default)
styles:
  background: {bg: default}
  text: {fg: "#d7dae0"}
  dim_text: {fg: "#7f8794"}
  border: {fg: "#4b5263"}
  focused_border: {fg: "#61afef", bold: true, mono: {bold: true}}
  title: {fg: "#e5c07b", bold: true, mono: {bold: true}}
  header: {fg: "#abb2bf", bold: true, mono: {bold: true, underline: true}}
  status_bar: {fg: "#d7dae0", bg: "#3e4451", mono: {reverse: true}}
  ok: {fg: "#98c379"}
  info: {fg: "#61afef"}
  warning: {fg: "#e5c07b", bold: true, mono: {bold: true}}
  critical: {fg: "#e06c75", bold: true, mono: {bold: true, reverse: true}}
  acknowledged: {fg: "#7f8794", mono: {dim: true}}
  sparkline: {fg: "#56b6c2"}
  threshold: {fg: "#e06c75", mono: {bold: true}}
  reference: {fg: "#7f8794"}
  current: {fg: "#c678dd", bold: true}
  selection: {bg: "#3e4451", bold: true, mono: {reverse: true}}
  help_overlay: {fg: "#d7dae0", bg: "#282c34", mono: {}}
symbols: {ok: "✓", info: "i", warning: "▲", critical: "✖"}
"""
}
