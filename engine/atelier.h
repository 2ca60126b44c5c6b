/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The Atelier engine: pure C11 + GLib + OpenBLAS. Layers, each calling only
 * the one below: core (tensor, context, errors) -> ops (kernels) -> model
 * (safetensors + manifest loading) and tiling -> networks and pipelines;
 * forensics (spectral features and the detector) beside the networks;
 * filters (one file per filter: its description and its run) on top. */

#include "core/atelier-context.h"
#include "core/atelier-error.h"
#include "core/atelier-i18n.h"
#include "core/atelier-image-planes.h"
#include "core/atelier-tensor.h"
#include "diffusion/atelier-noise.h"
#include "diffusion/atelier-sampler.h"
#include "filters/atelier-filter.h"
#include "filters/atelier-model-cache.h"
#include "filters/atelier-sampling-params.h"
#include "forensics/atelier-detector.h"
#include "forensics/atelier-spectral-analysis.h"
#include "forensics/atelier-spectral-features.h"
#include "forensics/atelier-tile-spectra.h"
#include "model/atelier-manifest.h"
#include "model/atelier-model-path.h"
#include "model/atelier-model.h"
#include "model/atelier-safetensors.h"
#include "networks/atelier-autoencoder.h"
#include "networks/atelier-conv-layer.h"
#include "networks/atelier-isnet.h"
#include "networks/atelier-rdn.h"
#include "networks/atelier-unet.h"
#include "ops/atelier-ops.h"
#include "pipelines/atelier-alpha-fill.h"
#include "pipelines/atelier-autoencode.h"
#include "pipelines/atelier-detect.h"
#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-latent-diffusion.h"
#include "pipelines/atelier-matte-cutout.h"
#include "pipelines/atelier-matte-feather.h"
#include "pipelines/atelier-matte-guided-filter.h"
#include "pipelines/atelier-matte-refine.h"
#include "pipelines/atelier-matte-shape.h"
#include "pipelines/atelier-seamless-fill.h"
#include "pipelines/atelier-selection.h"
#include "pipelines/atelier-subject-mask.h"
#include "pipelines/atelier-upscale.h"
#include "tiling/atelier-tiling.h"
