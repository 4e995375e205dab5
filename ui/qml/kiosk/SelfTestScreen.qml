import QtQuick
import common

// Device self-test: camera picture, microphone meter, then one card per check with what to do.
Rectangle {
    id: screen
    objectName: "selfTestScreen"
    property QtObject access
    property QtObject staff
    property QtObject selftest
    color: Theme.background
    // The live picture and meter run only while this screen is shown: they hold the camera and mic.
    Component.onCompleted: if (selftest) selftest.startLive()
    Component.onDestruction: if (selftest) selftest.stopLive()

    function statusWord(status) {
        switch (status) {
        case "ok": return qsTr("正常")
        case "warning": return qsTr("请注意")
        case "failed": return qsTr("有问题")
        default: return qsTr("未配置")
        }
    }
    function statusColour(status) {
        switch (status) {
        case "ok": return Theme.call
        case "warning": return Theme.warning
        case "failed": return Theme.danger
        default: return Theme.neutral
        }
    }

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("设备自检")
        hint: screen.selftest ? screen.selftest.summary : ""
    }

    // Left: the camera's picture, the microphone meter and the two buttons, sharing the height.
    Item {
        id: side
        anchors.top: bar.bottom
        anchors.bottom: parent.bottom
        anchors.left: parent.left
        anchors.margins: Theme.margin
        width: parent.width * 0.28
        Rectangle {
            id: previewBox
            anchors.top: parent.top
            anchors.bottom: micLabel.top
            anchors.bottomMargin: Theme.px(8)
            width: parent.width
            color: "#222222"
            radius: Theme.radius / 2
            VideoPane {
                objectName: "cameraPreview"
                anchors.fill: parent
                anchors.margins: 4
                bridge: screen.selftest ? screen.selftest.cameraPreview : null
                waitingText: screen.selftest && screen.selftest.cameraMissing ? qsTr("没有摄像头画面") : qsTr("摄像头画面")
            }
        }
        Text {
            id: micLabel
            anchors.bottom: meter.top
            anchors.bottomMargin: Theme.px(4)
            width: parent.width
            text: screen.selftest && screen.selftest.micMissing ? qsTr("没有找到麦克风") : qsTr("麦克风音量")
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.px(28)
        }
        Rectangle {
            id: meter
            objectName: "micMeter"
            anchors.bottom: buttons.top
            anchors.bottomMargin: Theme.px(16)
            width: parent.width
            height: Theme.px(32)
            color: Theme.surface
            border.color: Theme.border
            border.width: 2
            Rectangle {
                anchors.left: parent.left
                anchors.top: parent.top
                anchors.bottom: parent.bottom
                anchors.margins: 3
                width: (parent.width - 6) * (screen.selftest ? screen.selftest.micLevel : 0)
                color: Theme.call
            }
        }
        Column {
            id: buttons
            anchors.bottom: parent.bottom
            width: parent.width
            spacing: Theme.px(12)
            BigButton {
                objectName: "selfTestRun"
                width: parent.width
                enabled: screen.selftest !== null && !screen.selftest.running
                text: screen.selftest && screen.selftest.rows.length > 0 ? qsTr("重新检测") : qsTr("开始检测")
                colour: Theme.call
                fontSize: Theme.fontBody
                onClicked: screen.selftest.run()
            }
            BigButton {
                objectName: "selfTestBack"
                width: parent.width
                text: qsTr("返回")
                iconSource: "../common/icons/back.svg"
                colour: Theme.neutral
                fontSize: Theme.fontBody
                onClicked: screen.staff && screen.staff.unlocked ? screen.staff.backToMenu() : screen.access.close()
            }
        }
    }

    Text {
        anchors.top: bar.bottom
        anchors.left: side.right
        anchors.right: parent.right
        anchors.margins: Theme.margin
        visible: screen.selftest !== null && screen.selftest.rows.length === 0
        wrapMode: Text.WordWrap
        text: qsTr("点“开始检测”，检查摄像头、麦克风、喇叭、网络和打印机。")
        color: Theme.ink
        font.pixelSize: Theme.fontLarge
    }

    Grid {
        id: cards
        readonly property real cellWidth: (width - columnSpacing) / 2
        readonly property real cellHeight: (height - 2 * rowSpacing) / 3
        anchors.top: bar.bottom
        anchors.left: side.right
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        columns: 2
        rowSpacing: Theme.px(12)
        columnSpacing: Theme.px(16)
        Repeater {
            model: screen.selftest ? screen.selftest.rows : []
            Rectangle {
                required property var modelData
                objectName: "selfTestRow_" + modelData.name
                width: cards.cellWidth
                height: cards.cellHeight
                radius: Theme.radius / 2
                color: Theme.surface
                border.color: screen.statusColour(modelData.status)
                border.width: 4
                Text {
                    id: cardTitle
                    anchors.top: parent.top
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.margins: Theme.px(10)
                    height: implicitHeight
                    text: modelData.title + "：" + screen.statusWord(modelData.status)
                    color: screen.statusColour(modelData.status)
                    font.pixelSize: Theme.fontBody
                    font.bold: true
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: Theme.px(28)
                }
                Text {
                    anchors.top: cardTitle.bottom
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    anchors.margins: Theme.px(10)
                    anchors.topMargin: 0
                    wrapMode: Text.WordWrap
                    // What to do when something is wrong; what was found when all is well.
                    text: modelData.advice ? modelData.advice : modelData.message
                    color: Theme.ink
                    font.pixelSize: Theme.fontBody
                    fontSizeMode: Text.Fit
                    minimumPixelSize: Theme.px(28)
                    lineHeight: 0.9
                }
            }
        }
    }
}
