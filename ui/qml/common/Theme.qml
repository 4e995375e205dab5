pragma Singleton
import QtQuick

// Sizes and colours for elderly eyes and fingers: 1280x800 base, body text >= 28 px,
// touch targets >= 15 mm, high contrast. Every size follows `zoom` (set by the window from its
// size) and `textScale` (elder mode, a later issue).
QtObject {
    property real zoom: 1.0
    property real textScale: 1.0

    readonly property real pxPerMm: {
        const screens = Qt.application.screens
        return screens.length > 0 && screens[0].pixelDensity > 1 ? screens[0].pixelDensity : 3.78
    }
    // 15 mm at the screen's density, never below 64 px.
    readonly property int touchMin: Math.ceil(Math.max(15 * pxPerMm, 64))

    function px(value) { return Math.round(value * zoom) }
    function text(value) { return Math.round(value * zoom * textScale) }

    readonly property int fontBody: text(30)
    readonly property int fontLarge: text(40)
    readonly property int fontTitle: text(52)
    readonly property int fontHuge: text(120)
    readonly property int buttonHeight: Math.max(touchMin, px(100))
    readonly property int margin: px(32)
    readonly property int radius: px(18)

    readonly property color background: "#F5F3EE"
    readonly property color surface: "#FFFFFF"
    readonly property color ink: "#111111"
    readonly property color inkSoft: "#3A3A3A"
    readonly property color onColour: "#FFFFFF"
    readonly property color primary: "#0B4F9C"
    readonly property color call: "#12703A"
    readonly property color danger: "#B3261E"
    readonly property color neutral: "#4A4F57"
    readonly property color consult: "#0B4F9C"
    readonly property color apply: "#7A3E00"
    readonly property color help: "#5B2B82"
    readonly property color border: "#1F1F1F"
}
