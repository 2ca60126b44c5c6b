/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-error.h"

G_DEFINE_QUARK (atelier-error-quark, atelier_error)
