import QtQuick
import common

// The call could not be made or broke off: the plain reason, 重试 and 返回.
Rectangle {
    id: screen
    objectName: "failedScreen"
    property QtObject vm
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师视频")
    }

    Column {
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(64)
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(32)

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("没能接通")
            color: Theme.danger
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            objectName: "failureReason"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.vm ? screen.vm.message : ""
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("您可以再试一次，或拨打法律服务热线 %1。").arg(screen.vm ? screen.vm.hotline : "12348")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
    }

    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(48)
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(48)
        BigButton {
            objectName: "retryButton"
            width: Theme.px(400)
            text: qsTr("重试")
            iconSource: "../common/icons/retry.svg"
            colour: Theme.call
            onClicked: screen.vm.retry()
        }
        BigButton {
            objectName: "backButton"
            width: Theme.px(400)
            text: qsTr("返回首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.vm.goHome()
        }
    }
}
