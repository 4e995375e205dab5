import QtQuick
import QtQuick.Controls.Basic
import common

// In-call help over the lawyer's large picture (the picture moves small beside it): an answer or a
// law article the lawyer pushed, in large text with 朗读 and 关闭; or a form filled together, confirmed
// and signed here, then kept in the terminal's outbox like any application.
Item {
    id: layer
    property QtObject help

    // Closed, what was pushed can be opened again (over the lawyer's picture, bottom left).
    BigButton {
        objectName: "helpReopen"
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(16)
        visible: text !== ""
        text: layer.help ? layer.help.reopenLabel : ""
        colour: Theme.apply
        onClicked: layer.help.reopen()
    }

    Rectangle {
        id: overlay
        objectName: "helpOverlay"
        anchors.fill: parent
        readonly property QtObject help: layer.help
        readonly property string mode: help ? help.overlay : ""
        readonly property bool typing: Qt.inputMethod.visible  // the keyboard takes half the screen
        visible: mode !== ""
        color: Theme.background
        radius: Theme.radius

        // --- an answer or an article ------------------------------------------------------------------
        Item {
            anchors.fill: parent
            anchors.margins: Theme.px(24)
            visible: overlay.mode === "content"

            Flickable {
                id: contentFlick
                anchors.top: parent.top
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: contentActions.top
                anchors.bottomMargin: Theme.px(16)
                contentHeight: contentColumn.implicitHeight
                clip: true
                ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AsNeeded }
                Column {
                    id: contentColumn
                    width: contentFlick.width - Theme.px(36)
                    spacing: Theme.px(12)
                    Text {
                        objectName: "helpKind"
                        width: parent.width
                        text: overlay.help ? overlay.help.kindLabel : ""
                        color: Theme.inkSoft
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.WordWrap
                    }
                    Text {
                        objectName: "helpTitle"
                        width: parent.width
                        text: overlay.help ? overlay.help.title : ""
                        color: Theme.consult
                        font.pixelSize: Theme.fontTitle
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                    Text {
                        objectName: "helpText"
                        width: parent.width
                        text: overlay.help ? overlay.help.text : ""
                        color: Theme.ink
                        font.pixelSize: Theme.fontLarge
                        lineHeight: 1.3
                        wrapMode: Text.WordWrap
                    }
                }
            }
            Row {
                id: contentActions
                anchors.bottom: parent.bottom
                anchors.right: parent.right
                spacing: Theme.px(20)
                BigButton {
                    objectName: "helpReadAloud"
                    visible: overlay.help !== null && overlay.help.canRead
                    text: qsTr("朗读")
                    colour: Theme.consult
                    onClicked: overlay.help.readAloud()
                }
                BigButton {
                    objectName: "helpClose"
                    text: qsTr("关闭")
                    colour: Theme.neutral
                    onClicked: overlay.help.close()
                }
            }
        }

        // 确认提交 with answers missing: show the first one to fix.
        Connections {
            target: overlay.help
            function onErrorsShown(fieldId) {
                fieldColumn.forceLayout()
                for (let i = 0; i < fieldRepeater.count; ++i) {
                    const cell = fieldRepeater.itemAt(i)
                    if (cell && cell.fieldId === fieldId) {
                        formFlick.contentY = Math.max(0, Math.min(cell.y, formFlick.contentHeight - formFlick.height))
                        return
                    }
                }
            }
        }

        // --- a form filled together -------------------------------------------------------------------
        Item {
            anchors.fill: parent
            anchors.margins: Theme.px(24)
            visible: overlay.mode === "form"

            Text {
                id: formTitle
                objectName: "cofillTitle"
                anchors.top: parent.top
                anchors.left: parent.left
                anchors.right: parent.right
                text: overlay.help ? overlay.help.formTitle : ""
                color: Theme.apply
                font.pixelSize: Theme.fontLarge
                font.bold: true
                wrapMode: Text.WordWrap
            }
            Text {
                id: formHint
                visible: !overlay.typing
                anchors.top: formTitle.bottom
                anchors.left: parent.left
                anchors.right: parent.right
                text: qsTr("律师和您一起填这张表：律师填的会马上出现，您也可以自己改。")
                color: Theme.inkSoft
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
            }
            Flickable {
                id: formFlick
                objectName: "cofillList"
                anchors.top: overlay.typing ? formTitle.bottom : formHint.bottom
                anchors.topMargin: Theme.px(12)
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: formMessage.top
                anchors.bottomMargin: Theme.px(8)
                contentHeight: fieldColumn.implicitHeight
                clip: true
                ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AsNeeded }
                Column {
                    id: fieldColumn
                    width: formFlick.width - Theme.px(36)
                    spacing: Theme.px(24)
                    Repeater {
                        id: fieldRepeater
                        model: overlay.help ? overlay.help.fieldIds : []
                        InCallFormField {
                            width: fieldColumn.width
                            help: overlay.help
                            row: overlay.help ? (overlay.help.fields[index] || ({})) : ({})
                            onInputFocused: formFlick.contentY = Math.max(0, y)
                        }
                    }
                    // The form's consent to its personal data, agreed by confirming here.
                    Text {
                        objectName: "cofillConsent"
                        visible: text !== ""
                        width: parent.width
                        text: overlay.help && overlay.help.consentText !== ""
                              ? overlay.help.consentText + "\n" + qsTr("点“确认提交”，就表示您同意以上内容。")
                              : ""
                        color: Theme.ink
                        font.pixelSize: Theme.fontBody
                        wrapMode: Text.WordWrap
                    }
                }
            }
            Item {
                id: formMessage
                anchors.bottom: overlay.typing ? parent.bottom : formActions.top
                anchors.bottomMargin: Theme.px(8)
                anchors.left: parent.left
                anchors.right: parent.right
                height: formMessageText.text === "" ? 0 : formMessageText.implicitHeight
                Text {
                    id: formMessageText
                    objectName: "cofillMessage"
                    width: parent.width
                    text: overlay.help ? overlay.help.message : ""
                    color: Theme.danger
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
            }
            Row {
                id: formActions
                visible: !overlay.typing  // back once the keyboard is closed
                anchors.bottom: parent.bottom
                anchors.right: parent.right
                spacing: Theme.px(20)
                BigButton {
                    objectName: "cofillConfirm"
                    text: qsTr("确认提交")
                    colour: Theme.call
                    onClicked: overlay.help.confirm()
                }
                BigButton {
                    objectName: "cofillClose"
                    text: qsTr("先收起")
                    colour: Theme.neutral
                    onClicked: overlay.help.close()
                }
            }
        }

        // --- saved: the tracking number ---------------------------------------------------------------
        Column {
            anchors.centerIn: parent
            width: parent.width - Theme.px(48)
            visible: overlay.mode === "saving" || overlay.mode === "receipt"
            spacing: Theme.px(24)
            Text {
                objectName: "cofillSaved"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: overlay.mode === "saving" ? qsTr("正在保存…") : qsTr("已经提交，律师也能看到。您的受理号：")
                color: Theme.ink
                font.pixelSize: Theme.fontLarge
                wrapMode: Text.WordWrap
            }
            Text {
                objectName: "cofillTracking"
                width: parent.width
                visible: overlay.mode === "receipt"
                horizontalAlignment: Text.AlignHCenter
                text: overlay.help ? overlay.help.trackingDisplay : ""
                color: Theme.apply
                font.pixelSize: Theme.text(72)
                font.bold: true
                wrapMode: Text.WrapAnywhere
            }
            BigButton {
                objectName: "cofillReceiptClose"
                visible: overlay.mode === "receipt"
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("关闭")
                colour: Theme.neutral
                onClicked: overlay.help.close()
            }
        }
    }
}
