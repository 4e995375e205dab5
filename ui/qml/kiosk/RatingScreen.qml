import QtQuick
import QtQuick.Controls.Basic
import common

// After a call: 您对这次服务满意吗？ Three large faces, or 跳过. Nothing here holds the idle timeout.
Rectangle {
    id: screen
    objectName: "ratingScreen"
    property QtObject vm
    color: Theme.background

    TopBar {
        id: bar
        anchors.left: parent.left
        anchors.right: parent.right
        title: qsTr("通话已结束")
        hint: screen.vm && screen.vm.trackingNumber !== "" ? qsTr("事项编号 %1").arg(screen.vm.trackingNumber) : ""
    }

    Text {
        id: question
        objectName: "ratingQuestion"
        anchors.top: bar.bottom
        anchors.topMargin: Theme.px(28) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: parent.width - 2 * Theme.margin
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("您对这次服务满意吗？")
        color: Theme.ink
        font.pixelSize: Theme.fontTitle
        font.bold: true
    }

    Row {
        id: faces
        anchors.top: question.bottom
        anchors.topMargin: Theme.px(28) / Theme.textScale
        anchors.bottom: skipButton.top
        anchors.bottomMargin: Theme.px(28) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: Theme.px(36)
        readonly property real faceWidth: Math.min(Theme.px(340), (screen.width - 2 * Theme.margin - 2 * spacing) / 3)

        Repeater {
            model: [
                { "score": 3, "name": "rateHappy", "icon": "happy", "label": qsTr("满意"), "colour": "#12703A" },
                { "score": 2, "name": "rateSoSo", "icon": "so_so", "label": qsTr("一般"), "colour": "#6B4E00" },
                { "score": 1, "name": "rateUnhappy", "icon": "unhappy", "label": qsTr("不满意"), "colour": "#8A1C1C" }
            ]
            delegate: Button {
                id: face
                required property var modelData
                objectName: modelData.name
                width: faces.faceWidth
                height: faces.height
                Accessible.name: modelData.label
                background: Rectangle {
                    radius: Theme.radius * 1.5
                    color: face.down ? Qt.darker(face.modelData.colour, 1.3) : face.modelData.colour
                }
                contentItem: Item {
                    Column {
                        anchors.centerIn: parent
                        width: parent.width
                        spacing: Theme.px(16)
                        Image {
                            anchors.horizontalCenter: parent.horizontalCenter
                            source: "../common/icons/faces/" + face.modelData.icon + ".svg"
                            width: Math.max(0, Math.min(Theme.px(180), face.width * 0.6,
                                                        face.height - faceLabel.implicitHeight - Theme.px(48)))
                            height: width
                            sourceSize.width: width
                            sourceSize.height: height
                        }
                        Text {
                            id: faceLabel
                            width: parent.width
                            horizontalAlignment: Text.AlignHCenter
                            text: face.modelData.label
                            color: Theme.onColour
                            font.pixelSize: Theme.text(52)
                            font.bold: true
                            fontSizeMode: Text.HorizontalFit
                            minimumPixelSize: Theme.fontBody
                        }
                    }
                }
                onClicked: screen.vm.rate(modelData.score)
            }
        }
    }

    BigButton {
        id: skipButton
        objectName: "skipRatingButton"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.px(36) / Theme.textScale
        anchors.horizontalCenter: parent.horizontalCenter
        width: Theme.px(440)
        text: qsTr("跳过")
        iconSource: "../common/icons/back.svg"
        colour: Theme.neutral
        onClicked: screen.vm.skipRating()
    }
}
