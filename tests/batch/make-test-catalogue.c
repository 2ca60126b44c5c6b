/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `make-test-catalogue DIR N SIDE`: N small product photographs for the batch engines' tests
 * (the scripts of tests/batch/), DIR/product-00.png..., each a subject on a textured background and each of its own size
 * (about SIDE pixels), so that every output differs and a swapped or half-written one shows. */
#include "atelier-image-io.h"
#include "test-helpers.h"

#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  if (argc != 4 || atoi (argv[2]) < 1 || atoi (argv[3]) < 16)
    {
      fprintf (stderr, "usage: %s DIR N SIDE (N >= 1, SIDE >= 16)\n", argv[0]);
      return 2;
    }
  const int n = atoi (argv[2]), side = atoi (argv[3]);
  if (g_mkdir_with_parents (argv[1], 0755) != 0)
    {
      fprintf (stderr, "%s: cannot create %s\n", argv[0], argv[1]);
      return 1;
    }
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("product-%02d.png", i);
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      g_autoptr (AtelierImage) image = atelier_image_new (test_subject_image (side + 2 * i, side + 3 * (i % 7)), 8);
      g_autoptr (GError) error = NULL;
      if (!atelier_image_save (image, path, 8, 92, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
    }
  return 0;
}
