# Builds the Windows double-click app: dist\IMFT Desktop\IMFT Desktop.exe (one folder,
# windowed, with the .ico icon) and dist\imft-desktop-VERSION-windows-x64.zip.
# Run in PowerShell on Windows with Python 3.11+ from python.org ("py" launcher):
#     powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
# Users unzip the folder anywhere (no administrator rights) and start IMFT Desktop.exe;
# to open files by double-click, right-click a .xlsx > Open with > Choose another app >
# IMFT Desktop.exe.  (An installer that registers file types is not provided yet.)
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root
$venv = if ($env:IMFT_VENV) { $env:IMFT_VENV } else { ".venv" }
$py = Join-Path $venv "Scripts\python.exe"
if (-not (Test-Path $py)) { py -3 -m venv $venv; & $py -m pip install -q --upgrade pip }
& $py -m pip install -q -e . "pyinstaller>=6.5,<7"
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
& $py -m PyInstaller --noconfirm --clean --log-level WARN packaging\imft_desktop.spec
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
$version = & $py -c "import imft_desktop; print(imft_desktop.__version__)"
$zip = "dist\imft-desktop-$version-windows-x64.zip"
Compress-Archive -Path "dist\IMFT Desktop" -DestinationPath $zip -Force
Write-Output "Built: dist\IMFT Desktop\IMFT Desktop.exe and $zip"
