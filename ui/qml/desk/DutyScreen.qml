import QtQuick
import common

// The on/off duty switch: two large halves, the current one filled, and what it means in words.
// With the panels view-model: wrap-up after a call or the break notice in its place, callbacks beside it.
Rectangle {
    id: screen
    objectName: "dutyScreen"
    property QtObject vm
    property QtObject panels: null
    readonly property bool onDuty: vm !== null && vm.onDuty
    readonly property string panel: panels ? panels.panelName : "none"
    readonly property bool reconnecting: vm !== null && vm.reconnecting
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("律师工作台")
        hint: screen.vm ? screen.vm.lawyerName : ""
    }

    CallbackPanel {
        id: callbacks
        visible: screen.panels !== null
        panels: screen.panels
        anchors.top: bar.bottom
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        anchors.bottomMargin: Theme.buttonHeight + 2 * Theme.margin  // the 村民申请 button sits below
        width: visible ? Math.min(Theme.px(480), parent.width * 0.4) : 0
    }

    Item {
        id: main
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: callbacks.visible ? callbacks.left : parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: Theme.margin
        anchors.rightMargin: Theme.margin
    }

    Column {
        anchors.top: bar.bottom
        anchors.topMargin: screen.panel === "none" ? Theme.px(48) : Theme.px(24)
        anchors.horizontalCenter: main.horizontalCenter
        width: Math.min(main.width, Theme.px(900))
        spacing: screen.panel === "none" ? Theme.px(32) : Theme.px(20)

        Text {
            objectName: "dutyStatus"
            visible: screen.panel !== "wrap_up"  // the wrap-up panel says it itself
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.reconnecting ? qsTr("正在重新连接…")
                : screen.panel === "break" ? qsTr("您现在休息中，不会有来电")
                : screen.onDuty ? qsTr("您在岗，正在等待村民来电") : qsTr("您已离岗，不会有来电")
            color: screen.reconnecting ? Theme.warning : screen.panel === "break" ? Theme.warning
                : screen.onDuty ? Theme.call : Theme.inkSoft
            font.pixelSize: Theme.fontLarge
            font.bold: true
        }

        WrapUpPanel {
            visible: screen.panel === "wrap_up"
            width: parent.width
            height: visible ? implicitHeight : 0
            panels: screen.panels
            notesHeight: Math.max(Theme.px(80), Math.min(Theme.px(170), screen.height - Theme.px(630)))
        }

        BreakNotice {
            visible: screen.panel === "break"
            width: parent.width
            height: visible ? implicitHeight : 0
            panels: screen.panels
        }

        Row {
            objectName: "dutySwitch"
            visible: screen.panel === "none"
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 0
            BigButton {
                objectName: "dutyOn"
                width: Math.min(Theme.px(360), main.width / 2)
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
                width: Math.min(Theme.px(360), main.width / 2)
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
