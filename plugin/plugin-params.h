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

/* The most return values after the status any filter has. */
#define ATELIER_PDB_MAX_RESULTS 15

/* The return values after the status: one per single-valued result in the
 * description, in its order (DOUBLE as FLOAT, INT and BOOLEAN as INT32,
 * STRING); lists are left to the message. Free with atelier_pdb_params_free. */
GimpParamDef *atelier_pdb_results_new (const AtelierFilterInfo *info, int *n_results);

/* The PDB type of a result, or -1 for a list, which the PDB does not return. */
int atelier_pdb_result_type (const AtelierResultSpec *spec);

/* Reads the filter's arguments from a PDB call. */
gboolean atelier_pdb_params_read (AtelierFilterValues *values, int n_params, const GimpParam *params, GError **error);
