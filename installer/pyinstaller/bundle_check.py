"""Bundle check: proves a bundle's Qt Quick, virtual keyboard with Pinyin, QtMultimedia and fonts load."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# The probe types f-a-l-v on the virtual keyboard in zh_CN and takes the first candidate (法律).
QML = b"""
import QtQuick
import QtQuick.Controls
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import QtMultimedia

Window {
    id: root
    width: 800; height: 600; visible: true
    property string result: ""
    property int step: 0
    MediaDevices { id: devices }
    TextField { id: field; width: 400; focus: true }
    InputPanel { id: panel; y: root.height - height; width: root.width }
    Component.onCompleted: {
        VirtualKeyboardSettings.locale = "zh_CN"
        field.forceActiveFocus()
    }
    Timer {
        interval: 50; repeat: true; running: true
        onTriggered: {
            var engine = InputContext.inputEngine
            if (root.step === 0 && engine.inputMethod && InputContext.locale === "zh_CN") {
                var keys = [[Qt.Key_F, "f"], [Qt.Key_A, "a"], [Qt.Key_L, "l"], [Qt.Key_V, "v"]]
                for (var i = 0; i < keys.length; i++)
                    engine.virtualKeyClick(keys[i][0], keys[i][1], 0)
                root.step = 1
            } else if (root.step === 1 && engine.wordCandidateListModel.count > 0) {
                engine.wordCandidateListModel.selectItem(0)
                root.step = 2
            } else if (root.step === 2 && field.text.length > 0) {
                root.result = field.text
                Qt.quit()
            }
        }
    }
    Timer {
        interval: 30000; running: true
        onTriggered: { root.result = "timeout at step " + root.step; Qt.quit() }
    }
}
"""


def main() -> int:
    """Run the probe offscreen; print one JSON line; exit 0 when Pinyin produced Chinese text."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    from PySide6.QtCore import QByteArray, QLibraryInfo, QUrl
    from PySide6.QtGui import QFontDatabase, QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine

    app = QGuiApplication(sys.argv)
    fonts_dir = Path(getattr(sys, "_MEIPASS", Path(__file__).parent)) / "fonts"
    for font in sorted(fonts_dir.glob("*.tt[cf]")) if fonts_dir.is_dir() else []:
        QFontDatabase.addApplicationFont(str(font))
    engine = QQmlApplicationEngine()
    errors: list[str] = []
    engine.warnings.connect(lambda warnings: errors.extend(w.toString() for w in warnings))
    engine.loadData(QByteArray(QML), QUrl("bundle-check.qml"))
    roots = engine.rootObjects()
    if roots:
        app.exec()
    result = str(roots[0].property("result")) if roots else ""
    cjk = sorted(f for f in QFontDatabase.families() if "CJK SC" in f or "YaHei" in f)
    vp8 = _vp8_encoder()
    ok = result == "法律" and bool(cjk) and vp8 != "broken"
    report = {
        "event": "ready" if ok else "error",
        "screen": "bundle-check",
        "pinyin": result,
        "cjk_fonts": cjk,
        "qt": QLibraryInfo.version().toString(),
        "vp8": vp8,
        "qml_errors": errors[:5],
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0 if ok else 1


def _vp8_encoder() -> str:
    """Whether PyAV (aiortc's codecs) loads with its VP8 encoder: ok, absent (not bundled) or broken."""
    try:
        import av
    except ImportError:
        return "absent"
    try:
        av.codec.Codec("libvpx", "w")
    except Exception:
        return "broken"
    return "ok"


if __name__ == "__main__":
    sys.exit(main())
