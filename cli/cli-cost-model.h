/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* A first guess of how long a job will take, before this machine has timed one of its kind
 * (cli-cost-history.h): the development machine's measured speed (2 cores) for the filters whose time grows with
 * a setting, scaled by the threads. */
/* Seconds for @values on an input of @megapixels with @threads, or -1 for a filter without a guess (one that takes
 * seconds at most). */
double atelier_cli_cost_model_guess (const AtelierFilterValues *values, double megapixels, int threads);
