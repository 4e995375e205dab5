import QtQuick
import common

// 通话已结束; the view-model returns to the home screen after a few seconds.
Rectangle {
    id: screen
    objectName: "endedScreen"
    property QtObject vm
    property int secondsLeft: vm ? vm.endedReturnSeconds : 0
    color: Theme.background

    Timer {
        interval: 1000
        repeat: true
        running: screen.secondsLeft > 0
        onTriggered: screen.secondsLeft -= 1
    }

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师视频")
    }

    Item {
        id: below
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
    }

    Column {
        anchors.centerIn: below
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(36)

        Text {
            objectName: "endedTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("通话已结束")
            color: Theme.ink
            font.pixelSize: Theme.text(64)
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            objectName: "endedThanks"
            text: screen.vm && screen.vm.ratedScore > 0 ? qsTr("谢谢您的评价！有需要可以随时再来。")
                                                        : qsTr("谢谢您的使用。有需要可以随时再来。")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontLarge
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("%1 秒后回到首页").arg(screen.secondsLeft)
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
        BigButton {
            objectName: "homeButton"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Theme.px(440)
            text: qsTr("回到首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.primary
            onClicked: screen.vm.goHome()
        }
    }
}
