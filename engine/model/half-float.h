/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* IEEE 754 binary16, subnormals, infinities and NaN included. */
float atelier_half_to_float (guint16 bits);
guint16 atelier_float_to_half (float value); /* round to nearest even */
/* bfloat16 is the upper half of a binary32. */
float atelier_bfloat16_to_float (guint16 bits);
