/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Marks a string for translation without translating it here (the front ends
 * translate with the "atelier" gettext domain). */
#define ATELIER_N_(text) (text)

/* Binds the "atelier" gettext domain to the installed locale directory, or to
 * $ATELIER_LOCALEDIR (uninstalled builds, tests). Front ends call it once at
 * start-up. */
void atelier_i18n_init (void);
/* A description string in the user's language. */
const char *atelier_i18n (const char *text);

G_END_DECLS
