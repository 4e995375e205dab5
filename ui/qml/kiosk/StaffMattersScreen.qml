import QtQuick
import common

// This terminal's submissions awaiting follow-up: tracking number, form, state (no personal data).
Rectangle {
    id: screen
    objectName: "staffMattersScreen"
    property QtObject access
    property QtObject staff
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("本机事项")
    }

    Column {
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: back.top
        anchors.margins: Theme.margin
        spacing: Theme.px(12)
        clip: true
        Text {
            objectName: "mattersMessage"
            visible: text !== ""
            width: parent.width
            wrapMode: Text.WordWrap
            text: screen.staff ? screen.staff.mattersMessage : ""
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Repeater {
            model: screen.staff ? screen.staff.matters.slice(0, 6) : []
            Rectangle {
                required property var modelData
                width: parent.width
                height: rowText.implicitHeight + Theme.px(20)
                radius: Theme.radius / 2
                color: Theme.surface
                border.color: Theme.border
                Text {
                    id: rowText
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.margins: Theme.px(16)
                    wrapMode: Text.WordWrap
                    text: modelData.tracking + "    " + modelData.when + "    " + modelData.status
                    color: Theme.ink
                    font.pixelSize: Theme.fontBody
                }
            }
        }
        Text {
            visible: screen.staff !== null && screen.staff.matters.length > 6
            text: qsTr("还有 %1 项，请在县法律援助中心的管理页面查看。").arg(screen.staff ? screen.staff.matters.length - 6 : 0)
            width: parent.width
            wrapMode: Text.WordWrap
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
    }

    BigButton {
        id: back
        objectName: "mattersBack"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(24)
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("返回")
        iconSource: "../common/icons/back.svg"
        colour: Theme.neutral
        onClicked: screen.staff.backToMenu()
    }
}
