import QtQuick
import QtQuick.Controls.Basic
import common

// 整理: after a call, the matter's tracking number, short notes (saved on the matter) and the time left.
Rectangle {
    id: panel
    objectName: "wrapUpPanel"
    property QtObject panels
    property int notesHeight: Theme.px(170)  // the duty screen gives less in a small window
    readonly property bool saved: panels !== null && panels.savedNotes !== ""
                                  && panels.savedNotes === notesField.text.trim()
    implicitHeight: content.implicitHeight + 2 * Theme.px(24)

    // Notes typed but not saved when the server ends the wrap-up (or the next call rings) are kept.
    // Later, not inside the binding update that hid the panel (the save changes what the bindings read).
    function keepNotes() {
        if (panels === null || !panels.hasCall || panels.busy || notesField.text.trim() === "" || saved)
            return
        const vm = panels
        const text = notesField.text
        Qt.callLater(() => { if (vm && vm.saveNotes) vm.saveNotes(text) })  // the desk may be closing
    }
    onVisibleChanged: if (!visible) keepNotes()
    Component.onDestruction: if (visible) keepNotes()
    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.primary
    border.width: 3

    Column {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.px(24)
        spacing: Theme.px(16)

        Item {
            width: parent.width
            height: Math.max(heading.implicitHeight, countdown.implicitHeight)
            Text {
                id: heading
                anchors.left: parent.left
                anchors.right: countdown.left
                anchors.rightMargin: Theme.px(16)
                text: qsTr("整理这次通话")
                color: Theme.ink
                font.pixelSize: Theme.fontLarge
                font.bold: true
                wrapMode: Text.WordWrap
            }
            Text {
                id: countdown
                objectName: "wrapUpCountdown"
                anchors.right: parent.right
                text: panel.panels ? qsTr("还剩 %1 秒").arg(panel.panels.wrapUpSecondsLeft) : ""
                color: panel.panels && panel.panels.wrapUpSecondsLeft <= 10 ? Theme.danger : Theme.primary
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
        }

        Text {
            objectName: "wrapUpTracking"
            visible: panel.panels !== null && panel.panels.hasCall
            width: parent.width
            text: panel.panels ? qsTr("事项编号：%1").arg(panel.panels.trackingNumber || qsTr("（未编号）")) : ""
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            font.bold: true
            wrapMode: Text.WrapAnywhere
        }
        Text {
            objectName: "wrapUpCall"
            visible: panel.panels !== null && panel.panels.hasCall
            width: parent.width
            text: panel.panels ? [panel.panels.callTopic, panel.panels.callPlace].filter(s => s !== "").join(" · ") : ""
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }

        Text {
            objectName: "wrapUpNoCall"
            visible: panel.panels !== null && !panel.panels.hasCall
            width: parent.width
            text: qsTr("工作台重新启动过，这里看不到刚才那次通话。准备好了请点“结束整理”。")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }

        ScrollView {
            id: notesView
            objectName: "notesView"
            visible: panel.panels !== null && panel.panels.hasCall
            width: parent.width
            // Whole lines only (at least two), so no line of the notes shows cut in half.
            readonly property real textPadding: notesField.topPadding + notesField.bottomPadding
            readonly property int lines: Math.max(2, Math.floor((panel.notesHeight - textPadding) / notesMetrics.lineSpacing))
            height: Math.ceil(lines * notesMetrics.lineSpacing + textPadding)
            contentWidth: availableWidth  // the text wraps; never a sideways scroll
            ScrollBar.horizontal.policy: ScrollBar.AlwaysOff
            FontMetrics {
                id: notesMetrics
                font: notesField.font
            }
            TextArea {
                id: notesField
                objectName: "notesField"
                width: notesView.availableWidth  // a long placeholder must not widen it past the panel
                font.pixelSize: Theme.text(26)
                wrapMode: TextEdit.Wrap
                placeholderText: qsTr("简要记录：村民问了什么，您怎么答复的，下一步怎么办")
                background: Rectangle {
                    color: "#FFFFFF"
                    border.color: notesField.activeFocus ? Theme.primary : Theme.inkSoft
                    border.width: notesField.activeFocus ? 3 : 1
                    radius: Theme.px(8)
                }
                Component.onCompleted: if (panel.panels) text = panel.panels.savedNotes
            }
        }

        Text {
            objectName: "notesStatus"
            width: parent.width  // always there, empty or not: the buttons below never jump
            text: {
                if (!panel.panels) return ""
                if (panel.panels.errorText !== "") return panel.panels.errorText
                if (panel.panels.busy) return qsTr("正在保存…")
                if (panel.saved) return qsTr("记录已保存到这件事项")
                return ""
            }
            color: panel.panels && panel.panels.errorText !== "" ? Theme.danger : Theme.call
            font.pixelSize: Theme.fontBody
            font.bold: true
            wrapMode: Text.WordWrap
        }

        Row {
            id: buttons
            width: parent.width
            spacing: Theme.px(24)
            BigButton {
                objectName: "saveNotesButton"
                width: Math.min(implicitWidth, (buttons.width - buttons.spacing) / 2)
                visible: panel.panels !== null && panel.panels.hasCall
                text: qsTr("保存记录")
                colour: Theme.primary
                fontSize: Theme.text(34)
                enabled: panel.panels !== null && !panel.panels.busy && notesField.text.trim() !== "" && !panel.saved
                onClicked: panel.panels.saveNotes(notesField.text)
            }
            BigButton {
                objectName: "endWrapUpButton"
                width: Math.min(implicitWidth, (buttons.width - buttons.spacing) / 2)
                text: qsTr("结束整理")
                colour: Theme.call
                fontSize: Theme.text(34)
                iconSource: "../common/icons/check.svg"
                enabled: panel.panels !== null && !panel.panels.busy
                onClicked: panel.panels.endWrapUp(notesField.text)
            }
        }
    }
}
