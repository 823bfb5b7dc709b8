#ifndef MLWATCH_CNCURSES_SHIM_H
#define MLWATCH_CNCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Swift 6 rejects the C globals LINES/COLS/stdscr as not concurrency-safe and cannot import the
   A_* attribute macros: these getters expose them. Only the UI thread calls any of them. */
static inline WINDOW *mlw_stdscr(void) { return stdscr; }
static inline int mlw_lines(void) { return LINES; }
static inline int mlw_cols(void) { return COLS; }
static inline int mlw_colors(void) { return COLORS; }
static inline int mlw_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t mlw_a_normal(void) { return A_NORMAL; }
static inline attr_t mlw_a_bold(void) { return A_BOLD; }
static inline attr_t mlw_a_dim(void) { return A_DIM; }
static inline attr_t mlw_a_underline(void) { return A_UNDERLINE; }
static inline attr_t mlw_a_reverse(void) { return A_REVERSE; }
static inline int mlw_key_resize(void) { return KEY_RESIZE; }
static inline int mlw_key_mouse(void) { return KEY_MOUSE; }
static inline int mlw_key_btab(void) { return KEY_BTAB; }
static inline int mlw_key_enter(void) { return KEY_ENTER; }
static inline int mlw_key_up(void) { return KEY_UP; }
static inline int mlw_key_down(void) { return KEY_DOWN; }
static inline int mlw_key_left(void) { return KEY_LEFT; }
static inline int mlw_key_right(void) { return KEY_RIGHT; }
static inline int mlw_key_sleft(void) { return KEY_SLEFT; }
static inline int mlw_key_sright(void) { return KEY_SRIGHT; }
static inline int mlw_key_home(void) { return KEY_HOME; }
static inline int mlw_key_end(void) { return KEY_END; }
static inline int mlw_key_npage(void) { return KEY_NPAGE; }
static inline int mlw_key_ppage(void) { return KEY_PPAGE; }
static inline int mlw_key_backspace(void) { return KEY_BACKSPACE; }

/* Writes one cell (a grapheme as a wide string) with attributes and a colour pair. */
static inline int mlw_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t c;
    if (setcchar(&c, text, attrs, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &c);
}

#endif
