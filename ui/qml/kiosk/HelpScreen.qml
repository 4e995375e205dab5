import QtQuick
import common

// 使用帮助: four short steps with pictures; staff enter their mode from here.
Rectangle {
    id: screen
    objectName: "helpScreen"
    property QtObject access
    property QtObject staff
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("使用帮助")
    }

    Grid {
        id: steps
        readonly property real cellWidth: (width - columnSpacing) / 2
        readonly property real cellHeight: (height - rowSpacing) / 2
        anchors.top: bar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: buttons.top
        anchors.margins: Theme.margin
        columns: 2
        rowSpacing: Theme.px(20)
        columnSpacing: Theme.margin
        Repeater {
            model: [
                ["help_step_tap.svg", qsTr("1. 用手指点一下大方块，就能进去。")],
                ["help_step_talk.svg", qsTr("2. 点“律师视频”，就能和律师面对面说话。")],
                ["help_step_form.svg", qsTr("3. 点“办事申请”，一步一步填写，最后点确认。")],
                ["help_step_bigtext.svg", qsTr("4. 字太小就点下面的“大字”，听不清字就点“朗读”。")]
            ]
            Rectangle {
                required property var modelData
                width: steps.cellWidth
                height: steps.cellHeight
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                border.width: 2
                Image {
                    id: picture
                    anchors.left: parent.left
                    anchors.leftMargin: Theme.px(16)
                    anchors.verticalCenter: parent.verticalCenter
                    width: Math.min(parent.width * 0.35, (parent.height - Theme.px(24)) * 1.25)
                    height: width * 0.8
                    source: "../common/icons/" + modelData[0]
                    sourceSize.width: width
                    sourceSize.height: height
                }
                Text {
                    anchors.left: picture.right
                    anchors.leftMargin: Theme.px(16)
                    anchors.right: parent.right
                    anchors.rightMargin: Theme.px(16)
                    anchors.top: parent.top
                    anchors.bottom: parent.bottom
                    verticalAlignment: Text.AlignVCenter
                    wrapMode: Text.WordWrap
                    text: modelData[1]
                    color: Theme.ink
                    font.pixelSize: Theme.fontBody
                    fontSizeMode: Text.VerticalFit
                    minimumPixelSize: Theme.text(28)
                }
            }
        }
    }

    Row {
        id: buttons
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(24)
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(48)
        BigButton {
            objectName: "helpBack"
            text: qsTr("返回首页")
            iconSource: "../common/icons/back.svg"
            colour: Theme.neutral
            onClicked: screen.access.close()
        }
        BigButton {
            objectName: "readOnArrival"
            text: screen.access && screen.access.readOnArrival ? qsTr("自动朗读：开") : qsTr("自动朗读：关")
            iconSource: "../common/icons/speaker.svg"
            colour: screen.access && screen.access.readOnArrival ? Theme.call : Theme.neutral
            onClicked: screen.access.toggleReadOnArrival()
        }
        BigButton {
            objectName: "staffEntry"
            text: qsTr("工作人员")
            iconSource: "../common/icons/staff.svg"
            colour: Theme.help
            onClicked: screen.staff.open()
        }
    }
}
