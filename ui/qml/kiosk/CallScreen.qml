import QtQuick
import common

// The call: the lawyer large, the villager's own image small, the lawyer's name and firm, a big red 挂断.
Rectangle {
    id: screen
    objectName: "callScreen"
    property QtObject vm
    color: "#1A1A1A"

    VideoPane {
        id: remotePane
        objectName: "remoteVideo"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.right: sidePanel.left
        anchors.margins: Theme.px(16)
        bridge: screen.vm ? screen.vm.remoteVideo : null
        waitingText: qsTr("正在打开律师的画面…")
    }

    ReconnectingBanner {
        anchors.top: remotePane.top
        anchors.topMargin: Theme.px(24)
        anchors.horizontalCenter: remotePane.horizontalCenter
        maxWidth: remotePane.width - 2 * Theme.margin
        active: screen.vm !== null && screen.vm.reconnecting
    }

    Column {
        id: sidePanel
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        spacing: Theme.px(20)

        VideoPane {
            objectName: "localVideo"
            width: parent.width
            height: width * 3 / 4
            bridge: screen.vm ? screen.vm.localVideo : null
            label: qsTr("您自己")
        }
        Text {
            objectName: "lawyerName"
            width: parent.width
            text: screen.vm ? screen.vm.peerName : ""
            color: "#FFFFFF"
            font.pixelSize: Theme.fontLarge
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "callDuration"
            property int seconds: 0
            width: parent.width
            text: qsTr("通话中 %1").arg(Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"))
            color: "#9BE7B0"
            font.pixelSize: Theme.fontBody
            Timer {
                interval: 1000
                running: true
                repeat: true
                onTriggered: parent.seconds += 1
            }
        }
        Text {
            objectName: "lawyerFirm"
            width: parent.width
            text: screen.vm ? screen.vm.peerDetail : ""
            color: "#E6E6E6"
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
    }

    BigButton {
        objectName: "hangupButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        height: Theme.px(140)
        text: qsTr("挂断")
        iconSource: "../common/icons/hangup.svg"
        colour: Theme.danger
        fontSize: Theme.text(52)
        onClicked: screen.vm.hangup()
    }
}
