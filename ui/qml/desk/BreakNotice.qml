import QtQuick
import common

// Put on break after missed calls: why, in plain words, and one button to go back on duty.
Rectangle {
    id: notice
    objectName: "breakNotice"
    property QtObject panels
    implicitHeight: content.implicitHeight + 2 * Theme.px(28)
    radius: Theme.radius
    color: "#FFF4E0"
    border.color: Theme.warning
    border.width: 4

    Column {
        id: content
        anchors.fill: parent
        anchors.margins: Theme.px(28)
        spacing: Theme.px(20)

        Text {
            objectName: "breakTitle"
            width: parent.width
            text: qsTr("已暂停给您派单")
            color: Theme.warning
            font.pixelSize: Theme.fontLarge
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "breakReason"
            width: parent.width
            text: qsTr("您连续几次没有接听来电，系统先把您设为休息，来电会转给其他律师。")
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: qsTr("准备好接听了，请点下面的按钮。")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        BigButton {
            objectName: "backOnDutyButton"
            text: qsTr("回到在岗")
            colour: Theme.call
            enabled: notice.panels !== null && !notice.panels.busy
            onClicked: notice.panels.backOnDuty()
        }
    }
}
