/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One integer per key press: a character is its wide-character value, a
 * curses function key (KEY_DOWN, KEY_F(1) ...) carries KEY_FN_BIT so the two
 * ranges never collide, and mouse wheel turns are synthetic function keys,
 * so that every pane has exactly one input path. The Alt keys of the `:`
 * command line's editor (term.h) are their character with KEY_ALT_BIT.
 */
#ifndef VISTA_TUI_KEYS_H
#define VISTA_TUI_KEYS_H

#define KEY_FN_BIT  0x40000000
#define KEY_ALT_BIT 0x20000000
#define K_FN(k)     (KEY_FN_BIT | (k))
#define K_ALT(c)    (KEY_ALT_BIT | (c))
#define K_CTRL(c)   ((c)&0x1f)
#define K_ESC       27
#define K_ENTER     '\r'

/* Synthetic keys, beyond any curses key code. */
#define K_WHEEL_UP   K_FN(0x100000)
#define K_WHEEL_DOWN K_FN(0x100001)

#endif
