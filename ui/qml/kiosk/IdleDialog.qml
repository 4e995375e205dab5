import QtQuick
import common

// 还需要更多时间吗？ with a countdown; any tap keeps the session, 不用了 ends it at once.
Rectangle {
    id: dialog
    objectName: "idleDialog"
    property QtObject access
    color: "#C0000000"
    MouseArea { anchors.fill: parent; onClicked: dialog.access.touch() }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, Theme.px(960))
        height: column.implicitHeight + 2 * Theme.margin
        radius: Theme.radius
        color: Theme.surface
        border.color: Theme.border
        border.width: 3
        Column {
            id: column
            anchors.centerIn: parent
            width: parent.width - 2 * Theme.margin
            spacing: Theme.px(24)
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("还需要更多时间吗？")
                color: Theme.ink
                font.pixelSize: Theme.fontTitle
                font.bold: true
            }
            Text {
                objectName: "idleCountdown"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: dialog.access ? dialog.access.secondsLeft : ""
                color: Theme.danger
                font.pixelSize: Theme.fontHuge
                font.bold: true
                lineHeight: 0.8
            }
            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("到时没有点屏幕，您填写和查看的内容会全部清除，回到开始的画面。")
                color: Theme.ink
                font.pixelSize: Theme.fontBody
            }
            Row {
                anchors.horizontalCenter: parent.horizontalCenter
                spacing: Theme.px(32)
                BigButton {
                    objectName: "idleMoreTime"
                    text: qsTr("还要用")
                    iconSource: "../common/icons/check.svg"
                    colour: Theme.call
                    onClicked: dialog.access.touch()
                }
                BigButton {
                    objectName: "idleEndNow"
                    text: qsTr("不用了")
                    iconSource: "../common/icons/close.svg"
                    colour: Theme.neutral
                    onClicked: dialog.access.endNow()
                }
            }
        }
    }
}
