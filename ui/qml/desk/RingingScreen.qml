import QtQuick
import common

// A village terminal is calling: who, where, about what; 接听 or 拒接.
Rectangle {
    id: screen
    objectName: "ringingScreen"
    property QtObject vm
    color: "#0E3B1F"

    SequentialAnimation on color {
        loops: Animation.Infinite
        ColorAnimation { to: "#16623A"; duration: 600 }
        ColorAnimation { to: "#0E3B1F"; duration: 600 }
    }

    Column {
        anchors.top: parent.top
        anchors.topMargin: Theme.px(72)
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(24)

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("村民来电")
            color: "#FFFFFF"
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }
        Text {
            objectName: "callerTerminal"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.vm ? screen.vm.peerName : ""
            color: "#FFFFFF"
            font.pixelSize: Theme.text(64)
            font.bold: true
        }
        Text {
            objectName: "callerVillage"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: screen.vm && screen.vm.peerDetail !== "" ? qsTr("地点：%1").arg(screen.vm.peerDetail) : ""
            color: "#FFFFFF"
            font.pixelSize: Theme.fontLarge
        }
        Text {
            objectName: "callerTopic"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: screen.vm ? qsTr("问题：%1").arg(screen.vm.topicText) : ""
            color: "#FFFFFF"
            font.pixelSize: Theme.fontLarge
        }
    }

    Row {
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(64)
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(80)
        BigButton {
            objectName: "acceptButton"
            width: Theme.px(380)
            height: Theme.px(130)
            text: qsTr("接听")
            fontSize: Theme.text(52)
            iconSource: "../common/icons/phone.svg"
            colour: "#1E8E3E"
            enabled: screen.vm !== null && !screen.vm.busy
            onClicked: screen.vm.accept()
        }
        BigButton {
            objectName: "declineButton"
            width: Theme.px(380)
            height: Theme.px(130)
            text: qsTr("拒接")
            fontSize: Theme.text(52)
            iconSource: "../common/icons/hangup.svg"
            colour: Theme.danger
            enabled: screen.vm !== null && !screen.vm.busy
            onClicked: screen.vm.decline()
        }
    }
}
