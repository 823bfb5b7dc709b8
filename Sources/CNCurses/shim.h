#ifndef MLWATCH_CNCURSES_SHIM_H
#define MLWATCH_CNCURSES_SHIM_H

#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

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

static inline int mlw_key_dc(void) { return KEY_DC; }
static inline int mlw_key_f0(void) { return KEY_F0; }
static inline int mlw_key_code_yes(void) { return KEY_CODE_YES; }

/* stdin/stdout are C globals Swift 6 rejects as not concurrency-safe. */
static inline FILE *mlw_stdin(void) { return stdin; }
static inline FILE *mlw_stdout(void) { return stdout; }

/* libc's idea of a character's width: ncurses sizes cells by it. */
static inline int mlw_wcwidth(wchar_t c) { return wcwidth(c); }

static inline int mlw_set_escdelay(int ms) { return set_escdelay(ms); }

/* Whether the terminal has an alternate screen (smcup): without one (vt100) the dashboard would stay
   on the screen after exit, under the shell's next prompt. */
static inline int mlw_has_alternate_screen(void) {
    char *s = tigetstr("smcup");
    return s != NULL && s != (char *)-1 && s[0] != 0;
}

/* Colour pairs: init_extended_pair takes int pair and colour numbers (pairs > 32767, direct colour). */
static inline int mlw_init_pair(int pair, int fg, int bg) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, fg, bg);
#else
    return init_pair((short)pair, (short)fg, (short)bg);
#endif
}

/* Writes one cell (a grapheme as a wide string) with attributes and a colour pair. `move` = 0 writes
   at the cursor (after the previous cell of a run) instead of moving first. The pair goes through
   setcchar's `opts` as an int, so pair numbers above 32767 work with extended colours. */
static inline int mlw_put_cell(int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t c;
    int extended = pair;
    if (setcchar(&c, text, attrs, (short)(pair > 32767 ? 0 : pair), &extended) != OK) return ERR;
    return mvadd_wch(y, x, &c);
}

static inline int mlw_add_cell(const wchar_t *text, attr_t attrs, int pair) {
    cchar_t c;
    int extended = pair;
    if (setcchar(&c, text, attrs, (short)(pair > 32767 ? 0 : pair), &extended) != OK) return ERR;
    return add_wch(&c);
}

/* Mouse: clicks and wheel only (no motion tracking, so the terminal's own selection still works with
   Shift). Returns 1 left, 2 middle, 3 right, 4 wheel up, 5 wheel down, 0 other/none. */
static inline void mlw_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON2_PRESSED | BUTTON3_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
              | BUTTON5_PRESSED
#endif
              , NULL);
    mouseinterval(0);
}

static inline int mlw_get_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON2_PRESSED) return 2;
    if (event.bstate & BUTTON3_PRESSED) return 3;
    if (event.bstate & BUTTON4_PRESSED) return 4;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 5;
#endif
    return 0;
}

#endif
