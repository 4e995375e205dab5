import QtQuick
import QtQuick.Controls.Basic
import common

// One answer: question, answer in large text, numbered steps, the laws it rests on, a QR code to take
// it home, and the next steps (read aloud, a video call about this topic, the form).
Item {
    id: page
    property QtObject consult
    readonly property var answer: consult ? consult.answer : ({})
    readonly property int bodySize: Theme.text(consult ? consult.textSize : 36)

    Flickable {
        id: flick
        objectName: "answerFlick"
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: qrColumn.left
        anchors.bottom: actions.top
        anchors.margins: Theme.margin
        contentHeight: content.implicitHeight
        clip: true
        ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AlwaysOn }

        Column {
            id: content
            width: flick.width - Theme.px(40)
            spacing: Theme.px(18)
            Text {
                objectName: "answerQuestion"
                width: parent.width
                text: page.answer.question || ""
                color: Theme.consult
                font.pixelSize: Math.round(page.bodySize * 1.15)
                font.bold: true
                wrapMode: Text.WordWrap
            }
            Text {
                objectName: "answerText"
                width: parent.width
                text: page.answer.answer || ""
                color: Theme.ink
                font.pixelSize: page.bodySize
                lineHeight: 1.25
                wrapMode: Text.WordWrap
            }
            Text {
                width: parent.width
                text: qsTr("您可以这样做：")
                color: Theme.ink
                font.pixelSize: page.bodySize
                font.bold: true
            }
            Repeater {
                model: page.answer.steps || []
                delegate: Row {
                    required property string modelData
                    required property int index
                    width: content.width
                    spacing: Theme.px(12)
                    Rectangle {
                        width: page.bodySize * 1.4
                        height: width
                        radius: width / 2
                        color: Theme.consult
                        Text {
                            anchors.centerIn: parent
                            text: index + 1
                            color: Theme.onColour
                            font.pixelSize: page.bodySize * 0.8
                            font.bold: true
                        }
                    }
                    Text {
                        objectName: "answerStep_" + index
                        width: parent.width - page.bodySize * 1.4 - parent.spacing
                        text: modelData
                        color: Theme.ink
                        font.pixelSize: page.bodySize
                        lineHeight: 1.2
                        wrapMode: Text.WordWrap
                    }
                }
            }
            Text {
                width: parent.width
                text: qsTr("法律依据（点一下看条文）：")
                color: Theme.ink
                font.pixelSize: Theme.fontBody
                font.bold: true
            }
            Flow {
                width: parent.width
                spacing: Theme.px(12)
                Repeater {
                    model: page.answer.laws || []
                    delegate: Button {
                        id: lawButton
                        required property string modelData
                        required property int index
                        objectName: "answerLaw_" + index
                        height: Theme.touchMin + Theme.px(8)
                        Accessible.name: modelData
                        background: Rectangle {
                            radius: Theme.radius
                            color: lawButton.down ? "#D5E3F5" : "#E8F0FA"
                            border.color: Theme.consult
                            border.width: 2
                        }
                        contentItem: Text {
                            leftPadding: Theme.px(16)
                            rightPadding: Theme.px(16)
                            verticalAlignment: Text.AlignVCenter
                            text: lawButton.modelData
                            color: Theme.consult
                            font.pixelSize: Theme.fontBody
                            font.underline: true
                        }
                        onClicked: page.consult.openAnswerLaw(index)
                    }
                }
            }
        }
    }

    Column {
        id: qrColumn
        anchors.top: parent.top
        anchors.right: parent.right
        anchors.margins: Theme.margin
        width: Theme.px(330)
        spacing: Theme.px(10)
        Image {
            id: qrImage
            objectName: "answerQr"
            width: parent.width
            height: width
            source: page.consult ? page.consult.answerQr : ""
            smooth: false
            fillMode: Image.PreserveAspectFit
        }
        Text {
            width: parent.width
            text: qsTr("用手机扫一扫，把答案带回家")
            color: Theme.ink
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            objectName: "speechMessage"
            width: parent.width
            visible: text !== ""
            text: page.consult ? page.consult.speech.message : ""
            color: Theme.danger
            font.pixelSize: Theme.fontBody
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }

    Row {
        id: actions
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        height: Theme.buttonHeight
        spacing: Theme.px(16)
        readonly property real unit: (width - 4 * spacing) / 12

        ConsultTextSize {
            consult: page.consult
            height: parent.height
            buttonWidth: actions.unit
        }
        ConsultSpeechButton {
            width: actions.unit * 2.4
            implicitWidth: width
            height: parent.height
            speech: page.consult ? page.consult.speech : null
            onReadRequested: page.consult.readAnswer()
        }
        BigButton {
            objectName: "answerCall"
            width: actions.unit * 3.6
            implicitWidth: width
            height: parent.height
            visible: page.answer.canCall === true
            text: qsTr("找律师视频")
            iconSource: "../common/icons/video.svg"
            colour: Theme.call
            onClicked: page.consult.callLawyer()
        }
        BigButton {
            objectName: "answerForm"
            width: actions.unit * 4 - Theme.px(16)
            implicitWidth: width
            height: parent.height
            visible: (page.answer.formId || "") !== ""
            text: page.answer.formLabel || ""
            iconSource: "../common/icons/form.svg"
            colour: Theme.apply
            fontSize: Theme.fontBody
            onClicked: page.consult.openAnswerForm()
        }
    }
}
