import QtQuick
import common

// Staff sign in: a big number pad; the PIN shows only as dots.
Rectangle {
    id: screen
    objectName: "staffPinScreen"
    property QtObject access
    property QtObject staff
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("工作人员登录")
    }

    Column {
        id: left
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.margins: Theme.margin
        width: parent.width * 0.42
        spacing: Theme.px(10)
        Text {
            width: parent.width
            wrapMode: Text.WordWrap
            text: qsTr("请输入工作人员密码")
            color: Theme.ink
            font.pixelSize: Theme.fontLarge
            font.bold: true
        }
        Text {
            objectName: "pinDots"
            width: parent.width
            text: screen.staff ? "●".repeat(screen.staff.pinLength) + "○".repeat(Math.max(0, 4 - screen.staff.pinLength)) : ""
            color: Theme.ink
            font.pixelSize: Theme.text(44)
        }
        Text {
            objectName: "pinMessage"
            width: parent.width
            wrapMode: Text.WordWrap
            text: screen.staff ? screen.staff.message : ""
            color: screen.staff && screen.staff.blocked ? Theme.danger : Theme.ink
            font.pixelSize: Theme.fontBody
        }
    }

    // 出示工作证 and 返回 stand on the bottom edge, clear of the access bar at any text size.
    Column {
        id: leftButtons
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.margins: Theme.margin
        width: left.width
        spacing: Theme.px(14)
        BigButton {
            objectName: "badgeScan"
            visible: screen.staff !== null && screen.staff.badgeAvailable
            enabled: screen.staff !== null && !screen.staff.checking
            text: qsTr("出示工作证")
            iconSource: "../common/icons/camera.svg"
            colour: Theme.help
            onClicked: screen.staff.scanBadge()
        }
        BigButton {
            objectName: "pinBack"
            text: qsTr("返回")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.staff.leave()
        }
    }

    Grid {
        id: pad
        readonly property real keyWidth: (width - 2 * columnSpacing) / 3
        readonly property real keyHeight: (height - 3 * rowSpacing) / 4
        anchors.top: bar.bottom
        anchors.bottom: parent.bottom
        anchors.left: left.right
        anchors.right: parent.right
        anchors.margins: Theme.margin
        columns: 3
        rowSpacing: Theme.px(14)
        columnSpacing: Theme.px(14)
        Repeater {
            model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"]
            BigButton {
                required property string modelData
                objectName: "pinKey_" + modelData
                width: pad.keyWidth
                height: pad.keyHeight
                enabled: screen.staff !== null && !screen.staff.checking
                text: modelData === "erase" ? qsTr("删除") : (modelData === "ok" ? qsTr("确定") : modelData)
                colour: modelData === "ok" ? Theme.call : (modelData === "erase" ? Theme.neutral : Theme.primary)
                fontSize: modelData.length === 1 ? Theme.text(52) : Theme.fontLarge
                onClicked: {
                    if (modelData === "erase")
                        screen.staff.erase()
                    else if (modelData === "ok")
                        screen.staff.submit()
                    else
                        screen.staff.digit(modelData)
                }
            }
        }
    }
}
