#!/usr/bin/env bash
# Debian packages vanban needs: tesseract with the Vietnamese model (OCR) and the English one (the digits
# of a doubtful cited number read a second time), antiword (.doc), LibreOffice Writer (the .doc/RTF/ODT
# fallback and the sample generator), LibreOffice Calc (tests: the register's CSV opened as a spreadsheet
# opens it), Liberation fonts (Times New Roman metrics),
# Chromium and its driver (headless: the tests open the graph export's HTML page and drive the desk with it,
# offline), util-linux (`unshare`: the converters run in a network namespace of their own), Ghostscript (the
# searchable copy of a scan: OCRmyPDF's PDF/A conversion where its own, Ghostscript-free one cannot confirm a
# file; OCRmyPDF itself comes from PyPI, setup.cfg, as Debian's 14.0 predates the engine API vanban uses).
# Installs only what is missing; needs root for that (CI and the project's machines run as root).
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng antiword fonts-liberation2 libreoffice-writer-nogui libreoffice-calc-nogui chromium chromium-driver util-linux ghostscript)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "vanban needs these Debian packages; run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
