import QtQuick
import common

// Over the call screen: the plain question when the lawyer asks to record (同意录音录像 / 不同意),
// the red 录音录像中 sign with 停止录音 while recording, a short note after a refusal or a stop.
Item {
    id: panel
    objectName: "recordingPanel"
    property QtObject rec
    readonly property string step: rec ? rec.step : "hidden"
    visible: step !== "hidden"

    // The question covers the call: nothing is recorded until the villager answers.
    Rectangle {
        objectName: "recordingOverlay"
        anchors.fill: parent
        visible: panel.step === "asking"
        color: "#CC000000"
        MouseArea { anchors.fill: parent }  // the call's buttons wait behind the question

        Rectangle {
            objectName: "recordingQuestion"
            anchors.centerIn: parent
            width: Math.min(parent.width - Theme.px(64), Theme.px(1000))
            height: questionColumn.implicitHeight + Theme.px(64)
            radius: Theme.radius
            color: Theme.surface

            Column {
                id: questionColumn
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: Theme.px(32)
                spacing: Theme.px(24)

                Text {
                    width: parent.width
                    text: qsTr("律师想把这次通话录音录像")
                    color: Theme.ink
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
                Text {
                    width: parent.width
                    text: qsTr("录像用来调解或公证，加密保存在法律援助中心。您不同意，通话照样进行。录的时候您随时可以按“停止录音”。")
                    color: Theme.inkSoft
                    font.pixelSize: Theme.fontBody
                    wrapMode: Text.WordWrap
                    lineHeight: 1.2
                }
                Flow {
                    width: parent.width
                    spacing: Theme.px(24)
                    BigButton {
                        objectName: "agreeRecordingButton"
                        width: Math.max(implicitWidth, (parent.width - parent.spacing) / 2)
                        text: qsTr("同意录音录像")
                        colour: Theme.call
                        onClicked: panel.rec.agree()
                    }
                    BigButton {
                        objectName: "refuseRecordingButton"
                        width: Math.max(implicitWidth, (parent.width - parent.spacing) / 2)
                        text: qsTr("不同意")
                        colour: Theme.neutral
                        onClicked: panel.rec.refuse()
                    }
                }
            }
        }
    }

    // While recording: a red sign everyone can see, and the way to stop it.
    Row {
        objectName: "recordingIndicator"
        visible: panel.step === "recording"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: Theme.px(32)
        spacing: Theme.px(16)

        Rectangle {
            width: signText.implicitWidth + Theme.px(56)
            height: Theme.touchMin
            radius: height / 2
            color: Theme.danger
            Rectangle {
                id: dot
                width: Theme.px(22)
                height: width
                radius: width / 2
                color: "#FFFFFF"
                anchors.left: parent.left
                anchors.leftMargin: Theme.px(18)
                anchors.verticalCenter: parent.verticalCenter
                SequentialAnimation on opacity {
                    running: panel.step === "recording"
                    loops: Animation.Infinite
                    NumberAnimation { to: 0.2; duration: 700 }
                    NumberAnimation { to: 1.0; duration: 700 }
                }
            }
            Text {
                id: signText
                anchors.left: dot.right
                anchors.leftMargin: Theme.px(12)
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("录音录像中")
                color: "#FFFFFF"
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
        }
        BigButton {
            objectName: "stopRecordingButton"
            height: Theme.touchMin
            text: qsTr("停止录音")
            colour: "#FFFFFF"
            textColour: Theme.danger
            fontSize: Theme.fontBody
            onClicked: panel.rec.stop()
        }
    }

    // After a refusal or a stop: said once, quietly, at the top.
    Rectangle {
        objectName: "recordingNote"
        visible: panel.step === "refused" || panel.step === "stopped"
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: Theme.px(32)
        width: noteText.implicitWidth + Theme.px(40)
        height: noteText.implicitHeight + Theme.px(20)
        radius: Theme.px(12)
        color: "#B0000000"
        Text {
            id: noteText
            anchors.centerIn: parent
            text: panel.step === "stopped" ? qsTr("录音已停止") : qsTr("这次通话不录音")
            color: "#FFFFFF"
            font.pixelSize: Theme.fontBody
        }
    }
}
