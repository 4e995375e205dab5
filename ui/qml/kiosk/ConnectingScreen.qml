import QtQuick
import common

// 正在为您接通值班律师… with the place in the queue in large numbers, and a big 取消.
Rectangle {
    id: screen
    objectName: "connectingScreen"
    property QtObject vm
    readonly property bool answered: vm !== null && vm.state === "connecting"
    readonly property bool reconnecting: vm !== null && vm.reconnecting
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师视频")
    }

    // The words sit in the middle of the room between the bar and 取消, so larger text never meets it.
    Item {
        id: contentArea
        anchors.top: bar.bottom
        anchors.bottom: cancelButton.top
        anchors.left: parent.left
        anchors.right: parent.right
    }

    Column {
        anchors.verticalCenter: contentArea.verticalCenter
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(28) / Theme.textScale

        Text {
            objectName: "connectingTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.reconnecting ? qsTr("正在重新连接…")
                  : screen.answered ? qsTr("律师已接听，正在打开视频…") : qsTr("正在为您接通值班律师…")
            color: Theme.ink
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }

        // Three dots that light up in turn: something is happening.
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.px(28)
            Repeater {
                model: 3
                Rectangle {
                    required property int index
                    width: Theme.px(36)
                    height: width
                    radius: width / 2
                    color: dotTimer.lit === index ? Theme.call : "#C8C8C8"
                }
            }
            Timer {
                id: dotTimer
                property int lit: 0
                interval: 500
                running: true
                repeat: true
                onTriggered: lit = (lit + 1) % 3
            }
        }

        Item {
            width: parent.width
            height: positionRow.implicitHeight
            visible: screen.vm !== null && screen.vm.position > 0
            Row {
                id: positionRow
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: Theme.px(16)
                Text {
                    anchors.baseline: positionNumber.baseline
                    text: qsTr("您排在第")
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                }
                Text {
                    id: positionNumber
                    objectName: "queuePosition"
                    text: screen.vm ? screen.vm.position : ""
                    color: Theme.primary
                    font.pixelSize: Theme.fontHuge
                    font.bold: true
                    lineHeight: 0.8  // digits need no room for the CJK line spacing
                }
                Text {
                    anchors.baseline: positionNumber.baseline
                    text: qsTr("位")
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                }
            }
        }

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.reconnecting ? qsTr("您的排队位置会为您保留")
                  : screen.answered && screen.vm.peerName !== ""
                  ? qsTr("%1 正在和您连线").arg(screen.vm.peerName)
                  : qsTr("请稍等，律师马上就来")
            color: screen.answered ? Theme.call : Theme.inkSoft
            font.pixelSize: screen.answered ? Theme.fontLarge : Theme.fontBody
            font.bold: screen.answered
        }
    }

    BigButton {
        id: cancelButton
        objectName: "cancelButton"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(48) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: Theme.px(440)
        height: Theme.px(120)
        text: qsTr("取消")
        iconSource: "../common/icons/close.svg"
        colour: Theme.neutral
        fontSize: Theme.text(48)
        onClicked: screen.vm.cancel()
    }
}
