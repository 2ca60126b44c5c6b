/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-dialog.h"

#include "atelier-preview-pane.h"

#include <glib/gi18n-lib.h>
#include <math.h>

typedef struct
{
  AtelierFilterValues *values;
  GtkWidget **widgets; /* one per parameter */
  GtkWidget **labels;  /* one per parameter */
  GtkWidget *body;     /* the parameters, and the preview beside them */
  GtkWidget *preview;  /* NULL: none */
} DialogState;

static void
dialog_state_free (gpointer p)
{
  DialogState *state = p;
  g_free (state->widgets);
  g_free (state->labels);
  g_free (state);
}

static GtkWidget *
widget_for (const AtelierParamSpec *spec)
{
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed != NULL)
        {
          GtkWidget *combo = gtk_combo_box_text_new ();
          for (int i = 0; i < spec->n_allowed; i++)
            {
              g_autofree char *text = g_strdup_printf ("%d", spec->allowed[i]);
              gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), text);
            }
          return combo;
        }
      return gtk_spin_button_new_with_range (spec->min, spec->max, MAX (spec->step, 1));
    case ATELIER_PARAM_DOUBLE:
      {
        GtkWidget *spin = gtk_spin_button_new_with_range (spec->min, spec->max, spec->step > 0 ? spec->step : 0.01);
        gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), (guint) spec->digits);
        return spin;
      }
    case ATELIER_PARAM_BOOLEAN:
      return gtk_check_button_new ();
    case ATELIER_PARAM_CHOICE:
      {
        GtkWidget *combo = gtk_combo_box_text_new ();
        for (int i = 0; i < spec->n_choices; i++)
          gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), _(spec->choices[i].label));
        return combo;
      }
    case ATELIER_PARAM_COLOUR:
      return gtk_color_button_new ();
    }
  g_assert_not_reached ();
}

static void
widget_set (GtkWidget *widget, const AtelierParamSpec *spec, double value)
{
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed != NULL)
        {
          for (int i = 0; i < spec->n_allowed; i++)
            if (spec->allowed[i] == (int) value)
              gtk_combo_box_set_active (GTK_COMBO_BOX (widget), i);
          return;
        }
      /* fall through */
    case ATELIER_PARAM_DOUBLE:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget), value);
      return;
    case ATELIER_PARAM_BOOLEAN:
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (widget), value != 0.0);
      return;
    case ATELIER_PARAM_CHOICE:
      gtk_combo_box_set_active (GTK_COMBO_BOX (widget), (int) value);
      return;
    case ATELIER_PARAM_COLOUR:
      {
        const guint32 packed = (guint32) value;
        const GdkRGBA rgba = { ((packed >> 16) & 0xff) / 255.0, ((packed >> 8) & 0xff) / 255.0, (packed & 0xff) / 255.0, 1.0 };
        gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (widget), &rgba);
        return;
      }
    }
}

static double
widget_get (GtkWidget *widget, const AtelierParamSpec *spec)
{
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed != NULL)
        return spec->allowed[MAX (gtk_combo_box_get_active (GTK_COMBO_BOX (widget)), 0)];
      return gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget));
    case ATELIER_PARAM_DOUBLE:
      return gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget));
    case ATELIER_PARAM_BOOLEAN:
      return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget)) ? 1.0 : 0.0;
    case ATELIER_PARAM_CHOICE:
      return MAX (gtk_combo_box_get_active (GTK_COMBO_BOX (widget)), 0);
    case ATELIER_PARAM_COLOUR:
      {
        GdkRGBA rgba;
        gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (widget), &rgba);
        return (double) (((guint32) lround (rgba.red * 255) << 16) | ((guint32) lround (rgba.green * 255) << 8)
                         | (guint32) lround (rgba.blue * 255));
      }
    }
  g_assert_not_reached ();
}

static DialogState *
state_of (GtkWidget *dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "atelier-dialog-state");
}

static void
read_widgets (const DialogState *state, AtelierFilterValues *into)
{
  const AtelierFilterInfo *info = state->values->info;
  for (int i = 0; i < info->n_params; i++)
    into->values[i] = widget_get (state->widgets[i], &info->params[i]);
}

/* A row that means nothing with the other widgets' values (fast sampling's steps) is greyed out, label too. */
static void
grey_out_unused (const DialogState *state, const AtelierFilterValues *shown)
{
  for (int i = 0; i < shown->info->n_params; i++)
    {
      const gboolean used = !atelier_filter_values_row_unused (shown, i);
      gtk_widget_set_sensitive (state->widgets[i], used);
      gtk_widget_set_sensitive (state->labels[i], used);
    }
}

/* The preview and the greyed rows follow the widgets, not the values, which change only on OK. */
static void
on_widget_changed (GtkWidget *widget, gpointer data)
{
  (void) widget;
  DialogState *state = state_of (data);
  g_autoptr (AtelierFilterValues) shown = atelier_filter_values_new (state->values->info);
  read_widgets (state, shown);
  grey_out_unused (state, shown);
  if (state->preview != NULL)
    atelier_preview_pane_update (state->preview, shown);
}

/* A colour button tells of a new colour through its "rgba" property. */
static void
on_colour_changed (GObject *button, GParamSpec *pspec, gpointer dialog)
{
  (void) pspec;
  on_widget_changed (GTK_WIDGET (button), dialog);
}

static void
connect_changed (GtkWidget *widget, GtkWidget *dialog)
{
  if (GTK_IS_COLOR_CHOOSER (widget))
    {
      g_signal_connect (widget, "notify::rgba", G_CALLBACK (on_colour_changed), dialog);
      return;
    }
  const char *signal = GTK_IS_SPIN_BUTTON (widget)    ? "value-changed"
                       : GTK_IS_TOGGLE_BUTTON (widget) ? "toggled"
                                                       : "changed";
  g_signal_connect (widget, signal, G_CALLBACK (on_widget_changed), dialog);
}

GtkWidget *
atelier_dialog_new (const AtelierFilterInfo *info, AtelierFilterValues *values, const char *title)
{
  GtkWidget *dialog = gtk_dialog_new_with_buttons (title, NULL, 0, _("_Reset"), ATELIER_DIALOG_RESPONSE_RESET,
                                                   _("_Cancel"), GTK_RESPONSE_CANCEL, _("_OK"), GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  /* A plug-in's window has no GTK3 parent to be transient for; centred, it opens over the image window. */
  gtk_window_set_position (GTK_WINDOW (dialog), GTK_WIN_POS_CENTER);
  DialogState *state = g_new0 (DialogState, 1);
  state->values = values;
  state->widgets = g_new0 (GtkWidget *, MAX (info->n_params, 1));
  state->labels = g_new0 (GtkWidget *, MAX (info->n_params, 1));
  g_object_set_data_full (G_OBJECT (dialog), "atelier-dialog-state", state, dialog_state_free);

  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_container_set_border_width (GTK_CONTAINER (grid), 12);
  GtkWidget *blurb = gtk_label_new (_(info->blurb));
  gtk_label_set_xalign (GTK_LABEL (blurb), 0.0f);
  gtk_grid_attach (GTK_GRID (grid), blurb, 0, 0, 2, 1);
  for (int i = 0; i < info->n_params; i++)
    {
      const AtelierParamSpec *spec = &info->params[i];
      GtkWidget *label = gtk_label_new_with_mnemonic (_(spec->label));
      gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
      GtkWidget *widget = widget_for (spec);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
      gtk_widget_set_tooltip_text (widget, _(spec->help));
      gtk_widget_set_tooltip_text (label, _(spec->help));
      gtk_widget_set_hexpand (widget, TRUE);
      if (GTK_IS_ENTRY (widget))
        gtk_entry_set_activates_default (GTK_ENTRY (widget), TRUE);
      widget_set (widget, spec, values->values[i]);
      state->widgets[i] = widget;
      state->labels[i] = label;
      gtk_grid_attach (GTK_GRID (grid), label, 0, i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), widget, 1, i + 1, 1, 1);
    }
  state->body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_pack_start (GTK_BOX (state->body), grid, TRUE, TRUE, 0);
  gtk_container_add (GTK_CONTAINER (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), state->body);
  gtk_widget_show_all (state->body);
  /* Connected once every row exists, as a change reads them all. */
  for (int i = 0; i < info->n_params; i++)
    connect_changed (state->widgets[i], dialog);
  grey_out_unused (state, values);
  return dialog;
}

GtkWidget *
atelier_dialog_get_widget (GtkWidget *dialog, const char *name)
{
  const DialogState *state = state_of (dialog);
  const int i = atelier_filter_param_index (state->values->info, name);
  return i >= 0 ? state->widgets[i] : NULL;
}

GtkWidget *
atelier_dialog_add_preview (GtkWidget *dialog, AtelierFilter *filter, AtelierTensor *region, AtelierTensor *selection)
{
  DialogState *state = state_of (dialog);
  if (!atelier_filter_has_preview (atelier_filter_get_info (filter)) || region == NULL || state->preview != NULL)
    {
      atelier_tensor_free (region);
      atelier_tensor_free (selection);
      return NULL;
    }
  state->preview = atelier_preview_pane_new (filter, region, selection);
  gtk_container_set_border_width (GTK_CONTAINER (state->preview), 12);
  gtk_box_pack_start (GTK_BOX (state->body), state->preview, FALSE, FALSE, 0);
  gtk_widget_show_all (state->preview);
  on_widget_changed (NULL, dialog);
  return state->preview;
}

void
atelier_dialog_read_values (GtkWidget *dialog)
{
  const DialogState *state = state_of (dialog);
  read_widgets (state, state->values);
}

void
atelier_dialog_reset (GtkWidget *dialog)
{
  const DialogState *state = state_of (dialog);
  const AtelierFilterInfo *info = state->values->info;
  for (int i = 0; i < info->n_params; i++)
    widget_set (state->widgets[i], &info->params[i], info->params[i].default_value);
}

gboolean
atelier_dialog_run (AtelierFilter *filter, AtelierFilterValues *values, const char *title,
                    AtelierTensor *preview_region, AtelierTensor *preview_selection)
{
  GtkWidget *dialog = atelier_dialog_new (atelier_filter_get_info (filter), values, title);
  atelier_dialog_add_preview (dialog, filter, preview_region, preview_selection);
  int response;
  while ((response = gtk_dialog_run (GTK_DIALOG (dialog))) == ATELIER_DIALOG_RESPONSE_RESET)
    atelier_dialog_reset (dialog);
  if (response == GTK_RESPONSE_OK)
    atelier_dialog_read_values (dialog);
  gtk_widget_destroy (dialog);
  return response == GTK_RESPONSE_OK;
}
