"""Shared PyInstaller settings for the kiosk and desk specs: data files and the size filter (no app logic).

Portable on purpose (the Windows terminals build with the same specs): every path is built with
os.path, and the filter compares destination paths split into parts, so it matches PySide6's Linux
layout (PySide6/Qt/lib, PySide6/Qt/qml, PySide6/Qt/plugins) and its Windows one (PySide6/*.dll,
PySide6/qml, PySide6/plugins) alike.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import sys
from collections.abc import Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ENTRY = os.path.join(HERE, "entry.py")

# Our packages: every module is collected (the apps' entry points run them through runpy).
PACKAGES = ["protocol", "config", "content", "media", "ui", "kiosk"]

# QML modules, Qt libraries and plugins no screen of ours uses (QtQuick3D, charts, maps, web...).
# The virtual keyboard keeps all of its plugins: Pinyin and TCIme (Traditional) are the point, and
# its QML imports the Hangul, OpenWNN and Thai ones (DESIGN.md), so dropping them breaks it.
EXCLUDED_QML = [
    "Qt3D", "QtQuick3D", "QtCharts", "QtDataVisualization", "QtGraphs", "QtLocation", "QtPositioning",
    "QtSensors", "QtWebView", "QtWebEngine", "QtWebChannel", "QtRemoteObjects", "QtScxml", "QtTest",
    "QtTextToSpeech", "QtWayland", "QtQuick/Pdf", "QtQuick/Scene3D", "QtQuick/Scene2D",
    "QtQuick/Controls/Imagine", "QtQuick/Controls/Universal", "QtQuick/Controls/iOS",
    "QtQuick/Controls/macOS", "QtQuick/Controls/designer", "QtQuick/tooling", "QtQuick/Timeline",
    "Qt/labs/stylekit", "Qt/labs/wavefrontmesh", "QtInsightTracker",
]  # fmt: skip
# Library base names (lib prefix, .so/.dll suffix and version stripped) never needed at run time.
EXCLUDED_LIBS = [
    "Qt6Designer*", "Qt6Quick3D*", "Qt63D*", "Qt6Charts*", "Qt6DataVisualization*", "Qt6Graphs*",
    "Qt6Location", "Qt6Positioning*", "Qt6Sensors*", "Qt6WebEngine*", "Qt6WebView*", "Qt6WebChannel*",
    "Qt6Pdf*", "Qt6Bluetooth", "Qt6Nfc", "Qt6SerialPort", "Qt6SerialBus", "Qt6Test", "Qt6QuickTest",
    "Qt6Help", "Qt6UiTools", "Qt6ShaderTools", "Qt6SpatialAudio", "Qt6TextToSpeech", "Qt6RemoteObjects*",
    "Qt6Scxml*", "Qt6StateMachine*", "Qt6WaylandCompositor*", "Qt6LabsStyleKit*", "Qt6QmlCompiler",
    "Qt6QuickControls2Imagine*", "Qt6QuickControls2Universal*", "Qt6QuickControls2IOS*",
    "Qt6QuickControls2MacOS*", "Qt6HttpServer", "Qt6Protobuf*", "Qt6Grpc*",
    "Qt6Sql", "Qt6InsightTracker*", "Qt6QmlDesignSupport", "Qt6QuickShapesDesignHelpers",
    "Qt6QuickTimeline*", "Qt6LabsWavefrontMesh",
    # the GTK stack behind the gtk3 platform theme (a kiosk draws its own look; plugin dropped below)
    "gtk-3", "gdk-3", "atk-1.0", "atk-bridge-2.0", "atspi", "cairo", "cairo-gobject", "pango-1.0",
    "pangocairo-1.0", "pangoft2-1.0", "gdk_pixbuf-2.0", "epoxy", "thai", "datrie", "fribidi",
]  # fmt: skip
if sys.platform != "win32":  # Windows' default Controls style; elsewhere apps pick Basic/Fusion/Material
    EXCLUDED_QML += ["QtQuick/Controls/FluentWinUI3", "QtQuick/Controls/Windows"]
    EXCLUDED_LIBS += ["Qt6QuickControls2FluentWinUI3*", "Qt6QuickControls2Windows*"]
# Dropped from the kiosk only: file dialogs are a way out of a locked-down terminal. (The keyboard's
# QML needs Qt.labs.folderlistmodel: keep it.)
KIOSK_EXCLUDED_QML = ["QtQuick/Dialogs", "Qt/labs/platform"]
KIOSK_EXCLUDED_LIBS = ["Qt6QuickDialogs2*", "Qt6LabsPlatform"]
EXCLUDED_PLUGIN_DIRS = [
    "sceneparsers", "assetimporters", "geoservices", "canbus", "sqldrivers", "position", "sensors",
    "texttospeech", "qmltooling", "designer", "wayland-graphics-integration-server", "webview",
    "renderers", "renderplugins", "geometryloaders", "qmllint", "help", "platformthemes",
]  # fmt: skip
# Python modules never used by the apps (build and test tools pulled in by optional imports).
EXCLUDED_MODULES = [
    "tkinter", "pytest", "_pytest", "mypy", "IPython", "matplotlib", "pandas", "scipy", "sphinx",
    "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtPdf",
    "PySide6.QtDesigner", "PySide6.QtQuick3D", "PySide6.QtLocation", "PySide6.QtPositioning",
    "PySide6.QtBluetooth", "PySide6.QtTest", "PySide6.QtSql", "PySide6.QtTextToSpeech",
]  # fmt: skip
# Qt's own translations: only Chinese (the UI language) is kept.
KEPT_TRANSLATIONS = ["*_zh_CN.qm", "*_zh_TW.qm"]

# CJK fonts shipped inside the bundle so Chinese never renders as boxes on a bare machine; the app
# registers every file in <bundle>/fonts with QFontDatabase.addApplicationFont. On Windows the
# system's Microsoft YaHei covers it unless LEGAL_KIOSK_FONTS names font files to ship.
# Regular only (19 MB): Qt emboldens it for bold text; add NotoSansCJK-Bold.ttc through
# LEGAL_KIOSK_FONTS if real bold is wanted (another 20 MB).
LINUX_FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]

# Executables of one bundle share one Python archive and one set of libraries.
APP_EXECUTABLES = {
    "kiosk": ["kiosk", "kiosk-register", "kiosk-update", "bundle-check"],
    "desk": ["desk", "bundle-check"],
}
WINDOWED = {"kiosk", "desk"}  # no console window on Windows; the others are command-line tools


def _parts(dest: str) -> list[str]:
    """A destination path as a list of parts, whatever the OS separator."""
    return [p for p in dest.replace("\\", "/").split("/") if p]


def _lib_base(name: str) -> str:
    """libQt6Quick3D.so.6 / Qt6Quick3D.dll -> Qt6Quick3D."""
    base = name[3:] if name.startswith("lib") else name
    for suffix in (".so", ".dll", ".dylib", ".pyd"):
        if suffix in base:
            base = base[: base.index(suffix)]
    return base


def is_excluded(dest: str, extra_qml: Sequence[str] = (), extra_libs: Sequence[str] = ()) -> bool:
    """Whether a collected file (destination path inside the bundle) is left out to keep it small."""
    parts = _parts(dest)
    joined = "/".join(parts)
    if "qml" in parts:
        below = "/".join(parts[parts.index("qml") + 1 :])
        if any(below == m or below.startswith(m + "/") for m in [*EXCLUDED_QML, *extra_qml]):
            return True
    if "plugins" in parts:
        plugin_parts = parts[parts.index("plugins") + 1 :]
        if plugin_parts and plugin_parts[0] in EXCLUDED_PLUGIN_DIRS:
            return True
    if "translations" in parts and joined.endswith(".qm"):
        return not any(fnmatch.fnmatch(parts[-1], pattern) for pattern in KEPT_TRANSLATIONS)
    base = _lib_base(parts[-1]) if parts else ""
    return any(fnmatch.fnmatch(base, pattern) for pattern in [*EXCLUDED_LIBS, *extra_libs])


def filter_toc(
    toc: list[tuple[str, str, str]], extra_qml: Sequence[str] = (), extra_libs: Sequence[str] = ()
) -> list[tuple[str, str, str]]:
    """Drop excluded entries from a PyInstaller TOC (binaries or datas)."""
    return [entry for entry in toc if not is_excluded(entry[0], extra_qml, extra_libs)]


def version_file(workpath: str) -> str:
    """Write the VERSION file the bundle carries (LEGAL_KIOSK_VERSION, set by tools/bundle.py)."""
    os.makedirs(workpath, exist_ok=True)
    path = os.path.join(workpath, "VERSION")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(os.environ.get("LEGAL_KIOSK_VERSION", "0.0.0+unknown") + "\n")
    return path


def font_datas() -> list[tuple[str, str]]:
    """CJK font files to ship in <bundle>/fonts: (source, destination folder) pairs."""
    fonts = os.environ.get("LEGAL_KIOSK_FONTS", "")
    linux = sys.platform.startswith("linux")
    font_files = fonts.split(os.pathsep) if fonts else (LINUX_FONTS if linux else [])
    return [(path, "fonts") for path in font_files if os.path.isfile(path)]


def package_datas(packages: list[str]) -> list[tuple[str, str]]:
    """Non-Python files inside our packages: QML, images, sounds, config/defaults/*.toml, and the
    content packs (content/packs/, content/data/) when the content package has them."""
    datas: list[tuple[str, str]] = []
    for package in packages:
        root = os.path.join(REPO, package)
        for path in glob.glob(os.path.join(root, "**", "*"), recursive=True):
            if os.path.isfile(path) and not path.endswith((".py", ".pyc")) and "__pycache__" not in path:
                datas.append((path, os.path.dirname(os.path.relpath(path, REPO))))
    return datas


def has_app(name: str) -> bool:
    """Whether the app's package has its entry point yet (python -m <name>)."""
    return os.path.isfile(os.path.join(REPO, name, "__main__.py"))


STRIP = sys.platform.startswith("linux")  # `strip` the collected libraries: unstripped ones ship debug tables
