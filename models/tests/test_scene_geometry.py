# SPDX-License-Identifier: GPL-3.0-or-later
"""The tabletop scenes' camera geometry (models/scenes/geometry.py) against values worked out by hand from
the pinhole model, and the rendered scenes' product placement against the horizon it was drawn with."""
import numpy as np
import pytest

from models.scenes.geometry import (
    apply_homography,
    flat_lay_homography,
    footprint,
    perspective_homography,
    product_height,
    shadow_offset,
)
from models.scenes.render import render_scene


def test_rows_at_and_above_the_horizon_see_no_surface():
    matrix = perspective_homography(horizon=0.4, scale=1.0, tilt=0.5, yaw=0.0)
    u, v = apply_homography(matrix, np.array([0.5, 0.5, 0.5]), np.array([0.2, 0.4, 0.41]))
    assert np.isnan(u[0]) and np.isnan(u[1]) and np.isfinite(u[2])


def test_depth_is_inverse_to_the_distance_below_the_horizon():
    # v = scale * tilt / (y - h): a row 0.3 below the horizon sees the surface 3 times nearer than one 0.1 below.
    matrix = perspective_homography(horizon=0.5, scale=2.0, tilt=0.5, yaw=0.0)
    _, v = apply_homography(matrix, np.array([0.5, 0.5]), np.array([0.6, 0.8]))
    assert v == pytest.approx([2.0 * 0.5 / 0.1, 2.0 * 0.5 / 0.3])


def test_lines_through_the_centre_column_stay_straight_and_vertical_lines_converge():
    matrix = perspective_homography(horizon=0.3, scale=1.0, tilt=1.0, yaw=0.0, centre_x=0.5)
    u_near, _ = apply_homography(matrix, np.array([0.7]), np.array([0.9]))
    u_far, _ = apply_homography(matrix, np.array([0.7]), np.array([0.4]))
    # The same image column 0.2 right of the centre sees surface points 6 times further out nearer the
    # horizon (0.6 / 0.1), the convergence of parallel lines at the vanishing point.
    assert u_far[0] / u_near[0] == pytest.approx(6.0)
    u_centre, _ = apply_homography(matrix, np.array([0.5, 0.5]), np.array([0.4, 0.9]))
    assert u_centre == pytest.approx([0.0, 0.0])


def test_the_texture_footprint_grows_as_the_inverse_square_towards_the_horizon():
    matrix = perspective_homography(horizon=0.2, scale=1.0, tilt=1.0, yaw=0.3)
    near = footprint(matrix, np.array([0.5]), np.array([1.0]), 1e-4)[0]
    far = footprint(matrix, np.array([0.5]), np.array([0.6]), 1e-4)[0]
    assert far / near == pytest.approx((0.8 / 0.4) ** 2, rel=1e-2)


def test_a_flat_lay_is_a_similarity_with_the_same_footprint_everywhere():
    matrix = flat_lay_homography(scale=1.5, yaw=0.7)
    sizes = footprint(matrix, np.array([0.1, 0.5, 0.9]), np.array([0.2, 0.5, 0.95]), 1e-3)
    assert sizes == pytest.approx([1.5e-3] * 3)


def test_products_shrink_towards_the_horizon_and_keep_their_size_in_a_flat_lay():
    assert product_height(0.7, 0.4, 0.5, reference_base=1.0) == pytest.approx(0.5 * 0.3 / 0.6)
    assert product_height(0.7, None, 0.5) == 0.5


def test_shadows_fall_away_from_the_light():
    dx, dy = shadow_offset((0.6, -0.8), 0.5)
    assert (dx, dy) == pytest.approx((-0.3, 0.4))


def _cutout():
    """A cut-out product as load_cutouts gives one: cropped to its opaque rows, transparent at the sides."""
    rgba = np.zeros((40, 20, 4), np.float32)
    rgba[:, :, :3] = 0.3
    rgba[:, 2:18, 3] = 1
    return rgba


@pytest.mark.parametrize("seed", range(8))
def test_a_rendered_product_stands_below_the_horizon_and_ends_at_its_base(seed):
    scene = render_scene(np.random.default_rng(seed), side=64, product_cutouts=[_cutout()] if seed % 2 else ())
    rows = np.flatnonzero(scene.subject.max(axis=1) > 0.5)
    assert rows.size > 0
    assert (rows.max() + 1) / 64 == pytest.approx(scene.base_row, abs=3 / 64)
    if scene.horizon is not None:
        assert scene.base_row > scene.horizon + 0.05


def test_a_scene_without_a_product_has_an_empty_subject():
    scene = render_scene(np.random.default_rng(1), side=32, product=False, composition=0.5, material="marble")
    assert scene.subject.max() == 0 and scene.base_row is None and scene.horizon == 0.5
    assert scene.image.shape == (32, 32, 3)
