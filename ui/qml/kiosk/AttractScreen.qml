import QtQuick
import common

// Between people: what the terminal offers, and one big invitation to tap anywhere.
Rectangle {
    id: screen
    objectName: "attractScreen"
    property QtObject access
    color: Theme.primary

    MouseArea {
        objectName: "attractTap"
        anchors.fill: parent
        onClicked: screen.access.start()
    }

    Column {
        anchors.centerIn: parent
        width: parent.width - 4 * Theme.margin
        spacing: Theme.px(40)
        Text {
            objectName: "attractTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("请点击屏幕开始")
            color: Theme.onColour
            font.pixelSize: Theme.text(88)
            font.bold: true
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 2
            columnSpacing: Theme.px(48)
            rowSpacing: Theme.px(20)
            Repeater {
                model: [
                    [qsTr("法律咨询"), "../common/icons/scales.svg"],
                    [qsTr("办事申请"), "../common/icons/form.svg"],
                    [qsTr("律师视频"), "../common/icons/video.svg"],
                    [qsTr("使用帮助"), "../common/icons/help.svg"]
                ]
                Row {
                    required property var modelData
                    spacing: Theme.px(16)
                    Image {
                        source: modelData[1]
                        width: Theme.fontLarge * 1.4
                        height: width
                        sourceSize.width: width
                        sourceSize.height: height
                        anchors.verticalCenter: parent.verticalCenter
                    }
                    Text {
                        text: modelData[0]
                        color: Theme.onColour
                        font.pixelSize: Theme.fontLarge
                        anchors.verticalCenter: parent.verticalCenter
                    }
                }
            }
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("免费 · 不出村 · 法律服务热线 %1").arg(screen.access ? screen.access.hotline : "12348")
            color: Theme.onColour
            font.pixelSize: Theme.fontBody
        }
    }
}
