import QtQuick
import common

// The on/off duty switch: two large halves, the current one filled, and what it means in words.
Rectangle {
    id: screen
    objectName: "dutyScreen"
    property QtObject vm
    readonly property bool onDuty: vm !== null && vm.onDuty
    readonly property bool reconnecting: vm !== null && vm.reconnecting
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师工作台")
        hint: screen.vm ? screen.vm.username : ""
    }

    Column {
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(48)
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, Theme.px(900))
        spacing: Theme.px(32)

        Text {
            objectName: "dutyStatus"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.reconnecting ? qsTr("正在重新连接…")
                  : screen.onDuty ? qsTr("您在岗，正在等待村民来电") : qsTr("您已离岗，不会有来电")
            color: screen.reconnecting ? "#B26A00" : screen.onDuty ? Theme.call : Theme.inkSoft
            font.pixelSize: Theme.fontLarge
            font.bold: true
        }

        Row {
            objectName: "dutySwitch"
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 0
            BigButton {
                objectName: "dutyOn"
                width: Theme.px(360)
                height: Theme.px(130)
                text: qsTr("在岗")
                fontSize: Theme.text(52)
                colour: screen.onDuty ? Theme.call : "#D9D9D9"
                textColour: screen.onDuty ? Theme.onColour : Theme.ink
                iconSource: screen.onDuty ? "../common/icons/check.svg" : ""
                enabled: screen.vm !== null && !screen.vm.busy
                onClicked: screen.vm.setDuty(true)
            }
            BigButton {
                objectName: "dutyOff"
                width: Theme.px(360)
                height: Theme.px(130)
                text: qsTr("离岗")
                fontSize: Theme.text(52)
                colour: screen.onDuty ? "#D9D9D9" : Theme.neutral
                textColour: screen.onDuty ? Theme.ink : Theme.onColour
                iconSource: screen.onDuty ? "" : "../common/icons/check.svg"
                enabled: screen.vm !== null && !screen.vm.busy
                onClicked: screen.vm.setDuty(false)
            }
        }

        Rectangle {
            objectName: "deskErrorBox"
            width: parent.width
            height: errorText.implicitHeight + Theme.px(32)
            visible: screen.vm !== null && screen.vm.errorText !== ""
            radius: Theme.radius
            color: "#FCE8E6"
            border.color: Theme.danger
            border.width: 3
            Text {
                id: errorText
                objectName: "deskError"
                anchors.centerIn: parent
                width: parent.width - Theme.px(32)
                text: screen.vm ? screen.vm.errorText : ""
                color: Theme.danger
                font.pixelSize: Theme.fontBody
                font.bold: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
    }
}
