/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* IEEE 754 binary16, subnormals, infinities and NaN included. */
float atelier_half_to_float (guint16 bits);
/* @n little-endian halves at @src (any alignment) into @dst, as atelier_half_to_float converts each: with the
 * CPU's F16C instructions where it has them (an ISNet load converts 44 M weights; 72 ms of CPU one by one). */
void atelier_half_to_float_array (const guint8 *src, float *dst, gint64 n);
guint16 atelier_float_to_half (float value); /* round to nearest even */
/* bfloat16 is the upper half of a binary32. */
float atelier_bfloat16_to_float (guint16 bits);
