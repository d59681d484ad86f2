#!/usr/bin/env bash
# Copy the README's screenshots from the last browser test run (test-output/screenshots/) into docs/screenshots/.
#
# The browser tests write them: tests/test_browser.py (overview, data), tests/test_page_data_upload.py
# (data_upload), tests/test_page_methods.py (methods, methods_nb, and page_<name> for every page).
# Run the tests first, e.g. `.venv/bin/python -m pytest tests/test_browser.py tests/test_page_data_upload.py
# tests/test_page_methods.py`, then this script. It copies what exists and names what is missing (exit 1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$here/../../test-output/screenshots"

wanted=(
  overview.png
  data.png
  data_upload.png
  methods.png
  methods_nb.png
  page_overview.png
  page_clinics.png
  page_therapists.png
  page_supervision.png
  page_dual_perspective.png
  page_feedback.png
  page_data.png
  page_methods.png
)

missing=0
for name in "${wanted[@]}"; do
  if [[ -f "$source_dir/$name" ]]; then
    cp "$source_dir/$name" "$here/$name"
    echo "copied  $name"
  else
    echo "missing $name (run the browser tests first)" >&2
    missing=1
  fi
done
exit "$missing"
