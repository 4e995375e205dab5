import QtQuick
import common

// The lawyer's call view: the villager large, the lawyer's own image small, 挂断.
// 查资料 / 推送 opens the help panel beside the (then smaller) picture; 收起 on the panel closes it.
Rectangle {
    id: screen
    objectName: "deskCallScreen"
    property QtObject vm
    property QtObject help: null  // in-call help (DeskHelpPanel.qml, ui/desk_help_vm.py)
    readonly property bool helpOpen: help !== null && help.panelOpen
    color: "#1A1A1A"

    VideoPane {
        id: remotePane
        objectName: "remoteVideo"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.right: helpPanel.visible ? helpPanel.left : sidePanel.left
        anchors.margins: Theme.px(16)
        bridge: screen.vm ? screen.vm.remoteVideo : null
        waitingText: qsTr("正在打开村民的画面…")
    }

    DeskHelpPanel {
        id: helpPanel
        visible: screen.helpOpen
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.right: sidePanel.left
        anchors.margins: Theme.px(16)
        width: Math.round(screen.width * 0.42)
        help: screen.help
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
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        spacing: Theme.px(16)

        VideoPane {
            objectName: "localVideo"
            width: parent.width
            height: width * 3 / 4
            bridge: screen.vm ? screen.vm.localVideo : null
            label: qsTr("您自己")
        }
        Text {
            objectName: "peerTerminal"
            width: parent.width
            text: screen.vm ? screen.vm.peerName : ""
            color: "#FFFFFF"
            font.pixelSize: Theme.fontLarge
            font.bold: true
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: screen.vm ? screen.vm.peerDetail : ""
            color: "#E6E6E6"
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        Text {
            width: parent.width
            text: screen.vm ? qsTr("问题：%1").arg(screen.vm.topicText) : ""
            color: "#E6E6E6"
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
        Text {
            objectName: "deskCallError"
            width: parent.width
            visible: text !== ""
            text: screen.vm ? screen.vm.errorText : ""
            color: "#FFB4AB"
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
        }
    }

    BigButton {
        objectName: "deskHelpOpen"
        visible: screen.help !== null && !screen.helpOpen
        anchors.right: parent.right
        anchors.bottom: hangupButton.top
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        height: Theme.px(110)
        text: qsTr("查资料 / 推送")
        fontSize: Theme.text(34)
        iconSource: "../common/icons/consult_search.svg"
        colour: Theme.primary
        onClicked: screen.help.openPanel()
    }

    BigButton {
        id: hangupButton
        objectName: "hangupButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        height: Theme.px(130)
        text: qsTr("挂断")
        fontSize: Theme.text(52)
        iconSource: "../common/icons/hangup.svg"
        colour: Theme.danger
        onClicked: screen.vm.hangup()
    }

    RecordingControls {  // consented recording (issue 7): its own file, the view-model a context property
        anchors.fill: parent
        rec: typeof recordingVm !== "undefined" ? recordingVm : null
    }
}
