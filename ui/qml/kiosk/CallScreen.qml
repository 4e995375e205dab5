import QtQuick
import common

// The call: the lawyer large, the villager's own image small, the lawyer's name and firm, a big red 挂断.
Rectangle {
    id: screen
    objectName: "callScreen"
    property QtObject vm
    // In-call help (InCallHelpOverlay.qml): the lawyer's picture goes small beside what was pushed.
    readonly property bool helpShown: vm !== null && vm.help !== null && vm.help.overlay !== ""
    readonly property real smallVideoHeight: Qt.inputMethod.visible ? Theme.px(110) : sidePanel.width * 3 / 4
    property QtObject audioRoute: null  // 耳机/外放 (ui/audio_route_vm.py); null: no toggle
    color: "#1A1A1A"

    // The jack is read now and every few seconds: a villager may plug headphones in mid-call.
    Component.onCompleted: if (audioRoute) audioRoute.refresh()
    Timer {
        interval: 3000
        running: screen.audioRoute !== null
        repeat: true
        onTriggered: screen.audioRoute.refresh()
    }

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
        states: State {
            when: screen.helpShown
            AnchorChanges { target: remotePane; anchors.left: sidePanel.left; anchors.right: sidePanel.right; anchors.bottom: undefined }
            PropertyChanges { target: remotePane; anchors.margins: 0; anchors.topMargin: Theme.px(16); height: screen.smallVideoHeight }
        }
    }

    InCallHelpOverlay {
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.bottom: parent.bottom
        anchors.right: sidePanel.left
        anchors.margins: Theme.px(16)
        help: screen.vm ? screen.vm.help : null
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
        anchors.bottom: hangupButton.top
        anchors.margins: Theme.px(16)
        width: Theme.px(340)
        spacing: Theme.px(20)
        clip: true  // with the keyboard open (in-call forms) the words go under, never over, 挂断

        VideoPane {
            objectName: "localVideo"
            width: parent.width
            height: screen.smallVideoHeight
            opacity: screen.helpShown ? 0 : 1  // the lawyer's picture takes its place
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

    // Privacy: the lawyer's voice in the headphones instead of the loudspeaker, where there is a jack.
    // Over the lower left of the lawyer's picture: the side panel is full in elder mode.
    Column {
        id: routeToggle
        objectName: "audioRouteToggle"
        visible: screen.audioRoute !== null && screen.audioRoute.available && !screen.helpShown
        anchors.left: remotePane.left
        anchors.bottom: remotePane.bottom
        anchors.margins: Theme.px(16)
        width: Theme.px(360)
        spacing: Theme.px(8)
        Rectangle {
            // One line where the lawyer's picture is wide enough, wrapped where it is not.
            width: Math.min(remotePane.width - Theme.px(32), routeHint.implicitWidth + Theme.px(16))
            height: routeHint.implicitHeight + Theme.px(12)
            radius: Theme.px(6)
            color: "#C0000000"
            visible: screen.audioRoute !== null && screen.audioRoute.headphones && !screen.audioRoute.plugged
            Text {
                id: routeHint
                objectName: "routeHint"
                anchors.centerIn: parent
                width: parent.width - Theme.px(16)
                text: qsTr("请把耳机插进耳机孔")
                color: "#FFD54F"
                font.pixelSize: Theme.fontBody
                wrapMode: Text.WordWrap
            }
        }
        Row {
            width: parent.width
            spacing: Theme.px(12)
            BigButton {
                objectName: "routeHeadphones"
                width: (parent.width - parent.spacing) / 2
                implicitWidth: width
                height: Theme.px(110)
                text: qsTr("耳机")
                iconSource: "../common/icons/headphones.svg"
                fontSize: Theme.fontBody
                colour: screen.audioRoute && screen.audioRoute.headphones ? Theme.call : Theme.neutral
                Accessible.checked: screen.audioRoute !== null && screen.audioRoute.headphones
                onClicked: screen.audioRoute.useHeadphones(true)
            }
            BigButton {
                objectName: "routeSpeaker"
                width: (parent.width - parent.spacing) / 2
                implicitWidth: width
                height: Theme.px(110)
                text: qsTr("外放")
                iconSource: "../common/icons/speaker.svg"
                fontSize: Theme.fontBody
                colour: screen.audioRoute && !screen.audioRoute.headphones ? Theme.call : Theme.neutral
                Accessible.checked: screen.audioRoute !== null && !screen.audioRoute.headphones
                onClicked: screen.audioRoute.useHeadphones(false)
            }
        }
    }

    BigButton {
        id: hangupButton
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

    RecordingConsentPanel {  // consented recording (issue 7): its own file, the view-model a context property
        anchors.fill: parent
        rec: typeof recordingVm !== "undefined" ? recordingVm : null
    }
}
