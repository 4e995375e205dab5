import QtQuick
import QtMultimedia

// One video stream: a VideoOutput whose sink is handed to a Python VideoFrameBridge.
Rectangle {
    id: pane
    property QtObject bridge: null
    property string waitingText: ""
    property string label: ""
    property alias output: videoOutput
    color: "#000000"
    radius: Theme.px(8)
    clip: true

    VideoOutput {
        id: videoOutput
        objectName: pane.objectName + "Output"
        anchors.fill: parent
        fillMode: VideoOutput.PreserveAspectFit
        Component.onCompleted: if (pane.bridge) pane.bridge.videoSink = videoOutput.videoSink
    }
    Text {
        anchors.centerIn: parent
        width: parent.width - Theme.px(24)
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        visible: pane.bridge !== null && !pane.bridge.active
        text: pane.waitingText
        color: "#FFFFFF"
        font.pixelSize: Theme.fontBody
    }
    Rectangle {
        visible: pane.label !== ""
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: Theme.px(8)
        width: labelText.implicitWidth + Theme.px(20)
        height: labelText.implicitHeight + Theme.px(8)
        radius: Theme.px(6)
        color: "#B0000000"
        Text {
            id: labelText
            anchors.centerIn: parent
            text: pane.label
            color: "#FFFFFF"
            font.pixelSize: Theme.fontBody
        }
    }
}
