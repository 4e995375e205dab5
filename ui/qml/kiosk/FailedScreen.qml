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

    // The words sit in the middle of the room between the bar and the buttons.
    Item {
        id: contentArea
        anchors.top: bar.bottom
        anchors.bottom: buttonRow.top
        anchors.left: parent.left
        anchors.right: parent.right
    }

    Column {
        anchors.verticalCenter: contentArea.verticalCenter
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(32) / Theme.textScale

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
        id: buttonRow
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(48) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(40)
        readonly property real buttonWidth: Theme.px(callbackButton.visible ? 360 : 400)
        BigButton {
            objectName: "retryButton"
            width: buttonRow.buttonWidth
            text: qsTr("重试")
            iconSource: "../common/icons/retry.svg"
            colour: Theme.call
            onClicked: screen.vm.retry()
        }
        BigButton {
            id: callbackButton
            objectName: "callbackButton"
            // The link was too poor for video: the centre can phone instead.
            visible: screen.vm !== null && screen.vm.callbackOffered
            width: buttonRow.buttonWidth
            text: qsTr("请律师回电")
            iconSource: "../common/icons/phone.svg"
            colour: Theme.primary
            onClicked: screen.vm.offerCallback()
        }
        BigButton {
            objectName: "backButton"
            width: buttonRow.buttonWidth
            text: qsTr("返回首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.vm.goHome()
        }
    }
}
