import QtQuick
import common

// An unexpected failure: 暂停服务, the hotline, and the UI starts again by itself.
Rectangle {
    id: screen
    objectName: "outOfServiceScreen"
    property QtObject access
    color: Theme.background

    Column {
        anchors.centerIn: parent
        width: parent.width - 4 * Theme.margin
        spacing: Theme.px(36)
        Text {
            objectName: "outOfServiceTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("暂停服务")
            color: Theme.danger
            font.pixelSize: Theme.text(80)
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("机器出了点问题，马上会自动重新开始，请稍等。")
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("有急事请拨打法律服务热线")
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Text {
            objectName: "outOfServiceHotline"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: screen.access ? screen.access.hotline : "12348"
            color: Theme.primary
            font.pixelSize: Theme.fontHuge
            font.bold: true
            lineHeight: 0.8
        }
        Text {
            objectName: "outOfServiceCountdown"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("%1 秒后重新开始").arg(screen.access ? screen.access.restartSeconds : 0)
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
    }
}
