import QtQuick
import common

// Over the lawyer's call view: 请求录音 where the centre records this kind of matter, the wait for
// the villager's answer, the red 录音录像中 sign with 停止录音, and what came of it.
Item {
    id: panel
    objectName: "recordingPanel"
    property QtObject rec
    readonly property string step: rec ? rec.step : "hidden"
    visible: step !== "hidden"

    Row {
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: Theme.px(28)
        spacing: Theme.px(12)

        BigButton {
            objectName: "requestRecordingButton"
            visible: panel.step === "can_request"
            height: Theme.px(64)
            implicitWidth: Theme.px(220)
            text: qsTr("请求录音")
            colour: Theme.neutral
            fontSize: Theme.fontBody
            onClicked: panel.rec.request()
        }
        Rectangle {
            objectName: "recordingIndicator"
            visible: panel.step === "recording"
            width: signText.implicitWidth + Theme.px(48)
            height: Theme.px(64)
            radius: height / 2
            color: Theme.danger
            Rectangle {
                id: dot
                width: Theme.px(18)
                height: width
                radius: width / 2
                color: "#FFFFFF"
                anchors.left: parent.left
                anchors.leftMargin: Theme.px(16)
                anchors.verticalCenter: parent.verticalCenter
            }
            Text {
                id: signText
                anchors.left: dot.right
                anchors.leftMargin: Theme.px(10)
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("录音录像中")
                color: "#FFFFFF"
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
        }
        BigButton {
            objectName: "stopRecordingButton"
            visible: panel.step === "recording"
            height: Theme.px(64)
            implicitWidth: Theme.px(200)
            text: qsTr("停止录音")
            colour: "#FFFFFF"
            textColour: Theme.danger
            fontSize: Theme.fontBody
            onClicked: panel.rec.stop()
        }
        Rectangle {
            objectName: "recordingNote"
            visible: panel.step === "asking" || panel.step === "refused" || panel.step === "stopped"
            width: noteText.implicitWidth + Theme.px(32)
            height: Theme.px(64)
            radius: Theme.px(12)
            color: "#B0000000"
            Text {
                id: noteText
                anchors.centerIn: parent
                text: panel.step === "asking" ? qsTr("正在等村民同意录音…")
                    : panel.step === "refused" ? qsTr("村民不同意，这次不录音")
                    : qsTr("录音已停止，录像会上传到中心")
                color: "#FFFFFF"
                font.pixelSize: Theme.fontBody
            }
        }
    }
}
