/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shquote.h - the one way hvscope builds a command line that a shell will
 * parse: on a remote host (ssh runs its command argument through the
 * user's shell) and inside a guest (boot-guest.sh runs each --cmd with
 * sh -c). Every word that comes from configuration (a matrix file's
 * remote_dir, its run lines) goes through hvs_shq(); nothing is pasted.
 *
 * A word is quoted POSIX style: '...' with each ' written as '\''. The
 * result never depends on the shell's IFS, globbing or expansions. A word
 * that does not fit is an error, never a truncated word.
 */
#ifndef HVS_SHQUOTE_H
#define HVS_SHQUOTE_H

#include <stddef.h>

/*
 * Append the quoted form of word to buf (NUL-terminated, *k its length so
 * far), preceded by a space unless *k is 0. Return 0, or -E2BIG when it
 * does not fit (buf is then unchanged past *k).
 */
int hvs_shq_append(char *buf, size_t len, size_t *k, const char *word);

/*
 * Append text as it is (an operator, a redirection, a glob that must stay
 * one, such as "*.json" after a quoted directory): only for constants
 * written in hvscope's source, never for configuration. No space is added.
 * Return 0 or -E2BIG.
 */
int hvs_sh_raw(char *buf, size_t len, size_t *k, const char *text);

/* Quote one word into buf. Return buf, or NULL when it does not fit. */
const char *hvs_shq(char *buf, size_t len, const char *word);

#endif
