/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Filter descriptions <-> GIMP's PDB: argument definitions and values. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* run-mode, image, drawable, then one argument per parameter. */
#define ATELIER_PDB_FIXED_ARGS 3

/* Newly allocated definitions (names and descriptions too); free with
 * atelier_pdb_params_free. */
GimpParamDef *atelier_pdb_params_new (const AtelierFilterInfo *info, int *n_params);
void atelier_pdb_params_free (GimpParamDef *params, int n_params);

/* The return values after the status: one per result in the description
 * (FLOAT or STRING). Free with atelier_pdb_params_free. */
GimpParamDef *atelier_pdb_results_new (const AtelierFilterInfo *info, int *n_results);

/* Reads the filter's arguments from a PDB call. */
gboolean atelier_pdb_params_read (AtelierFilterValues *values, int n_params, const GimpParam *params, GError **error);
