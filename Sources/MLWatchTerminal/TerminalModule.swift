import CNCurses
enum TerminalModule {}
