import QtQuick
import common

// The call: the lawyer large, the villager's own image small, the lawyer's name and firm, a big red 挂断.
Rectangle {
    id: screen
    objectName: "callScreen"
    property QtObject vm
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

    // Privacy: the lawyer's voice in the headphones instead of the loudspeaker, where there is a jack.
    // Over the lower left of the lawyer's picture: the side panel is full in elder mode.
    Column {
        id: routeToggle
        objectName: "audioRouteToggle"
        visible: screen.audioRoute !== null && screen.audioRoute.available
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
}
