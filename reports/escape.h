/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * escape.h - write a string from a result file into an output format so
 * that it is shown as text and can never become markup or code.
 *
 * Every string a result file carries (hostname, tags, metric names, units,
 * evidence) is hostile until escaped. Common to all formats: control
 * characters (newline included) become a space, and bytes that are not
 * valid UTF-8 become '?', so one field stays one line and one field.
 */
#ifndef HVS_REPORT_ESCAPE_H
#define HVS_REPORT_ESCAPE_H

#include <stdio.h>

/* HTML/XML text or attribute value (quoted with "): & < > " ' escaped. */
void hvs_esc_html(FILE *f, const char *s);

/*
 * LaTeX text: the ten special characters as commands, < > | as text
 * commands; non-ASCII as '?' except a few symbols units use (µ ± °).
 */
void hvs_esc_latex(FILE *f, const char *s);
/* The same, with \allowbreak after . _ - / , : = and every 10 characters without one. */
void hvs_esc_latex_break(FILE *f, const char *s);

/*
 * One CSV field (RFC 4180): always double-quoted, " doubled. A field that
 * starts with = + - @ gets a leading ' so a spreadsheet shows it rather than
 * evaluating it as a formula.
 */
void hvs_esc_csv(FILE *f, const char *s);

/*
 * Markdown table cell: HTML special characters as entities (Markdown passes
 * raw HTML through), the inline markup characters \ ` * _ [ ] ! | ~
 * backslash-escaped.
 */
void hvs_esc_md(FILE *f, const char *s);

/*
 * A gnuplot single-quoted string, quotes included. Inside single quotes
 * gnuplot expands neither backslash escapes, nor `backquote` commands, nor
 * @macros; a ' is written as ''. Use with the terminal option noenhanced so
 * ^ _ { } @ & stay literal.
 */
void hvs_esc_gp(FILE *f, const char *s);

/* s with every character outside [A-Za-z0-9._-] replaced by '_' (file names). */
void hvs_esc_fname(char *dst, size_t len, const char *s);

#endif
