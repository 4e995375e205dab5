import QtQuick
import common

// 请律师回电: the phone number on a big number pad (no keyboard), checked as the server checks it,
// then the tracking number. The topic chosen before the call goes with it.
Rectangle {
    id: screen
    objectName: "callbackScreen"
    property QtObject vm
    readonly property string step: vm ? vm.callbackStep : ""
    readonly property bool done: step === "done"
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("请律师回电")
        hint: screen.vm ? qsTr("咨询：%1").arg(screen.vm.topicText) : ""
    }

    // --- typing the number -----------------------------------------------------------------------
    Item {
        id: entry
        visible: !screen.done
        anchors.top: bar.bottom
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin

        Column {
            id: words
            anchors.top: parent.top
            anchors.left: parent.left
            width: parent.width - pad.width - Theme.margin
            spacing: Theme.px(20)

            Text {
                objectName: "callbackPrompt"
                width: parent.width
                wrapMode: Text.WordWrap
                text: qsTr("请输入您的电话号码，律师会打给您。")
                color: Theme.ink
                // Smaller while the complaint shows, so both fit above the buttons at any size.
                font.pixelSize: screen.vm !== null && screen.vm.phoneError !== "" ? Theme.fontBody : Theme.fontLarge
                font.bold: true
            }
            Text {
                width: parent.width
                visible: screen.vm !== null && screen.vm.phoneError === ""
                wrapMode: Text.WordWrap
                text: qsTr("手机：1开头的11位数字。座机：先输区号。")
                color: Theme.inkSoft
                font.pixelSize: Theme.fontBody
            }
            Rectangle {
                width: parent.width
                height: errorText.implicitHeight + Theme.px(24)
                visible: screen.vm !== null && screen.vm.phoneError !== ""
                radius: Theme.radius / 2
                color: "#FDECEA"
                border.color: Theme.danger
                border.width: 3
                Text {
                    id: errorText
                    objectName: "phoneError"
                    anchors.centerIn: parent
                    width: parent.width - Theme.px(24)
                    wrapMode: Text.WordWrap
                    text: screen.vm ? screen.vm.phoneError : ""
                    color: Theme.danger
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                }
            }
        }

        Row {
            id: actions
            anchors.left: parent.left
            anchors.bottom: parent.bottom
            width: words.width
            spacing: Theme.px(20)
            BigButton {
                objectName: "callbackBackButton"
                width: (parent.width - parent.spacing) * 0.4
                implicitWidth: width
                text: qsTr("返回")
                iconSource: "../common/icons/back.svg"
                colour: Theme.neutral
                onClicked: screen.vm.closeCallback()
            }
            BigButton {
                objectName: "callbackSendButton"
                width: (parent.width - parent.spacing) * 0.6
                implicitWidth: width
                enabled: screen.step === "entry"
                text: screen.step === "sending" ? qsTr("正在提交…") : qsTr("确定")
                iconSource: "../common/icons/check.svg"
                colour: Theme.call
                onClicked: screen.vm.sendCallback()
            }
        }

        FormNumberPad {
            id: pad
            objectName: "callbackPad"
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.bottom: parent.bottom
            width: Math.min(Theme.px(560), parent.width * 0.46)
            kind: "phone"
            initialText: screen.vm ? screen.vm.phoneDigits : ""
            onEdited: (value) => screen.vm.setPhone(value)
        }
    }

    // --- stored: the tracking number ------------------------------------------------------------
    Column {
        visible: screen.done
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(24) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        spacing: Theme.px(12) / Theme.textScale

        Text {
            objectName: "callbackDoneTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("已经记下了，律师会尽快给您回电。")
            color: Theme.call
            // Title size when it fits on one line; a longer language steps down to leave room for the number.
            font.pixelSize: doneTitleWidth.advanceWidth > width ? Theme.fontLarge : Theme.fontTitle
            font.bold: true
            TextMetrics {
                id: doneTitleWidth
                font.pixelSize: Theme.fontTitle
                font.bold: true
                text: qsTr("已经记下了，律师会尽快给您回电。")
            }
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("您的事项编号是：")
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
        }
        Text {
            objectName: "callbackTracking"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: screen.vm ? screen.vm.trackingNumber : ""
            color: Theme.primary
            font.pixelSize: Theme.fontHuge / Theme.textScale
            font.bold: true
            font.letterSpacing: Theme.px(4)
            lineHeight: 0.8
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.fontTitle
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("请记下这个编号。没接到电话时，可以拨打热线报这个编号。")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }
    }

    BigButton {
        objectName: "callbackHomeButton"
        visible: screen.done
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(40) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: Theme.px(440)
        text: qsTr("回到首页")
        iconSource: "../common/icons/back.svg"
        colour: Theme.primary
        onClicked: screen.vm.goHome()
    }
}
