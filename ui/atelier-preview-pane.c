/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-preview-pane.h"

#include <glib/gi18n-lib.h>
#include <math.h>

/* Long enough that dragging a spin button does not start a render per step. */
#define PAUSE_BEFORE_RENDER_MS 300
#define CHECK_SIZE 8

typedef struct
{
  AtelierFilter *filter;
  AtelierTensor *region, *selection;
  GtkWidget *toggle, *before_image, *after_image, *status;
  AtelierFilterValues *latest; /* the values to render next */
  guint pause_id;              /* the pause before a render, 0 when none */
  GCancellable *running;       /* the render in flight, NULL when none */
  GdkPixbuf *result;
  gboolean destroyed;
} PreviewPane;

/* What a worker thread needs, all of it its own: the dialog may close while it runs. */
typedef struct
{
  AtelierFilter *filter; /* a reference: its models outlive the dialog while the job runs */
  AtelierFilterValues *values;
  AtelierTensor *region, *selection;
  AtelierTensor *before, *after;
  gint64 started_us;
} RenderJob;

static void
render_job_free (gpointer p)
{
  RenderJob *job = p;
  atelier_filter_unref (job->filter);
  atelier_filter_values_free (job->values);
  atelier_tensor_free (job->region);
  atelier_tensor_free (job->selection);
  atelier_tensor_free (job->before);
  atelier_tensor_free (job->after);
  g_free (job);
}

static void
preview_pane_free (gpointer p)
{
  PreviewPane *pane = p;
  atelier_filter_unref (pane->filter);
  atelier_tensor_free (pane->region);
  atelier_tensor_free (pane->selection);
  if (pane->latest != NULL)
    atelier_filter_values_free (pane->latest);
  g_clear_object (&pane->result);
  g_free (pane);
}

static PreviewPane *
pane_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "atelier-preview-pane");
}

GdkPixbuf *
atelier_pixbuf_from_tensor (const AtelierTensor *pixels)
{
  const int channels = (int) pixels->shape[1], h = (int) pixels->shape[2], w = (int) pixels->shape[3];
  const gboolean alpha = channels == 2 || channels == 4;
  const int colours = channels >= 3 ? 3 : 1;
  const gint64 plane = (gint64) h * w;
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  guchar *rows = gdk_pixbuf_get_pixels (pixbuf);
  const int stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const gint64 i = (gint64) y * w + x;
        const float a = alpha ? CLAMP (pixels->data[(channels - 1) * plane + i], 0.0f, 1.0f) : 1.0f;
        const float check = ((x / CHECK_SIZE + y / CHECK_SIZE) & 1) ? 0.6f : 0.4f;
        for (int c = 0; c < 3; c++)
          {
            const float v = CLAMP (pixels->data[(colours == 3 ? c : 0) * plane + i], 0.0f, 1.0f);
            rows[y * stride + x * 3 + c] = (guchar) lrintf ((v * a + check * (1.0f - a)) * 255.0f);
          }
      }
  return pixbuf;
}

static void
set_status (PreviewPane *pane, const char *text)
{
  gtk_label_set_text (GTK_LABEL (pane->status), text);
}

static void
cancel_context (GCancellable *cancellable, gpointer ctx)
{
  (void) cancellable;
  atelier_context_cancel (ctx);
}

static void
render_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  (void) source;
  RenderJob *job = data;
  g_autoptr (AtelierContext) ctx = atelier_context_new (0);
  const gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_context), ctx, NULL);
  GError *error = NULL;
  const gboolean ok = atelier_filter_preview_render (job->filter, ctx, job->values, job->region, job->selection,
                                                     &job->before, &job->after, &error);
  g_cancellable_disconnect (cancellable, handler);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
show_result (PreviewPane *pane, const RenderJob *job)
{
  g_autoptr (GdkPixbuf) after = atelier_pixbuf_from_tensor (job->after);
  g_autoptr (GdkPixbuf) before_small = atelier_pixbuf_from_tensor (job->before);
  /* Nearest neighbour, so that the enlargement shows the source's own pixels. */
  g_autoptr (GdkPixbuf) before = gdk_pixbuf_scale_simple (before_small, gdk_pixbuf_get_width (after),
                                                          gdk_pixbuf_get_height (after), GDK_INTERP_NEAREST);
  gtk_image_set_from_pixbuf (GTK_IMAGE (pane->before_image), before);
  gtk_image_set_from_pixbuf (GTK_IMAGE (pane->after_image), after);
  g_set_object (&pane->result, after);
  g_autofree char *text = g_strdup_printf (_("Rendered in %.1f s"),
                                           (double) (g_get_monotonic_time () - job->started_us) / G_USEC_PER_SEC);
  set_status (pane, text);
}

static void
render_done (GObject *source, GAsyncResult *result, gpointer data)
{
  (void) data;
  PreviewPane *pane = pane_of (GTK_WIDGET (source));
  GTask *task = G_TASK (result);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;
  const gboolean ok = g_task_propagate_boolean (task, &error);
  if (pane->running == cancellable)
    g_clear_object (&pane->running);
  /* Cancelled: newer values are on their way, or the dialog closed. */
  if (pane->destroyed || g_cancellable_is_cancelled (cancellable))
    return;
  if (!ok)
    {
      g_autofree char *text = g_strdup_printf (_("No preview: %s"), error->message);
      set_status (pane, text);
      return;
    }
  show_result (pane, g_task_get_task_data (task));
}

static void
cancel_render (PreviewPane *pane)
{
  if (pane->pause_id != 0)
    g_source_remove (pane->pause_id);
  pane->pause_id = 0;
  if (pane->running != NULL)
    g_cancellable_cancel (pane->running);
  g_clear_object (&pane->running);
}

static gboolean
start_render (gpointer data)
{
  GtkWidget *widget = data;
  PreviewPane *pane = pane_of (widget);
  pane->pause_id = 0;
  cancel_render (pane);
  RenderJob *job = g_new0 (RenderJob, 1);
  job->filter = atelier_filter_ref (pane->filter);
  job->values = atelier_filter_values_copy (pane->latest);
  job->region = atelier_tensor_copy (pane->region, NULL);
  job->selection = pane->selection ? atelier_tensor_copy (pane->selection, NULL) : NULL;
  job->started_us = g_get_monotonic_time ();
  if (job->region == NULL || (pane->selection != NULL && job->selection == NULL))
    {
      render_job_free (job);
      set_status (pane, _("No preview: out of memory"));
      return G_SOURCE_REMOVE;
    }
  pane->running = g_cancellable_new ();
  g_autoptr (GTask) task = g_task_new (widget, pane->running, render_done, NULL);
  g_task_set_task_data (task, job, render_job_free);
  g_task_run_in_thread (task, render_in_thread);
  set_status (pane, _("Rendering..."));
  return G_SOURCE_REMOVE;
}

static void
schedule_render (GtkWidget *widget)
{
  PreviewPane *pane = pane_of (widget);
  if (pane->latest == NULL || !gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (pane->toggle)))
    return;
  if (pane->pause_id != 0)
    g_source_remove (pane->pause_id);
  pane->pause_id = g_timeout_add (PAUSE_BEFORE_RENDER_MS, start_render, widget);
}

static void
on_toggled (GtkToggleButton *toggle, gpointer data)
{
  GtkWidget *widget = data;
  PreviewPane *pane = pane_of (widget);
  if (gtk_toggle_button_get_active (toggle))
    {
      schedule_render (widget);
      return;
    }
  cancel_render (pane);
  set_status (pane, "");
}

static void
on_destroy (GtkWidget *widget, gpointer data)
{
  (void) data;
  PreviewPane *pane = pane_of (widget);
  pane->destroyed = TRUE;
  cancel_render (pane);
}

static GtkWidget *
captioned (GtkWidget *image, const char *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_size_request (image, ATELIER_PREVIEW_SIDE, ATELIER_PREVIEW_SIDE);
  gtk_box_pack_start (GTK_BOX (box), gtk_label_new (caption), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), image, FALSE, FALSE, 0);
  return box;
}

GtkWidget *
atelier_preview_pane_new (AtelierFilter *filter, AtelierTensor *region, AtelierTensor *selection)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  g_return_val_if_fail (atelier_filter_has_preview (info) && region != NULL, NULL);
  PreviewPane *pane = g_new0 (PreviewPane, 1);
  pane->filter = atelier_filter_ref (filter);
  pane->region = region;
  pane->selection = selection;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_object_set_data_full (G_OBJECT (box), "atelier-preview-pane", pane, preview_pane_free);

  pane->toggle = gtk_check_button_new_with_mnemonic (_("Pre_view"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pane->toggle), TRUE);
  gtk_box_pack_start (GTK_BOX (box), pane->toggle, FALSE, FALSE, 0);
  GtkWidget *images = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  pane->before_image = gtk_image_new ();
  pane->after_image = gtk_image_new ();
  gtk_box_pack_start (GTK_BOX (images), captioned (pane->before_image, _("Original")), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (images), captioned (pane->after_image, _("Result")), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), images, FALSE, FALSE, 0);
  pane->status = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (pane->status), 0.0f);
  gtk_label_set_line_wrap (GTK_LABEL (pane->status), TRUE);
  gtk_box_pack_start (GTK_BOX (box), pane->status, FALSE, FALSE, 0);
  if (info->preview->note != NULL)
    {
      GtkWidget *note = gtk_label_new (_(info->preview->note));
      gtk_label_set_xalign (GTK_LABEL (note), 0.0f);
      gtk_label_set_line_wrap (GTK_LABEL (note), TRUE);
      gtk_style_context_add_class (gtk_widget_get_style_context (note), "dim-label");
      gtk_box_pack_start (GTK_BOX (box), note, FALSE, FALSE, 0);
    }
  g_signal_connect (pane->toggle, "toggled", G_CALLBACK (on_toggled), box);
  g_signal_connect (box, "destroy", G_CALLBACK (on_destroy), NULL);
  return box;
}

void
atelier_preview_pane_update (GtkWidget *widget, const AtelierFilterValues *values)
{
  PreviewPane *pane = pane_of (widget);
  if (pane->latest != NULL)
    atelier_filter_values_free (pane->latest);
  pane->latest = atelier_filter_values_copy (values);
  schedule_render (widget);
}

gboolean
atelier_preview_pane_is_busy (GtkWidget *widget)
{
  const PreviewPane *pane = pane_of (widget);
  return pane->pause_id != 0 || pane->running != NULL;
}

GdkPixbuf *
atelier_preview_pane_get_result (GtkWidget *widget)
{
  return pane_of (widget)->result;
}

const char *
atelier_preview_pane_get_status (GtkWidget *widget)
{
  return gtk_label_get_text (GTK_LABEL (pane_of (widget)->status));
}
