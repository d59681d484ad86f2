"""Texts of exported files (alliance/export.py) and of the download row under each chart (alliance/ui/export.py)."""
TEXT = {
    "export.footer": {"en": "Data to {data_date} · Alliance Dashboard · exported {today}",
                      "nb": "Data til {data_date} · Alliance Dashboard · eksportert {today}"},
    "export.period": {"en": "Period: {start} – {end}", "nb": "Periode: {start} – {end}"},
    "export.period_all": {"en": "Period: all data", "nb": "Periode: alle data"},
    "export.period_from": {"en": "Period: from {start}", "nb": "Periode: fra {start}"},
    "export.period_to": {"en": "Period: to {end}", "nb": "Periode: til {end}"},
    "export.filters": {"en": "Filters: {filters}", "nb": "Filtre: {filters}"},
    "export.no_filters": {"en": "Filters: none (everything you may see)",
                          "nb": "Filtre: ingen (alt du har tilgang til)"},
    "export.about": {"en": "About", "nb": "Om"},
    "export.data": {"en": "Data", "nb": "Data"},
    "export.about.title": {"en": "Title", "nb": "Tittel"},
    "export.about.period": {"en": "Period", "nb": "Periode"},
    "export.about.filters": {"en": "Filters", "nb": "Filtre"},
    "export.about.data_date": {"en": "Data to", "nb": "Data til"},
    "export.about.exported": {"en": "Exported", "nb": "Eksportert"},
    "export.about.rows": {"en": "Rows", "nb": "Rader"},
    "export.about.suppressed": {
        "en": "Rows marked suppressed rest on fewer than {below} clients (or would let such a row be worked out "
              "from a total): their figures are left empty.",
        "nb": "Rader merket suppressed bygger på færre enn {below} klienter (eller ville latt en slik rad regnes "
              "ut fra en sum): tallene deres er tomme."},
    "export.button": {"en": "Download", "nb": "Last ned"},
    "export.help": {"en": "This chart as an image (PNG for slides, SVG or PDF for print), as an interactive "
                            "HTML file, or the data behind it (CSV, XLSX). Small groups are hidden in every file.",
                    "nb": "Figuren som bilde (PNG til lysbilder, SVG eller PDF til utskrift), som interaktiv "
                            "HTML-fil, eller dataene bak den (CSV, XLSX). Små grupper skjules i alle filer."},
    "export.images": {"en": "Image", "nb": "Bilde"},
    "export.data_files": {"en": "Data", "nb": "Data"},
    "export.unavailable": {
        "en": "Images and PDF need the Chromium browser on the server (apt-get install chromium); "
              "HTML, CSV and XLSX work without it.",
        "nb": "Bilder og PDF krever nettleseren Chromium på serveren (apt-get install chromium); "
              "HTML, CSV og XLSX virker uten den."},
    "export.comments_button": {"en": "Download these comments", "nb": "Last ned disse kommentarene"},
}
