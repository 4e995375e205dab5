import QtQuick
import QtQuick.Controls.Basic
import common

// A topic's common questions in big type; tap one for its answer.
Item {
    id: page
    property QtObject consult

    Text {
        id: hint
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.margins: Theme.margin
        text: qsTr("请点您想问的问题：")
        color: Theme.inkSoft
        font.pixelSize: Theme.fontBody
    }

    ListView {
        id: list
        objectName: "questionList"
        anchors.top: hint.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: Theme.margin
        anchors.topMargin: Theme.px(12)
        clip: true
        spacing: Theme.px(14)
        model: page.consult ? page.consult.questions : []
        ScrollBar.vertical: ScrollBar { width: Theme.px(24); policy: ScrollBar.AlwaysOn }
        delegate: Button {
            id: row
            required property var modelData
            required property int index
            objectName: "question_" + index
            width: list.width - Theme.px(40)
            height: Math.max(Theme.buttonHeight, label.implicitHeight + Theme.px(32))
            text: modelData.question
            background: Rectangle {
                radius: Theme.radius
                color: row.down ? "#E3ECF7" : Theme.surface
                border.color: Theme.border
                border.width: 2
            }
            contentItem: Text {
                id: label
                leftPadding: Theme.px(20)
                rightPadding: Theme.px(20)
                verticalAlignment: Text.AlignVCenter
                text: (row.index + 1) + ". " + row.text
                color: Theme.ink
                font.pixelSize: Theme.fontLarge
                wrapMode: Text.WordWrap
            }
            onClicked: page.consult.openQuestion(modelData.id)
        }
    }
}
