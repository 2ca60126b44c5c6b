/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Every file the command line writes (images, masks, pictures, reports, batch
 * records) goes through here: it is written to a hidden temporary file in the
 * same folder, flushed to the disk, then renamed over its name. A task killed
 * at any moment leaves either the whole old file or the whole new one, never
 * half of one, so a batch can be resumed by looking at which outputs exist.
 * The rename is atomic only within one file system, hence the same folder. */

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct _AtelierAtomicFile AtelierAtomicFile;

/* A temporary file next to @path (".NAME.XXXXXX.part"), open for writing. */
AtelierAtomicFile *atelier_atomic_file_open (const char *path, GError **error);
FILE *atelier_atomic_file_stream (AtelierAtomicFile *file);
const char *atelier_atomic_file_temporary_path (const AtelierAtomicFile *file);
/* Flushes and syncs the temporary file, renames it to its path and syncs the folder; frees @file, and on
 * failure removes the temporary file. */
gboolean atelier_atomic_file_commit (AtelierAtomicFile *file, GError **error);
/* Closes and removes the temporary file, leaving the path as it was; frees @file. */
void atelier_atomic_file_abort (AtelierAtomicFile *file);

/* Removes the temporary files of @path that a killed writer left. Only for a caller that knows no other
 * process is writing @path now (a batch holding the output's lock). */
void atelier_atomic_file_remove_leftovers (const char *path);

/* @size bytes of @data as the whole of @path, atomically. */
gboolean atelier_atomic_file_write (const char *path, const void *data, gsize size, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierAtomicFile, atelier_atomic_file_abort)

G_END_DECLS
