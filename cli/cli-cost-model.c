/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-cost-model.h"

#include <string.h>

/* The threads the figures below were measured with. */
#define MEASURED_THREADS 2

/* Upscale: seconds per input megapixel, from `atelier bench --model M --scale 4 --size 256` on 2 cores (slim
 * 0.30 s, medium 1.05 s, thick 6.4 s for 0.066 megapixels, models/esrgan/README.md). The networks run at the
 * input's resolution, so the other scales cost about as much per input pixel (thick on Set14: x2 1.2 times x4's
 * time per input pixel, docs/sr-quality.md). */
static const struct
{
  const char *model;
  double seconds_per_megapixel;
} upscale_speeds[] = {
  { "slim", 4.6 },
  { "medium", 16.0 },
  { "thick", 98.0 },
};

/* Inpaint and Extend Canvas: the working size bounds the area the model sees, so a step costs the same on any
 * input: two U-Net passes of 233-249 ms at 512x512 (docs/performance.md), plus about 2 s of encoding, decoding and
 * the seamless fill. */
#define SECONDS_PER_STEP 0.5
#define SAMPLING_FIXED_SECONDS 2.0

static gboolean
has_param (const AtelierFilterValues *values, const char *name)
{
  return atelier_filter_param_index (values->info, name) >= 0;
}

double
atelier_cli_cost_model_guess (const AtelierFilterValues *values, double megapixels, int threads)
{
  const char *filter = values->info->name;
  double seconds = -1.0;
  if (strcmp (filter, "upscale") == 0 && has_param (values, "model"))
    {
      const char *model = atelier_filter_values_get_choice (values, "model");
      for (gsize i = 0; i < G_N_ELEMENTS (upscale_speeds); i++)
        if (strcmp (model, upscale_speeds[i].model) == 0)
          seconds = upscale_speeds[i].seconds_per_megapixel * megapixels;
    }
  else if ((strcmp (filter, "inpaint") == 0 || strcmp (filter, "extend-canvas") == 0) && has_param (values, "steps"))
    seconds = (SAMPLING_FIXED_SECONDS + SECONDS_PER_STEP * atelier_filter_values_get_int (values, "steps"))
              * (has_param (values, "variations") ? atelier_filter_values_get_int (values, "variations") : 1);
  if (seconds < 0.0)
    return -1.0;
  return seconds * MEASURED_THREADS / MAX (threads, 1);
}
