import QtQuick
import QtQuick.Controls.Basic
import common

// Everything read back before 确认提交; tap a line to change it; 朗读 reads it aloud.
Item {
    id: page
    property QtObject forms

    Text {
        id: heading
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: speak.left
        anchors.margins: Theme.margin
        text: qsTr("请核对。要改哪一项，就点哪一项。")
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.ink
        wrapMode: Text.WordWrap
    }
    BigButton {
        id: speak
        objectName: "readAloudButton"
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.px(16)
        height: Theme.touchMin + Theme.px(10)
        text: qsTr("朗读")
        colour: Theme.help
        fontSize: Theme.fontBody
        onClicked: page.forms.readAloud()
    }

    ListView {
        id: list
        objectName: "reviewList"
        anchors.top: heading.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: notice.top
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
        clip: true
        spacing: Theme.px(8)
        model: page.forms.reviewLines
        ScrollBar.vertical: ScrollBar { width: Theme.px(18); policy: ScrollBar.AlwaysOn }
        footer: Text {
            width: list.width - Theme.px(30)
            topPadding: Theme.px(12)
            text: page.forms.reviewNotes
            font.pixelSize: Theme.fontBody
            color: Theme.inkSoft
            wrapMode: Text.WordWrap
        }
        delegate: Rectangle {
            objectName: "review_" + modelData.fieldId
            width: list.width - Theme.px(30)
            height: Math.max(Theme.touchMin, row.implicitHeight + Theme.px(20))
            radius: Theme.radius / 2
            color: Theme.surface
            border.color: "#BDBDBD"
            Row {
                id: row
                anchors.verticalCenter: parent.verticalCenter
                x: Theme.px(16)
                width: parent.width - Theme.px(32)
                spacing: Theme.px(16)
                Text {
                    width: parent.width * 0.36
                    text: modelData.caption
                    font.pixelSize: Theme.fontBody
                    color: Theme.inkSoft
                    wrapMode: Text.WordWrap
                }
                Text {
                    objectName: "reviewAnswer_" + modelData.fieldId
                    width: parent.width * 0.5
                    text: modelData.answer
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    color: Theme.ink
                    wrapMode: Text.WordWrap
                }
                Text {
                    text: qsTr("改")
                    font.pixelSize: Theme.fontBody
                    color: Theme.primary
                }
            }
            MouseArea {
                anchors.fill: parent
                onClicked: page.forms.editField(modelData.fieldId)
            }
        }
    }
    Text {
        id: notice
        objectName: "formNotice"
        anchors.bottom: nav.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        height: text === "" ? 0 : implicitHeight
        text: page.forms.notice
        font.pixelSize: Theme.fontBody
        color: Theme.danger
        wrapMode: Text.WordWrap
    }
    FormNavBar {
        id: nav
        forms: page.forms
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        nextText: qsTr("确认提交")
        onNextClicked: page.forms.confirm()
        onBackClicked: page.forms.back()
    }
}
