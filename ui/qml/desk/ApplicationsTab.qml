import QtQuick
import QtQuick.Controls.Basic
import common

// 申请: applications sent from the village terminals. The list on the left; the opened one on the
// right with its answers drawn as in the PDF, and the status buttons the villager's lookup reflects.
Rectangle {
    id: tab
    objectName: "applicationsTab"
    property QtObject apps
    signal closeRequested()
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("村民申请")
        hint: tab.apps.busy ? qsTr("正在加载…") : ""
    }
    Row {
        id: tools
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.margins: Theme.px(12)
        spacing: Theme.px(12)
        BigButton {
            objectName: "dutyTabButton"
            text: qsTr("返回值班")
            colour: Theme.neutral
            fontSize: Theme.fontBody
            height: Theme.touchMin
            onClicked: tab.closeRequested()
        }
        BigButton {
            objectName: "refreshButton"
            text: qsTr("刷新")
            fontSize: Theme.fontBody
            height: Theme.touchMin
            onClicked: tab.apps.refresh()
        }
        Text {
            objectName: "appsMessage"
            anchors.verticalCenter: parent.verticalCenter
            text: tab.apps.message
            font.pixelSize: Theme.fontBody
            color: Theme.danger
        }
    }

    ListView {
        id: list
        objectName: "submissionList"
        anchors.top: tools.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: parent.left
        anchors.leftMargin: Theme.px(12)
        anchors.bottom: parent.bottom
        width: parent.width * 0.36
        clip: true
        spacing: Theme.px(6)
        model: tab.apps.items
        ScrollBar.vertical: ScrollBar {}
        delegate: Rectangle {
            objectName: "submission_" + modelData.tracking_number
            width: list.width - Theme.px(14)
            height: Theme.px(96)
            radius: Theme.radius / 2
            color: tab.apps.selected.tracking_number === modelData.tracking_number ? "#DCE6F4" : Theme.surface
            border.color: modelData.priority ? Theme.call : "#BDBDBD"
            border.width: modelData.priority ? 3 : 1
            Column {
                anchors.verticalCenter: parent.verticalCenter
                x: Theme.px(12)
                width: parent.width - Theme.px(24)
                Text {
                    width: parent.width
                    text: modelData.form_title + "  " + modelData.applicant
                    font.pixelSize: Theme.text(24)
                    font.bold: true
                    elide: Text.ElideRight
                    color: Theme.ink
                }
                Text {
                    width: parent.width
                    text: modelData.tracking_number + " · " + modelData.status_label + (modelData.priority ? qsTr(" · 绿色通道") : "") + (modelData.assisted_by ? qsTr(" · 代填") : "")
                    font.pixelSize: Theme.text(20)
                    color: Theme.inkSoft
                    elide: Text.ElideRight
                }
            }
            MouseArea {
                anchors.fill: parent
                onClicked: tab.apps.open(modelData.tracking_number)
            }
        }
    }

    Item {
        id: detail
        visible: tab.apps.hasSelection
        anchors.top: tools.bottom
        anchors.topMargin: Theme.px(12)
        anchors.left: list.right
        anchors.leftMargin: Theme.px(12)
        anchors.right: parent.right
        anchors.rightMargin: Theme.px(12)
        anchors.bottom: parent.bottom

        Text {
            id: current
            objectName: "selectedStatus"
            anchors.top: parent.top
            anchors.left: parent.left
            text: qsTr("受理号 %1 · 现在：%2").arg(tab.apps.selected.tracking_number || "").arg(tab.apps.selected.status_label || "")
            font.pixelSize: Theme.text(24)
            font.bold: true
            color: Theme.ink
        }
        TextField {
            id: note
            objectName: "statusNote"
            anchors.top: current.bottom
            anchors.topMargin: Theme.px(6)
            anchors.left: parent.left
            anchors.right: parent.right
            font.pixelSize: Theme.text(22)
            placeholderText: qsTr("给群众的说明（可不填），例如：请带户口簿到中心")
        }
        Row {
            id: statusButtons
            anchors.top: note.bottom
            anchors.topMargin: Theme.px(6)
            spacing: Theme.px(8)
            Repeater {
                model: tab.apps.selected.next_statuses || []
                BigButton {
                    objectName: "setStatus_" + modelData.code
                    text: modelData.label
                    fontSize: Theme.text(24)
                    height: Theme.touchMin
                    implicitWidth: Theme.px(150)
                    colour: modelData.code === "closed" ? Theme.neutral : Theme.primary
                    enabled: !tab.apps.busy
                    onClicked: { tab.apps.setStatus(modelData.code, note.text); note.text = "" }
                }
            }
            BigButton {
                objectName: "openPdfButton"
                text: qsTr("打开PDF")
                fontSize: Theme.text(24)
                height: Theme.touchMin
                implicitWidth: Theme.px(150)
                colour: Theme.help
                onClicked: tab.apps.openPdf()
            }
        }
        Flickable {
            anchors.top: statusButtons.bottom
            anchors.topMargin: Theme.px(8)
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            contentHeight: page.height
            clip: true
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AlwaysOn }
            Image {
                id: page
                objectName: "pdfPreview"
                width: parent.width - Theme.px(16)
                fillMode: Image.PreserveAspectFit
                source: tab.apps.preview
            }
        }
    }
}
