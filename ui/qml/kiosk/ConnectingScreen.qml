import QtQuick
import common

// 正在为您接通值班律师… with the place in the queue in large numbers, and a big 取消.
Rectangle {
    id: screen
    objectName: "connectingScreen"
    property QtObject vm
    readonly property bool answered: vm !== null && vm.state === "connecting"
    readonly property bool reconnecting: vm !== null && vm.reconnecting
    // Others are ahead: say so, rather than "connecting you now" to the 12th in line.
    readonly property bool queued: vm !== null && !answered && vm.position > 1
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
        anchors.bottom: buttons.top
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
            // Left out only when place, minutes (one above the other) and the long-wait hint need the room.
            visible: !(figures.stacked && callbackHint.visible)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.reconnecting ? qsTr("正在重新连接…")
                  : screen.answered ? qsTr("律师已接听，正在打开视频…")
                  : screen.queued ? qsTr("正在排队，请稍等…") : qsTr("正在为您接通值班律师…")
            color: Theme.ink
            font.pixelSize: Theme.fontTitle
            font.bold: true
        }

        // Three dots that light up in turn: something is happening (room for the figures and
        // 马上就轮到您了 first).
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: !figures.stacked && !waitSoon.visible
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

        // The place in the queue and the honest estimate side by side, in words and large numbers.
        // Side by side when both fit across; else one above the other with smaller digits.
        Grid {
            id: figures
            anchors.horizontalCenter: parent.horizontalCenter
            readonly property bool stacked: waitRow.visible && labelWidths.advanceWidth + digitWidths.advanceWidth
                                            + 4 * Theme.px(12) + columnSpacing > parent.width
            readonly property int digitSize: stacked ? Math.round(Theme.fontHuge * 0.6) : Theme.fontHuge
            columns: stacked ? 1 : 2
            columnSpacing: Theme.px(64)
            rowSpacing: Theme.px(8)
            horizontalItemAlignment: Grid.AlignHCenter
            visible: screen.vm !== null && screen.vm.position > 0

            TextMetrics {
                id: labelWidths
                font.pixelSize: Theme.fontLarge
                text: qsTr("您排在第") + qsTr("位") + qsTr("大约还要等") + qsTr("分钟")
            }
            TextMetrics {
                id: digitWidths
                font.pixelSize: Theme.fontHuge
                font.bold: true
                text: screen.vm ? "" + screen.vm.position + screen.vm.estimatedMinutes : ""
            }

            Row {
                id: positionRow
                spacing: Theme.px(12)
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
                    font.pixelSize: figures.digitSize
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

            Row {
                id: waitRow
                objectName: "waitEstimate"
                spacing: Theme.px(12)
                visible: screen.vm !== null && screen.vm.estimatedMinutes > 0
                Text {
                    anchors.baseline: waitNumber.baseline
                    text: qsTr("大约还要等")
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                }
                Text {
                    id: waitNumber
                    objectName: "waitMinutes"
                    text: screen.vm ? screen.vm.estimatedMinutes : ""
                    color: Theme.primary
                    font.pixelSize: figures.digitSize
                    font.bold: true
                    lineHeight: 0.8
                }
                Text {
                    anchors.baseline: waitNumber.baseline
                    text: qsTr("分钟")
                    color: Theme.ink
                    font.pixelSize: Theme.fontLarge
                }
            }
        }

        Text {
            id: waitSoon
            objectName: "waitSoon"
            width: parent.width
            visible: screen.vm !== null && screen.vm.estimatedMinutes === 0
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("马上就轮到您了")
            color: Theme.call
            font.pixelSize: Theme.fontLarge
            font.bold: true
        }

        Text {
            id: callbackHint
            objectName: "callbackHint"
            width: parent.width
            visible: screen.vm !== null && screen.vm.callbackOffered
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("要等的时间比较长。您也可以留下电话，请律师给您回电。")
            color: Theme.inkSoft
            font.pixelSize: Theme.fontBody
        }

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            // Not under 马上就轮到您了 or the callback offer: they already say it, and room is short.
            visible: screen.reconnecting || screen.answered
                     || !(screen.vm !== null && (screen.vm.callbackOffered || screen.vm.estimatedMinutes === 0))
            text: screen.reconnecting ? qsTr("您的排队位置会为您保留")
                  : screen.answered && screen.vm.peerName !== ""
                  ? qsTr("%1 正在和您连线").arg(screen.vm.peerName)
                  : screen.queued ? qsTr("轮到您时，值班律师就会接听")
                  : qsTr("请稍等，律师马上就来")
            color: screen.answered ? Theme.call : Theme.inkSoft
            font.pixelSize: screen.answered ? Theme.fontLarge : Theme.fontBody
            font.bold: screen.answered
        }
    }

    Row {
        id: buttons
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(48) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(40)

        BigButton {
            id: cancelButton
            objectName: "cancelButton"
            width: Theme.px(440)
            height: Theme.px(120)
            text: qsTr("取消")
            iconSource: "../common/icons/close.svg"
            colour: Theme.neutral
            fontSize: Theme.text(48)
            onClicked: screen.vm.cancel()
        }
        BigButton {
            objectName: "callbackButton"
            visible: screen.vm !== null && screen.vm.callbackOffered && !screen.answered
            width: Theme.px(440)
            height: Theme.px(120)
            text: qsTr("请律师回电")
            iconSource: "../common/icons/phone.svg"
            colour: Theme.call
            fontSize: Theme.text(48)
            onClicked: screen.vm.offerCallback()
        }
    }
}
