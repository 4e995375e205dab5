"""The bundle size filter: what the kiosk needs stays, on Linux and Windows layouts alike."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SPECS = Path(__file__).resolve().parent.parent / "installer" / "pyinstaller"


def load_common() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_common", SPECS / "bundle_common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


common = load_common()
KEYBOARD = "PySide6/Qt/qml/QtQuick/VirtualKeyboard/Plugins"


@pytest.mark.parametrize(
    "dest",
    [
        f"{KEYBOARD}/Pinyin/libqtvkbpinyinplugin.so",
        f"{KEYBOARD}/TCIme/libqtvkbtcimeplugin.so",
        f"{KEYBOARD}/Hangul/libqtvkbhangulplugin.so",  # the keyboard's QML imports these three
        f"{KEYBOARD}/OpenWNN/libqtvkbopenwnnplugin.so",
        f"{KEYBOARD}/Thai/libqtvkbthaiplugin.so",
        "PySide6/Qt/qml/Qt/labs/folderlistmodel/qmldir",  # also imported by the keyboard
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
        "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "PySide6/Qt/lib/libQt6Multimedia.so.6",
        "PySide6/Qt/qml/QtMultimedia/qmldir",
        "PySide6/Qt/translations/qtbase_zh_CN.qm",
        r"PySide6\qml\QtQuick\VirtualKeyboard\Plugins\Pinyin\qtvkbpinyinplugin.dll",  # Windows layout
        r"PySide6\Qt6Multimedia.dll",
    ],
)
def test_what_the_kiosk_needs_is_kept(dest: str) -> None:
    assert not common.is_excluded(dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/qml/QtQuick3D/qmldir",
        "PySide6/Qt/lib/libQt6Quick3DRuntimeRender.so.6",
        "PySide6/Qt/lib/libQt6Designer.so.6",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "libgtk-3.so.0",
        "PySide6/Qt/translations/qtbase_de.qm",
        r"PySide6\qml\QtCharts\qmldir",  # Windows layout
        r"PySide6\Qt6Quick3D.dll",
        r"PySide6\plugins\sceneparsers\gltfsceneimport.dll",
    ],
)
def test_what_no_screen_uses_is_dropped(dest: str) -> None:
    assert common.is_excluded(dest)


def test_file_dialogs_are_dropped_from_the_kiosk_only() -> None:
    dialogs = "PySide6/Qt/qml/QtQuick/Dialogs/qmldir"
    assert common.is_excluded(dialogs, common.KIOSK_EXCLUDED_QML, common.KIOSK_EXCLUDED_LIBS)
    assert not common.is_excluded(dialogs)  # the lawyer's desk may open files
