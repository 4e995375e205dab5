import QtQuick
import QtQuick.Controls.Basic

// A text field for Chinese with a 手写/拼音 switch: Pinyin on the on-screen keyboard, or a pad to
// write characters by hand. A drop-in for TextField: text, placeholderText, accepted, textEdited.
Column {
    id: box
    property alias text: field.text
    property alias placeholderText: field.placeholderText
    property alias font: field.font
    property alias inputMethodHints: field.inputMethodHints
    property alias maximumLength: field.maximumLength
    property alias readOnly: field.readOnly
    property alias field: field
    property bool handwriting: false
    readonly property bool handwritingAvailable: Input.handwriting !== null && Input.handwriting.available
    signal accepted()
    signal textEdited()

    spacing: Theme.px(12)
    width: parent ? parent.width : Theme.px(800)

    function insertText(value) {
        field.insert(field.cursorPosition, value)
        box.textEdited()
    }

    Row {
        width: parent.width
        spacing: Theme.px(12)
        TextField {
            id: field
            objectName: box.objectName !== "" ? box.objectName + "Input" : "chineseTextInput"
            width: parent.width - (modeButton.visible ? modeButton.width + parent.spacing : 0)
            height: Math.max(Theme.touchMin, implicitHeight)
            font.pixelSize: Theme.fontLarge
            color: Theme.ink
            activeFocusOnPress: !box.handwriting
            onAccepted: box.accepted()
            onTextEdited: box.textEdited()
            background: Rectangle {
                radius: Theme.radius / 2
                color: Theme.surface
                border.color: field.activeFocus ? Theme.primary : Theme.border
                border.width: field.activeFocus ? 4 : 2
            }
        }
        BarButton {
            id: modeButton
            objectName: box.objectName !== "" ? box.objectName + "Mode" : "handwritingToggle"
            visible: box.handwritingAvailable
            height: field.height
            text: box.handwriting ? qsTr("拼音") : qsTr("手写")
            colour: Theme.primary
            onClicked: {
                box.handwriting = !box.handwriting
                if (box.handwriting) {
                    field.focus = false
                    Qt.inputMethod.hide()
                } else {
                    field.forceActiveFocus()
                }
            }
        }
    }

    HandwritingPad {
        id: pad
        objectName: box.objectName !== "" ? box.objectName + "Pad" : "handwritingPad"
        visible: box.handwriting && box.handwritingAvailable
        width: parent.width
        height: visible ? implicitHeight : 0
        onChosen: (character) => box.insertText(character)
        onEraseRequested: {
            const at = field.cursorPosition
            if (at > 0)
                field.remove(at - 1, at)
        }
    }
}
