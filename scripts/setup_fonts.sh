#!/usr/bin/env bash
# The TrueType font the PDF/A agreement documents embed (app/domain/agreement_document/pdf_writer.py): Debian's
# fonts-dejavu-core, installed when missing, so that `make run` and `make test` both have it on a fresh machine.
# IOP_DOCUMENT_FONT_DIR points the application at another font directory instead.
set -euo pipefail
if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ -n "${IOP_DOCUMENT_FONT_DIR:-}" ]; then
  exit 0
fi
echo "== installing Debian's fonts-dejavu-core for the PDF/A agreement documents"
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
else
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
fi
