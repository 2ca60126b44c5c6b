/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* PSNR and SSIM on the BT.601 luma of two RGB images in 0..1, after
 * quantising both to 8 bits (as saved files are) and shaving @shave pixels
 * from every border: the standard super-resolution protocol. SSIM: Gaussian
 * window 11, sigma 1.5, K1 0.01, K2 0.03, L 255 (Wang et al. 2004). */
void quality_y (const AtelierTensor *a, const AtelierTensor *b, int shave, double *psnr, double *ssim);
