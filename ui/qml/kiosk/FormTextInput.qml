import QtQuick
import QtQuick.Controls.Basic
import common

// The one text answer control of the forms (the Pinyin keyboard types into it). Kept in one place so
// a handwriting pad can replace or join it later: it takes `initialText` and reports `edited(text)`.
Item {
    id: input
    property bool multiline: false
    property int maximumLength: 500
    property string initialText: ""
    signal edited(string value)
    signal accepted()
    // The keyboard is named only while it is on the screen (it can be put away with its own key).
    readonly property string placeholder: Qt.inputMethod.visible ? qsTr("用下面的键盘输入") : qsTr("点这里输入")

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        height: input.multiline ? Math.max(Theme.px(110), Math.min(input.height, Theme.px(260))) : Math.min(Theme.px(100), Math.max(Theme.px(72), input.height))
        radius: Theme.radius / 2
        color: Theme.surface
        border.color: (single.activeFocus || area.activeFocus) ? Theme.primary : Theme.border
        border.width: 3

        TextField {
            id: single
            objectName: "textInput"
            visible: !input.multiline
            anchors.fill: parent
            anchors.margins: Theme.px(6)
            font.pixelSize: Theme.fontLarge
            color: Theme.ink
            maximumLength: input.maximumLength
            placeholderText: input.placeholder
            placeholderTextColor: "#6B6B6B"
            background: null
            inputMethodHints: Qt.ImhNone
            onTextEdited: input.edited(text)
            onAccepted: input.accepted()
        }
        ScrollView {
            visible: input.multiline
            anchors.fill: parent
            anchors.margins: Theme.px(6)
            TextArea {
                id: area
                objectName: "textInput"
                visible: input.multiline
                font.pixelSize: Theme.fontLarge
                color: Theme.ink
                wrapMode: TextEdit.Wrap
                placeholderText: input.placeholder
                placeholderTextColor: "#6B6B6B"
                background: null
                onTextChanged: if (activeFocus) input.edited(text)
            }
        }
    }

    Component.onCompleted: {
        if (input.multiline) {
            area.text = input.initialText
            area.forceActiveFocus()
        } else {
            single.text = input.initialText
            single.forceActiveFocus()
        }
    }
}
