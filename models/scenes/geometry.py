# SPDX-License-Identifier: GPL-3.0-or-later
"""The camera geometry of a tabletop scene, in image coordinates normalised to 0..1 (x right, y down).

A camera looking at a horizontal surface sees it through a homography: a surface point (u, v) in texture
units appears at the image point whose row depends on 1 / depth. Inverting it, the image point (x, y) below
a horizon at row h sees the surface point
    u = scale * (x - cx) / (y - h),   v = scale * tilt / (y - h),
the projective map H = [[s, 0, -s cx], [0, 0, s t], [0, 1, -h]] in homogeneous coordinates. Rows at the
horizon map to infinity, and the texture's footprint per pixel grows as 1 / (y - h)^2 towards it. A flat-lay
(camera straight down) has no horizon: the map is a rotation and a scale.

A product stands on the surface when its base row is below the horizon, and its apparent size shrinks
in proportion to the base's distance below the horizon (things twice as far are half as tall)."""
import numpy as np


def perspective_homography(horizon, scale, tilt, yaw, centre_x=0.5):
    """The 3x3 map from image (x, y, 1) to surface (u, v, w) for a horizon at row @horizon, the surface
    turned by @yaw radians about the vertical."""
    image_to_plane = np.array([[scale, 0.0, -scale * centre_x],
                               [0.0, 0.0, scale * tilt],
                               [0.0, 1.0, -horizon]])
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]) @ image_to_plane


def flat_lay_homography(scale, yaw):
    c, s = np.cos(yaw), np.sin(yaw)
    return np.array([[scale * c, -scale * s, 0.0], [scale * s, scale * c, 0.0], [0.0, 0.0, 1.0]])


def apply_homography(matrix, x, y):
    """Surface coordinates of image points (arrays); points at or above a horizon give w <= 0 and come back
    as NaN."""
    u = matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]
    v = matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]
    w = matrix[2, 0] * x + matrix[2, 1] * y + matrix[2, 2]
    valid = w > 1e-9
    safe = np.where(valid, w, 1.0)
    return np.where(valid, u / safe, np.nan), np.where(valid, v / safe, np.nan)


def footprint(matrix, x, y, pixel):
    """How many surface units one image pixel of side @pixel covers at (x, y): the larger of the two
    derivatives of the map, which decides how much the texture must be low-passed there."""
    u0, v0 = apply_homography(matrix, x, y)
    ux, vx = apply_homography(matrix, x + pixel, y)
    uy, vy = apply_homography(matrix, x, y + pixel)
    return np.maximum(np.hypot(ux - u0, vx - v0), np.hypot(uy - u0, vy - v0))


def product_height(base_row, horizon, reference_height, reference_base=1.0):
    """The apparent height of a product whose base stands at @base_row, when the same product standing at
    @reference_base would be @reference_height tall. Without a horizon (flat-lay) size does not change."""
    if horizon is None:
        return reference_height
    return reference_height * (base_row - horizon) / (reference_base - horizon)


def shadow_offset(light, length):
    """Where a shadow falls from a product lit from image direction @light = (lx, ly) (the unit vector
    towards the light, y down): straight away from the light, @length long."""
    lx, ly = light
    norm = max(np.hypot(lx, ly), 1e-9)
    return -lx / norm * length, -ly / norm * length
