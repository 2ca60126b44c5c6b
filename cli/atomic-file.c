/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fsync, O_CLOEXEC, O_DIRECTORY and flock are POSIX and BSD, outside strict C11. */
#define _DEFAULT_SOURCE
#include "atomic-file.h"

#include "core/atelier-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

struct _AtelierAtomicFile
{
  char *path;
  char *temporary;
  FILE *stream;
};

static gboolean
system_error (GError **error, const char *what, const char *path, int code)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "cannot %s %s: %s", what, path,
               g_strerror (code));
  return FALSE;
}

/* ".NAME." and ".part": the temporary names of @base (NAME) are the prefix, 6 characters and the suffix. */
static char *
temporary_prefix (const char *base)
{
  return g_strdup_printf (".%s.", base);
}

AtelierAtomicFile *
atelier_atomic_file_open (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = temporary_prefix (base);
  g_autofree char *name = g_strconcat (prefix, "XXXXXX.part", NULL);
  g_autofree char *temporary = g_build_filename (dir, name, NULL);
  /* 0666 less the umask, as fopen would have made the file. */
  const int fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      system_error (error, "write", path, errno);
      return NULL;
    }
  FILE *stream = fdopen (fd, "wb");
  if (stream == NULL)
    {
      const int code = errno;
      close (fd);
      g_unlink (temporary);
      system_error (error, "write", path, code);
      return NULL;
    }
  AtelierAtomicFile *file = g_new0 (AtelierAtomicFile, 1);
  file->path = g_strdup (path);
  file->temporary = g_steal_pointer (&temporary);
  file->stream = stream;
  return file;
}

FILE *
atelier_atomic_file_stream (AtelierAtomicFile *file)
{
  return file->stream;
}

const char *
atelier_atomic_file_temporary_path (const AtelierAtomicFile *file)
{
  return file->temporary;
}

static void
atomic_file_free (AtelierAtomicFile *file)
{
  g_free (file->path);
  g_free (file->temporary);
  g_free (file);
}

void
atelier_atomic_file_abort (AtelierAtomicFile *file)
{
  if (file == NULL)
    return;
  if (file->stream != NULL)
    fclose (file->stream);
  if (file->temporary != NULL)
    g_unlink (file->temporary);
  atomic_file_free (file);
}

/* The rename is only on the disk once the folder's entry is: without this a power cut after the rename can
 * still show the old name (ext4 with data=ordered orders the data, not the directory entry). */
static gboolean
sync_folder (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  const int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return system_error (error, "open the folder of", path, errno);
  const int status = fsync (fd);
  const int code = errno;
  close (fd);
  /* Some file systems (and /proc-like mounts) refuse fsync on a folder; the rename is done all the same. */
  return status == 0 || code == EINVAL || code == EROFS ? TRUE : system_error (error, "sync the folder of", path, code);
}

gboolean
atelier_atomic_file_commit (AtelierAtomicFile *file, GError **error)
{
  g_autoptr (AtelierAtomicFile) owned = file;
  FILE *stream = g_steal_pointer (&owned->stream);
  const gboolean written = fflush (stream) == 0 && fsync (fileno (stream)) == 0;
  const int code = errno;
  if (fclose (stream) != 0 || !written)
    return system_error (error, "write", owned->path, written ? errno : code);
  if (g_rename (owned->temporary, owned->path) != 0)
    return system_error (error, "write", owned->path, errno);
  /* Renamed: nothing left for the cleanup to remove. */
  g_clear_pointer (&owned->temporary, g_free);
  return sync_folder (owned->path, error);
}

void
atelier_atomic_file_remove_leftovers (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = temporary_prefix (base);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  for (const char *name; dir != NULL && (name = g_dir_read_name (dir)) != NULL;)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".part")
        && strlen (name) == strlen (prefix) + strlen ("XXXXXX.part"))
      {
        g_autofree char *leftover = g_build_filename (dir_path, name, NULL);
        g_unlink (leftover);
      }
}

gboolean
atelier_atomic_file_write (const char *path, const void *data, gsize size, GError **error)
{
  g_autoptr (AtelierAtomicFile) file = atelier_atomic_file_open (path, error);
  if (file == NULL)
    return FALSE;
  if (size > 0 && fwrite (data, 1, size, file->stream) != size)
    return system_error (error, "write", path, errno);
  return atelier_atomic_file_commit (g_steal_pointer (&file), error);
}
