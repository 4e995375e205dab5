pragma Singleton
import QtQuick

// Sizes and colours for elderly eyes and fingers: 1280x800 base, body text >= 28 px,
// touch targets >= 15 mm, high contrast. Every size follows `zoom` (set by the window from its
// size) and `textScale` (elder mode: larger text and buttons); `highContrast` darkens every colour.
QtObject {
    property real zoom: 1.0
    property real textScale: 1.0
    property bool highContrast: false

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
    readonly property int fontHuge: px(120)  // already huge: not enlarged again in elder mode
    readonly property int buttonHeight: Math.max(touchMin, Math.round(px(100) * Math.max(1.0, 0.5 + textScale / 2)))
    readonly property int margin: px(32)
    readonly property int radius: px(18)

    readonly property color background: highContrast ? "#FFFFFF" : "#F5F3EE"
    readonly property color surface: "#FFFFFF"
    readonly property color ink: highContrast ? "#000000" : "#111111"
    readonly property color inkSoft: highContrast ? "#000000" : "#3A3A3A"
    readonly property color onColour: "#FFFFFF"
    readonly property color primary: highContrast ? "#00306B" : "#0B4F9C"
    readonly property color call: highContrast ? "#0A4A24" : "#12703A"
    readonly property color danger: highContrast ? "#8A0F0A" : "#B3261E"
    readonly property color neutral: highContrast ? "#26292E" : "#4A4F57"
    readonly property color consult: highContrast ? "#00306B" : "#0B4F9C"
    readonly property color apply: highContrast ? "#542A00" : "#7A3E00"
    readonly property color help: highContrast ? "#3D1560" : "#5B2B82"
    readonly property color border: "#000000"
    readonly property color warning: highContrast ? "#6B4A00" : "#8A5A00"
}
